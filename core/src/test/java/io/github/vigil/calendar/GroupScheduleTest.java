package io.github.vigil.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.github.vigil.SupervisorEvent.ScheduleStarted;
import io.github.vigil.SupervisorEvent.ScheduleStopped;
import io.github.vigil.SupervisorEvent.Started;
import io.github.vigil.SupervisorEvent.StateChanged;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.Processes;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Schedules of supervision groups, on a virtual clock and the example Shanghai futures calendar (as
 * {@link TradingWeekAcceptanceTest}): a quote feed and two order gateways in a {@code REST_FOR_ONE}
 * group scheduled in session, 5 minutes lead and 10 minutes lag. Thursday 18 June 2026 is followed by
 * a holiday, so there is no night session after it and none on Monday 22 June.
 */
@Timeout(60)
class GroupScheduleTest {
  private static final ZoneId SH = ZoneId.of("Asia/Shanghai");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final List<String> DECLARED = List.of("feed", "gw-a", "gw-b");
  private static final List<String> REVERSE = List.of("gw-b", "gw-a", "feed");

  private final TradingDayClock clock = TradingDayClock.startingAt(SH, LocalDate.of(2026, 6, 11), "16:00"); // Thursday, after the close
  private final FakeBackend backend = new FakeBackend();
  private final Supervisor sup = Supervisor.builder().name("desk").backend(backend).ticker(clock).scheduler(clock)
      .instantSource(clock).closeTimeout(Duration.ofSeconds(2)).build();
  private final EventRecorder rec = new EventRecorder();
  private final Schedule schedule = Schedule.inSession(ExampleCalendars.shfe()).withLead(Duration.ofMinutes(5))
      .withLag(Duration.ofMinutes(10));
  private TradingSupervision trading;

  @AfterEach
  void tearDown() {
    if (trading != null) {
      trading.close();
    }
    sup.close();
  }

  private ProcessController register(String name, ProcessSpec.Builder b) {
    return sup.register(b.startupGrace(Duration.ZERO)
        .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(5)))).autoStart(false).build());
  }

  private GroupController desk() {
    for (String n : DECLARED) {
      register(n, ProcessSpec.builder(n).command("sleep", "1000"));
    }
    return sup.registerGroup(GroupSpec.builder("trading").strategy(GroupSpec.Strategy.REST_FOR_ONE).children("feed", "gw-a", "gw-b").build());
  }

  /** The three members started at exactly {@code t}, in declared order. */
  private void assertStartedInOrder(Instant t) throws InterruptedException {
    List<Started> s = rec.await(Started.class, e -> DECLARED.contains(e.process()) && e.at().equals(t), 3, WAIT);
    assertThat(s).extracting(Started::process).containsExactlyElementsOf(DECLARED);
  }

  /** The three members stopped at exactly {@code t}, in reverse order. */
  private void assertStoppedInReverse(Instant t) throws InterruptedException {
    List<StateChanged> s = rec.await(StateChanged.class, e -> DECLARED.contains(e.process()) && e.to() == ProcessState.STOPPED
        && e.at().equals(t), 3, WAIT);
    assertThat(s).extracting(StateChanged::process).containsExactlyElementsOf(REVERSE);
  }

  @Test
  void aRestForOneGroupOfAFeedAndTwoGatewaysLivesByTheSessions() throws Exception {
    GroupController group = desk();
    trading = TradingSupervision.builder(sup).instantSource(clock).scheduler(clock).schedule("trading", schedule).build();
    trading.subscribe(rec);
    trading.start();
    assertThat(group.state()).isEqualTo(GroupState.STOPPED);
    assertThat(trading.state("trading").orElseThrow().nextChange()).isEqualTo(clock.at(2026, 6, 11, "20:55"));
    assertThat(trading.schedule("gw-a")).isSameAs(schedule); // a member is filed by its group's calendar

    // Thursday 20:55, five minutes before Friday's night session: the group starts its members in declared order
    clock.advanceTo(clock.at(2026, 6, 11, "20:55"));
    assertStartedInOrder(clock.at(2026, 6, 11, "20:55"));
    ScheduleStarted first = rec.await(ScheduleStarted.class, e -> e.process().equals("trading"), 1, WAIT).get(0);
    assertThat(first.at()).isEqualTo(clock.at(2026, 6, 11, "20:55"));
    assertThat(first.tradeDay()).isEqualTo(LocalDate.of(2026, 6, 12));
    for (String n : DECLARED) {
      rec.awaitState(n, ProcessState.RUNNING, 1, WAIT);
    }
    assertThat(group.state()).isEqualTo(GroupState.RUNNING);

    // Friday 10:20: the feed crashes; REST_FOR_ONE stops the gateways (in reverse) and, once the feed is
    // back after its 5 s backoff, starts them again after it
    Instant crash = clock.at(2026, 6, 12, "10:20");
    clock.advanceTo(crash);
    backend.exit("feed", 3);
    SupervisorEvent.GroupRestart gr = rec.await(SupervisorEvent.GroupRestart.class, e -> true, 1, WAIT).get(0);
    assertThat(gr.at()).isEqualTo(crash);
    assertThat(gr.child()).isEqualTo("feed");
    assertThat(gr.restarted()).containsExactly("gw-a", "gw-b");
    List<StateChanged> down = rec.await(StateChanged.class, e -> e.process().startsWith("gw-") && e.to() == ProcessState.STOPPED, 2, WAIT);
    assertThat(down).extracting(StateChanged::process).containsExactly("gw-b", "gw-a");
    assertThat(down).extracting(StateChanged::at).containsOnly(crash);
    assertThat(Processes.eventually(WAIT, () -> clock.pending().contains(Duration.ofSeconds(5)))).isTrue();
    clock.advanceTo(crash.plusSeconds(5));
    assertStartedInOrder(crash.plusSeconds(5));
    rec.awaitState("gw-b", ProcessState.RUNNING, 2, WAIT);
    assertThat(rec.of(SupervisorEvent.OutsideWindow.class)).isEmpty();

    // 15:10, ten minutes after the 15:00 close: the group is stopped, its members in reverse order
    clock.advanceTo(clock.at(2026, 6, 12, "15:10"));
    assertStoppedInReverse(clock.at(2026, 6, 12, "15:10"));
    assertThat(rec.await(ScheduleStopped.class, e -> e.process().equals("trading"), 1, WAIT).get(0).at()).isEqualTo(clock.at(2026, 6, 12, "15:10"));
    assertThat(Processes.eventually(WAIT, () -> group.state() == GroupState.STOPPED)).isTrue();

    // the rest of the week, edge by edge (see TradingWeekAcceptanceTest for why these instants)
    List<Instant> starts = List.of(clock.at(2026, 6, 12, "20:55"), clock.at(2026, 6, 15, "08:55"), clock.at(2026, 6, 15, "20:55"), clock.at(2026, 6, 16, "20:55"),
        clock.at(2026, 6, 17, "20:55"), clock.at(2026, 6, 22, "08:55"));
    List<Instant> stops = List.of(clock.at(2026, 6, 13, "02:40"), clock.at(2026, 6, 15, "15:10"), clock.at(2026, 6, 16, "15:10"), clock.at(2026, 6, 17, "15:10"),
        clock.at(2026, 6, 18, "15:10"), clock.at(2026, 6, 22, "15:10"));
    for (int i = 0; i < starts.size(); i++) {
      clock.advanceTo(starts.get(i));
      assertStartedInOrder(starts.get(i));
      for (String n : DECLARED) {
        rec.awaitState(n, ProcessState.RUNNING, 3 + i, WAIT);
      }
      clock.advanceTo(stops.get(i));
      assertStoppedInReverse(stops.get(i));
      assertThat(Processes.eventually(WAIT, () -> group.state() == GroupState.STOPPED)).isTrue();
    }
    // nothing started on the holiday, nor on the evening before it
    assertThat(rec.of(Started.class)).extracting(Started::at)
        .noneMatch(t -> t.isAfter(clock.at(2026, 6, 18, "15:10")) && t.isBefore(clock.at(2026, 6, 22, "08:55")));
    assertThat(rec.of(ScheduleStarted.class, "trading")).hasSize(1 + starts.size());
    assertThat(rec.of(ScheduleStopped.class, "trading")).hasSize(1 + stops.size());
    // 1 + 1 (the crash) + 6 starts per member
    for (String n : DECLARED) {
      assertThat(rec.of(Started.class, n)).hasSize(8);
    }
    assertThat(rec.of(SupervisorEvent.GroupFailed.class)).isEmpty();
  }

  /** Trading supervision of group {@code trading} with a daily pre-close freeze 14:50 to 14:55, started; the group up at the 20:55 open. */
  private void startWithPreCloseFreeze() throws Exception {
    Schedule frozen = schedule.withFreeze(FreezeWindow.daily("pre-close", LocalTime.of(14, 50), LocalTime.of(14, 55)));
    trading = TradingSupervision.builder(sup).instantSource(clock).scheduler(clock).schedule("trading", frozen).build();
    trading.subscribe(rec);
    trading.start();
    clock.advanceTo(clock.at(2026, 6, 11, "20:55"));
    assertStartedInOrder(clock.at(2026, 6, 11, "20:55"));
    rec.awaitState("gw-b", ProcessState.RUNNING, 1, WAIT);
  }

  @Test
  void aCrashInAFreezeWindowIsRestartedAtItsEndByTheGroupsStrategy() throws Exception {
    desk();
    startWithPreCloseFreeze();

    // 14:52: gw-a crashes inside the freeze: not restarted, neither by its policy nor by the group
    clock.advanceTo(clock.at(2026, 6, 12, "14:52"));
    backend.exit("gw-a", 4);
    SupervisorEvent.RestartDeferred d = rec.await(SupervisorEvent.RestartDeferred.class, e -> true, 1, WAIT).get(0);
    assertThat(d.process()).isEqualTo("gw-a");
    assertThat(d.restartAt()).contains(clock.at(2026, 6, 12, "14:55"));
    rec.awaitState("gw-a", ProcessState.CRASHED, 1, WAIT);
    clock.advanceTo(clock.at(2026, 6, 12, "14:54"));
    assertThat(sup.controller("gw-a").orElseThrow().status().state()).isEqualTo(ProcessState.CRASHED);
    assertThat(rec.of(SupervisorEvent.GroupRestart.class)).isEmpty();
    assertThat(rec.of(SupervisorEvent.RestartScheduled.class)).isEmpty();

    // 14:55: REST_FOR_ONE from gw-a: gw-b stopped, then gw-a and gw-b started; the feed is left alone
    clock.advanceTo(clock.at(2026, 6, 12, "14:55"));
    List<Started> again = rec.await(Started.class, e -> e.at().equals(clock.at(2026, 6, 12, "14:55")), 2, WAIT);
    assertThat(again).extracting(Started::process).containsExactly("gw-a", "gw-b");
    assertThat(rec.of(StateChanged.class, "gw-b")).anyMatch(s -> s.to() == ProcessState.STOPPED && s.at().equals(clock.at(2026, 6, 12, "14:55")));
    assertThat(rec.of(Started.class, "feed")).hasSize(1);
    assertThat(rec.await(ScheduleStarted.class, e -> e.process().equals("gw-a"), 1, WAIT).get(0).reason())
        .isEqualTo("restart deferred by freeze window pre-close");
    rec.awaitState("gw-b", ProcessState.RUNNING, 2, WAIT);
    assertDeferredRestartCounted("gw-a", List.of("gw-b", "feed"));
    SupervisorEvent.GroupRestart counted = rec.await(SupervisorEvent.GroupRestart.class, x -> true, 1, WAIT).get(0);
    assertThat(counted.at()).as("the group's restart, counted at the window's end").isEqualTo(clock.at(2026, 6, 12, "14:55"));
    assertThat(counted.restarted()).containsExactly("gw-b");

    // 15:05: the feed crashes after the close: recorded only, neither it nor the gateways restarted
    clock.advanceTo(clock.at(2026, 6, 12, "15:05"));
    backend.exit("feed", 5);
    List<SupervisorEvent.OutsideWindow> outside = rec.await(SupervisorEvent.OutsideWindow.class, e -> true, 2, WAIT);
    assertThat(outside).extracting(o -> o.event().process()).containsOnly("feed");
    assertThat(rec.of(SupervisorEvent.GroupRestart.class)).hasSize(1);
    clock.advanceTo(clock.at(2026, 6, 12, "15:10"));
    rec.await(ScheduleStopped.class, e -> e.process().equals("trading"), 1, WAIT);
    for (String n : DECLARED) {
      rec.awaitState(n, ProcessState.STOPPED, n.equals("gw-b") ? 2 : 1, WAIT);
    }
  }

  /**
   * A process of a scheduled group answers {@code state(name)} by its group's schedule, as {@code schedule(name)} does:
   * before start() (the group registered after the schedules were built, found among the supervisor's groups then) and
   * after it. Inside the group's freeze window the member's state names it. It answered empty: a remembered NOT_RUNNING
   * of the member was judged as if it should run.
   */
  @Test
  void aProcessOfAScheduledGroupHasItsGroupsScheduleState() throws Exception {
    Schedule frozen = schedule.withFreeze(FreezeWindow.daily("pre-close", LocalTime.of(14, 50), LocalTime.of(14, 55)));
    trading = TradingSupervision.builder(sup).instantSource(clock).scheduler(clock).schedule("trading", frozen).build();
    desk();
    register("loner", ProcessSpec.builder("loner").command("sleep", "1000"));
    clock.advanceTo(clock.at(2026, 6, 12, "14:52")); // Friday, inside the day session and the freeze window; not started

    ScheduleState before = trading.state("gw-a").orElseThrow();
    assertThat(before.name()).isEqualTo("gw-a");
    assertThat(before.schedule()).isSameAs(frozen).isSameAs(trading.schedule("gw-a"));
    assertThat(before.phase()).isEqualTo(Schedule.Phase.UP);
    assertThat(before.freeze()).contains("pre-close");
    assertThat(before.next()).contains(clock.at(2026, 6, 12, "14:55"));
    assertThat(before.tradeDay()).isEqualTo(LocalDate.of(2026, 6, 12));
    assertThat(trading.state("loner")).as("in no group, no schedule of its own").isEmpty();
    assertThat(trading.schedule("loner")).isEqualTo(Schedule.always());

    trading.start();
    assertThat(trading.state("gw-a")).contains(before);
    assertThat(trading.state("feed").orElseThrow().freeze()).contains("pre-close");
    assertThat(trading.state("loner")).isEmpty();
    assertThat(trading.states()).extracting(ScheduleState::name).containsExactly("trading"); // the group's, as before
    clock.advanceTo(clock.at(2026, 6, 12, "14:55"));
    assertThat(trading.state("gw-b").orElseThrow().freeze()).isEmpty();
  }

  /**
   * Before start(), a process of a scheduled group has its runs' ends judged by its group's schedule, as a process
   * with a schedule of its own has (both started by hand, Thursday 16:00, after the close): a crash and a give-up
   * there are recorded only ({@code OutsideWindow}), so that a listener that alerts on them (Alerting, whose FAILED is
   * critical) hears nothing. The member's were heard as they came: its group was looked up by schedule(name) and
   * state(name) only.
   */
  @Test
  void beforeStartAProcessOfAScheduledGroupEndsOutsideItsGroupsWindowAsAProcessWithItsOwnScheduleDoes() throws Exception {
    RestartPolicy noRestart = RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(5))).withStartLimit(0, Duration.ofHours(1));
    for (String n : List.of("feed", "gw-a", "loner")) { // the first failure of gw-a and of loner is a give-up: Failed
      sup.register(ProcessSpec.builder(n).command("sleep", "1000").startupGrace(Duration.ZERO).restartPolicy(noRestart).autoStart(false).build());
    }
    GroupController group = sup.registerGroup(GroupSpec.builder("trading").children("feed", "gw-a").build());
    trading = TradingSupervision.builder(sup).instantSource(clock).scheduler(clock).schedule("trading", schedule)
        .schedule("loner", schedule).build();
    trading.subscribe(rec);
    assertThat(trading.state("gw-a").orElseThrow().phase()).isEqualTo(Schedule.Phase.DOWN);
    assertThat(trading.state("loner").orElseThrow().phase()).isEqualTo(Schedule.Phase.DOWN);

    group.start().toCompletableFuture().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    sup.controller("loner").orElseThrow().start().toCompletableFuture().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    backend.exit("loner", 3);
    backend.exit("gw-a", 3);
    // heard last: the group's restart of gw-a, which its policy gave up on (the schedule is not applied before start())
    rec.await(SupervisorEvent.GroupRestart.class, e -> e.child().equals("gw-a"), 1, WAIT);

    for (String n : List.of("loner", "gw-a")) {
      assertThat(rec.events()).as("%s's end outside its window, heard as such", n)
          .filteredOn(e -> e.process().equals(n) && (e instanceof SupervisorEvent.Exited || e instanceof SupervisorEvent.Failed
              || e instanceof StateChanged c && (c.to() == ProcessState.CRASHED || c.to() == ProcessState.FAILED))).isEmpty();
      assertThat(rec.of(SupervisorEvent.OutsideWindow.class, n)).extracting(o -> o.event().getClass().getSimpleName())
          .as("%s", n).containsExactly("Exited", "StateChanged", "StateChanged", "Failed");
    }
  }

  /**
   * Before start() supervision is not off inside a freeze window (nothing is applied yet), so a run that ends there is
   * restarted by its policy: no {@code RestartDeferred} says otherwise, for a process with its own schedule or one of a
   * scheduled group (both started by hand, Friday 14:52, inside the pre-close freeze). The process with its own
   * schedule's was announced as deferred to 14:55 while its policy restarted it 5 s later.
   */
  @Test
  void beforeStartARunEndedInsideAFreezeWindowIsRestartedByItsPolicyAndNotSaidToBeDeferred() throws Exception {
    GroupController group = desk();
    register("loner", ProcessSpec.builder("loner").command("sleep", "1000"));
    Schedule frozen = schedule.withFreeze(FreezeWindow.daily("pre-close", LocalTime.of(14, 50), LocalTime.of(14, 55)));
    trading = TradingSupervision.builder(sup).instantSource(clock).scheduler(clock).schedule("trading", frozen)
        .schedule("loner", frozen).build();
    trading.subscribe(rec);
    clock.advanceTo(clock.at(2026, 6, 12, "14:52"));
    assertThat(trading.state("gw-a").orElseThrow().freeze()).contains("pre-close");
    assertThat(trading.state("loner").orElseThrow().freeze()).contains("pre-close");

    group.start().toCompletableFuture().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    sup.controller("loner").orElseThrow().start().toCompletableFuture().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    backend.exit("loner", 3);
    backend.exit("gw-a", 3);
    rec.await(SupervisorEvent.RestartScheduled.class, e -> e.process().equals("loner"), 1, WAIT);
    rec.await(SupervisorEvent.RestartScheduled.class, e -> e.process().equals("gw-a"), 1, WAIT);
    // RestartScheduled is published just before its timer is set: both backoffs armed before the clock moves
    assertThat(Processes.eventually(WAIT, () -> clock.pending().stream().filter(Duration.ofSeconds(5)::equals).count() == 2)).isTrue();
    clock.advanceTo(clock.at(2026, 6, 12, "14:52").plusSeconds(5)); // their 5 s backoff, inside the window
    rec.awaitState("loner", ProcessState.RUNNING, 2, WAIT);
    rec.awaitState("gw-a", ProcessState.RUNNING, 2, WAIT);
    assertThat(rec.of(SupervisorEvent.RestartDeferred.class)).isEmpty();
    for (String n : List.of("loner", "gw-a")) {
      assertThat(rec.of(SupervisorEvent.Exited.class, n)).as("%s's crash, heard as one", n).singleElement()
          .satisfies(x -> assertThat(x.exit().cause()).isEqualTo(io.github.vigil.ExitCause.ERROR_EXIT));
    }
  }

  /**
   * A ONE_FOR_ALL group: a member that ends inside a freeze window is restarted at its end with all the others stopped
   * (in reverse) and started (in declared order), as the group's own restart does it; the restart is the ended member's
   * policy's, counted as one (by the group too: a GroupRestart), and the others' stop and start is none of theirs. It
   * was the group's stop and start through the API: no restart counted at all.
   */
  @Test
  void aCrashInAFreezeWindowOfAOneForAllGroupIsRestartedAtItsEndAndCountedAsTheMembersRestart() throws Exception {
    for (String n : DECLARED) {
      register(n, ProcessSpec.builder(n).command("sleep", "1000"));
    }
    sup.registerGroup(GroupSpec.builder("trading").strategy(GroupSpec.Strategy.ONE_FOR_ALL).children("feed", "gw-a", "gw-b").build());
    startWithPreCloseFreeze();

    clock.advanceTo(clock.at(2026, 6, 12, "14:52"));
    backend.exit("gw-a", 4);
    rec.await(SupervisorEvent.RestartDeferred.class, e -> e.process().equals("gw-a"), 1, WAIT);
    rec.awaitState("gw-a", ProcessState.CRASHED, 1, WAIT);

    clock.advanceTo(clock.at(2026, 6, 12, "14:55"));
    assertStoppedInReverseBut("gw-a", clock.at(2026, 6, 12, "14:55"));
    assertStartedInOrder(clock.at(2026, 6, 12, "14:55"));
    for (String n : DECLARED) {
      rec.awaitState(n, ProcessState.RUNNING, 2, WAIT);
    }
    // held by its group (in BACKOFF, saying so) until the feed, declared before it, runs again
    StateChanged held = rec.awaitState("gw-a", ProcessState.BACKOFF, 1, WAIT).get(0);
    assertThat(held.reason()).isEqualTo("restart attempt 1 after ERROR_EXIT, deferred by freeze window pre-close to its end: waiting for feed "
        + "to be RUNNING (group trading starts its members again in declared order)");
    assertDeferredRestartCounted("gw-a", ProcessState.BACKOFF, List.of("feed", "gw-b"));
  }

  /**
   * A member that ends inside a freeze window that the session's close ends (the last 5 minutes of the day session): its
   * restart, deferred to the window's end, is called off at the close, where the group is no longer meant to restart
   * anything: the member is stopped then, with a {@code ScheduleStopped} under its name saying the session closed. It
   * was left CRASHED, its restart due, until the group's stop at the close plus the lag.
   */
  @Test
  void aRestartDeferredToTheEndOfAWindowTheCloseEndsIsCalledOffAtTheClose() throws Exception {
    desk();
    Schedule frozen = schedule.withFreeze(FreezeWindow.beforeClose("auction", Duration.ofMinutes(5)));
    trading = TradingSupervision.builder(sup).instantSource(clock).scheduler(clock).schedule("trading", frozen).build();
    trading.subscribe(rec);
    trading.start();
    clock.advanceTo(clock.at(2026, 6, 11, "20:55"));
    assertStartedInOrder(clock.at(2026, 6, 11, "20:55"));
    rec.awaitState("gw-b", ProcessState.RUNNING, 1, WAIT);

    clock.advanceTo(clock.at(2026, 6, 12, "14:57"));
    backend.exit("gw-a", 4);
    assertThat(rec.await(SupervisorEvent.RestartDeferred.class, e -> true, 1, WAIT).get(0).restartAt()).contains(clock.at(2026, 6, 12, "15:00"));
    rec.awaitState("gw-a", ProcessState.CRASHED, 1, WAIT);

    clock.advanceTo(clock.at(2026, 6, 12, "15:00")); // the close
    ScheduleStopped calledOff = rec.await(ScheduleStopped.class, e -> e.process().equals("gw-a"), 1, WAIT).get(0);
    assertThat(calledOff.at()).isEqualTo(clock.at(2026, 6, 12, "15:00"));
    assertThat(calledOff.reason()).isEqualTo("the session closed before the end of freeze window auction, to which its restart was deferred: "
        + "called off");
    StateChanged down = rec.awaitState("gw-a", ProcessState.STOPPED, 1, WAIT).get(0);
    assertThat(down.at()).isEqualTo(clock.at(2026, 6, 12, "15:00"));
    assertThat(down.from()).isEqualTo(ProcessState.CRASHED);
    assertThat(rec.of(Started.class, "gw-a")).hasSize(1);
    assertThat(rec.of(StateChanged.class, "gw-b")).noneMatch(x -> x.to() == ProcessState.STOPPED); // the others run on until the stop

    clock.advanceTo(clock.at(2026, 6, 12, "15:10")); // the group's stop
    assertThat(rec.await(ScheduleStopped.class, e -> e.process().equals("trading"), 1, WAIT).get(0).at()).isEqualTo(clock.at(2026, 6, 12, "15:10"));
    rec.awaitState("feed", ProcessState.STOPPED, 1, WAIT);
    assertThat(rec.of(Started.class, "gw-a")).hasSize(1);
    assertThat(sup.controller("gw-a").orElseThrow().statistics().restarts()).isZero();
  }

  /** The feed and the two gateways in a group of {@code strategy} of at most 1 restart per hour. */
  private GroupController desk(GroupSpec.Strategy strategy) {
    for (String n : DECLARED) {
      register(n, ProcessSpec.builder(n).command("sleep", "1000"));
    }
    return sup.registerGroup(GroupSpec.builder("trading").strategy(strategy).intensity(1, Duration.ofHours(1))
        .children("feed", "gw-a", "gw-b").build());
  }

  /** The members that {@code strategy} restarts with gw-a, in declared order: none, gw-b, or the feed and gw-b. */
  private static List<String> restartedWithGwA(GroupSpec.Strategy strategy) {
    return switch (strategy) {
      case ONE_FOR_ONE -> List.of();
      case REST_FOR_ONE -> List.of("gw-b");
      case ONE_FOR_ALL -> List.of("feed", "gw-b");
    };
  }

  /**
   * A member's restart deferred to the end of a freeze window is counted against its group's intensity under every
   * strategy, as its policy's restart at once is, with the same {@code GroupRestart}, the siblings its strategy names
   * stopped (in reverse) and started again with it (in declared order): a crash a minute later is the second restart
   * within the hour and escalates. It was not counted: under ONE_FOR_ONE until 6f23453 (no GroupRestart at 14:55);
   * under REST_FOR_ONE and ONE_FOR_ALL TradingSupervision stopped and started the siblings itself, and the group never
   * heard of it, so a member crashing in every window restarted its siblings without bound.
   */
  @ParameterizedTest
  @EnumSource(GroupSpec.Strategy.class)
  void aMembersDeferredRestartIsCountedAgainstItsGroupsIntensity(GroupSpec.Strategy strategy) throws Exception {
    GroupController group = desk(strategy);
    startWithPreCloseFreeze();

    clock.advanceTo(clock.at(2026, 6, 12, "14:52"));
    backend.exit("gw-a", 4);
    rec.await(SupervisorEvent.RestartDeferred.class, e -> e.process().equals("gw-a"), 1, WAIT);
    rec.awaitState("gw-a", ProcessState.CRASHED, 1, WAIT);
    assertThat(rec.of(SupervisorEvent.GroupRestart.class)).isEmpty();

    Instant end = clock.at(2026, 6, 12, "14:55");
    clock.advanceTo(end);
    SupervisorEvent.GroupRestart counted = rec.await(SupervisorEvent.GroupRestart.class, e -> true, 1, WAIT).get(0);
    assertThat(counted.at()).isEqualTo(end);
    assertThat(counted.child()).isEqualTo("gw-a");
    assertThat(counted.strategy()).isEqualTo(strategy);
    assertThat(counted.restarted()).isEqualTo(restartedWithGwA(strategy));
    assertThat(counted.restarts()).as("the first restart within the hour").isEqualTo(1);
    List<String> again = DECLARED.stream().filter(n -> n.equals("gw-a") || restartedWithGwA(strategy).contains(n)).toList();
    List<Started> started = rec.await(Started.class, e -> e.at().equals(end), again.size(), WAIT);
    assertThat(started).extracting(Started::process).as("started again in declared order").containsExactlyElementsOf(again);
    for (String n : again) {
      rec.awaitState(n, ProcessState.RUNNING, 2, WAIT);
    }
    assertDeferredRestartCounted("gw-a", strategy == GroupSpec.Strategy.ONE_FOR_ALL ? ProcessState.BACKOFF : ProcessState.CRASHED,
        List.of("feed", "gw-b"));
    assertThat(rec.of(SupervisorEvent.GroupRestart.class)).as("one restart, one count").hasSize(1);

    // 14:56: gw-a crashes again, in session: its policy's restart is the second within the hour, past the intensity
    clock.advanceTo(clock.at(2026, 6, 12, "14:56"));
    backend.exit("gw-a", 4);
    SupervisorEvent.GroupFailed failed = rec.await(SupervisorEvent.GroupFailed.class, e -> true, 1, WAIT).get(0);
    assertThat(failed.at()).isEqualTo(clock.at(2026, 6, 12, "14:56"));
    assertThat(failed.child()).isEqualTo("gw-a");
    assertThat(failed.reason()).startsWith("intensity exceeded: 2 restarts within 1 h (at most 1)");
    assertThat(Processes.eventually(WAIT, () -> group.state() == GroupState.FAILED)).isTrue();
  }

  /**
   * A member's restart deferred to the end of a freeze window that is past its group's intensity escalates there under
   * every strategy, as its policy's restart at once would: the group is FAILED, its members stopped, and neither the
   * member nor its siblings are started again. It was restarted (under REST_FOR_ONE and ONE_FOR_ALL with the siblings,
   * stopped and started by TradingSupervision), and the group ran on.
   */
  @ParameterizedTest
  @EnumSource(GroupSpec.Strategy.class)
  void aMembersDeferredRestartPastItsGroupsIntensityEscalates(GroupSpec.Strategy strategy) throws Exception {
    GroupController group = desk(strategy);
    startWithPreCloseFreeze();

    clock.advanceTo(clock.at(2026, 6, 12, "14:20")); // in session, out of the freeze: restarted by its policy, the first restart
    backend.exit("gw-a", 4);
    assertThat(rec.await(SupervisorEvent.GroupRestart.class, e -> true, 1, WAIT).get(0).restarts()).isEqualTo(1);
    assertThat(Processes.eventually(WAIT, () -> clock.pending().contains(Duration.ofSeconds(5)))).isTrue();
    clock.advanceTo(clock.at(2026, 6, 12, "14:20").plusSeconds(5));
    for (String n : DECLARED) {
      rec.awaitState(n, ProcessState.RUNNING, n.equals("gw-a") || restartedWithGwA(strategy).contains(n) ? 2 : 1, WAIT);
    }
    assertThat(sup.awaitIdle(WAIT)).isTrue();

    clock.advanceTo(clock.at(2026, 6, 12, "14:52"));
    backend.exit("gw-a", 4);
    rec.await(SupervisorEvent.RestartDeferred.class, e -> e.process().equals("gw-a"), 1, WAIT);
    rec.awaitState("gw-a", ProcessState.CRASHED, 2, WAIT);

    Instant end = clock.at(2026, 6, 12, "14:55");
    clock.advanceTo(end);
    SupervisorEvent.GroupFailed failed = rec.await(SupervisorEvent.GroupFailed.class, e -> true, 1, WAIT).get(0);
    assertThat(failed.at()).isEqualTo(end);
    assertThat(failed.child()).isEqualTo("gw-a");
    assertThat(failed.reason()).startsWith("intensity exceeded: 2 restarts within 1 h (at most 1)");
    assertThat(Processes.eventually(WAIT, () -> group.state() == GroupState.FAILED)).isTrue();
    for (String n : DECLARED) {
      assertThat(Processes.eventually(WAIT, () -> sup.controller(n).orElseThrow().status().state() == ProcessState.STOPPED))
          .as("%s stopped by the escalation", n).isTrue();
    }
    assertThat(sup.awaitIdle(WAIT)).isTrue();
    assertThat(rec.of(Started.class)).filteredOn(s -> s.at().equals(end)).as("nothing started at the window's end").isEmpty();
    assertThat(rec.of(SupervisorEvent.GroupRestart.class)).hasSize(1);
    assertThat(sup.controller("gw-a").orElseThrow().statistics().restarts()).isEqualTo(1);
  }

  /**
   * A member whose deferred restart its policy gives up on (a start limit of 0) is its group's failure, as a give-up at
   * an exit is: counted once ({@code GroupRestart}), and the group starts it again itself with the siblings its strategy
   * names, each once, in declared order. Under ONE_FOR_ALL TradingSupervision had stopped and started the feed before
   * the give-up, whose group restart then stopped and started it again: started twice at the window's end.
   */
  @ParameterizedTest
  @EnumSource(GroupSpec.Strategy.class)
  void aDeferredRestartItsPolicyGivesUpOnIsItsGroupsFailureRestartedOnce(GroupSpec.Strategy strategy) throws Exception {
    for (String n : DECLARED) {
      ProcessSpec.Builder b = ProcessSpec.builder(n).command("sleep", "1000").startupGrace(Duration.ZERO).autoStart(false);
      sup.register(b.restartPolicy(n.equals("gw-a") ? RestartPolicy.onFailure().withStartLimit(0, Duration.ofHours(1))
          : RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(5)))).build());
    }
    sup.registerGroup(GroupSpec.builder("trading").strategy(strategy).intensity(1, Duration.ofHours(1)).children("feed", "gw-a", "gw-b").build());
    startWithPreCloseFreeze();

    clock.advanceTo(clock.at(2026, 6, 12, "14:52"));
    backend.exit("gw-a", 4);
    rec.await(SupervisorEvent.RestartDeferred.class, e -> e.process().equals("gw-a"), 1, WAIT);
    rec.awaitState("gw-a", ProcessState.CRASHED, 1, WAIT);

    Instant end = clock.at(2026, 6, 12, "14:55");
    clock.advanceTo(end);
    assertThat(rec.await(SupervisorEvent.Failed.class, e -> e.process().equals("gw-a"), 1, WAIT).get(0).at()).isEqualTo(end);
    SupervisorEvent.GroupRestart counted = rec.await(SupervisorEvent.GroupRestart.class, e -> true, 1, WAIT).get(0);
    assertThat(counted.child()).isEqualTo("gw-a");
    assertThat(counted.restarted()).isEqualTo(restartedWithGwA(strategy));
    List<String> again = DECLARED.stream().filter(n -> n.equals("gw-a") || restartedWithGwA(strategy).contains(n)).toList();
    for (String n : DECLARED) {
      rec.awaitState(n, ProcessState.RUNNING, again.contains(n) ? 2 : 1, WAIT);
    }
    assertThat(sup.awaitIdle(WAIT)).isTrue();
    assertThat(rec.of(Started.class)).filteredOn(s -> s.at().equals(end)).extracting(Started::process)
        .as("each started once at the window's end, in declared order").containsExactlyElementsOf(again);
    assertThat(rec.of(SupervisorEvent.GroupRestart.class)).as("one failure, one count").hasSize(1);
  }

  /**
   * Two members that end in one freeze window, where the first one's restart takes the second with it (REST_FOR_ONE:
   * the ones after it; ONE_FOR_ALL: all): at the window's end one restart of the group, counted once, as a sibling that
   * ends while its group's restart is under way is part of it: the second is started again by that restart (each
   * member once, in declared order), not restarted by its own policy nor counted again.
   */
  @ParameterizedTest
  @EnumSource(names = {"REST_FOR_ONE", "ONE_FOR_ALL"})
  void twoMembersThatEndInOneWindowAreOneRestartOfTheirGroup(GroupSpec.Strategy strategy) throws Exception {
    desk(strategy);
    startWithPreCloseFreeze();

    clock.advanceTo(clock.at(2026, 6, 12, "14:52"));
    backend.exit("gw-a", 4);
    backend.exit("gw-b", 4);
    rec.await(SupervisorEvent.RestartDeferred.class, e -> true, 2, WAIT);
    rec.awaitState("gw-a", ProcessState.CRASHED, 1, WAIT);
    rec.awaitState("gw-b", ProcessState.CRASHED, 1, WAIT);

    Instant end = clock.at(2026, 6, 12, "14:55");
    clock.advanceTo(end);
    SupervisorEvent.GroupRestart counted = rec.await(SupervisorEvent.GroupRestart.class, e -> true, 1, WAIT).get(0);
    assertThat(counted.child()).isEqualTo("gw-a");
    assertThat(counted.restarted()).isEqualTo(restartedWithGwA(strategy));
    List<String> again = DECLARED.stream().filter(n -> n.equals("gw-a") || restartedWithGwA(strategy).contains(n)).toList();
    for (String n : again) {
      rec.awaitState(n, ProcessState.RUNNING, 2, WAIT);
    }
    assertThat(sup.awaitIdle(WAIT)).isTrue();
    assertThat(rec.of(Started.class)).filteredOn(x -> x.at().equals(end)).extracting(Started::process)
        .as("each started once at the window's end, in declared order").containsExactlyElementsOf(again);
    assertThat(rec.of(SupervisorEvent.GroupRestart.class)).as("one restart, one count").hasSize(1);
    assertThat(sup.controller("gw-a").orElseThrow().statistics().restarts()).isEqualTo(1);
    assertThat(sup.controller("gw-b").orElseThrow().statistics().restarts()).as("started again by gw-a's group restart").isZero();
  }

  /**
   * A member of a nested group is restarted at the window's end by its own group's strategy, as after an end at once:
   * the gateways' ONE_FOR_ONE group restarts gw-a alone (and counts it), not the scheduled group's REST_FOR_ONE, which
   * TradingSupervision applied to the flattened members and so stopped and started gw-b with it.
   */
  @Test
  void aNestedGroupsMemberIsRestartedByItsOwnGroupsStrategy() throws Exception {
    for (String n : DECLARED) {
      register(n, ProcessSpec.builder(n).command("sleep", "1000"));
    }
    sup.registerGroup(GroupSpec.builder("gateways").strategy(GroupSpec.Strategy.ONE_FOR_ONE).children("gw-a", "gw-b").build());
    sup.registerGroup(GroupSpec.builder("trading").strategy(GroupSpec.Strategy.REST_FOR_ONE).children("feed", "gateways").build());
    startWithPreCloseFreeze();

    clock.advanceTo(clock.at(2026, 6, 12, "14:52"));
    backend.exit("gw-a", 4);
    rec.await(SupervisorEvent.RestartDeferred.class, e -> e.process().equals("gw-a"), 1, WAIT);
    rec.awaitState("gw-a", ProcessState.CRASHED, 1, WAIT);

    Instant end = clock.at(2026, 6, 12, "14:55");
    clock.advanceTo(end);
    SupervisorEvent.GroupRestart counted = rec.await(SupervisorEvent.GroupRestart.class, e -> true, 1, WAIT).get(0);
    assertThat(counted.process()).isEqualTo("gateways");
    assertThat(counted.child()).isEqualTo("gw-a");
    assertThat(counted.restarted()).isEmpty();
    rec.awaitState("gw-a", ProcessState.RUNNING, 2, WAIT);
    assertDeferredRestartCounted("gw-a", List.of("feed", "gw-b"));
    assertThat(rec.of(StateChanged.class, "gw-b")).as("gw-b runs on").noneMatch(x -> x.to() == ProcessState.STOPPING);
    assertThat(rec.of(Started.class)).filteredOn(x -> x.at().equals(end)).extracting(Started::process).containsExactly("gw-a");
  }

  /** The members but {@code ended} stopped at exactly {@code t}, in reverse order. */
  private void assertStoppedInReverseBut(String ended, Instant t) throws InterruptedException {
    List<String> others = REVERSE.stream().filter(n -> !n.equals(ended)).toList();
    List<StateChanged> s = rec.await(StateChanged.class, e -> DECLARED.contains(e.process()) && e.to() == ProcessState.STOPPED
        && e.at().equals(t), others.size(), WAIT);
    assertThat(s).extracting(StateChanged::process).containsExactlyElementsOf(others);
  }

  /**
   * {@code ended}'s restart at the freeze window's end is its policy's (STARTING of origin POLICY from CRASHED), counted
   * by its statistics and the trade day's; {@code others}, stopped and started with it or not at all, count none.
   */
  private void assertDeferredRestartCounted(String ended, List<String> others) throws InterruptedException {
    assertDeferredRestartCounted(ended, ProcessState.CRASHED, others);
  }

  /**
   * As {@link #assertDeferredRestartCounted(String, List)}, its STARTING from {@code from}: BACKOFF where its ONE_FOR_ALL
   * group held its restart until the members declared before it were running again.
   */
  private void assertDeferredRestartCounted(String ended, ProcessState from, List<String> others) throws InterruptedException {
    assertThat(sup.awaitIdle(WAIT)).isTrue();
    StateChanged restart = rec.awaitState(ended, ProcessState.STARTING, 2, WAIT).get(1);
    assertThat(restart.from()).isEqualTo(from);
    assertThat(restart.origin()).isEqualTo(io.github.vigil.Origin.POLICY);
    assertThat(restart.reason()).endsWith("deferred by freeze window pre-close to its end");
    ProcessController c = sup.controller(ended).orElseThrow();
    assertThat(c.statistics().restarts()).as("%s's restarts", ended).isEqualTo(1);
    assertThat(c.statistics().starts()).isEqualTo(2);
    assertThat(c.status().restarts()).isEqualTo(1);
    LocalDate day = LocalDate.of(2026, 6, 12);
    assertThat(trading.statistics().forDay(day, ended).restarts()).as("%s's restarts of the trade day", ended).isEqualTo(1);
    assertThat(trading.statistics().forDay(day, ended).deferredRestarts()).as("%s's deferred restarts done", ended).isEqualTo(1);
    for (String n : others) {
      assertThat(sup.controller(n).orElseThrow().statistics().restarts()).as("%s's restarts", n).isZero();
      assertThat(trading.statistics().forDay(day, n).restarts()).as("%s's restarts of the trade day", n).isZero();
      assertThat(trading.statistics().forDay(day, n).deferredRestarts()).as("%s's deferred restarts", n).isZero();
    }
  }

  @Test
  void aGroupRestartWaitingAtTheCloseIsCalledOff() throws Exception {
    GroupController group = desk();
    trading = TradingSupervision.builder(sup).instantSource(clock).scheduler(clock).schedule("trading", schedule).build();
    trading.subscribe(rec);
    trading.start();
    clock.advanceTo(clock.at(2026, 6, 11, "20:55"));
    assertStartedInOrder(clock.at(2026, 6, 11, "20:55"));
    rec.awaitState("gw-b", ProcessState.RUNNING, 1, WAIT);

    // 14:59:58: the feed crashes; its restart (5 s backoff) and the gateways' after it would come after the close
    Instant crash = clock.at(2026, 6, 12, "15:00").minusSeconds(2);
    clock.advanceTo(crash);
    backend.exit("feed", 3);
    rec.await(SupervisorEvent.RestartScheduled.class, e -> e.process().equals("feed"), 1, WAIT);
    rec.await(StateChanged.class, e -> e.process().equals("gw-a") && e.to() == ProcessState.STOPPED, 1, WAIT);
    clock.advanceTo(clock.at(2026, 6, 12, "15:00"));
    ScheduleStopped off = rec.await(ScheduleStopped.class, e -> e.process().equals("feed"), 1, WAIT).get(0);
    assertThat(off.at()).isEqualTo(clock.at(2026, 6, 12, "15:00"));
    assertThat(off.reason()).isEqualTo("closed while feed of group trading was waiting to restart");
    rec.awaitState("feed", ProcessState.STOPPED, 1, WAIT);
    clock.advanceTo(clock.at(2026, 6, 12, "15:10"));
    assertThat(rec.await(ScheduleStopped.class, e -> e.process().equals("trading"), 1, WAIT).get(0).at()).isEqualTo(clock.at(2026, 6, 12, "15:10"));
    assertThat(Processes.eventually(WAIT, () -> group.state() == GroupState.STOPPED)).isTrue();
    for (String n : DECLARED) {
      assertThat(rec.of(Started.class, n)).hasSize(1);
      assertThat(sup.controller(n).orElseThrow().status().state()).isEqualTo(ProcessState.STOPPED);
    }
  }

  @Test
  void aProcessWaitingForItsDependencyIsNoFailureOfItsSchedule() throws Exception {
    ProcessController db = register("db", ProcessSpec.builder("db").command("sleep", "1000"));
    ProcessController app = register("app", ProcessSpec.builder("app").command("sleep", "1000").dependsOn("db"));
    trading = TradingSupervision.builder(sup).instantSource(clock).scheduler(clock).schedule("app", schedule).build();
    trading.subscribe(rec);
    trading.start();

    // started by a person while its schedule is down: it waits for db, and is left alone
    clock.advanceTo(clock.at(2026, 6, 11, "17:00"));
    app.start();
    rec.awaitState("app", ProcessState.WAITING, 1, WAIT);
    // 20:55, the up window: it is already starting, so it is not started again and nothing fails
    clock.advanceTo(clock.at(2026, 6, 11, "20:55"));
    assertThat(Processes.eventually(WAIT, () -> trading.state("app").orElseThrow().phase() == Schedule.Phase.UP)).isTrue();
    clock.advanceTo(clock.at(2026, 6, 11, "21:30"));
    assertThat(app.status().state()).isEqualTo(ProcessState.WAITING);
    assertThat(rec.of(SupervisorEvent.CommandIssued.class, "app")).hasSize(1);
    db.start();
    assertThat(rec.await(Started.class, e -> e.process().equals("app"), 1, WAIT).get(0).at()).isEqualTo(clock.at(2026, 6, 11, "21:30"));

    // Friday 15:10: stopped by the schedule; db stopped by hand
    clock.advanceTo(clock.at(2026, 6, 12, "15:10"));
    rec.awaitState("app", ProcessState.STOPPED, 1, WAIT);
    db.stop();
    rec.awaitState("db", ProcessState.STOPPED, 1, WAIT);
    // Friday 20:55 (Monday's night session): the scheduled start waits for db
    clock.advanceTo(clock.at(2026, 6, 12, "20:55"));
    ScheduleStarted s = rec.await(ScheduleStarted.class, e -> e.process().equals("app"), 1, WAIT).get(0);
    assertThat(s.at()).isEqualTo(clock.at(2026, 6, 12, "20:55"));
    rec.awaitState("app", ProcessState.WAITING, 2, WAIT);
    // Saturday 02:30, the close: the start still waiting is called off
    clock.advanceTo(clock.at(2026, 6, 13, "02:30"));
    ScheduleStopped off = rec.await(ScheduleStopped.class, e -> e.process().equals("app") && e.at().equals(clock.at(2026, 6, 13, "02:30")), 1, WAIT)
        .get(0);
    assertThat(off.reason()).isEqualTo("closed while waiting to restart");
    rec.awaitState("app", ProcessState.STOPPED, 2, WAIT);
    clock.advanceTo(clock.at(2026, 6, 15, "08:00"));
    assertThat(app.status().state()).isEqualTo(ProcessState.STOPPED);
    assertThat(rec.of(SupervisorEvent.Failed.class)).isEmpty();
    assertThat(rec.of(SupervisorEvent.OutsideWindow.class)).isEmpty();
    assertThat(rec.of(Started.class, "app")).hasSize(1);
  }

  @Test
  void overlappingOrUnknownSchedulesAreRefusedByName() {
    desk();
    TradingSupervision both = TradingSupervision.builder(sup).instantSource(clock).scheduler(clock)
        .schedule("trading", schedule).schedule("gw-a", schedule).build();
    assertThatThrownBy(both::start).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("schedule for process 'gw-a': it is a child of group 'trading', whose strategy would start it outside its window; "
            + "give the schedule to 'trading' or take 'gw-a' out of the group");
    both.close();
    // a child of a group without a schedule: the group's start or restart would start it outside its window (as Spring refuses)
    TradingSupervision member = TradingSupervision.builder(sup).instantSource(clock).scheduler(clock).schedule("gw-b", schedule).build();
    assertThatThrownBy(member::start).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("schedule for process 'gw-b': it is a child of group 'trading'");
    member.close();
    sup.registerGroup(GroupSpec.builder("floor").strategy(GroupSpec.Strategy.ONE_FOR_ONE).children("trading").build());
    TradingSupervision nested = TradingSupervision.builder(sup).instantSource(clock).scheduler(clock).schedule("trading", schedule).build();
    assertThatThrownBy(nested::start).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("schedule for group 'trading': it is a child of group 'floor'");
    nested.close();
    assertThat(sup.controller("gw-b").orElseThrow().status().state()).as("nothing started by a refused start").isEqualTo(ProcessState.STOPPED);
    TradingSupervision unknown = TradingSupervision.builder(sup).instantSource(clock).scheduler(clock).schedule("desk2", schedule).build();
    assertThatThrownBy(unknown::start).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("schedule for process or group 'desk2': the supervisor has no such process or group");
    unknown.close();
  }
}
