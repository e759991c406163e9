package io.github.vigil.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.GroupSpec;
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
 * The mirror of {@link DeferredExitAfterTheEndTest} at a freeze window's start: an exit stamped at the window's start (by
 * the clock inside the window) that the engine decides before the window's start has turned supervision off on its
 * thread is decided with supervision on, and its policy restarts it at once. {@link TradingSupervision} announced it as
 * deferred ({@code RestartDeferred}) and held it for a restart at the window's end, whichever of the window's start and
 * its hearing the exit came first. The window's start (its tick) is held back by advancing the clock alone, and the
 * engine's thread where it hands the {@code Exited} to the listener executor, so every order is certain. Now such an exit
 * is a plain exit, the policy's restart stands; an exit the engine decided with supervision off is still deferred and
 * restarted at the window's end, for a process and a group's member.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(300)
class DeferredExitAtTheStartTest extends HeldExitTestBase {
  private static final FreezeWindow MIDDAY = FreezeWindow.daily("auction", LocalTime.of(12, 0), LocalTime.of(12, 2));
  private static final String DEFERRED = "restart deferred by freeze window auction";

  DeferredExitAtTheStartTest() {
    super("deferred-at-start");
  }

  /**
   * Kills {@code c} with the clock at 12:00, the start of the window, its tick not run yet: the engine decides the exit
   * (stamped 12:00) with supervision on, its Exited held; the window's start runs (supervision off, queued on the engine's
   * thread behind the exit), and the Exited is heard before it ({@code heardFirst}) or after it.
   */
  private void killAtTheStart(ProcessController c, boolean heardFirst) throws Exception {
    clock.advanceTo(clock.at("11:59"));
    clock.moveTo(clock.at("12:00"));
    killHeld(c, heardFirst ? HeldListenerExecutor.Deliver.FIRST : HeldListenerExecutor.Deliver.AFTER_RELEASE);
    if (heardFirst) {
      hold.awaitDelivered(); // heard and handled before the window's start
    }
    clock.runDue(); // the window's start: supervision off, handed to the engine's thread behind the exit it decides
    hold.release();
    assertThat(sup.awaitIdle(WAIT)).isTrue();
    hold.awaitDelivered();
  }

  /** {@code c}, killed at the window's start and restarted by its policy after its backoff, was no deferred restart. */
  private void restartedByItsPolicy(ProcessController c) throws Exception {
    SupervisorEvent.Exited exited = rec.await(SupervisorEvent.Exited.class, e -> e.process().equals(c.name()), 1, WAIT).get(0);
    assertThat(exited.at()).as("inside the window, by the clock").isEqualTo(clock.at("12:00"));
    clock.advanceTo(clock.at("12:00").plusSeconds(5)); // the policy's backoff
    rec.awaitState(c.name(), ProcessState.RUNNING, 2, WAIT); // after anything said of the exit, in the one ordered stream
    assertThat(rec.of(SupervisorEvent.RestartDeferred.class)).as("%s: decided with supervision on, its policy restarted it", c.name())
        .extracting(SupervisorEvent.RestartDeferred::process).doesNotContain(c.name());
    assertThat(trading.deferredExitsHeld()).as("nothing held for the window's end").isEmpty();
    assertThat(c.statistics().restarts()).isEqualTo(1);
    clock.advanceTo(clock.at("12:02")); // the window's end: nothing to restart
    assertThat(sup.awaitIdle(WAIT)).isTrue();
    assertThat(c.status().state()).isEqualTo(ProcessState.RUNNING);
    assertThat(c.statistics().restarts()).isEqualTo(1);
  }

  @RepeatedTest(25)
  void anExitAtTheWindowsStartDecidedWithSupervisionOnHeardBeforeTheStartIsNotDeferred() throws Exception {
    ProcessController gw = sup.register(sleeper("gw"));
    runFromTheOpen("gw", Schedule.inSession(lse).withFreeze(MIDDAY), List.of("gw"));
    killAtTheStart(gw, true);
    restartedByItsPolicy(gw);
    assertThat(rec.of(SupervisorEvent.RestartScheduled.class)).hasSize(1);
  }

  @RepeatedTest(25)
  void anExitAtTheWindowsStartDecidedWithSupervisionOnHeardAfterTheStartIsNotDeferred() throws Exception {
    ProcessController gw = sup.register(sleeper("gw"));
    runFromTheOpen("gw", Schedule.inSession(lse).withFreeze(MIDDAY), List.of("gw"));
    killAtTheStart(gw, false);
    restartedByItsPolicy(gw);
    assertThat(rec.of(SupervisorEvent.RestartScheduled.class)).hasSize(1);
  }

  @RepeatedTest(25)
  void aMembersExitAtTheWindowsStartDecidedWithSupervisionOnIsNotDeferred() throws Exception {
    List<String> declared = List.of("feed", "gw-a", "gw-b");
    declared.forEach(n -> sup.register(sleeper(n)));
    sup.registerGroup(GroupSpec.builder("desk").strategy(GroupSpec.Strategy.REST_FOR_ONE).children(declared.toArray(String[]::new)).build());
    ProcessController gwA = sup.controller("gw-a").orElseThrow();
    runFromTheOpen("desk", Schedule.inSession(lse).withFreeze(MIDDAY), declared);
    killAtTheStart(gwA, false);
    restartedByItsPolicy(gwA);
  }

  /** An exit inside the window that the engine decided with supervision off is still deferred, and restarted at its end. */
  @RepeatedTest(25)
  void anExitInsideTheWindowDecidedWithSupervisionOffIsStillDeferred() throws Exception {
    ProcessController gw = sup.register(sleeper("gw"));
    runFromTheOpen("gw", Schedule.inSession(lse).withFreeze(MIDDAY), List.of("gw"));
    deferredAndRestartedAtTheEnd(gw);
    assertThat(rec.of(SupervisorEvent.RestartScheduled.class)).isEmpty();
  }

  @RepeatedTest(25)
  void aMembersExitInsideTheWindowDecidedWithSupervisionOffIsStillDeferred() throws Exception {
    List<String> declared = List.of("feed", "gw-a", "gw-b");
    declared.forEach(n -> sup.register(sleeper(n)));
    sup.registerGroup(GroupSpec.builder("desk").strategy(GroupSpec.Strategy.REST_FOR_ONE).children(declared.toArray(String[]::new)).build());
    ProcessController gwA = sup.controller("gw-a").orElseThrow();
    runFromTheOpen("desk", Schedule.inSession(lse).withFreeze(MIDDAY), declared);
    deferredAndRestartedAtTheEnd(gwA);
    rec.awaitState("gw-b", ProcessState.RUNNING, 2, WAIT); // after it: stopped and started again with it, by the group
  }

  private void deferredAndRestartedAtTheEnd(ProcessController c) throws Exception {
    clock.advanceTo(clock.at("12:01")); // the window's start applied on the engine's thread too
    killHeld(c, HeldListenerExecutor.Deliver.FIRST);
    hold.release();
    assertThat(sup.awaitIdle(WAIT)).isTrue();
    SupervisorEvent.RestartDeferred deferred = rec.await(SupervisorEvent.RestartDeferred.class, e -> e.process().equals(c.name()), 1, WAIT).get(0);
    assertThat(deferred.until()).isEqualTo(clock.at("12:02"));
    assertThat(trading.deferredExitsHeld()).containsExactly(c.name());
    assertThat(c.status().state()).isEqualTo(ProcessState.CRASHED);
    clock.advanceTo(clock.at("12:02")); // the window's end restarts it
    rec.awaitState(c.name(), ProcessState.RUNNING, 2, WAIT);
    assertThat(rec.of(SupervisorEvent.ScheduleStarted.class)).filteredOn(e -> e.process().equals(c.name()))
        .extracting(SupervisorEvent.ScheduleStarted::reason).filteredOn(r -> !r.startsWith("up window")).containsExactly(DEFERRED);
    assertThat(c.statistics().restarts()).isEqualTo(1);
    assertThat(trading.deferredExitsHeld()).isEmpty();
  }
}
