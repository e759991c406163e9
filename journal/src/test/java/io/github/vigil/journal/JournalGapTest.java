package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Origin;
import io.github.vigil.ProcessSpec;
import io.github.vigil.SupervisorEvent;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Events dropped while the database could not be written (here a real SQLite file another connection holds locked)
 * are said in the journal itself: an EventsDropped row per process, with the count and the time span, and the restart
 * report says its figures lack them. They were counted and logged, but the record read as if nothing had happened
 * (found by a black-box run).
 */
@Timeout(120)
class JournalGapTest {
  private static final Instant T = Instant.parse("2026-11-30T01:00:00Z");

  @TempDir
  Path dir;

  @Test
  void eventsDroppedWhileTheDatabaseIsLockedAreNamedInTheJournal() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("gap.db");
    long dropped;
    try (Journal j = Journal.builder().url(url).host("gw").snapshotInterval(Duration.ZERO).bufferCapacity(20).build()) {
      j.onEvent(new SupervisorEvent.Registered("feed", T, ProcessSpec.builder("feed").command("/opt/feed").build()));
      assertThat(j.flush(Duration.ofSeconds(30))).isTrue(); // the schema is there
      try (Connection holder = DriverManager.getConnection(url); Statement st = holder.createStatement()) {
        st.execute("BEGIN EXCLUSIVE"); // the writer waits for the lock (busy timeout 5 s): its buffer fills, then drops
        for (int i = 1; i <= 100; i++) {
          j.onEvent(new SupervisorEvent.CommandIssued("feed", T.plusSeconds(i), SupervisorEvent.Command.START, Origin.API, "start " + i));
        }
        dropped = j.stats().eventsDropped();
        assertThat(dropped).as("%s", j.stats()).isPositive();
        st.execute("COMMIT");
      }
      assertThat(j.flush(Duration.ofSeconds(30))).isTrue();
      j.onEvent(new SupervisorEvent.CommandIssued("feed", T.plusSeconds(200), SupervisorEvent.Command.STOP, Origin.API, "stop"));
      assertThat(j.flush(Duration.ofSeconds(30))).isTrue();
    }
    try (JournalReader r = JournalReader.open(url, null)) {
      List<JournalEvent> gaps = r.events("feed", T, T.plusSeconds(300), 1000).stream().filter(e -> e.type().equals("EventsDropped")).toList();
      assertThat(gaps).singleElement().satisfies(g -> {
        assertThat(g.metricValue()).isEqualTo((double) dropped);
        assertThat(g.reason()).startsWith(dropped + (dropped == 1 ? " event" : " events") + " of feed dropped between 2026-11-30T01:").contains("buffer was full");
      });
      RestartReport report = r.restarts("feed", T, T.plusSeconds(300), ZoneOffset.UTC, TradeCalendar.calendarDays(ZoneOffset.UTC));
      assertThat(report.suggestions().get(0)).startsWith("the journal lost " + dropped + (dropped == 1 ? " event" : " events") + " of feed in this period");
    }
  }
}
