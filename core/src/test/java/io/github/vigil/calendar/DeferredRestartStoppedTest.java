package io.github.vigil.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.GroupSpec;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.SupervisorEvent.ScheduleStarted;
import io.github.vigil.testing.EventRecorder;
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
 * A process whose run ended inside a freeze window, and which a person then stopped (or removed) through the API before
 * the window's end, is not restarted there, and its deferred exit is not kept. The window's end took the stopped
 * process for one whose exit was still on its way (its status, {@code STOPPED}, still gives the dead run's start) and
 * announced a restart of it ({@code ScheduleStarted}, "restart deferred by freeze window ...") that the engine then did
 * not do; for a member of a scheduled group as well. The exit of a process removed meanwhile was kept for good.
 * Each test has a second process end in the same window: its restart, announced after the stopped one's would be,
 * says the window's end has been applied.
 */
@Timeout(60)
class DeferredRestartStoppedTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final LocalDate DAY = LocalDate.of(2026, 12, 14); // a Monday
  private static final String DEFERRED = "restart deferred by freeze window auction";

  private final TradingDayClock clock = TradingDayClock.startingAt(LONDON, DAY, "07:30");
  private final FakeBackend backend = new FakeBackend();
  private final Supervisor sup = Supervisor.builder().name("stopped-in-freeze").backend(backend).ticker(clock).scheduler(clock)
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

  private ProcessController register(String name) {
    return sup.register(ProcessSpec.builder(name).command("sleep", "1000").startupGrace(Duration.ZERO)
        .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(5)))).autoStart(false).build());
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
    rec.await(ScheduleStarted.class, e -> e.process().equals(probe) && e.reason().equals(DEFERRED), 1, WAIT);
    rec.awaitState(probe, ProcessState.RUNNING, 2, WAIT);
  }

  @Test
  void aProcessStoppedInsideTheWindowAfterItsRunEndedIsNotRestartedAtItsEnd() throws Exception {
    ProcessController gw = register("gw");
    register("probe");
    trading = TradingSupervision.builder(sup).instantSource(clock).scheduler(clock).schedule("gw", schedule).schedule("probe", schedule)
        .build();
    trading.subscribe(rec);
    trading.start();
    clock.advanceTo(clock.at("08:00"));
    rec.awaitState("gw", ProcessState.RUNNING, 1, WAIT);
    rec.awaitState("probe", ProcessState.RUNNING, 1, WAIT);

    clock.advanceTo(clock.at("12:00").plusSeconds(30));
    crashInsideTheWindow("gw");
    assertThat(gw.stop(WAIT).state()).isEqualTo(ProcessState.STOPPED); // a person stops it: it is to stay so
    crashInsideTheWindow("probe");
    awaitWindowsEnd("probe"); // gw's schedule is applied before probe's

    assertThat(rec.of(ScheduleStarted.class, "gw")).as("no restart of gw announced at the window's end")
        .noneMatch(e -> e.reason().equals(DEFERRED));
    assertThat(sup.awaitIdle(WAIT)).isTrue();
    assertThat(gw.status().state()).isEqualTo(ProcessState.STOPPED);
    assertThat(rec.of(SupervisorEvent.Started.class, "gw")).hasSize(1);
    assertThat(trading.deferredExitsHeld()).isEmpty();
  }

  @Test
  void aMemberStoppedInsideTheWindowAfterItsRunEndedIsNotRestartedAtItsEnd() throws Exception {
    ProcessController feed = register("feed");
    register("gw");
    sup.registerGroup(GroupSpec.builder("desk").children("feed", "gw").build()); // ONE_FOR_ONE: gw's restart leaves the feed alone
    trading = TradingSupervision.builder(sup).instantSource(clock).scheduler(clock).schedule("desk", schedule).build();
    trading.subscribe(rec);
    trading.start();
    clock.advanceTo(clock.at("08:00"));
    rec.awaitState("gw", ProcessState.RUNNING, 1, WAIT);

    clock.advanceTo(clock.at("12:00").plusSeconds(30));
    crashInsideTheWindow("feed");
    assertThat(feed.stop(WAIT).state()).isEqualTo(ProcessState.STOPPED);
    crashInsideTheWindow("gw");
    awaitWindowsEnd("gw"); // the members' restarts are announced in declared order: the feed's first

    assertThat(rec.of(ScheduleStarted.class, "feed")).as("no restart of the feed announced at the window's end").isEmpty();
    assertThat(sup.awaitIdle(WAIT)).isTrue();
    assertThat(feed.status().state()).isEqualTo(ProcessState.STOPPED);
    assertThat(rec.of(SupervisorEvent.Started.class, "feed")).hasSize(1);
    assertThat(trading.deferredExitsHeld()).isEmpty();
  }

  @Test
  void theDeferredExitOfAProcessRemovedInsideTheWindowIsNotKept() throws Exception {
    register("gw");
    register("probe");
    trading = TradingSupervision.builder(sup).instantSource(clock).scheduler(clock).schedule("gw", schedule).schedule("probe", schedule)
        .build();
    trading.subscribe(rec);
    trading.start();
    clock.advanceTo(clock.at("08:00"));
    rec.awaitState("gw", ProcessState.RUNNING, 1, WAIT);
    rec.awaitState("probe", ProcessState.RUNNING, 1, WAIT);

    clock.advanceTo(clock.at("12:00").plusSeconds(30));
    crashInsideTheWindow("gw");
    sup.remove("gw").toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    crashInsideTheWindow("probe");
    assertThat(trading.deferredExitsHeld()).containsExactlyInAnyOrder("gw", "probe");
    awaitWindowsEnd("probe");

    assertThat(trading.deferredExitsHeld()).as("the exit of gw, removed, is not kept past the window's end").isEmpty();
    assertThat(rec.of(ScheduleStarted.class, "gw")).noneMatch(e -> e.reason().equals(DEFERRED));
  }
}
