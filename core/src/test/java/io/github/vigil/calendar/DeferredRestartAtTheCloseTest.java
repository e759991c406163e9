package io.github.vigil.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.Origin;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.TradingDayClock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real {@code sleep} killed (SIGKILL) inside a freeze window that ends with the session (a closing auction, the last
 * 5 minutes of an 08:00 to 16:30 session): its restart deferred to the window's end. Where the schedule stops the
 * process after the close, the process is not meant to run then: at the close that restart is called off, the process
 * stopped with a {@code ScheduleStopped} that says the session closed. It was left due (CRASHED, "restart at 16:30")
 * until the schedule's stop at close plus lag, which then cancelled it as a plain stop; without a lag, stopped at the
 * close as "window over". Where the process is meant to run on after the close ({@code Schedule.always}), the restart
 * is done at the window's end.
 */
@Timeout(60)
class DeferredRestartAtTheCloseTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final LocalDate DAY = LocalDate.of(2026, 12, 14); // a Monday
  private static final FreezeWindow AUCTION = FreezeWindow.beforeClose("closing-auction", Duration.ofMinutes(5));

  private final TradingDayClock clock = TradingDayClock.startingAt(LONDON, DAY, "07:30");
  private final TradingCalendar lse = TradingCalendar.builder("lse").zone(LONDON)
      .session(SessionRule.of("day", LocalTime.of(8, 0), LocalTime.of(16, 30))).build();
  private final Supervisor sup = Supervisor.builder().name("auction").ticker(clock).scheduler(clock).instantSource(clock)
      .closeTimeout(Duration.ofSeconds(5)).build();
  private final ProcessController gw = sup.register(ProcessSpec.builder("gw").command("sleep", "1000").startupGrace(Duration.ZERO)
      .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(5)))).autoStart(false).build());
  private final EventRecorder rec = new EventRecorder();
  private TradingSupervision trading;

  @AfterEach
  void tearDown() {
    if (trading != null) {
      trading.close();
    }
    sup.close();
  }

  /** Starts {@code schedule} for gw, runs it until 16:26 and kills it there, inside the closing auction. */
  private void killedInTheAuction(Schedule schedule) throws Exception {
    trading = TradingSupervision.builder(sup).schedule("gw", schedule).instantSource(clock).scheduler(clock).build();
    trading.subscribe(rec);
    trading.start();
    if (schedule.kind() == Schedule.Kind.ALWAYS) {
      gw.start(WAIT);
    }
    clock.advanceTo(clock.at("08:00"));
    rec.awaitState("gw", ProcessState.RUNNING, 1, WAIT);
    clock.advanceTo(clock.at("16:26"));
    assertThat(ProcessHandle.of(gw.status().pid()).orElseThrow().destroyForcibly()).isTrue(); // SIGKILL
    SupervisorEvent.RestartDeferred d = rec.await(SupervisorEvent.RestartDeferred.class, e -> true, 1, WAIT).get(0);
    assertThat(d.restartAt()).contains(clock.at("16:30"));
    assertThat(sup.awaitIdle(WAIT)).isTrue();
    assertThat(gw.status().state()).isEqualTo(ProcessState.CRASHED);
  }

  /** At the close the deferred restart is called off: stopped at once, said so, and nothing started after the kill. */
  private void calledOffAtTheClose() throws Exception {
    SupervisorEvent.ScheduleStopped stopped = rec.await(SupervisorEvent.ScheduleStopped.class, e -> true, 1, WAIT).get(0);
    assertThat(stopped.at()).isEqualTo(clock.at("16:30"));
    assertThat(stopped.reason()).isEqualTo("the session closed before the end of freeze window closing-auction, to which its restart "
        + "was deferred: called off");
    SupervisorEvent.StateChanged down = rec.awaitState("gw", ProcessState.STOPPED, 1, WAIT).get(0);
    assertThat(down.at()).as("stopped at the close, not left due").isEqualTo(clock.at("16:30"));
    assertThat(down.from()).isEqualTo(ProcessState.CRASHED);
    assertThat(rec.of(SupervisorEvent.StateChanged.class, "gw")).filteredOn(s -> s.to() == ProcessState.STARTING).hasSize(1);
    assertThat(gw.statistics().restarts()).isZero();
  }

  @Test
  void aRestartDeferredToTheCloseIsCalledOffAtTheCloseWhenTheScheduleStopsTheProcessAfterIt() throws Exception {
    killedInTheAuction(Schedule.inSession(lse).withLag(Duration.ofMinutes(10)).withFreeze(AUCTION));
    clock.advanceTo(clock.at("16:30"));
    calledOffAtTheClose();
    clock.advanceTo(clock.at("16:40")); // the lag's end: nothing more to stop
    assertThat(sup.awaitIdle(WAIT)).isTrue();
    assertThat(rec.of(SupervisorEvent.ScheduleStopped.class, "gw")).hasSize(1);
    assertThat(gw.status().state()).isEqualTo(ProcessState.STOPPED);
  }

  @Test
  void withoutALagTheStopAtTheCloseSaysThatTheDeferredRestartIsCalledOff() throws Exception {
    killedInTheAuction(Schedule.inSession(lse).withFreeze(AUCTION));
    clock.advanceTo(clock.at("16:30"));
    calledOffAtTheClose();
  }

  @Test
  void aProcessMeantToRunAfterTheCloseIsRestartedAtTheWindowsEnd() throws Exception {
    killedInTheAuction(Schedule.always(lse).withFreeze(AUCTION));
    clock.advanceTo(clock.at("16:30"));
    SupervisorEvent.StateChanged restart = rec.awaitState("gw", ProcessState.STARTING, 2, WAIT).get(1);
    assertThat(restart.at()).isEqualTo(clock.at("16:30"));
    assertThat(restart.origin()).isEqualTo(Origin.POLICY);
    rec.awaitState("gw", ProcessState.RUNNING, 2, WAIT);
    assertThat(rec.of(SupervisorEvent.ScheduleStopped.class)).isEmpty();
    assertThat(gw.statistics().restarts()).isEqualTo(1);
    gw.stop(WAIT);
  }
}
