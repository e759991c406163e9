package io.github.vigil.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.journal.Journal;
import io.github.vigil.journal.JournalEvent;
import io.github.vigil.journal.JournalReader;
import io.github.vigil.journal.RestartCause;
import io.github.vigil.journal.RestartReport;
import io.github.vigil.journal.TradeCalendar;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.TradingDayClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal attached with its {@link TradingSupervision} records the schedule's own events (session edges, the
 * schedule's starts and stops, a restart deferred by a freeze window) once each, and the supervisor's events once: the
 * crash inside the freeze window is then a restart in the report, with its recovery to the window's end; the
 * supervisor's stops at its close are journaled also when the trading supervision was closed first. Attached to
 * the supervisor alone, as the README showed, the journal heard none of the schedule's events and the report had no
 * restart (found by a black-box run). In this package for the core tests' fake backend.
 */
@Timeout(60)
class JournalScheduleEventsTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final TradingDayClock clock = TradingDayClock.startingAt(LONDON, LocalDate.of(2026, 6, 15), "07:30"); // a Monday
  private final FakeBackend backend = new FakeBackend();
  private final Supervisor sup = Supervisor.builder().name("ldn-journal").backend(backend).ticker(clock).scheduler(clock)
      .instantSource(clock).closeTimeout(Duration.ofSeconds(2)).build();
  private TradingSupervision trading;

  @TempDir
  Path dir;

  @AfterEach
  void tearDown() {
    if (trading != null) {
      trading.close();
    }
    sup.close();
  }

  @Test
  void theSchedulesEventsAreJournaledOnceAndADeferredRestartIsInTheReport() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("schedule.db");
    sup.register(ProcessSpec.builder("gw").command("sleep", "1000").startupGrace(Duration.ZERO)
        .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(5)))).autoStart(false).build());
    TradingCalendar lse = TradingCalendar.builder("lse").zone(LONDON).session(SessionRule.of("day", LocalTime.of(8, 0), LocalTime.of(16, 30)))
        .build();
    trading = TradingSupervision.builder(sup).schedule("gw", Schedule.inSession(lse)
            .withFreeze(FreezeWindow.daily("auction", LocalTime.of(12, 0), LocalTime.of(12, 2))))
        .instantSource(clock).scheduler(clock).build();
    try (Journal journal = Journal.builder().url(url).host("gw").clock(clock).snapshotInterval(Duration.ZERO).build()) {
      journal.attach(sup, trading);
      EventRecorder rec = new EventRecorder();
      trading.subscribe(rec);
      trading.start();
      clock.advanceTo(clock.at("08:00"));
      rec.awaitState("gw", ProcessState.RUNNING, 1, WAIT);
      clock.advanceTo(clock.at("12:01"));
      backend.exit("gw", 1); // inside the freeze window: restarted at 12:02
      rec.await(SupervisorEvent.RestartDeferred.class, e -> true, 1, WAIT);
      assertThat(sup.awaitIdle(WAIT)).isTrue();
      clock.advanceTo(clock.at("12:02"));
      rec.awaitState("gw", ProcessState.RUNNING, 2, WAIT);
      clock.advanceTo(clock.at("16:31"));
      rec.await(SupervisorEvent.ScheduleStopped.class, e -> true, 1, WAIT);
      rec.awaitState("gw", ProcessState.STOPPED, 1, WAIT);
      // the trading supervision closed before the supervisor: the supervisor's last stops are still journaled
      trading.close();
      sup.controller("gw").orElseThrow().start(WAIT);
      sup.close();
      assertThat(journal.flush(WAIT)).isTrue();
    }
    try (JournalReader reader = JournalReader.open(url, "gw")) {
      List<JournalEvent> events = reader.events(null, clock.at("07:30"), clock.at("17:30"), 1000);
      List<String> types = events.stream().map(JournalEvent::type).toList();
      assertThat(types).containsSubsequence("SessionOpened", "RestartDeferred", "ScheduleStarted", "SessionClosed", "ScheduleStopped");
      assertThat(types.stream().filter("ScheduleStarted"::equals)).as("at 08:00 and at the window's end").hasSize(2);
      assertThat(types.stream().filter("Exited"::equals)).as("the crash, the scheduled stop and the stop at the supervisor's close, "
          + "once each: %s", types).hasSize(3);
      assertThat(types).doesNotContain("OutsideWindow");
      RestartReport r = reader.restarts("gw", clock.at("07:30"), clock.at("17:00"), LONDON, TradeCalendar.calendarDays(LONDON));
      assertThat(r.timeline()).singleElement().satisfies(x -> {
        assertThat(x.cause()).isEqualTo(RestartCause.ERROR_EXIT);
        assertThat(x.at()).isEqualTo(clock.at("12:01"));
        assertThat(x.recovery()).isEqualTo(Duration.ofMinutes(1));
      });
    }
  }
}
