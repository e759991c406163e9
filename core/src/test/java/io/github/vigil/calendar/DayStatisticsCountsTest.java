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
import io.github.vigil.testing.Processes;
import io.github.vigil.testing.TradingDayClock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a trade day's {@link DayStatistics} counts as a recovery and as a deferred restart, on the virtual clock and the
 * fake backend (exits when the test says). A restart whose run crashes again half a second after RUNNING is no recovery:
 * the recovery counts once a run stays up for its restart policy's {@code stableAfter} (the run after which the policy's
 * backoff starts again from its first delay), its time from the first crash of the loop. A deferral a person (a stop, a
 * removal) or the close called off is no deferred restart: {@code deferredRestarts} counts the restarts deferred to a
 * freeze window's end and done there. Both were counted: recoveries 2 (MTTR 5 s) for a crash loop that had not come up,
 * and a deferred restart for every {@code RestartDeferred}, done or not.
 */
@Timeout(60)
class DayStatisticsCountsTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final LocalDate DAY = LocalDate.of(2026, 12, 14); // a Monday
  private static final String DEFERRED = "restart deferred by freeze window auction";

  private final TradingDayClock clock = TradingDayClock.startingAt(LONDON, DAY, "07:30");
  private final FakeBackend backend = new FakeBackend();
  private final Supervisor sup = Supervisor.builder().name("day-stats").backend(backend).ticker(clock).scheduler(clock)
      .instantSource(clock).closeTimeout(Duration.ofSeconds(5)).build();
  private final TradingCalendar lse = TradingCalendar.builder("lse").zone(LONDON)
      .session(SessionRule.of("day", LocalTime.of(8, 0), LocalTime.of(16, 30))).build();
  private final Schedule schedule = Schedule.inSession(lse).withFreeze(FreezeWindow.daily("auction", LocalTime.of(12, 0), LocalTime.of(12, 2)));
  private final EventRecorder rec = new EventRecorder();
  private TradingSupervision trading;

  @AfterEach
  void tearDown() {
    if (trading != null) {
      trading.close();
    }
    sup.close();
  }

  /** A process restarted 5 s after a failure; runs stable after the default 60 s. */
  private ProcessController register(String name) {
    return sup.register(ProcessSpec.builder(name).command("sleep", "1000").startupGrace(Duration.ZERO)
        .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(5)))).autoStart(false).build());
  }

  private void startTrading(Schedule s, String... names) throws InterruptedException {
    TradingSupervision.Builder b = TradingSupervision.builder(sup).instantSource(clock).scheduler(clock);
    for (String n : names) {
      b.schedule(n, s);
    }
    trading = b.build();
    trading.subscribe(rec);
    trading.start();
    clock.advanceTo(clock.at("08:00"));
    for (String n : names) {
      rec.awaitState(n, ProcessState.RUNNING, 1, WAIT);
    }
  }

  /** Fails {@code name}'s run now and lets its 5 s backoff run out: RUNNING again (its {@code runs}th time). */
  private void crashAndRestart(String name, int runs) throws InterruptedException {
    backend.exit(name, 3);
    rec.await(SupervisorEvent.RestartScheduled.class, e -> e.process().equals(name), runs - 1, WAIT);
    assertThat(Processes.eventually(WAIT, () -> clock.pending().contains(Duration.ofSeconds(5)))).isTrue();
    clock.advance(Duration.ofSeconds(5));
    rec.awaitState(name, ProcessState.RUNNING, runs, WAIT);
  }

  @Test
  void aRestartWhoseRunCrashesHalfASecondAfterRunningIsNoRecovery() throws Exception {
    register("gw");
    startTrading(schedule, "gw");
    clock.advanceTo(clock.at("10:00"));
    crashAndRestart("gw", 2); // RUNNING at 10:00:05
    clock.advance(Duration.ofMillis(500));
    crashAndRestart("gw", 3); // crashed at 10:00:05.5, RUNNING at 10:00:10.5
    assertThat(sup.awaitIdle(WAIT)).isTrue();

    DayStatistics early = trading.statistics().forDay(DAY, "gw");
    assertThat(early.crashes()).isEqualTo(2);
    assertThat(early.restarts()).isEqualTo(2);
    assertThat(early.recoveries()).as("no run has stayed up for 60 s yet: nothing recovered").isZero();
    assertThat(early.meanTimeToRecover()).isEqualTo(Duration.ZERO);

    clock.advanceTo(clock.at("10:01").plusMillis(10_500)); // the last run up for 60 s
    DayStatistics later = trading.statistics().forDay(DAY, "gw");
    assertThat(later.recoveries()).as("one recovery: the crash loop's, once a run stayed up").isEqualTo(1);
    assertThat(later.meanTimeToRecover()).as("from the first crash to RUNNING of the run that stayed up").isEqualTo(Duration.ofMillis(10_500));
    assertThat(later.crashes()).isEqualTo(2);
  }

  @Test
  void aRunThatStaysUpPastItsStableWindowIsARecoveryWhenItEndsOrWhenAsked() throws Exception {
    register("gw");
    startTrading(schedule, "gw");
    clock.advanceTo(clock.at("10:00"));
    crashAndRestart("gw", 2); // RUNNING at 10:00:05
    clock.advanceTo(clock.at("10:05"));
    crashAndRestart("gw", 3); // the run up for 5 min: a recovery of 5 s; the next one not yet stable
    assertThat(sup.awaitIdle(WAIT)).isTrue();
    assertThat(trading.statistics().forDay(DAY, "gw")).satisfies(s -> {
      assertThat(s.recoveries()).isEqualTo(1);
      assertThat(s.meanTimeToRecover()).isEqualTo(Duration.ofSeconds(5));
    });
  }

  @Test
  void aDeferredRestartAPersonCalledOffByAStopIsNotCounted() throws Exception {
    ProcessController gw = register("gw");
    register("probe");
    startTrading(schedule, "gw", "probe");
    clock.advanceTo(clock.at("12:00").plusSeconds(30));
    crashInsideTheWindow("gw");
    assertThat(gw.stop(WAIT).state()).isEqualTo(ProcessState.STOPPED); // a person stops it: its restart is called off
    crashInsideTheWindow("probe");
    awaitWindowsEnd("probe");
    assertThat(sup.awaitIdle(WAIT)).isTrue();

    assertThat(trading.statistics().forDay(DAY, "gw").deferredRestarts()).as("called off by the stop").isZero();
    assertThat(trading.statistics().forDay(DAY, "probe").deferredRestarts()).as("done at the window's end").isEqualTo(1);
    assertThat(trading.statistics().forDay(DAY).deferredRestarts()).isEqualTo(1);
  }

  @Test
  void aDeferredRestartOfAProcessRemovedIsNotCounted() throws Exception {
    register("gw");
    register("probe");
    startTrading(schedule, "gw", "probe");
    clock.advanceTo(clock.at("12:00").plusSeconds(30));
    crashInsideTheWindow("gw");
    sup.remove("gw").toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    crashInsideTheWindow("probe");
    awaitWindowsEnd("probe");

    assertThat(trading.statistics().forDay(DAY, "gw").deferredRestarts()).as("removed: no restart").isZero();
    assertThat(trading.statistics().forDay(DAY).deferredRestarts()).isEqualTo(1);
  }

  @Test
  void aDeferredRestartTheCloseCalledOffIsNotCounted() throws Exception {
    register("gw");
    startTrading(Schedule.inSession(lse).withFreeze(FreezeWindow.beforeClose("closing-auction", Duration.ofMinutes(5))), "gw");
    clock.advanceTo(clock.at("16:26"));
    backend.exit("gw", 3);
    rec.await(SupervisorEvent.RestartDeferred.class, e -> true, 1, WAIT);
    assertThat(sup.awaitIdle(WAIT)).isTrue();
    clock.advanceTo(clock.at("16:30"));
    rec.await(SupervisorEvent.ScheduleStopped.class, e -> true, 1, WAIT);
    rec.awaitState("gw", ProcessState.STOPPED, 1, WAIT);

    DayStatistics s = trading.statistics().forDay(DAY, "gw");
    assertThat(s.crashes()).isEqualTo(1);
    assertThat(s.restarts()).isZero();
    assertThat(s.deferredRestarts()).as("called off at the close").isZero();
  }

  /** {@code name}'s run ends with exit code 3 inside the window: its restart is deferred, and it is CRASHED. */
  private void crashInsideTheWindow(String name) throws InterruptedException {
    backend.exit(name, 3);
    rec.await(SupervisorEvent.RestartDeferred.class, e -> e.process().equals(name), 1, WAIT);
    rec.awaitState(name, ProcessState.CRASHED, 1, WAIT);
  }

  /** The window's end has been applied: {@code probe}, which ended in it too, is restarted. */
  private void awaitWindowsEnd(String probe) throws InterruptedException {
    clock.advanceTo(clock.at("12:02"));
    rec.await(SupervisorEvent.ScheduleStarted.class, e -> e.process().equals(probe) && e.reason().equals(DEFERRED), 1, WAIT);
    rec.awaitState(probe, ProcessState.RUNNING, 2, WAIT);
  }
}
