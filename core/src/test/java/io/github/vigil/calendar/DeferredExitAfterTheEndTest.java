package io.github.vigil.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.GroupController;
import io.github.vigil.GroupSpec;
import io.github.vigil.GroupState;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessState;
import io.github.vigil.SupervisorEvent;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * An exit stamped at a freeze window's end (by the clock outside the window: a plain exit, which the policy restarts)
 * that the engine decides before the window's end has turned supervision on again on its thread: supervision still off
 * there, the engine leaves it {@code CRASHED}, and it stayed so until the next session, whichever of the window's end and
 * {@link TradingSupervision} hearing the exit came first. The window's end (its tick) is held back by advancing the clock
 * alone, and the engine's thread where it hands the {@code Exited} to the listener executor, so every order is made
 * certain. Now the exit is restarted by the policy as the window's end restarts an exit inside it (a group's member by
 * its group's strategy).
 *
 * <p>And the other way round: an exit that the engine decided with supervision on (its policy restarts it: here the
 * window's start not yet applied on the engine's thread), heard after the window's end, is no late deferred restart: it
 * got a {@code ScheduleStarted} "restart deferred by freeze window ..." for a restart that the engine then did not do.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(300)
class DeferredExitAfterTheEndTest extends HeldExitTestBase {
  private static final FreezeWindow MIDDAY = FreezeWindow.daily("auction", LocalTime.of(12, 0), LocalTime.of(12, 2));
  private static final FreezeWindow MIDDAY_LEFT = MIDDAY.leftForAPerson();
  private static final String DEFERRED = "restart deferred by freeze window auction";

  DeferredExitAfterTheEndTest() {
    super("deferred-after-end");
  }

  /**
   * Kills {@code c} with the clock at 12:02, the end of the window, its tick not run yet; the engine decides the exit
   * (stamped 12:02) with supervision off, its Exited held; the window's end runs, and the Exited is heard before it
   * ({@code heardFirst}) or after it.
   */
  private void killAtTheEnd(ProcessController c, boolean heardFirst) throws Exception {
    clock.advanceTo(clock.at("12:01"));
    clock.moveTo(clock.at("12:02"));
    killHeld(c, heardFirst ? HeldListenerExecutor.Deliver.FIRST : HeldListenerExecutor.Deliver.AFTER_RELEASE);
    if (heardFirst) {
      assertThat(rec.await(SupervisorEvent.Exited.class, e -> e.process().equals(c.name()), 1, WAIT).get(0).at()).isEqualTo(clock.at("12:02"));
    }
    clock.runDue(); // the window's end: supervision on, handed to the engine's thread behind the exit it decides
    hold.release();
    assertThat(sup.awaitIdle(WAIT)).isTrue();
  }

  /** {@code c}, killed at the window's end, is restarted by its policy, not left CRASHED; said once. */
  private void restartedOnce(ProcessController c) throws Exception {
    assertThat(c.status().state()).as("%s, its exit at the window's end decided with supervision still off", c.name())
        .isIn(ProcessState.STARTING, ProcessState.RUNNING);
    SupervisorEvent.Exited exited = rec.await(SupervisorEvent.Exited.class, e -> e.process().equals(c.name()), 1, WAIT).get(0);
    assertThat(exited.at()).as("outside the window, by the clock").isEqualTo(clock.at("12:02"));
    rec.awaitState(c.name(), ProcessState.RUNNING, 2, WAIT);
    assertThat(rec.of(SupervisorEvent.ScheduleStarted.class)).filteredOn(e -> e.process().equals(c.name()))
        .extracting(SupervisorEvent.ScheduleStarted::reason).filteredOn(r -> !r.startsWith("up window")).containsExactly(DEFERRED);
    assertThat(rec.of(SupervisorEvent.RestartDeferred.class)).as("no exit inside the window").isEmpty();
    assertThat(c.statistics().restarts()).isEqualTo(1);
    assertThat(trading.deferredExitsHeld()).isEmpty();
  }

  @RepeatedTest(25)
  void anExitAtTheWindowsEndDecidedWithSupervisionOffHeardAfterTheEndIsRestarted() throws Exception {
    ProcessController gw = sup.register(sleeper("gw"));
    runFromTheOpen("gw", Schedule.inSession(lse).withFreeze(MIDDAY), List.of("gw"));
    killAtTheEnd(gw, false);
    restartedOnce(gw);
  }

  @RepeatedTest(25)
  void anExitAtTheWindowsEndDecidedWithSupervisionOffHeardBeforeTheEndIsRestarted() throws Exception {
    ProcessController gw = sup.register(sleeper("gw"));
    runFromTheOpen("gw", Schedule.inSession(lse).withFreeze(MIDDAY), List.of("gw"));
    killAtTheEnd(gw, true);
    restartedOnce(gw);
  }

  @RepeatedTest(25)
  void anExitAtTheEndOfAWindowLeftForAPersonDecidedWithSupervisionOffIsRestartedByItsPolicy() throws Exception {
    ProcessController gw = sup.register(sleeper("gw"));
    runFromTheOpen("gw", Schedule.inSession(lse).withFreeze(MIDDAY_LEFT), List.of("gw"));
    killAtTheEnd(gw, false);
    restartedOnce(gw);
  }

  @RepeatedTest(25)
  void aMembersExitAtTheWindowsEndHeardAfterTheEndIsRestartedByItsGroupsStrategy() throws Exception {
    aMembersExitAtTheWindowsEndIsRestartedByItsGroupsStrategy(false);
  }

  @RepeatedTest(25)
  void aMembersExitAtTheWindowsEndHeardBeforeTheEndIsRestartedByItsGroupsStrategy() throws Exception {
    aMembersExitAtTheWindowsEndIsRestartedByItsGroupsStrategy(true);
  }

  private void aMembersExitAtTheWindowsEndIsRestartedByItsGroupsStrategy(boolean heardFirst) throws Exception {
    List<String> declared = List.of("feed", "gw-a", "gw-b");
    declared.forEach(n -> sup.register(sleeper(n)));
    GroupController desk = sup.registerGroup(GroupSpec.builder("desk").strategy(GroupSpec.Strategy.REST_FOR_ONE)
        .children(declared.toArray(String[]::new)).build());
    ProcessController gwA = sup.controller("gw-a").orElseThrow();
    runFromTheOpen("desk", Schedule.inSession(lse).withFreeze(MIDDAY), declared);
    killAtTheEnd(gwA, heardFirst);

    restartedOnce(gwA);
    rec.awaitState("gw-b", ProcessState.RUNNING, 2, WAIT); // after it: stopped and started again with it, by the group
    SupervisorEvent.GroupRestart counted = rec.await(SupervisorEvent.GroupRestart.class, e -> true, 1, WAIT).get(0);
    assertThat(counted.child()).isEqualTo("gw-a");
    assertThat(counted.restarted()).containsExactly("gw-b");
    assertThat(rec.of(SupervisorEvent.ScheduleStarted.class)).extracting(SupervisorEvent.ScheduleStarted::process)
        .containsExactly("desk", "gw-a");
    assertThat(desk.state()).isEqualTo(GroupState.RUNNING);
  }

  /**
   * Killed with the clock at 12:00, the window's start not yet applied: the engine decides the exit (stamped inside the
   * window) with supervision on, and its policy restarts it. The Exited is heard after the window's end, which saw the run
   * still shown RUNNING and left a mark for an exit on its way; that mark is for an exit the engine deferred, which this
   * is not: no ScheduleStarted saying a deferred restart, and one restart, the policy's.
   */
  @RepeatedTest(25)
  void anExitThePolicyRestartedHeardAfterTheWindowsEndIsNoDeferredRestart() throws Exception {
    ProcessController gw = sup.register(sleeper("gw"));
    runFromTheOpen("gw", Schedule.inSession(lse).withFreeze(MIDDAY), List.of("gw"));
    clock.advanceTo(clock.at("11:59"));
    clock.moveTo(clock.at("12:00"));
    killHeld(gw, HeldListenerExecutor.Deliver.ON_SIGNAL); // decided with supervision on: the window's start has not run
    clock.runDue(); // the window's start: supervision off, queued behind the exit
    clock.advanceTo(clock.at("12:02")); // the window's end: gw still shown RUNNING, no exit heard
    hold.deliver(); // heard now, the engine's thread still held before it shows the exit
    hold.awaitDelivered(); // and handled: what it does, it did while the run was still shown RUNNING
    rec.await(SupervisorEvent.Exited.class, e -> e.process().equals("gw"), 1, WAIT);
    hold.release();
    assertThat(sup.awaitIdle(WAIT)).isTrue();
    clock.advanceTo(clock.at("12:02").plusSeconds(5)); // the policy's backoff
    rec.awaitState("gw", ProcessState.RUNNING, 2, WAIT);

    assertThat(rec.of(SupervisorEvent.ScheduleStarted.class)).filteredOn(e -> e.process().equals("gw"))
        .extracting(SupervisorEvent.ScheduleStarted::reason).as("the policy restarted it: no restart deferred by the window")
        .doesNotContain(DEFERRED);
    assertThat(rec.of(SupervisorEvent.RestartDeferred.class)).as("decided with supervision on: no deferred exit").isEmpty();
    assertThat(rec.of(SupervisorEvent.RestartScheduled.class)).hasSize(1);
    assertThat(gw.statistics().restarts()).isEqualTo(1);
    assertThat(trading.deferredExitsHeld()).isEmpty();
  }
}
