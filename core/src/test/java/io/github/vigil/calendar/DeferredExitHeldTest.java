package io.github.vigil.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.GroupController;
import io.github.vigil.GroupSpec;
import io.github.vigil.GroupState;
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
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
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
class DeferredExitHeldTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final LocalDate DAY = LocalDate.of(2026, 12, 14); // a Monday
  private static final FreezeWindow MIDDAY = FreezeWindow.daily("auction", LocalTime.of(12, 0), LocalTime.of(12, 2));
  private static final FreezeWindow CLOSING = FreezeWindow.beforeClose("closing-auction", Duration.ofMinutes(5));
  private static final String CALLED_OFF = "the session closed before the end of freeze window closing-auction, to which its restart "
      + "was deferred: called off";

  private final TradingDayClock clock = TradingDayClock.startingAt(LONDON, DAY, "07:30");
  private final TradingCalendar lse = TradingCalendar.builder("lse").zone(LONDON)
      .session(SessionRule.of("day", LocalTime.of(8, 0), LocalTime.of(16, 30))).build();
  private final HeldListenerExecutor hold = new HeldListenerExecutor();
  private final Supervisor sup = Supervisor.builder().name("deferred-held").backend("jdk").ticker(clock).scheduler(clock)
      .instantSource(clock).listenerExecutor(hold).closeTimeout(Duration.ofSeconds(5)).build();
  private final EventRecorder rec = new EventRecorder();
  private TradingSupervision trading;

  @AfterEach
  void tearDown() {
    hold.release();
    if (trading != null) {
      trading.close();
    }
    sup.close();
    hold.close();
  }

  private static ProcessSpec sleeper(String name) {
    return ProcessSpec.builder(name).command("sleep", "1000").startupGrace(Duration.ZERO)
        .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(5)))).autoStart(false).build();
  }

  /** Runs {@code name}'s schedule {@code s} from 08:00, all of {@code running} up. */
  private void runFromTheOpen(String name, Schedule s, List<String> running) throws Exception {
    trading = TradingSupervision.builder(sup).schedule(name, s).instantSource(clock).scheduler(clock).build();
    trading.subscribe(rec);
    trading.start();
    clock.advanceTo(clock.at("08:00"));
    for (String n : running) {
      rec.awaitState(n, ProcessState.RUNNING, 1, WAIT);
    }
  }

  /** SIGKILLs {@code c} with the engine's hand-over of its Exited held as {@link HeldListenerExecutor#arm} says. */
  private void killHeld(ProcessController c, boolean deliverFirst) throws Exception {
    assertThat(sup.awaitIdle(WAIT)).isTrue(); // the window's SupervisionChanged handed over
    hold.awaitDelivered(); // and each listener's drain returned (idle ends before it does): the next hand-over is the Exited
    hold.arm(deliverFirst ? HeldListenerExecutor.Deliver.FIRST : HeldListenerExecutor.Deliver.AFTER_RELEASE);
    assertThat(ProcessHandle.of(c.status().pid()).orElseThrow().destroyForcibly()).isTrue(); // SIGKILL
    hold.awaitHeld();
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
    rec.await(SupervisorEvent.RestartDeferred.class, e -> true, 1, WAIT); // heard, while the status shows RUNNING
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
    rec.await(SupervisorEvent.RestartDeferred.class, e -> true, 1, WAIT);
    clock.advanceTo(clock.at("16:30"));
    hold.release();

    calledOffAtTheClose(gwA);
    assertThat(sup.controller("feed").orElseThrow().status().state()).isEqualTo(ProcessState.RUNNING); // until the lag's end
  }

  /** At the close the deferred restart is called off: said so at 16:30, and stopped from CRASHED. */
  private void calledOffAtTheClose(ProcessController c) throws Exception {
    SupervisorEvent.ScheduleStopped stopped = rec.await(SupervisorEvent.ScheduleStopped.class, e -> e.process().equals(c.name()), 1, WAIT)
        .get(0);
    assertThat(stopped.at()).isEqualTo(clock.at("16:30"));
    assertThat(stopped.reason()).isEqualTo(CALLED_OFF);
    SupervisorEvent.StateChanged down = rec.awaitState(c.name(), ProcessState.STOPPED, 1, WAIT).get(0);
    assertThat(down.at()).as("stopped at the close, not left due").isEqualTo(clock.at("16:30"));
    assertThat(down.from()).isEqualTo(ProcessState.CRASHED);
    assertThat(c.statistics().restarts()).isZero();
    assertThat(trading.deferredExitsHeld()).isEmpty();
  }
}
