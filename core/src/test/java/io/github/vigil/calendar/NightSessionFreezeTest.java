package io.github.vigil.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.SupervisorEvent.RestartDeferred;
import io.github.vigil.SupervisorEvent.Started;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.TradingDayClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A daily freeze window inside a night session that is held on a date that is no trading day: the example Shanghai
 * calendar's Friday night session (Monday's, from Friday 21:00 to Saturday 02:30) and a "night-close" window from 02:25
 * to 02:30. Daily windows were placed on trading days' dates only, so the one on Saturday, the close of Friday's night
 * session, did not exist: a crash there was restarted at once (a black-box run found the same of a Sunday evening session
 * opening for Monday, whose daily window never froze anything). A real process, killed on the virtual clock.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class NightSessionFreezeTest {
  private static final ZoneId SH = ZoneId.of("Asia/Shanghai");
  private static final Duration WAIT = Duration.ofSeconds(20);

  // Friday, before the night session of Monday 15 June
  private final TradingDayClock clock = TradingDayClock.startingAt(SH, LocalDate.of(2026, 6, 12), "20:00");
  private final Supervisor sup = Supervisor.builder().name("night").ticker(clock).scheduler(clock)
      .instantSource(clock).closeTimeout(Duration.ofSeconds(10)).build();
  private final EventRecorder rec = new EventRecorder();
  private TradingSupervision trading;

  @AfterEach
  void tearDown() {
    if (trading != null) {
      trading.close();
    }
    sup.close();
  }

  @Test
  void theNightCloseWindowOfFridaysNightSessionFreezesOnSaturday() throws Exception {
    ProcessController gw = sup.register(ProcessSpec.builder("gateway").command("sleep", "1000").startupGrace(Duration.ZERO)
        .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(5)))).autoStart(false).build());
    TradingCalendar shfe = ExampleCalendars.shfe();
    Schedule schedule = Schedule.always(shfe).withFreeze(FreezeWindow.daily("night-close", LocalTime.of(2, 25), LocalTime.of(2, 30)));
    trading = TradingSupervision.builder(sup).instantSource(clock).scheduler(clock).schedule("gateway", schedule).build();
    trading.subscribe(rec); // the supervisor's events and the schedule's
    trading.start();
    gw.start().toCompletableFuture().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    rec.awaitState("gateway", ProcessState.RUNNING, 1, WAIT);

    // Friday 20:00: no window
    assertThat(trading.state("gateway").orElseThrow().frozenBy()).isNull();
    // Saturday 02:26, inside Friday's night session (Monday's trade day), in its night-close window
    clock.advanceTo(clock.at(2026, 6, 13, "02:26"));
    assertThat(shfe.sessionAt(clock.instant())).isPresent();
    assertThat(trading.state("gateway").orElseThrow().frozenBy()).as("the freeze in force at Saturday 02:26")
        .isEqualTo("night-close");

    ProcessHandle.of(gw.status().pid()).orElseThrow().destroyForcibly();
    SupervisorEvent after = rec.await(SupervisorEvent.class,
        e -> e.process().equals("gateway") && (e instanceof RestartDeferred || e instanceof SupervisorEvent.RestartScheduled), 1, WAIT).get(0);
    assertThat(after).as("what followed the crash at Saturday 02:26").isInstanceOf(RestartDeferred.class);
    RestartDeferred deferred = (RestartDeferred) after;
    assertThat(deferred.window()).isEqualTo("night-close");
    assertThat(deferred.restartAt()).contains(clock.at(2026, 6, 13, "02:30"));
    rec.awaitState("gateway", ProcessState.CRASHED, 1, WAIT);
    clock.advanceTo(clock.at(2026, 6, 13, "02:29"));
    assertThat(gw.status().state()).isEqualTo(ProcessState.CRASHED);
    clock.advanceTo(clock.at(2026, 6, 13, "02:30"));
    List<Started> starts = rec.await(Started.class, e -> e.process().equals("gateway"), 2, WAIT);
    assertThat(starts.get(1).at()).isEqualTo(clock.at(2026, 6, 13, "02:30"));

    // Sunday 02:26 is in no session: no window there (a daily window on a date that is no trading day is only where a
    // session is open)
    clock.advanceTo(clock.at(2026, 6, 14, "02:26"));
    assertThat(shfe.sessionAt(clock.instant())).isEmpty();
    assertThat(trading.state("gateway").orElseThrow().frozenBy()).isNull();
  }
}
