package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.AttachSpec;
import io.github.vigil.AttachState;
import io.github.vigil.MatchedProcess;
import io.github.vigil.Origin;
import io.github.vigil.SupervisorEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An attachment's pid in {@link JournalReader#status} ({@link JournalReader#attachedPid}, the newest process it found and
 * has not lost) is read newest first from the time asked about back to the answer, not from every AttachedFound,
 * AttachedLost and Detached of the process since the journal began: per seed a random sequence of them (a few pids found
 * and lost again and again, ties in time, rows written out of time order, detaches, sequences longer than a page),
 * written through a {@link Journal} into SQLite, read at every row's time, a millisecond before it and after the last;
 * the answer is the old reading's, oldest first ({@link #oracle}), at each.
 */
@Timeout(120)
class AttachedPidTest {
  private static final Instant T = Instant.parse("2026-09-01T00:00:00Z");
  private static final int SEEDS = 500;

  @TempDir
  static Path dir;

  private static JournalReader reader;

  static LongStream seeds() {
    return LongStream.range(0, SEEDS);
  }

  @BeforeAll
  static void writeEverySeed() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("attachments.db");
    write(url, seeds());
    reader = JournalReader.open(url, null);
  }

  @AfterAll
  static void close() throws Exception {
    if (reader != null) {
      reader.close();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void theNewestPidFoundAndNotLostIsTheOldReadingsAtEveryTime(long seed) throws Exception {
    check(reader, seed);
  }

  /** The same on PostgreSQL (its keyset pages and its order of ties), fewer seeds: a server of its own. */
  @Test
  void onPostgres() throws Exception {
    assumeTrue(PostgresServer.unavailableReason().isEmpty(), () -> PostgresServer.unavailableReason().get());
    try (PostgresServer pg = PostgresServer.start("attached-pid")) {
      write(pg.url(), LongStream.range(0, 40));
      try (JournalReader r = JournalReader.open(pg.url(), null)) {
        for (long seed = 0; seed < 40; seed++) {
          check(r, seed);
        }
      }
    }
  }

  /**
   * A gateway JVM killed while its attachment watched pid 100 (no Detached, nor AttachedLost, journaled), then the next
   * JVM's attachment: it finds pid 200, which exits. At the millisecond of that exit, before the state change it leads to,
   * the attachment is still RUNNING and watches nothing: no pid. The killed JVM's pid 100 was shown, its Attached not
   * forgetting what the attachment found before, as a Detached does.
   */
  @Test
  void aNewAttachedForgetsThePidsAKilledJvmFound() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("attached-again.db");
    AttachSpec spec = AttachSpec.builder("feed").commandLine("feed --venue x").build();
    Instant t = Instant.now().minus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // within retention
    Instant exit = t.plusSeconds(120);
    try (Journal killed = Journal.builder().url(url).host("gw").snapshotInterval(Duration.ZERO).build()) {
      killed.onEvent(new SupervisorEvent.Attached("feed", t, spec, Origin.API, "main", "attached"));
      killed.onEvent(new SupervisorEvent.AttachedFound("feed", t.plusSeconds(1), new MatchedProcess(100, t, "feed", "feed --venue x")));
      killed.onEvent(new SupervisorEvent.AttachStateChanged("feed", t.plusSeconds(1), AttachState.NOT_FOUND, AttachState.RUNNING, "pid 100"));
      assertThat(killed.flush(Duration.ofSeconds(10))).isTrue();
    }
    try (Journal next = Journal.builder().url(url).host("gw").snapshotInterval(Duration.ZERO).build()) {
      MatchedProcess found = new MatchedProcess(200, t.plusSeconds(59), "feed", "feed --venue x");
      next.onEvent(new SupervisorEvent.Attached("feed", t.plusSeconds(60), spec, Origin.API, "main", "attached"));
      next.onEvent(new SupervisorEvent.AttachedFound("feed", t.plusSeconds(61), found));
      next.onEvent(new SupervisorEvent.AttachStateChanged("feed", t.plusSeconds(61), AttachState.NOT_FOUND, AttachState.RUNNING, "pid 200"));
      next.onEvent(new SupervisorEvent.AttachedLost("feed", exit, found));
      next.onEvent(new SupervisorEvent.AttachStateChanged("feed", exit.plusMillis(1), AttachState.RUNNING, AttachState.STOPPED, "pid 200 exited"));
      assertThat(next.flush(Duration.ofSeconds(10))).isTrue();
    }
    try (JournalReader r = JournalReader.open(url, null)) {
      assertThat(r.status(t.plusSeconds(30))).singleElement().extracting(s -> s.state() + " " + s.pid()).isEqualTo("RUNNING 100");
      assertThat(r.status(t.plusSeconds(90))).singleElement().extracting(s -> s.state() + " " + s.pid()).isEqualTo("RUNNING 200");
      assertThat(r.status(exit)).as("pid 200 exited, the state change not yet journaled").singleElement()
          .extracting(s -> s.state() + " " + s.pid()).isEqualTo("RUNNING null");
      assertThat(r.attachedPid("gw", "feed", exit.toEpochMilli())).isNull();
      assertThat(r.status(exit.plusSeconds(1))).singleElement().extracting(s -> s.state() + " " + s.pid()).isEqualTo("STOPPED null");
    }
  }

  /**
   * A daemon's first process (pid 100) found after the daemon it forked (pid 200, found first in the same look), then
   * its exit handed over to the daemon (AttachedHandedOver, no AttachedLost): the attachment watches pid 200. Without
   * the hand-over read as the loss of pid 100, the newest pid found and never lost was the exited 100.
   */
  @Test
  void aHandOverLosesThePidItWasFrom() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("handed-over.db");
    AttachSpec spec = AttachSpec.builder("nginx").processName("nginx").build();
    Instant t = Instant.now().minus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // within retention
    MatchedProcess daemon = new MatchedProcess(200, t, "nginx", "nginx: master process /usr/sbin/nginx");
    MatchedProcess first = new MatchedProcess(100, t.minusMillis(10), "nginx", "/usr/sbin/nginx");
    try (Journal j = Journal.builder().url(url).host("gw").snapshotInterval(Duration.ZERO).build()) {
      j.onEvent(new SupervisorEvent.Attached("nginx", t, spec, Origin.API, "main", "attached"));
      j.onEvent(new SupervisorEvent.AttachedFound("nginx", t.plusSeconds(1), daemon));
      j.onEvent(new SupervisorEvent.AttachedFound("nginx", t.plusSeconds(1), first));
      j.onEvent(new SupervisorEvent.AttachStateChanged("nginx", t.plusSeconds(1), AttachState.NOT_FOUND, AttachState.RUNNING, "2 processes"));
      j.onEvent(new SupervisorEvent.AttachedHandedOver("nginx", t.plusSeconds(2), first, daemon));
      assertThat(j.flush(Duration.ofSeconds(10))).isTrue();
    }
    try (JournalReader r = JournalReader.open(url, null)) {
      assertThat(r.attachedPid("gw", "nginx", t.plusSeconds(1).toEpochMilli())).as("before the hand-over: the newest found").isEqualTo(100L);
      assertThat(r.status(t.plusSeconds(3))).singleElement().extracting(s -> s.state() + " " + s.pid()).isEqualTo("RUNNING 200");
    }
  }

  private static void write(String url, LongStream seeds) {
    try (Journal j = Journal.builder().url(url).host("gw").snapshotInterval(Duration.ZERO).bufferCapacity(1_000_000).build()) {
      seeds.forEach(seed -> {
        for (Row row : sequence(seed)) {
          String p = process(seed);
          MatchedProcess m = new MatchedProcess(row.pid, row.at.minusSeconds(1), "feed", "feed --seed " + seed);
          j.onEvent(switch (row.type) {
            case FOUND -> new SupervisorEvent.AttachedFound(p, row.at, m);
            case LOST -> new SupervisorEvent.AttachedLost(p, row.at, m);
            case DETACHED -> new SupervisorEvent.Detached(p, row.at);
          });
        }
      });
      assertThat(j.flush(Duration.ofSeconds(60))).isTrue();
      assertThat(j.stats().eventsDropped()).as("events dropped").isZero();
    }
  }

  private static void check(JournalReader r, long seed) throws Exception {
    List<Row> rows = sequence(seed);
    TreeSet<Instant> times = new TreeSet<>();
    for (Row row : rows) {
      times.add(row.at);
      times.add(row.at.minusMillis(1));
    }
    times.add(times.last().plusSeconds(1));
    for (Instant t : times) {
      Long expected = oracle(rows, t);
      Long actual = r.attachedPid("gw", process(seed), t.toEpochMilli());
      assertThat(actual).as(() -> "seed " + seed + ": at " + t + " of " + rows.size() + " rows " + rows).isEqualTo(expected);
    }
  }

  private static String process(long seed) {
    return "feed-" + seed;
  }

  /**
   * The old reading, as {@link JournalReader} had it: every row at or before {@code t}, oldest first (by time, then by
   * the order written, which is the rows' ids), each found pid moved to the end of the live ones, each lost pid removed,
   * a detach clearing them; the last live one.
   */
  static @Nullable Long oracle(List<Row> rows, Instant t) {
    List<Row> upTo = new ArrayList<>();
    for (Row row : rows) {
      if (!row.at.isAfter(t)) {
        upTo.add(row);
      }
    }
    upTo.sort(Comparator.comparing(Row::at)); // stable: ties keep the order written
    LinkedHashSet<Long> live = new LinkedHashSet<>();
    for (Row row : upTo) {
      switch (row.type) {
        case FOUND -> {
          live.remove(row.pid);
          live.add(row.pid);
        }
        case LOST -> live.remove(row.pid);
        case DETACHED -> live.clear();
      }
    }
    Long newest = null;
    for (Long pid : live) {
      newest = pid;
    }
    return newest;
  }

  enum Type { FOUND, LOST, DETACHED }

  record Row(Type type, long pid, Instant at) {
    @Override
    public String toString() {
      return type + (type == Type.DETACHED ? "" : " " + pid) + " +" + Duration.between(T, at).toMillis();
    }
  }

  /**
   * Seed {@code seed}'s rows in the order written: 1 to 200 of them (pages of 64 are crossed), pids from a pool of 1 to 8
   * (found and lost again and again, lost ones never found), a detach rarely, each row 0 (a tie) to 10 minutes after the
   * one before, and one in ten written up to a minute before it.
   */
  static List<Row> sequence(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int n = 1 + random.nextInt(200);
    int pool = 1 + random.nextInt(8);
    int foundWeight = 1 + random.nextInt(10);
    int lostWeight = 1 + random.nextInt(10);
    double detach = random.nextDouble() < 0.3 ? 0 : random.nextDouble() * 0.05;
    List<Row> rows = new ArrayList<>();
    long at = 0;
    for (int i = 0; i < n; i++) {
      int step = random.nextInt(4);
      at += step == 0 ? 0 : step == 1 ? 1 : random.nextInt(600_000);
      long stamp = random.nextInt(10) == 0 ? Math.max(0, at - random.nextInt(60_000)) : at;
      Type type = random.nextDouble() < detach ? Type.DETACHED : random.nextInt(foundWeight + lostWeight) < foundWeight ? Type.FOUND : Type.LOST;
      rows.add(new Row(type, 1000 + random.nextInt(pool), T.plusMillis(stamp)));
    }
    return rows;
  }
}
