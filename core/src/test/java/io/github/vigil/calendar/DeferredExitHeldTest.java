package io.github.vigil.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.GroupController;
import io.github.vigil.GroupSpec;
import io.github.vigil.GroupState;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessState;
import io.github.vigil.SupervisorEvent;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A freeze window's end, or the session's close, reached while the engine holds an exit inside the window between its
 * {@code Exited} and its {@code CRASHED}, both orderings made certain: the engine's thread is held where it hands the
 * {@code Exited} to the listener executor, the status still showing the dead run {@code RUNNING}.
 *
 * <ul>
 *   <li><b>Heard after the end.</b> The {@code Exited} is held back from {@link TradingSupervision} too: the window's end
 *       sees no exit (none heard, the status {@code RUNNING}) and restarts nothing, the engine then defers the exit
 *       (supervision still off on its thread) and the process stayed {@code CRASHED} until the next session; at the
 *       close, until the stop at close plus lag. Now the exit heard late is restarted at once (a group's member by its
 *       group's strategy), or at the close called off with its {@code ScheduleStopped}.
 *   <li><b>Heard before the close.</b> {@link TradingSupervision} hears the {@code Exited} first: the close read
 *       {@code RUNNING}, called nothing off and said nothing, so the process stayed {@code CRASHED} until the stop at
 *       close plus lag; now the close calls the restart off as for an exit it sees ended.
 * </ul>
 */
@EnabledOnOs(OS.LINUX)
@Timeout(300)
class DeferredExitHeldTest extends HeldExitTestBase {
  private static final FreezeWindow MIDDAY = FreezeWindow.daily("auction", LocalTime.of(12, 0), LocalTime.of(12, 2));
  private static final FreezeWindow CLOSING = FreezeWindow.beforeClose("closing-auction", Duration.ofMinutes(5));
  private static final String CALLED_OFF = "the session closed before the end of freeze window closing-auction, to which its restart "
      + "was deferred: called off";

  DeferredExitHeldTest() {
    super("deferred-held");
  }

  /** SIGKILLs {@code c} with the engine's hand-over of its Exited held, heard first or after the release. */
  private void killHeld(ProcessController c, boolean deliverFirst) throws Exception {
    killHeld(c, deliverFirst ? HeldListenerExecutor.Deliver.FIRST : HeldListenerExecutor.Deliver.AFTER_RELEASE);
  }

  @RepeatedTest(5)
  void anExitHeardAfterTheWindowsEndIsRestartedAtOnce() throws Exception {
    ProcessController gw = sup.register(sleeper("gw"));
    runFromTheOpen("gw", Schedule.inSession(lse).withFreeze(MIDDAY), List.of("gw"));
    clock.advanceTo(clock.at("12:00").plusSeconds(30));
    killHeld(gw, false);
    clock.advanceTo(clock.at("12:02")); // the window's end: gw still RUNNING, its exit not heard
    hold.release();

    rec.await(SupervisorEvent.RestartDeferred.class, e -> true, 1, WAIT);
    rec.awaitState("gw", ProcessState.RUNNING, 2, WAIT);
    assertThat(rec.await(SupervisorEvent.ScheduleStarted.class, e -> e.reason().equals("restart deferred by freeze window auction"), 1,
        WAIT)).hasSize(1);
    assertThat(gw.statistics().restarts()).isEqualTo(1);
    assertThat(trading.deferredExitsHeld()).isEmpty();
    decidedAfterTheCrash(gw, "its deferred restart's ScheduleStarted",
        e -> e instanceof SupervisorEvent.ScheduleStarted x && x.reason().startsWith("restart deferred"));
  }

  @RepeatedTest(5)
  void aMembersExitHeardAfterTheWindowsEndIsRestartedAtOnceByItsGroupsStrategy() throws Exception {
    List<String> declared = List.of("feed", "gw-a", "gw-b");
    declared.forEach(n -> sup.register(sleeper(n)));
    GroupController desk = sup.registerGroup(GroupSpec.builder("desk").strategy(GroupSpec.Strategy.REST_FOR_ONE)
        .children(declared.toArray(String[]::new)).build());
    ProcessController gwA = sup.controller("gw-a").orElseThrow();
    runFromTheOpen("desk", Schedule.inSession(lse).withFreeze(MIDDAY), declared);
    clock.advanceTo(clock.at("12:00").plusSeconds(30));
    killHeld(gwA, false);
    clock.advanceTo(clock.at("12:02"));
    hold.release();

    rec.awaitState("gw-a", ProcessState.RUNNING, 2, WAIT);
    rec.awaitState("gw-b", ProcessState.RUNNING, 2, WAIT); // after it: stopped and started again with it, by the group
    SupervisorEvent.GroupRestart counted = rec.await(SupervisorEvent.GroupRestart.class, e -> true, 1, WAIT).get(0);
    assertThat(counted.child()).isEqualTo("gw-a");
    assertThat(counted.restarted()).containsExactly("gw-b");
    assertThat(rec.await(SupervisorEvent.ScheduleStarted.class, e -> e.process().equals("gw-a"), 1, WAIT).get(0).reason())
        .isEqualTo("restart deferred by freeze window auction");
    assertThat(rec.of(SupervisorEvent.ScheduleStarted.class)).extracting(SupervisorEvent.ScheduleStarted::process)
        .containsExactly("desk", "gw-a");
    assertThat(desk.state()).isEqualTo(GroupState.RUNNING);
  }

  @RepeatedTest(5)
  void anExitHeardAfterTheCloseHasItsRestartCalledOff() throws Exception {
    ProcessController gw = sup.register(sleeper("gw"));
    runFromTheOpen("gw", Schedule.inSession(lse).withLag(Duration.ofMinutes(10)).withFreeze(CLOSING), List.of("gw"));
    clock.advanceTo(clock.at("16:26"));
    killHeld(gw, false);
    clock.advanceTo(clock.at("16:30")); // the close: gw still RUNNING, its exit not heard
    hold.release();

    calledOffAtTheClose(gw);
  }

  @RepeatedTest(5)
  void anExitHeardButNotShownAtTheCloseHasItsRestartCalledOff() throws Exception {
    ProcessController gw = sup.register(sleeper("gw"));
    runFromTheOpen("gw", Schedule.inSession(lse).withLag(Duration.ofMinutes(10)).withFreeze(CLOSING), List.of("gw"));
    clock.advanceTo(clock.at("16:26"));
    killHeld(gw, true);
    deferredWhileShownRunning(gw); // its RestartDeferred waits for its CRASHED, which the held engine has not reached
    clock.advanceTo(clock.at("16:30"));
    hold.release();

    calledOffAtTheClose(gw);
  }

  @RepeatedTest(5)
  void aMembersExitHeardButNotShownAtTheCloseHasItsRestartCalledOff() throws Exception {
    List<String> declared = List.of("feed", "gw-a");
    declared.forEach(n -> sup.register(sleeper(n)));
    sup.registerGroup(GroupSpec.builder("desk").children(declared.toArray(String[]::new)).build());
    ProcessController gwA = sup.controller("gw-a").orElseThrow();
    runFromTheOpen("desk", Schedule.inSession(lse).withLag(Duration.ofMinutes(10)).withFreeze(CLOSING), declared);
    clock.advanceTo(clock.at("16:26"));
    killHeld(gwA, true);
    deferredWhileShownRunning(gwA);
    clock.advanceTo(clock.at("16:30"));
    hold.release();

    calledOffAtTheClose(gwA);
    assertThat(sup.controller("feed").orElseThrow().status().state()).isEqualTo(ProcessState.RUNNING); // until the lag's end
  }

  /** {@code c}'s exit heard and deferred by the trading supervision while the status still shows it {@code RUNNING}. */
  private void deferredWhileShownRunning(ProcessController c) throws Exception {
    rec.await(SupervisorEvent.Exited.class, e -> e.process().equals(c.name()), 1, WAIT);
    assertThat(io.github.vigil.testing.Processes.eventually(WAIT, () -> trading.deferredExitsHeld().contains(c.name()))).isTrue();
    assertThat(c.status().state()).isEqualTo(ProcessState.RUNNING);
  }

  /**
   * The listeners heard {@code c}'s crash ({@code Exited}, then {@code StateChanged} to {@code CRASHED}) before the
   * decisions about its restart: its {@code RestartDeferred}, then {@code decision}. Read once {@code decision} was heard.
   */
  private void decidedAfterTheCrash(ProcessController c, String what, java.util.function.Predicate<SupervisorEvent> decision) {
    List<SupervisorEvent> events = rec.events().stream().filter(e -> e.process().equals(c.name())).toList();
    int exited = indexOf(events, e -> e instanceof SupervisorEvent.Exited);
    // at the close the CRASHED comes as an OutsideWindow (recorded, raising nothing): in order all the same
    int crashed = indexOf(events, e -> (e instanceof SupervisorEvent.OutsideWindow o ? o.event() : e) instanceof SupervisorEvent.StateChanged s
        && s.to() == ProcessState.CRASHED);
    int deferred = indexOf(events, e -> e instanceof SupervisorEvent.RestartDeferred);
    int decided = indexOf(events, decision);
    assertThat(List.of(exited, crashed, deferred, decided)).as("Exited, CRASHED, RestartDeferred, %s in %s", what, events)
        .doesNotContain(-1).isSorted();
  }

  private static int indexOf(List<SupervisorEvent> events, java.util.function.Predicate<SupervisorEvent> p) {
    for (int i = 0; i < events.size(); i++) {
      if (p.test(events.get(i))) {
        return i;
      }
    }
    return -1;
  }

  /** At the close the deferred restart is called off: said so at 16:30, and stopped from CRASHED. */
  private void calledOffAtTheClose(ProcessController c) throws Exception {
    SupervisorEvent.ScheduleStopped stopped = rec.await(SupervisorEvent.ScheduleStopped.class, e -> e.process().equals(c.name()), 1, WAIT)
        .get(0);
    assertThat(stopped.at()).isEqualTo(clock.at("16:30"));
    assertThat(stopped.reason()).isEqualTo(CALLED_OFF);
    decidedAfterTheCrash(c, "ScheduleStopped", e -> e instanceof SupervisorEvent.ScheduleStopped);
    SupervisorEvent.StateChanged down = rec.awaitState(c.name(), ProcessState.STOPPED, 1, WAIT).get(0);
    assertThat(down.at()).as("stopped at the close, not left due").isEqualTo(clock.at("16:30"));
    assertThat(down.from()).isEqualTo(ProcessState.CRASHED);
    assertThat(c.statistics().restarts()).isZero();
    assertThat(trading.deferredExitsHeld()).isEmpty();
  }
}
