package io.github.vigil.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.GroupController;
import io.github.vigil.GroupSpec;
import io.github.vigil.GroupState;
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
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link DeferredRestartInFlightTest} for a member of a scheduled group: a freeze window that ends while the engine is
 * still handling the member's exit it deferred (between the {@code Exited}, which {@link TradingSupervision} hears and
 * defers, and the {@code CRASHED}, which the status shows) restarts it all the same, by the group's strategy: the member's
 * restart is its policy's, counted by the group ({@code GroupRestart}), the siblings the strategy names stopped and
 * started again with it. The window's end read the member's status, saw it still {@code RUNNING} and restarted nothing:
 * the member stayed {@code CRASHED} until the next session. Each repetition reaches the window's end the moment the
 * deferral is heard, with a real {@code sleep} killed by {@code SIGKILL} and a fake clock; the member killed is the
 * middle one of three, so that each strategy restarts a different set with it.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(300)
class DeferredGroupRestartInFlightTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final LocalDate DAY = LocalDate.of(2026, 12, 14); // a Monday
  private static final List<String> DECLARED = List.of("feed", "gw-a", "gw-b");

  private final TradingDayClock clock = TradingDayClock.startingAt(LONDON, DAY, "07:30");

  @RepeatedTest(30)
  void oneForOne() throws Exception {
    aWindowThatEndsWhileAMembersDeferredExitIsHandledStillRestartsItByItsGroupsStrategy(GroupSpec.Strategy.ONE_FOR_ONE, List.of());
  }

  @RepeatedTest(30)
  void restForOne() throws Exception {
    aWindowThatEndsWhileAMembersDeferredExitIsHandledStillRestartsItByItsGroupsStrategy(GroupSpec.Strategy.REST_FOR_ONE, List.of("gw-b"));
  }

  @RepeatedTest(30)
  void oneForAll() throws Exception {
    aWindowThatEndsWhileAMembersDeferredExitIsHandledStillRestartsItByItsGroupsStrategy(GroupSpec.Strategy.ONE_FOR_ALL,
        List.of("feed", "gw-b"));
  }

  /** gw-a killed inside the freeze window, the window's end reached at once: gw-a and {@code withIt} run again. */
  private void aWindowThatEndsWhileAMembersDeferredExitIsHandledStillRestartsItByItsGroupsStrategy(GroupSpec.Strategy strategy,
      List<String> withIt) throws Exception {
    TradingCalendar lse = TradingCalendar.builder("lse").zone(LONDON).session(SessionRule.of("day", LocalTime.of(8, 0), LocalTime.of(16, 30)))
        .build();
    try (Supervisor sup = Supervisor.builder().name("deferred-group-in-flight").backend("jdk").ticker(clock).scheduler(clock)
        .instantSource(clock).closeTimeout(Duration.ofSeconds(5)).build()) {
      for (String n : DECLARED) {
        sup.register(ProcessSpec.builder(n).command("sleep", "1000").startupGrace(Duration.ZERO)
            .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(5)))).autoStart(false).build());
      }
      GroupController desk = sup.registerGroup(GroupSpec.builder("desk").strategy(strategy).children(DECLARED.toArray(String[]::new)).build());
      ProcessController gwA = sup.controller("gw-a").orElseThrow();
      try (TradingSupervision trading = TradingSupervision.builder(sup).schedule("desk", Schedule.inSession(lse)
              .withFreeze(FreezeWindow.daily("auction", LocalTime.of(12, 0), LocalTime.of(12, 2))))
          .instantSource(clock).scheduler(clock).build()) {
        EventRecorder rec = new EventRecorder();
        trading.subscribe(rec);
        trading.start();
        clock.advanceTo(clock.at("08:00"));
        for (String n : DECLARED) {
          rec.awaitState(n, ProcessState.RUNNING, 1, WAIT);
        }
        clock.advanceTo(clock.at("12:00").plusSeconds(30)); // inside the freeze window
        assertThat(ProcessHandle.of(gwA.status().pid()).orElseThrow().destroyForcibly()).isTrue(); // SIGKILL
        rec.await(SupervisorEvent.RestartDeferred.class, e -> e.process().equals("gw-a"), 1, WAIT);
        clock.advanceTo(clock.at("12:02")); // the window's end, at once: the engine may still be on its way to CRASHED

        rec.awaitState("gw-a", ProcessState.RUNNING, 2, WAIT);
        assertThat(rec.await(SupervisorEvent.ScheduleStarted.class, e -> e.process().equals("gw-a")
            && e.reason().equals("restart deferred by freeze window auction"), 1, WAIT)).hasSize(1);
        SupervisorEvent.GroupRestart counted = rec.await(SupervisorEvent.GroupRestart.class, e -> true, 1, WAIT).get(0);
        assertThat(counted.child()).isEqualTo("gw-a");
        assertThat(counted.strategy()).isEqualTo(strategy);
        assertThat(counted.restarted()).containsExactlyElementsOf(withIt);
        for (String n : withIt) { // stopped and started again with it, by the group
          rec.awaitState(n, ProcessState.RUNNING, 2, WAIT);
        }
        SupervisorEvent.StateChanged restart = rec.awaitState("gw-a", ProcessState.STARTING, 2, WAIT).get(1);
        assertThat(restart.origin()).isEqualTo(Origin.POLICY);
        assertThat(restart.reason()).endsWith("deferred by freeze window auction to its end");
        assertThat(gwA.statistics().restarts()).isEqualTo(1);
        assertThat(desk.state()).isEqualTo(GroupState.RUNNING);
        assertThat(rec.of(SupervisorEvent.GroupRestart.class)).hasSize(1);
        assertThat(rec.of(SupervisorEvent.ScheduleStarted.class)).extracting(SupervisorEvent.ScheduleStarted::process)
            .containsExactly("desk", "gw-a");
      }
    }
  }
}
