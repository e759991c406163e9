package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Origin;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.SupervisorEvent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every (host, process) pair {@link JournalReader#status} lists, found a pair at a time on the (host, process, at_ms)
 * indexes of events and snapshots: a host's many processes, one whose only events are 80 days old, one with snapshots and
 * no event, the same name on two hosts, names that differ in case and punctuation, in the database's order; and not a
 * trading calendar nor a group, even between two processes. The same from a journal of schema version 2, read with a scan.
 */
@Timeout(60)
class StatusPairsTest {
  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

  @TempDir
  Path dir;

  @Test
  void everyPairOnceInOrder() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("pairs.db");
    List<String> gw1 = new ArrayList<>();
    try (Journal j = journal(url, "gw1")) {
      for (int i = 0; i < 60; i++) {
        String p = String.format("worker-%02d", i);
        gw1.add(p);
        start(j, p, NOW.minus(Duration.ofHours(1)).plusSeconds(i));
      }
      start(j, "old", NOW.minus(Duration.ofDays(80)));
      start(j, "B", NOW.minus(Duration.ofHours(2)));
      start(j, "a-b", NOW.minus(Duration.ofHours(2)));
      start(j, "ab", NOW.minus(Duration.ofHours(2)));
      LocalDate day = LocalDate.of(2026, 12, 3);
      j.onEvent(new SupervisorEvent.SessionOpened("shfe", NOW.minus(Duration.ofHours(3)), day, "day", NOW));
      j.onEvent(new SupervisorEvent.GroupStateChanged("worker-30a", NOW, io.github.vigil.GroupState.STOPPED, io.github.vigil.GroupState.RUNNING,
          Origin.API, "group started"));
      assertThat(j.flush(Duration.ofSeconds(10))).isTrue();
    }
    try (Journal j = journal(url, "gw2")) {
      start(j, "worker-07", NOW.minus(Duration.ofMinutes(5)));
      start(j, "zeta", NOW.minus(Duration.ofMinutes(5)));
      assertThat(j.flush(Duration.ofSeconds(10))).isTrue();
    }
    try (Connection c = DriverManager.getConnection(url); PreparedStatement p = c.prepareStatement(Writer.INSERT_SNAPSHOT)) {
      // a process running since before the events' retention: snapshots, no event
      Object[] row = {"gw2", "steady", NOW.minusSeconds(60).toEpochMilli(), "RUNNING", 4242L, 1.0, 1000L, 0.1, 60_000L, 0L, 0, "HEALTHY",
          null, 0.1, null};
      for (int i = 0; i < row.length; i++) {
        p.setObject(i + 1, row[i]);
      }
      p.executeUpdate();
    }
    List<String> expected = new ArrayList<>();
    for (String p : List.of("B", "a-b", "ab", "old")) {
      expected.add("gw1 " + p);
    }
    gw1.forEach(p -> expected.add("gw1 " + p));
    expected.addAll(List.of("gw2 steady", "gw2 worker-07", "gw2 zeta"));
    assertPairs(url, expected);
    // a journal of schema version 2 (written by an earlier Vigil, its snapshots not indexed by host) lists the same
    try (Connection c = DriverManager.getConnection(url); var s = c.createStatement()) {
      s.execute("DROP INDEX snapshots_host_process_at");
      s.execute("DROP INDEX events_host_process_type_at");
      s.execute("DELETE FROM journal_schema WHERE version >= 3");
    }
    assertPairs(url, expected);
  }

  private static void assertPairs(String url, List<String> expected) throws Exception {
    try (JournalReader r = JournalReader.open(url, null)) {
      List<ProcessSummary> status = r.status(NOW);
      assertThat(status).extracting(s -> s.host() + " " + s.process()).containsExactlyElementsOf(expected);
      assertThat(status).filteredOn(s -> s.process().equals("old")).singleElement().extracting(ProcessSummary::state).isEqualTo("RUNNING");
      assertThat(status).filteredOn(s -> s.process().equals("steady")).singleElement()
          .satisfies(s -> assertThat(s.state()).isEqualTo("RUNNING"), s -> assertThat(s.lastSnapshot().pid()).isEqualTo(4242L));
    }
    try (JournalReader r = JournalReader.open(url, "gw2")) {
      assertThat(r.status(NOW)).extracting(s -> s.host() + " " + s.process()).containsExactly("gw2 steady", "gw2 worker-07", "gw2 zeta");
    }
    try (JournalReader r = JournalReader.open(url, "gw3")) {
      assertThat(r.status(NOW)).isEmpty();
    }
  }

  private static Journal journal(String url, String host) {
    return Journal.builder().url(url).host(host).clock(InstantSource.fixed(NOW)).snapshotInterval(Duration.ZERO).build();
  }

  private static void start(Journal j, String p, Instant at) {
    j.onEvent(new SupervisorEvent.Registered(p, at, ProcessSpec.builder(p).command("/opt/" + p).build()));
    j.onEvent(new SupervisorEvent.StateChanged(p, at, ProcessState.STOPPED, ProcessState.STARTING, Origin.API, "start"));
    j.onEvent(new SupervisorEvent.Started(p, at, 100, 1));
    j.onEvent(new SupervisorEvent.StateChanged(p, at.plusSeconds(2), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS, "up"));
  }
}
