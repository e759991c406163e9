package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JournalReader#status} at a time in the past (a post-mortem's {@code vigil status --now 10:32}) reads the rows
 * stamped at or before it: it took each process's last events, last snapshot, last watch window and its attachment's pid
 * from the whole journal, so at 10:20 a process stopped at 11:00 read STOPPED, and an attachment the pid it found at 10:50
 * ({@link AsOfStory}).
 */
@Timeout(120)
class StatusAsOfTest {
  @TempDir
  Path dir;

  @Test
  void statusAtATimeInThePastShowsWhatWasTrueThenOnSqlite() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("morning.db");
    try (Journal j = Journal.builder().url(url).host(AsOfStory.HOST).snapshotInterval(Duration.ZERO).build()) {
      AsOfStory.write(j);
      assertThat(j.flush(Duration.ofSeconds(30))).isTrue();
    }
    try (JournalReader r = JournalReader.open(url, null)) {
      assertTheMorning(r);
    }
  }

  @Test
  void statusAtATimeInThePastShowsWhatWasTrueThenOnPostgres() throws Exception {
    assumeTrue(PostgresServer.unavailableReason().isEmpty(), () -> PostgresServer.unavailableReason().get());
    try (PostgresServer pg = PostgresServer.start("asof")) {
      try (Journal j = Journal.builder().url(pg.url()).host(AsOfStory.HOST).snapshotInterval(Duration.ZERO).build()) {
        AsOfStory.write(j);
        assertThat(j.flush(Duration.ofSeconds(30))).isTrue();
      }
      try (JournalReader r = JournalReader.open(pg.url(), null)) {
        assertTheMorning(r);
      }
    }
  }

  /**
   * The morning read at 10:20, 10:45 and 11:30, each process as a line of what status says (state, pid, since, its last
   * snapshot's time and run start, restarts in the 24 hours up to then, last seen, watch window), all of one time
   * compared at once.
   */
  static void assertTheMorning(JournalReader r) throws Exception {
    // 10:20: run 1 running since 10:00, the feed's first process found at 10:05; nothing crashed yet, late-job not there
    assertThat(lines(r.status(AsOfStory.AT_1020))).as("status at 10:20").containsExactly(
        "feed RUNNING pid 5100 since 10:05:00 snapshot - restarts 0 last seen 10:05:00 attachment, window open",
        "orders RUNNING pid 4100 since 10:00:02 snapshot 10:20:00 (run started 10:00:00) restarts 0 last seen 10:20:00");
    // 10:45: run 2 running since the crash's restart; the feed's first process lost at 10:40, the second not found yet
    assertThat(lines(r.status(AsOfStory.AT_1045))).as("status at 10:45").containsExactly(
        "feed STOPPED pid - since 10:40:00 snapshot - restarts 0 last seen 10:40:00 attachment, window open",
        "orders RUNNING pid 4200 since 10:30:03 snapshot 10:45:00 (run started 10:30:01) restarts 1 last seen 10:45:00");
    // 11:30: orders stopped at 11:00; the feed's second process running, its window closed at 11:15; late-job registered
    assertThat(lines(r.status(AsOfStory.AT_1130))).as("status at 11:30").containsExactly(
        "feed RUNNING pid 5200 since 10:50:00 snapshot - restarts 0 last seen 11:15:00 attachment, window closed",
        "late-job UNKNOWN pid - since - snapshot - restarts 0 last seen 11:10:00",
        "orders STOPPED pid - since 11:00:01 snapshot 11:30:00 (run started -) restarts 1 last seen 11:30:00");
    // a row stamped at the very time asked about is in it: at 10:40:00.000 the feed is lost, a millisecond before not yet
    Instant lost = AsOfStory.FEED_LOST;
    assertThat(lines(r.status(lost))).as("status at 10:40:00.000").first().asString().startsWith("feed STOPPED pid - since 10:40:00 ");
    assertThat(lines(r.status(lost.minusMillis(1)))).as("status at 10:39:59.999").first().asString()
        .startsWith("feed RUNNING pid 5100 since 10:05:00 ");
  }

  /** {@code all}, a line each. */
  static List<String> lines(List<ProcessSummary> all) {
    return all.stream().map(StatusAsOfTest::line).toList();
  }

  private static String line(ProcessSummary s) {
    JournalSnapshot snap = s.lastSnapshot();
    return s.process() + " " + s.state() + " pid " + (s.pid() == null ? "-" : s.pid()) + " since " + time(s.since()) + " snapshot "
        + (snap == null ? "-" : time(snap.at()) + " (run started " + time(snap.startedAt()) + ")") + " restarts " + s.restarts24h()
        + " last seen " + time(s.lastEvent()) + (s.attachment() ? " attachment, window " + (s.outsideWatchWindow() ? "closed" : "open") : "");
  }

  private static String time(@org.jspecify.annotations.Nullable Instant t) {
    return t == null ? "-" : java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss").withZone(java.time.ZoneOffset.UTC).format(t);
  }
}
