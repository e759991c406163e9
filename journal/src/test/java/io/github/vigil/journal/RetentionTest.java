package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.HealthState;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Termination;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each table keeps its own number of days; cleanup runs by itself on the writer thread, and only this host's rows go. */
@Timeout(60)
class RetentionTest {
  @TempDir
  Path dir;

  private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

  @Test
  void eachTableKeepsItsDaysAndCleanupRunsByItself() throws Exception {
    AtomicReference<Instant> now = new AtomicReference<>(NOW);
    InstantSource clock = now::get;
    Path db = dir.resolve("j.db");
    Retention retention = Retention.days(10, 20, 3).withCleanupEvery(Duration.ofHours(1));
    try (Journal j = Journal.builder().sqlite(db).host("gw1").clock(clock).retention(retention).snapshotInterval(Duration.ZERO)
        .batchInterval(Duration.ofMillis(50)).build();
        Journal other = Journal.builder().sqlite(db).host("gw2").clock(clock).retention(Retention.days(1000, 1000, 1000))
            .snapshotInterval(Duration.ZERO).build()) {
      // a run started and ended every day for 30 days, and a snapshot each day, on two hosts
      for (int day = 30; day >= 1; day--) {
        Instant t = NOW.minus(Duration.ofDays(day));
        for (Journal jj : new Journal[] {j, other}) {
          jj.onEvent(new SupervisorEvent.Started("p", t, 1000 + day, 31 - day));
          jj.onEvent(new SupervisorEvent.Exited("p", t.plusSeconds(60), 31 - day,
              new ExitInfo(new Termination.Exited(1), ExitCause.ERROR_EXIT, Duration.ofSeconds(60), t.plusSeconds(60), "", -1)));
          jj.recordSnapshot(new ProcessStatus("p", ProcessState.RUNNING, 1000 + day, t, Duration.ofSeconds(30), 0, null, HealthState.UNKNOWN,
              true, ""), null, t.plusSeconds(30), Duration.ofMillis(1), null);
        }
      }
      j.flush(Duration.ofSeconds(10));
      other.flush(Duration.ofSeconds(10));
      try (JournalReader r = JournalReader.open(db.toString(), "gw1")) {
        assertThat(r.count("events")).isEqualTo(60);
        assertThat(r.count("snapshots")).isEqualTo(30);
      }
      // an hour later the writer's own cleanup is due, with nothing else to write
      now.set(NOW.plus(Duration.ofHours(1)).plusSeconds(1));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (j.stats().rowsDeleted() == 0 && System.nanoTime() < deadline) {
        j.flush(Duration.ofSeconds(1));
        Thread.sleep(20);
      }
      try (JournalReader r = JournalReader.open(db.toString(), "gw1")) {
        // events 10 days (days 1..9 kept: day 10 is 10 days + 1 h old), runs 20 days, snapshots 3 days
        assertThat(r.count("events")).isEqualTo(9 * 2);
        assertThat(r.count("runs")).isEqualTo(19);
        assertThat(r.count("snapshots")).isEqualTo(2);
      }
      assertThat(j.stats().rowsDeleted()).isEqualTo((60 - 18) + (30 - 19) + (30 - 2));
      try (JournalReader r = JournalReader.open(db.toString(), "gw2")) {
        assertThat(r.count("events")).as("another host's rows are its own journal's to delete").isEqualTo(60);
      }
    }
  }

  @Test
  void aRetentionOfNoDaysIsRefusedInDays() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Retention.days(0, 1, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retention events must be at least 1 day: 0");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Retention.days(30, 90, -1))
        .hasMessage("retention snapshots must be at least 1 day: -1");
  }

  @Test
  void tradeCalendarPutsTheNightSessionOnTheNextWeekday() {
    TradeCalendar c = TradeCalendar.weekdays(ZoneOffset.ofHours(8), java.time.LocalTime.of(21, 0));
    assertThat(c.tradeDay(Instant.parse("2026-11-27T12:59:00Z"))).as("Friday 20:59").isEqualTo("2026-11-27");
    assertThat(c.tradeDay(Instant.parse("2026-11-27T13:00:00Z"))).as("Friday 21:00 night session").isEqualTo("2026-11-30");
    assertThat(c.tradeDay(Instant.parse("2026-11-28T02:00:00Z"))).as("Saturday").isEqualTo("2026-11-30");
    assertThat(c.tradeDay(Instant.parse("2026-12-01T01:00:00Z"))).as("Tuesday 09:00").isEqualTo("2026-12-01");
    assertThat(TradeCalendar.calendarDays(ZoneOffset.UTC).tradeDay(Clock.fixed(NOW, ZoneOffset.UTC).instant())).isEqualTo("2026-11-30");
  }
}
