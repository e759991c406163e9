package io.github.vigil.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
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
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A freeze window that ends while the engine is still handling an exit it deferred (between the {@code Exited},
 * which {@link TradingSupervision} hears and defers, and the {@code CRASHED}, which the status shows) restarts it all
 * the same. The window's end read the status, saw the process still {@code RUNNING} and restarted nothing; the exit
 * then ended as one with supervision off, and the process stayed {@code CRASHED} until the next session. Found by
 * {@code DeferredRestartMetersTest}, which reached the window's end the moment it heard the deferral (6 of 40 runs);
 * here each repetition does so, with a real {@code sleep} killed by {@code SIGKILL} and a fake clock.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(300)
class DeferredRestartInFlightTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final LocalDate DAY = LocalDate.of(2026, 12, 14); // a Monday

  private final TradingDayClock clock = TradingDayClock.startingAt(LONDON, DAY, "07:30");

  @RepeatedTest(30)
  void aWindowThatEndsWhileTheDeferredExitIsHandledStillRestartsIt() throws Exception {
    TradingCalendar lse = TradingCalendar.builder("lse").zone(LONDON).session(SessionRule.of("day", LocalTime.of(8, 0), LocalTime.of(16, 30)))
        .build();
    try (Supervisor sup = Supervisor.builder().name("deferred-in-flight").backend("jdk").ticker(clock).scheduler(clock)
        .instantSource(clock).closeTimeout(Duration.ofSeconds(5)).build()) {
      ProcessController gw = sup.register(ProcessSpec.builder("gw").command("sleep", "1000").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(5)))).autoStart(false).build());
      try (TradingSupervision trading = TradingSupervision.builder(sup).schedule("gw", Schedule.inSession(lse)
              .withFreeze(FreezeWindow.daily("auction", LocalTime.of(12, 0), LocalTime.of(12, 2))))
          .instantSource(clock).scheduler(clock).build()) {
        EventRecorder rec = new EventRecorder();
        trading.subscribe(rec);
        trading.start();
        clock.advanceTo(clock.at("08:00"));
        rec.awaitState("gw", ProcessState.RUNNING, 1, WAIT);
        clock.advanceTo(clock.at("12:00").plusSeconds(30)); // inside the freeze window
        assertThat(ProcessHandle.of(gw.status().pid()).orElseThrow().destroyForcibly()).isTrue(); // SIGKILL
        rec.await(SupervisorEvent.RestartDeferred.class, e -> true, 1, WAIT);
        clock.advanceTo(clock.at("12:02")); // the window's end, at once: the engine may still be on its way to CRASHED
        rec.awaitState("gw", ProcessState.RUNNING, 2, WAIT);
        assertThat(rec.await(SupervisorEvent.ScheduleStarted.class, e -> e.reason().contains("freeze window auction"), 1, WAIT))
            .hasSize(1);
        gw.stop(WAIT);
      }
    }
  }
}
