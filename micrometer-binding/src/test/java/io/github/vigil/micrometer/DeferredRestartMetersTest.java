package io.github.vigil.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.calendar.FreezeWindow;
import io.github.vigil.calendar.Schedule;
import io.github.vigil.calendar.SessionRule;
import io.github.vigil.calendar.TradingCalendar;
import io.github.vigil.calendar.TradingSupervision;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.TradingDayClock;
import io.github.vigil.testing.Processes;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real {@code sleep} killed (SIGKILL) inside a trading freeze window and restarted at the window's end: that restart is
 * counted in {@code vigil.process.restarts{cause=signaled}}, as a restart after a backoff is. It was done as an API start,
 * which the binding (counting the policy's STARTING) did not count.
 */
@Timeout(60)
class DeferredRestartMetersTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final LocalDate DAY = LocalDate.of(2026, 12, 14); // a Monday

  private final TradingDayClock clock = TradingDayClock.startingAt(LONDON, DAY, "07:30");

  @Test
  void aRestartDeferredToTheWindowsEndIsCountedInTheRestartsMeter() throws Exception {
    TradingCalendar lse = TradingCalendar.builder("lse").zone(LONDON).session(SessionRule.of("day", LocalTime.of(8, 0), LocalTime.of(16, 30)))
        .build();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Supervisor sup = Supervisor.builder().name("deferred-meters").backend("jdk").ticker(clock).scheduler(clock)
        .instantSource(clock).closeTimeout(Duration.ofSeconds(5)).build();
        VigilMetrics metrics = VigilMetrics.builder(sup).sampleInterval(Duration.ofDays(1)).build()) {
      metrics.bindTo(registry);
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
        // the exit handled (CRASHED) before the window's end, as minutes apart on a real clock: heard at once, the
        // deferral let the fake clock reach the end while the engine was still between the Exited and the CRASHED
        assertThat(sup.awaitIdle(WAIT)).isTrue();
        clock.advanceTo(clock.at("12:02")); // the window's end
        rec.awaitState("gw", ProcessState.RUNNING, 2, WAIT);
        assertThat(sup.awaitIdle(WAIT)).isTrue();
        FunctionCounter signaled = registry.get("vigil.process.restarts").tags("process", "gw", "cause", "signaled").functionCounter();
        assertThat(Processes.eventually(WAIT, () -> signaled.count() == 1)).as("restarts{cause=signaled}: %s", signaled.count()).isTrue();
        double all = registry.get("vigil.process.restarts").tags("process", "gw").functionCounters().stream()
            .mapToDouble(FunctionCounter::count).sum();
        assertThat(all).isEqualTo(1);
        gw.stop(WAIT);
      }
    }
  }
}
