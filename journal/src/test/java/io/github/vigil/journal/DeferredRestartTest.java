package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.Origin;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Termination;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash inside a trading freeze window is restarted at the window's end ({@code RestartDeferred}, then
 * {@code ScheduleStarted}): a restart, with its recovery from the exit to RUNNING. One left for a person is none.
 */
@Timeout(60)
class DeferredRestartTest {
  private static final Instant T0 = Instant.parse("2026-11-30T06:00:00Z");
  private static final Instant EXIT = Instant.parse("2026-11-30T06:55:05Z");
  private static final Instant WINDOW_END = Instant.parse("2026-11-30T06:55:55Z");

  @TempDir
  Path dir;

  @Test
  void aRestartDeferredToTheWindowsEndIsARestartWithItsRecovery() throws Exception {
    RestartReport r = report(WINDOW_END, true);
    assertThat(r.total()).isEqualTo(1);
    assertThat(r.timeline()).singleElement().satisfies(x -> {
      assertThat(x.cause()).isEqualTo(RestartCause.SIGNAL);
      assertThat(x.at()).isEqualTo(EXIT);
      assertThat(x.recovery()).isEqualTo(Duration.ofSeconds(55));
    });
    assertThat(r.mttr()).isEqualTo(Duration.ofSeconds(55));
    assertThat(r.tradeDays()).singleElement().satisfies(d -> assertThat(d.downtime()).isEqualTo(Duration.ofSeconds(55)));
  }

  @Test
  void aRestartDeferredWrittenBeforeItsExitIsARestartToo() throws Exception {
    // the journal hears RestartDeferred through the trading supervision and the exit from the supervisor, on two
    // threads: the deferral may be written first (Journal.attach(supervisor, trading))
    RestartReport r = report(WINDOW_END, true, true);
    assertThat(r.timeline()).singleElement().satisfies(x -> {
      assertThat(x.at()).isEqualTo(EXIT);
      assertThat(x.recovery()).isEqualTo(Duration.ofSeconds(55));
    });
    assertThat(report(null, false, true).total()).as("left for a person, written first").isZero();
  }

  @Test
  void aRestartLeftForAPersonIsNoRestart() throws Exception {
    RestartReport r = report(null, false);
    assertThat(r.total()).isZero();
    assertThat(r.mttr()).isNull();
  }

  /**
   * The session closed before the freeze window's end: the schedule stops the process and says why (ScheduleStopped,
   * heard through the trading supervision) before the stop's own events (heard from the supervisor, on another thread):
   * written in either order at one instant, the deferred restart is cancelled by the schedule's words. Without them it
   * said 'stop requested (API)'.
   */
  @Test
  void aDeferredRestartTheSessionsCloseCalledOffSaysSoWhicheverIsWrittenFirst() throws Exception {
    for (boolean scheduleFirst : new boolean[] {true, false}) {
      String url = "jdbc:sqlite:" + dir.resolve("closed-" + scheduleFirst + ".db");
      String p = "md-gw";
      try (Journal j = Journal.builder().url(url).host("gw").snapshotInterval(Duration.ZERO).build()) {
        ExitInfo crash = firstRunUntilItsCrash(j, p);
        j.onEvent(new SupervisorEvent.Exited(p, EXIT, 1, crash));
        j.onEvent(new SupervisorEvent.StateChanged(p, EXIT, ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS, crash.toString()));
        j.onEvent(new SupervisorEvent.RestartDeferred(p, EXIT, "closing-auction", WINDOW_END, crash));
        SupervisorEvent schedule = new SupervisorEvent.ScheduleStopped(p, WINDOW_END, LocalDate.of(2026, 11, 30), "the session closed");
        if (scheduleFirst) {
          j.onEvent(schedule);
        }
        j.onEvent(new SupervisorEvent.CommandIssued(p, WINDOW_END, SupervisorEvent.Command.STOP, Origin.API, "stop requested"));
        j.onEvent(new SupervisorEvent.StateChanged(p, WINDOW_END, ProcessState.CRASHED, ProcessState.STOPPED, Origin.API, "stop requested"));
        if (!scheduleFirst) {
          j.onEvent(schedule);
        }
        assertThat(j.flush(Duration.ofSeconds(10))).isTrue();
      }
      try (JournalReader reader = JournalReader.open(url, "gw")) {
        RestartReport r = reader.restarts(p, T0, T0.plus(Duration.ofHours(2)), ZoneOffset.UTC, TradeCalendar.calendarDays(ZoneOffset.UTC));
        assertThat(r.total()).isZero();
        assertThat(r.notRestarted()).as("schedule first: %s", scheduleFirst).singleElement().satisfies(n -> {
          assertThat(n.freezeWindow()).isEqualTo("closing-auction");
          assertThat(n.cancelledAt()).isEqualTo(WINDOW_END);
          assertThat(n.cancelledBy()).isEqualTo("stopped by its schedule, trade day 2026-11-30: the session closed");
        });
      }
    }
  }

  /** Writes {@code p}'s registration and first run up to RUNNING; returns the crash that ends it (SIGSEGV at EXIT), not yet written. */
  private static ExitInfo firstRunUntilItsCrash(Journal j, String p) {
    j.onEvent(new SupervisorEvent.Registered(p, T0, ProcessSpec.builder(p).command("/opt/md/gw").build()));
    j.onEvent(new SupervisorEvent.StateChanged(p, T0, ProcessState.STOPPED, ProcessState.STARTING, Origin.API, "start"));
    j.onEvent(new SupervisorEvent.Started(p, T0, 100, 1));
    j.onEvent(new SupervisorEvent.StateChanged(p, T0.plusSeconds(3), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS, "up"));
    return new ExitInfo(Termination.Signaled.of(11, false), ExitCause.SIGNALED, Duration.between(T0, EXIT), EXIT, "", -1);
  }

  private RestartReport report(Instant until, boolean restarted) throws Exception {
    return report(until, restarted, false);
  }

  private RestartReport report(Instant until, boolean restarted, boolean deferralFirst) throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("deferred-" + restarted + deferralFirst + ".db");
    String p = "md-gw";
    try (Journal j = Journal.builder().url(url).host("gw").snapshotInterval(Duration.ZERO).build()) {
      ExitInfo crash = firstRunUntilItsCrash(j, p);
      if (deferralFirst) {
        j.onEvent(new SupervisorEvent.RestartDeferred(p, EXIT, "closing-auction", until, crash));
      }
      j.onEvent(new SupervisorEvent.Exited(p, EXIT, 1, crash));
      j.onEvent(new SupervisorEvent.StateChanged(p, EXIT, ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS, crash.toString()));
      if (!deferralFirst) {
        j.onEvent(new SupervisorEvent.RestartDeferred(p, EXIT, "closing-auction", until, crash));
      }
      if (restarted) {
        LocalDate day = LocalDate.of(2026, 11, 30);
        j.onEvent(new SupervisorEvent.ScheduleStarted(p, WINDOW_END, day, "restart deferred by freeze window closing-auction"));
        j.onEvent(new SupervisorEvent.StateChanged(p, WINDOW_END, ProcessState.CRASHED, ProcessState.STARTING, Origin.API, "start"));
        j.onEvent(new SupervisorEvent.Started(p, WINDOW_END, 101, 2));
        j.onEvent(new SupervisorEvent.StateChanged(p, EXIT.plusSeconds(55), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS,
            "up"));
      }
      assertThat(j.flush(Duration.ofSeconds(10))).isTrue();
    }
    try (JournalReader reader = JournalReader.open(url, "gw")) {
      return reader.restarts(p, T0, T0.plus(Duration.ofHours(2)), ZoneOffset.UTC, TradeCalendar.calendarDays(ZoneOffset.UTC));
    }
  }
}
