package io.github.vigil.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vigil.AttachSpec;
import io.github.vigil.AttachState;
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
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Schedules on the example London calendar (08:00-16:30), on a virtual clock. */
@Timeout(60)
class TradingSupervisionTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final TradingDayClock clock = TradingDayClock.startingAt(LONDON, LocalDate.of(2026, 6, 15), "07:30"); // a Monday
  private final FakeBackend backend = new FakeBackend();
  private final Supervisor sup = Supervisor.builder().name("ldn").backend(backend).ticker(clock).scheduler(clock)
      .instantSource(clock).closeTimeout(Duration.ofSeconds(2)).build();
  private final EventRecorder rec = new EventRecorder();
  private final TradingCalendar lse = ExampleCalendars.lse();
  private TradingSupervision trading;
  private final List<Process> outsiders = new java.util.ArrayList<>();

  @AfterEach
  void tearDown() {
    if (trading != null) {
      trading.close();
    }
    sup.close();
    outsiders.forEach(Process::destroyForcibly);
  }

  private ProcessController register(String name) {
    return sup.register(ProcessSpec.builder(name).command("sleep", "1000").startupGrace(Duration.ZERO)
        .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(5)))).autoStart(false).build());
  }

  private TradingSupervision start(TradingSupervision.Builder b) {
    trading = b.instantSource(clock).scheduler(clock).build();
    trading.subscribe(rec);
    trading.start();
    return trading;
  }

  @Test
  void aLossOutsideTheWatchWindowIsRecordedButRaisesNothingAndTheWindowOpeningSaysTheStateThen() throws Exception {
    Process before = new ProcessBuilder("sleep", "1000").start();
    Process inside = new ProcessBuilder("sleep", "1000").start();
    outsiders.add(before);
    outsiders.add(inside);
    EventRecorder direct = new EventRecorder(); // the supervisor's own stream
    sup.subscribe(direct);
    sup.attach(AttachSpec.builder("trader-a").pid(before.pid()).build());
    sup.attach(AttachSpec.builder("trader-b").pid(inside.pid()).build());
    direct.awaitAttach("trader-a", AttachState.RUNNING, 1, WAIT);
    direct.awaitAttach("trader-b", AttachState.RUNNING, 1, WAIT);
    start(TradingSupervision.builder(sup).watch("trader-a", Schedule.inSession(lse).withLead(Duration.ofMinutes(15)))
        .watch("trader-b", Schedule.inSession(lse).withLead(Duration.ofMinutes(15))));
    assertThat(trading.state("trader-a").orElseThrow().phase()).isEqualTo(Schedule.Phase.DOWN);
    // the start says where each window stands: a journal reading NOT_FOUND or STOPPED before the open knows it is expected
    assertThat(rec.await(SupervisorEvent.WatchWindowChanged.class, e -> e.process().equals("trader-a"), 1, WAIT).get(0))
        .isEqualTo(new SupervisorEvent.WatchWindowChanged("trader-a", clock.at(2026, 6, 15, "07:30"), LocalDate.of(2026, 6, 15), false, AttachState.RUNNING));

    before.destroyForcibly().waitFor();
    assertThat(Processes.eventually(WAIT, () -> {
      clock.advance(Duration.ofMillis(250)); // the JDK backend's exit poll runs on the virtual clock
      return !rec.of(SupervisorEvent.OutsideWindow.class, "trader-a").isEmpty();
    })).isTrue();
    List<SupervisorEvent.OutsideWindow> outside = rec.await(SupervisorEvent.OutsideWindow.class, e -> e.process().equals("trader-a"), 2, WAIT);
    assertThat(outside.get(0).event()).isInstanceOf(SupervisorEvent.AttachedLost.class);
    assertThat(outside.get(1).event()).isInstanceOfSatisfying(SupervisorEvent.AttachStateChanged.class, s -> assertThat(s.to()).isEqualTo(AttachState.STOPPED));
    assertThat(outside.get(0).tradeDay()).isEqualTo(LocalDate.of(2026, 6, 15));
    assertThat(rec.of(SupervisorEvent.AttachedLost.class)).isEmpty();
    assertThat(rec.of(SupervisorEvent.AttachStateChanged.class, "trader-a")).noneMatch(s -> s.to() == AttachState.STOPPED);

    clock.advanceTo(clock.at(2026, 6, 15, "07:45"));
    SupervisorEvent.WatchWindowChanged opened = rec.await(SupervisorEvent.WatchWindowChanged.class, e -> e.process().equals("trader-a") && e.open(), 1, WAIT).get(0);
    assertThat(opened).isEqualTo(new SupervisorEvent.WatchWindowChanged("trader-a", clock.at(2026, 6, 15, "07:45"), LocalDate.of(2026, 6, 15), true, AttachState.STOPPED));

    // inside the window a loss is an AttachedLost, as without a schedule
    inside.destroyForcibly().waitFor();
    assertThat(Processes.eventually(WAIT, () -> {
      clock.advance(Duration.ofMillis(250));
      return !rec.of(SupervisorEvent.AttachedLost.class, "trader-b").isEmpty();
    })).isTrue();
    assertThat(rec.of(SupervisorEvent.OutsideWindow.class, "trader-b")).isEmpty();

    clock.advanceTo(clock.at(2026, 6, 15, "16:30"));
    assertThat(rec.await(SupervisorEvent.WatchWindowChanged.class, e -> e.process().equals("trader-a") && !e.open(), 2, WAIT).get(1).at())
        .isEqualTo(clock.at(2026, 6, 15, "16:30"));
  }

  @Test
  void aProcessRunningBeforeItsFirstWindowIsStoppedAtStartSayingWhenItsWindowOpensNotThatOneClosed() throws Exception {
    ProcessController c = register("gw");
    assertThat(c.start(WAIT).state()).isEqualTo(ProcessState.RUNNING); // by the application (startAll), before the 07:45 lead
    start(TradingSupervision.builder(sup).schedule("gw", Schedule.inSession(lse).withLead(Duration.ofMinutes(15))
        .withLag(Duration.ofMinutes(5))));
    SupervisorEvent.ScheduleStopped stopped = rec.await(SupervisorEvent.ScheduleStopped.class, e -> true, 1, WAIT).get(0);
    // no session closed yet today: the reason was "window over: stopped 5 min 00 s after the close"
    assertThat(stopped.reason()).doesNotContain("after the close")
        .isEqualTo("outside its up window when the schedule started: next lse session " + lse.sessions(LocalDate.of(2026, 6, 15)).get(0).name()
            + " of 2026-06-15 opens at " + clock.at(2026, 6, 15, "08:00"));
    rec.awaitState("gw", ProcessState.STOPPED, 1, WAIT);
    clock.advanceTo(clock.at(2026, 6, 15, "07:45"));
    rec.awaitState("gw", ProcessState.RUNNING, 1, WAIT);
    clock.advanceTo(clock.at(2026, 6, 15, "16:35"));
    assertThat(rec.await(SupervisorEvent.ScheduleStopped.class, e -> true, 2, WAIT).get(1).reason())
        .isEqualTo("window over: stopped 5 min 00 s after the close");
  }

  @Test
  void aCrashInAWindowLeftForAPersonIsNotRestartedAtItsEnd() throws Exception {
    ProcessController c = register("gw");
    start(TradingSupervision.builder(sup).schedule("gw", Schedule.inSession(lse)
        .withFreeze(FreezeWindow.daily("auction", LocalTime.of(12, 0), LocalTime.of(12, 2)).leftForAPerson())));
    clock.advanceTo(clock.at(2026, 6, 15, "08:00"));
    rec.awaitState("gw", ProcessState.RUNNING, 1, WAIT);
    clock.advanceTo(clock.at(2026, 6, 15, "12:01"));
    backend.exit("gw", 1);
    SupervisorEvent.RestartDeferred d = rec.await(SupervisorEvent.RestartDeferred.class, e -> true, 1, WAIT).get(0);
    assertThat(d.restartAt()).isEmpty();
    rec.awaitState("gw", ProcessState.CRASHED, 1, WAIT);
    clock.advanceTo(clock.at(2026, 6, 15, "12:30"));
    assertThat(c.status().state()).isEqualTo(ProcessState.CRASHED);
    assertThat(c.status().supervised()).isTrue(); // the freeze is over: a start by a person is supervised again
    assertThat(rec.of(SupervisorEvent.ScheduleStarted.class)).hasSize(1);
    c.start(WAIT);
    assertThat(rec.await(SupervisorEvent.Started.class, e -> true, 2, WAIT)).hasSize(2);
  }

  @Test
  void stoppedBetweenSessionsWhenAskedAndStartedAtOnceInsideAWindow() throws Exception {
    TradingCalendar twoSessions = TradingCalendar.builder("two").zone(LONDON)
        .session(SessionRule.of("am", LocalTime.of(8, 0), LocalTime.of(12, 0)))
        .session(SessionRule.of("pm", LocalTime.of(14, 0), LocalTime.of(16, 0))).build();
    register("gw");
    clock.advanceTo(clock.at(2026, 6, 15, "09:00"));
    start(TradingSupervision.builder(sup).schedule("gw", Schedule.inSession(twoSessions).withLag(Duration.ofMinutes(5))
        .withBetweenSessions(Schedule.BetweenSessions.STOP)));
    assertThat(rec.await(SupervisorEvent.Started.class, e -> true, 1, WAIT).get(0).at()).isEqualTo(clock.at(2026, 6, 15, "09:00"));
    rec.awaitState("gw", ProcessState.RUNNING, 1, WAIT);
    clock.advanceTo(clock.at(2026, 6, 15, "12:05"));
    assertThat(rec.await(SupervisorEvent.ScheduleStopped.class, e -> true, 1, WAIT).get(0).at()).isEqualTo(clock.at(2026, 6, 15, "12:05"));
    rec.awaitState("gw", ProcessState.STOPPED, 1, WAIT);
    assertThat(trading.state("gw").orElseThrow().nextChange()).isEqualTo(clock.at(2026, 6, 15, "14:00"));
    clock.advanceTo(clock.at(2026, 6, 15, "14:00"));
    assertThat(rec.await(SupervisorEvent.Started.class, e -> true, 2, WAIT).get(1).at()).isEqualTo(clock.at(2026, 6, 15, "14:00"));
    rec.awaitState("gw", ProcessState.RUNNING, 2, WAIT);
    clock.advanceTo(clock.at(2026, 6, 15, "16:05"));
    rec.awaitState("gw", ProcessState.STOPPED, 2, WAIT);
    assertThat(rec.of(SupervisorEvent.ScheduleStopped.class)).extracting(SupervisorEvent::at)
        .containsExactly(clock.at(2026, 6, 15, "12:05"), clock.at(2026, 6, 15, "16:05"));
    // each stop's cause comes before its own events: a listener hears ScheduleStopped, then STOPPING
    List<String> order = rec.events().stream().filter(e -> e instanceof SupervisorEvent.ScheduleStopped
        || e instanceof SupervisorEvent.StateChanged sc && sc.to() == ProcessState.STOPPING).map(e -> e.getClass().getSimpleName()).toList();
    assertThat(order).containsExactly("ScheduleStopped", "StateChanged", "ScheduleStopped", "StateChanged");
  }

  @Test
  void aRestartWaitingInBackoffAtTheCloseDoesNotHappen() throws Exception {
    ProcessController c = register("gw");
    start(TradingSupervision.builder(sup).schedule("gw", Schedule.inSession(lse).withLag(Duration.ofMinutes(10))));
    clock.advanceTo(clock.at(2026, 6, 15, "08:00"));
    rec.awaitState("gw", ProcessState.RUNNING, 1, WAIT);
    clock.advanceTo(clock.at(2026, 6, 15, "16:29").plusSeconds(58));
    backend.exit("gw", 1); // the policy restarts it in 5 s: after the close
    rec.await(SupervisorEvent.RestartScheduled.class, e -> true, 1, WAIT);
    assertThat(Processes.eventually(WAIT, () -> clock.pending().contains(Duration.ofSeconds(5)))).isTrue();
    clock.advanceTo(clock.at(2026, 6, 15, "16:30"));
    SupervisorEvent.ScheduleStopped stopped = rec.await(SupervisorEvent.ScheduleStopped.class, e -> true, 1, WAIT).get(0);
    assertThat(stopped.at()).isEqualTo(clock.at(2026, 6, 15, "16:30"));
    assertThat(stopped.reason()).isEqualTo("closed while waiting to restart");
    rec.awaitState("gw", ProcessState.STOPPED, 1, WAIT);
    clock.advanceTo(clock.at(2026, 6, 15, "16:45"));
    assertThat(c.status().state()).isEqualTo(ProcessState.STOPPED);
    assertThat(rec.of(SupervisorEvent.Started.class)).hasSize(1);
    assertThat(rec.of(SupervisorEvent.ScheduleStopped.class)).hasSize(1); // nothing left to stop at close plus lag
  }

  @Test
  void closeEndsItsOwnThreads() throws Exception {
    register("gw");
    try (Supervisor other = Supervisor.builder().name("cal-threads").backend(new FakeBackend()).build()) {
      other.register(ProcessSpec.builder("gw").command("sleep", "1000").autoStart(false).build());
      TradingSupervision t = TradingSupervision.builder(other).schedule("gw", Schedule.inSession(lse)).build();
      t.start();
      t.subscribe(e -> { }).close();
      assertThat(threads("vigil-cal-threads-calendar")).isNotEmpty();
      t.close();
      assertThat(Processes.eventually(WAIT, () -> threads("vigil-cal-threads-calendar").isEmpty())).as("%s", threads("vigil-cal-threads-calendar"))
          .isTrue();
    }
  }

  private static List<String> threads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).filter(n -> n.startsWith(prefix)).toList();
  }

  @Test
  void anUnknownNameIsRefusedNamingIt() {
    TradingSupervision t = TradingSupervision.builder(sup).schedule("nope", Schedule.inSession(lse)).instantSource(clock).scheduler(clock).build();
    assertThatThrownBy(t::start).hasMessage("schedule for process or group 'nope': the supervisor has no such process or group");
    assertThatThrownBy(() -> Schedule.inSession(lse).withLead(Duration.ofHours(13))).hasMessage("lead must be between 0 and 12 hours: 13 h 00 min");
    assertThatThrownBy(() -> FreezeWindow.daily("x", LocalTime.NOON, LocalTime.NOON)).hasMessage("freeze window 'x' must end after it starts: 12:00-12:00");
    t.close();
  }

  /** A supervised process given a watch window, or an attachment a schedule: "no such attachment" while there was one. */
  @Test
  void aNameOfTheOtherKindIsRefusedSayingWhichKindItIs() throws Exception {
    register("gw");
    Process outsider = new ProcessBuilder("sleep", "1000").start();
    outsiders.add(outsider);
    sup.attach(AttachSpec.builder("trader").pid(outsider.pid()).build());
    TradingSupervision watched = TradingSupervision.builder(sup).watch("gw", Schedule.inSession(lse)).instantSource(clock).scheduler(clock).build();
    assertThatThrownBy(watched::start).hasMessage("watch window for attachment 'gw': the supervisor has no such attachment"
        + " ('gw' is a supervised process: give it a schedule)");
    watched.close();
    TradingSupervision scheduled = TradingSupervision.builder(sup).schedule("trader", Schedule.inSession(lse)).instantSource(clock).scheduler(clock).build();
    assertThatThrownBy(scheduled::start).hasMessage("schedule for process or group 'trader': the supervisor has no such process or group"
        + " ('trader' is an attachment: give it a watch window)");
    scheduled.close();
  }
}
