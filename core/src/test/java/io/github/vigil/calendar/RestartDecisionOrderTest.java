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
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.TradingDayClock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the listeners of a {@link TradingSupervision} hear of a run that ends inside a freeze window, on the fake backend
 * and a virtual clock: the crash ({@code Exited}, then {@code StateChanged RUNNING -> CRASHED}) before the decision about
 * its restart ({@code RestartDeferred}), as the engine's {@code RestartScheduled} follows the crash's state change, for a
 * process with its own schedule and for a member of a scheduled group. A black-box run found the {@code RestartDeferred}
 * 1 to 30 ms before the {@code CRASHED}: it was published the moment the {@code Exited} was heard.
 */
@Timeout(60)
class RestartDecisionOrderTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final FreezeWindow AUCTION = FreezeWindow.daily("auction", LocalTime.of(12, 0), LocalTime.of(12, 2));

  private final TradingDayClock clock = TradingDayClock.startingAt(LONDON, LocalDate.of(2026, 6, 15), "07:30"); // a Monday
  private final FakeBackend backend = new FakeBackend();
  private final Supervisor sup = Supervisor.builder().name("order").backend(backend).ticker(clock).scheduler(clock)
      .instantSource(clock).closeTimeout(Duration.ofSeconds(2)).build();
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

  private void run(String scheduled, Schedule s, List<String> running) throws Exception {
    trading = TradingSupervision.builder(sup).schedule(scheduled, s).instantSource(clock).scheduler(clock).build();
    trading.subscribe(rec);
    trading.start();
    clock.advanceTo(clock.at("08:00"));
    for (String n : running) {
      rec.awaitState(n, ProcessState.RUNNING, 1, WAIT);
    }
  }

  @Test
  void aProcessCrashedInsideAFreezeWindowIsHeardCrashedBeforeItsRestartIsDeferredAndDoneAtTheEnd() throws Exception {
    register("gw");
    run("gw", Schedule.inSession(ExampleCalendars.lse()).withFreeze(AUCTION), List.of("gw"));
    clock.advanceTo(clock.at("12:00").plusSeconds(30));
    backend.exit("gw", 3);
    rec.await(SupervisorEvent.RestartDeferred.class, e -> e.process().equals("gw"), 1, WAIT);
    crashHeardBefore("gw", "RestartDeferred", e -> e instanceof SupervisorEvent.RestartDeferred);

    clock.advanceTo(clock.at("12:02"));
    rec.awaitState("gw", ProcessState.RUNNING, 2, WAIT);
    crashHeardBefore("gw", "the deferred restart's ScheduleStarted",
        e -> e instanceof SupervisorEvent.ScheduleStarted s && s.reason().equals("restart deferred by freeze window auction"));
  }

  @Test
  void aGroupMemberCrashedInsideAFreezeWindowIsHeardCrashedBeforeItsRestartIsDeferred() throws Exception {
    List<String> declared = List.of("feed", "gw-a");
    declared.forEach(this::register);
    sup.registerGroup(GroupSpec.builder("desk").strategy(GroupSpec.Strategy.REST_FOR_ONE).children("feed", "gw-a").build());
    run("desk", Schedule.inSession(ExampleCalendars.lse()).withFreeze(AUCTION), declared);
    clock.advanceTo(clock.at("12:00").plusSeconds(30));
    backend.exit("gw-a", 3);
    rec.await(SupervisorEvent.RestartDeferred.class, e -> e.process().equals("gw-a"), 1, WAIT);
    crashHeardBefore("gw-a", "RestartDeferred", e -> e instanceof SupervisorEvent.RestartDeferred);

    clock.advanceTo(clock.at("12:02"));
    rec.awaitState("gw-a", ProcessState.RUNNING, 2, WAIT);
    crashHeardBefore("gw-a", "the deferred restart's ScheduleStarted",
        e -> e instanceof SupervisorEvent.ScheduleStarted s && s.reason().equals("restart deferred by freeze window auction"));
  }

  /**
   * Among {@code process}'s events heard so far: its {@code Exited}, then its {@code StateChanged} to {@code CRASHED},
   * then the first event {@code decision} matches, which was heard already.
   */
  private void crashHeardBefore(String process, String what, Predicate<SupervisorEvent> decision) {
    List<SupervisorEvent> events = rec.events().stream().filter(e -> e.process().equals(process)).toList();
    int exited = indexOf(events, e -> e instanceof SupervisorEvent.Exited);
    int crashed = indexOf(events, e -> e instanceof SupervisorEvent.StateChanged s && s.from() == ProcessState.RUNNING
        && s.to() == ProcessState.CRASHED);
    int decided = indexOf(events, decision);
    assertThat(decided).as("%s heard", what).isNotNegative();
    assertThat(List.of(exited, crashed, decided)).as("Exited, StateChanged RUNNING -> CRASHED, then %s: %s", what, events)
        .doesNotContain(-1).isSorted();
  }

  private static int indexOf(List<SupervisorEvent> events, Predicate<SupervisorEvent> p) {
    for (int i = 0; i < events.size(); i++) {
      if (p.test(events.get(i))) {
        return i;
      }
    }
    return -1;
  }
}
