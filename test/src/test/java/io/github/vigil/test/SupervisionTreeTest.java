package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.GroupController;
import io.github.vigil.GroupSpec;
import io.github.vigil.GroupState;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Signal;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Supervision trees on the fake backend: OTP's strategies, intensity, escalation, declared order. */
@Timeout(60)
class SupervisionTreeTest {

  private static void register(Supervisor sup, String... names) {
    for (String n : names) {
      sup.register(ProcessSpec.builder(n).command(n).startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.always().withBackoff(Backoff.fixed(Duration.ofSeconds(1))).withStartLimit(1000, Duration.ofHours(1)))
          .build());
    }
  }

  private static ProcessState state(Supervisor sup, String name) {
    return sup.controller(name).orElseThrow().status().state();
  }

  @Test
  void startsInDeclaredOrderAndStopsInReverse() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      register(sup, "c", "a", "b");
      GroupController g = sup.registerGroup(GroupSpec.builder("desk").children("a", "b", "c").build());
      g.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(kit.backend().spawnOrder()).containsExactly("a", "b", "c");
      assertThat(g.state()).isEqualTo(GroupState.RUNNING);
      g.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
      kit.awaitIdle();
      List<String> stops = kit.events().of(SupervisorEvent.StateChanged.class).stream().filter(s -> s.to() == ProcessState.STOPPED)
          .map(SupervisorEvent::process).toList();
      assertThat(stops).containsExactly("c", "b", "a");
      assertThat(g.state()).isEqualTo(GroupState.STOPPED);
    }
  }

  @Test
  void oneForOneRestartsOnlyTheChildThatEnded() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      register(sup, "a", "b", "c");
      sup.registerGroup(GroupSpec.builder("g").children("a", "b", "c").build()).start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      kit.backend().last("b").exit(1);
      kit.advance(Duration.ofSeconds(1));
      assertThat(kit.backend().runs("a")).hasSize(1);
      assertThat(kit.backend().runs("b")).hasSize(2);
      assertThat(kit.backend().runs("c")).hasSize(1);
      assertThat(kit.events().of(SupervisorEvent.GroupRestart.class)).singleElement()
          .satisfies(r -> assertThat(r.restarted()).isEmpty());
    }
  }

  /**
   * A child being stopped slowly, asked to start again meanwhile, while its group restarts it too: the
   * group's start (run from the stop's completion) and the pending start are one start, one run.
   * Two runs were spawned at once, and the first one's crash was never seen (EngineModelTest, seed 809).
   */
  @Test
  void aPendingStartAndTheGroupsRestartAfterOneStopSpawnOneRun() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      sup.register(ProcessSpec.builder("d").command("d").startupGrace(Duration.ZERO) // back at once, before e's stop ends
          .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ZERO))).build());
      sup.register(ProcessSpec.builder("e").command("e").startupGrace(Duration.ZERO).stopTimeout(Duration.ofSeconds(1))
          .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ZERO))).build());
      kit.backend().ignore("e", Signal.SIGTERM); // its stop takes the stop timeout: SIGKILL after 1 s
      sup.registerGroup(GroupSpec.builder("in").strategy(GroupSpec.Strategy.REST_FOR_ONE).children("d", "e").build())
          .start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      sup.controller("e").orElseThrow().stop();
      kit.awaitIdle();
      kit.backend().last("d").exit(1); // the group stops e (under way) and starts it again once stopped
      kit.awaitIdle();
      sup.controller("e").orElseThrow().start(); // and a start waits for the stop too
      kit.awaitIdle();
      kit.backend().onNextSpawn("e", p -> p.exit(1)); // the next run crashes at once: its exit must be seen
      kit.advance(Duration.ofSeconds(1));
      kit.awaitIdle();
      assertThat(kit.backend().alive().stream().filter(p -> p.name().equals("e")).count()).as("live runs of e").isLessThanOrEqualTo(1);
      List<SupervisorEvent.Started> starts = kit.events().of(SupervisorEvent.Started.class, "e");
      assertThat(kit.backend().runs("e")).as("every run spawned was reported started").hasSize(starts.size());
      assertThat(kit.events().of(SupervisorEvent.Exited.class, "e")).as("every run that ended was reported").hasSize(
          (int) kit.backend().runs("e").stream().filter(p -> !p.isAlive()).count());
      assertThat(state(sup, "e")).isEqualTo(ProcessState.RUNNING);
    }
  }

  /**
   * A stopAll() while a group's restart waits for a slow sibling's stop: once stopped, the sibling
   * stays stopped. The group started it again after the stop, and a later close() then waited its
   * whole timeout (EngineModelTest, seed 457).
   */
  @Test
  void stopAllDuringAGroupRestartLeavesTheSiblingStopped() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      sup.register(ProcessSpec.builder("d").command("d").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ZERO))).build());
      sup.register(ProcessSpec.builder("e").command("e").startupGrace(Duration.ZERO).stopTimeout(Duration.ofSeconds(1)).build());
      kit.backend().ignore("e", Signal.SIGTERM);
      sup.registerGroup(GroupSpec.builder("in").strategy(GroupSpec.Strategy.REST_FOR_ONE).children("d", "e").build())
          .start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      kit.backend().last("d").exit(1); // the group stops e (1 s: it ignores SIGTERM) to start it again after d
      kit.awaitIdle();
      java.util.concurrent.CompletableFuture<Void> stopped = sup.stopAll().toCompletableFuture();
      kit.advance(Duration.ofSeconds(1));
      assertThat(stopped).isCompleted();
      assertThat(state(sup, "e")).isEqualTo(ProcessState.STOPPED);
      assertThat(state(sup, "d")).isEqualTo(ProcessState.STOPPED);
      assertThat(kit.backend().runs("e")).as("runs of e").hasSize(1);
      assertThat(kit.backend().alive()).isEmpty();
    }
  }

  /** The trading desk's tree: a quote feed with order gateways under REST_FOR_ONE. */
  @Test
  void restForOneRestartsTheChildAndThoseAfterItInOrder() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      register(sup, "quote-feed", "gateway-001", "gateway-002", "audit");
      sup.registerGroup(GroupSpec.builder("desk").strategy(GroupSpec.Strategy.REST_FOR_ONE)
          .children("audit", "quote-feed", "gateway-001", "gateway-002").build()).start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      kit.backend().last("quote-feed").kill(Signal.SIGKILL);
      kit.awaitIdle();
      // the later children are stopped, last first
      assertThat(state(sup, "gateway-001")).isEqualTo(ProcessState.STOPPED);
      assertThat(state(sup, "gateway-002")).isEqualTo(ProcessState.STOPPED);
      assertThat(state(sup, "audit")).isEqualTo(ProcessState.RUNNING);
      List<String> stops = kit.events().of(SupervisorEvent.StateChanged.class).stream().filter(s -> s.to() == ProcessState.STOPPED)
          .map(SupervisorEvent::process).toList();
      assertThat(stops).containsExactly("gateway-002", "gateway-001");
      kit.advance(Duration.ofSeconds(1)); // the feed's backoff
      assertThat(kit.backend().spawnOrder()).containsExactly("audit", "quote-feed", "gateway-001", "gateway-002",
          "quote-feed", "gateway-001", "gateway-002");
      assertThat(kit.backend().runs("audit")).hasSize(1);
      for (String n : List.of("audit", "quote-feed", "gateway-001", "gateway-002")) {
        assertThat(state(sup, n)).as(n).isEqualTo(ProcessState.RUNNING);
      }
      assertThat(kit.events().of(SupervisorEvent.GroupRestart.class)).singleElement().satisfies(r -> {
        assertThat(r.child()).isEqualTo("quote-feed");
        assertThat(r.restarted()).containsExactly("gateway-001", "gateway-002");
      });
    }
  }

  @Test
  void oneForAllRestartsEveryChild() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      register(sup, "a", "b", "c");
      sup.registerGroup(GroupSpec.builder("g").strategy(GroupSpec.Strategy.ONE_FOR_ALL).children("a", "b", "c").build())
          .start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      kit.backend().last("b").exit(1);
      kit.awaitIdle();
      assertThat(state(sup, "b")).isEqualTo(ProcessState.BACKOFF);
      assertThat(state(sup, "c")).as("c, declared after b, waits for it").isEqualTo(ProcessState.STOPPED);
      List<String> stops = kit.events().of(SupervisorEvent.StateChanged.class).stream().filter(s -> s.to() == ProcessState.STOPPED)
          .map(SupervisorEvent::process).toList();
      assertThat(stops).as("the others stopped in reverse start order").containsExactly("c", "a");
      kit.advance(Duration.ofSeconds(1));
      // all started again in declared order, as OTP's one_for_all: b (after its backoff) waits for a
      assertThat(kit.backend().spawnOrder()).containsExactly("a", "b", "c", "a", "b", "c");
      for (String n : List.of("a", "b", "c")) {
        assertThat(state(sup, n)).as(n).isEqualTo(ProcessState.RUNNING);
      }
    }
  }

  /**
   * OTP's one_for_all with a child that comes back at once (no backoff) while a sibling declared before
   * it is slow to stop: the child waits for that sibling's stop and start, so all start in declared
   * order. Before, it was spawned again at once, while a was still stopping, and first of all three.
   */
  @Test
  void oneForAllStartsTheChildThatEndedInItsTurnEvenWithoutBackoff() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      sup.register(ProcessSpec.builder("a").command("a").startupGrace(Duration.ZERO).stopTimeout(Duration.ofSeconds(1)).build());
      kit.backend().ignore("a", Signal.SIGTERM); // its stop takes the stop timeout
      for (String n : List.of("b", "c")) {
        sup.register(ProcessSpec.builder(n).command(n).startupGrace(Duration.ZERO)
            .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ZERO))).build());
      }
      sup.registerGroup(GroupSpec.builder("g").strategy(GroupSpec.Strategy.ONE_FOR_ALL).children("a", "b", "c").build())
          .start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      kit.backend().last("b").exit(1);
      kit.awaitIdle();
      assertThat(state(sup, "a")).isEqualTo(ProcessState.STOPPING);
      assertThat(kit.backend().runs("b")).as("runs of b while a stops").hasSize(1);
      assertThat(sup.controller("b").orElseThrow().status().detail()).isEqualTo("restart attempt 1 after ERROR_EXIT: " + WAITING_FOR_A);
      kit.advance(Duration.ofSeconds(1)); // a is killed at its stop timeout, then all start again
      assertThat(kit.backend().spawnOrder()).containsExactly("a", "b", "c", "a", "b", "c");
      for (String n : List.of("a", "b", "c")) {
        assertThat(state(sup, n)).as(n).isEqualTo(ProcessState.RUNNING);
      }
    }
  }

  /**
   * A ONE_FOR_ALL child whose restart is held until the siblings declared before it run says so, in its status and in
   * the StateChanged into BACKOFF: they said "restart attempt 1 after ERROR_EXIT in 5.00 s" while it waited for a,
   * stopping for its stop timeout. Once a runs again its backoff goes on, and its status is the usual one with the time left.
   */
  @Test
  void oneForAllChildWaitingForTheSiblingsBeforeItSaysSo() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      oneForAllWithASlowFirstChild(kit, Duration.ofSeconds(5));
      kit.backend().last("b").exit(1);
      kit.awaitIdle();
      String held = "restart attempt 1 after ERROR_EXIT in 5.00 s at the earliest: " + WAITING_FOR_A;
      assertThat(kit.events().of(SupervisorEvent.StateChanged.class, "b")).filteredOn(e -> e.to() == ProcessState.BACKOFF)
          .singleElement().extracting(SupervisorEvent.StateChanged::reason).isEqualTo(held);
      assertThat(sup.controller("b").orElseThrow().status()).satisfies(s -> {
        assertThat(s.state()).isEqualTo(ProcessState.BACKOFF);
        assertThat(s.detail()).isEqualTo(held);
      });
      kit.advance(Duration.ofSeconds(1)); // a is killed at its stop timeout and started again; b's backoff goes on
      assertThat(state(sup, "a")).isEqualTo(ProcessState.RUNNING);
      assertThat(sup.controller("b").orElseThrow().status()).satisfies(s -> {
        assertThat(s.state()).isEqualTo(ProcessState.BACKOFF);
        assertThat(s.detail()).isEqualTo("restart attempt 1 after ERROR_EXIT in 4.00 s");
      });
      kit.advance(Duration.ofSeconds(4));
      assertThat(kit.backend().spawnOrder()).containsExactly("a", "b", "c", "a", "b", "c");
      assertThat(state(sup, "b")).isEqualTo(ProcessState.RUNNING);
    }
  }

  /** As above, with the backoff over before a runs again: then only a holds the restart, and the status says that alone. */
  @Test
  void oneForAllChildWhoseBackoffIsOverSaysItWaitsOnlyForTheSiblingsBeforeIt() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      oneForAllWithASlowFirstChild(kit, Duration.ofMillis(500));
      kit.backend().last("b").exit(1);
      kit.awaitIdle();
      assertThat(sup.controller("b").orElseThrow().status().detail())
          .isEqualTo("restart attempt 1 after ERROR_EXIT in 500 ms at the earliest: " + WAITING_FOR_A);
      kit.advance(Duration.ofMillis(500));
      assertThat(sup.controller("b").orElseThrow().status()).satisfies(s -> {
        assertThat(s.state()).isEqualTo(ProcessState.BACKOFF);
        assertThat(s.detail()).isEqualTo("restart attempt 1 after ERROR_EXIT: " + WAITING_FOR_A);
      });
      kit.advance(Duration.ofMillis(500)); // a is killed at its stop timeout and started again, then b at once
      assertThat(kit.backend().spawnOrder()).containsExactly("a", "b", "c", "a", "b", "c");
      assertThat(state(sup, "b")).isEqualTo(ProcessState.RUNNING);
    }
  }

  private static final String WAITING_FOR_A = "waiting for a to be RUNNING (group g starts its members again in declared order)";

  /** Group g, ONE_FOR_ALL, of a (whose stop takes its stop timeout of 1 s), b and c (restarted after {@code backoff}), started. */
  private static void oneForAllWithASlowFirstChild(SupervisorTestKit kit, Duration backoff) throws Exception {
    Supervisor sup = kit.supervisor();
    sup.register(ProcessSpec.builder("a").command("a").startupGrace(Duration.ZERO).stopTimeout(Duration.ofSeconds(1)).build());
    kit.backend().ignore("a", Signal.SIGTERM);
    for (String n : List.of("b", "c")) {
      sup.register(ProcessSpec.builder(n).command(n).startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(backoff))).build());
    }
    sup.registerGroup(GroupSpec.builder("g").strategy(GroupSpec.Strategy.ONE_FOR_ALL).children("a", "b", "c").build())
        .start().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void pastItsIntensityATopGroupStopsEverythingAndFailsNamingTheChild() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      register(sup, "feed", "gw");
      GroupController g = sup.registerGroup(GroupSpec.builder("desk").strategy(GroupSpec.Strategy.REST_FOR_ONE)
          .intensity(2, Duration.ofMinutes(1)).children("feed", "gw").build());
      g.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      for (int i = 0; i < 2; i++) {
        kit.backend().last("feed").exit(1);
        kit.advance(Duration.ofSeconds(1));
        assertThat(g.state()).isEqualTo(GroupState.RUNNING);
      }
      kit.backend().last("feed").exit(1); // the third restart within a minute
      kit.awaitIdle();
      assertThat(g.state()).isEqualTo(GroupState.FAILED);
      assertThat(state(sup, "feed")).isEqualTo(ProcessState.STOPPED);
      assertThat(state(sup, "gw")).isEqualTo(ProcessState.STOPPED);
      assertThat(kit.events().of(SupervisorEvent.GroupFailed.class)).singleElement().satisfies(f -> {
        assertThat(f.process()).isEqualTo("desk");
        assertThat(f.child()).isEqualTo("feed");
        assertThat(f.toParent()).isNull();
        assertThat(f.reason()).contains("3 restarts within 1 min (at most 2)");
      });
      kit.advance(Duration.ofMinutes(5));
      assertThat(kit.backend().alive()).isEmpty(); // nothing restarts a failed group's children
      // restarts spread wider than the period do not add up
      g.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      for (int i = 0; i < 5; i++) {
        kit.backend().last("feed").exit(1);
        kit.advance(Duration.ofSeconds(31));
      }
      assertThat(g.state()).isEqualTo(GroupState.RUNNING);
    }
  }

  @Test
  void aNestedGroupEscalatesToItsParentWhichRestartsIt() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      register(sup, "feed", "gw", "audit");
      sup.registerGroup(GroupSpec.builder("trading").strategy(GroupSpec.Strategy.REST_FOR_ONE).intensity(1, Duration.ofMinutes(1))
          .children("feed", "gw").build());
      GroupController top = sup.registerGroup(GroupSpec.builder("desk").intensity(1, Duration.ofMinutes(10))
          .children("audit", "trading").build());
      top.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(kit.backend().spawnOrder()).containsExactly("audit", "feed", "gw");
      kit.backend().last("feed").exit(1);
      kit.advance(Duration.ofSeconds(1));
      kit.backend().last("feed").exit(1); // the inner group's second restart in a minute: it escalates
      kit.awaitIdle();
      assertThat(kit.events().of(SupervisorEvent.GroupFailed.class)).singleElement().satisfies(f -> {
        assertThat(f.process()).isEqualTo("trading");
        assertThat(f.toParent()).isEqualTo("desk");
        assertThat(f.child()).isEqualTo("feed");
      });
      // the parent restarted the whole inner group, in declared order, with a fresh count
      assertThat(sup.group("trading").orElseThrow().state()).isEqualTo(GroupState.RUNNING);
      assertThat(state(sup, "feed")).isEqualTo(ProcessState.RUNNING);
      assertThat(state(sup, "gw")).isEqualTo(ProcessState.RUNNING);
      assertThat(kit.backend().runs("audit")).hasSize(1);
      assertThat(kit.events().of(SupervisorEvent.GroupRestart.class, "desk")).singleElement()
          .satisfies(r -> assertThat(r.child()).isEqualTo("trading"));

      // once more: the inner group escalates again, the top one is past its intensity too, and FAILS
      kit.backend().last("feed").exit(1);
      kit.advance(Duration.ofSeconds(1));
      kit.backend().last("feed").exit(1);
      kit.awaitIdle();
      assertThat(top.state()).isEqualTo(GroupState.FAILED);
      assertThat(kit.events().of(SupervisorEvent.GroupFailed.class, "desk")).singleElement()
          .satisfies(f -> assertThat(f.child()).isEqualTo("trading/feed"));
      assertThat(kit.backend().alive()).isEmpty();
      // every transition of both groups is in the audit log (there was none)
      assertThat(kit.events().of(SupervisorEvent.GroupStateChanged.class, "trading")).extracting(e -> e.from() + ">" + e.to())
          .containsExactly("STOPPED>RUNNING", "RUNNING>ESCALATED", "ESCALATED>RUNNING", "RUNNING>ESCALATED", "ESCALATED>STOPPED");
      assertThat(kit.events().of(SupervisorEvent.GroupStateChanged.class, "desk")).extracting(e -> e.from() + ">" + e.to())
          .containsExactly("STOPPED>RUNNING", "RUNNING>FAILED");
      assertThat(kit.events().of(SupervisorEvent.GroupStateChanged.class, "desk").get(0).origin()).isEqualTo(io.github.vigil.Origin.API);
      assertThat(kit.events().of(SupervisorEvent.GroupStateChanged.class, "desk").get(1)).satisfies(e -> {
        assertThat(e.origin()).isEqualTo(io.github.vigil.Origin.POLICY);
        assertThat(e.reason()).startsWith("group desk escalated: intensity exceeded");
      });
    }
  }

  /**
   * Group g of a, b and c (c's stop takes its stop timeout of 1 s: it ignores SIGTERM), at most one restart a
   * minute, started; b gives up at its first crash if {@code bGivesUp}.
   */
  private static GroupController groupOfOneRestartAMinute(SupervisorTestKit kit, GroupSpec.Strategy strategy, boolean bGivesUp)
      throws Exception {
    Supervisor sup = kit.supervisor();
    register(sup, "a");
    if (bGivesUp) {
      registerGivingUp(sup, "b");
    } else {
      register(sup, "b");
    }
    sup.register(ProcessSpec.builder("c").command("c").startupGrace(Duration.ZERO).stopTimeout(Duration.ofSeconds(1))
        .restartPolicy(RestartPolicy.always().withBackoff(Backoff.fixed(Duration.ofSeconds(1)))).build());
    kit.backend().ignore("c", Signal.SIGTERM);
    GroupController g = sup.registerGroup(GroupSpec.builder("g").strategy(strategy).intensity(1, Duration.ofMinutes(1))
        .children("a", "b", "c").build());
    g.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return g;
  }

  /**
   * a crashes: its group restarts b and c with it, stopping c first (1 s) and then b. b crashes on its own
   * meanwhile, before the group's stop reaches it: that is part of the same restart, one count, as in OTP, whose
   * supervisor counts the restart once (add_restart) and takes in the exits of the children it terminates for it
   * (terminate_children) without counting them. b's end was counted a second time, so a group allowed one
   * restart a minute escalated (here: FAILED) at its first; b's own policy then gave up, with a Failed event, too.
   */
  @ParameterizedTest(name = "{0}, b gives up at its first crash: {1}")
  @CsvSource({"ONE_FOR_ALL, false", "REST_FOR_ONE, false", "ONE_FOR_ALL, true", "REST_FOR_ONE, true"})
  void aSiblingThatEndsBeforeItsGroupsStopReachesItIsPartOfTheSameRestart(GroupSpec.Strategy strategy, boolean bGivesUp) throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      GroupController g = groupOfOneRestartAMinute(kit, strategy, bGivesUp);
      kit.backend().last("a").exit(1);
      kit.awaitIdle();
      assertThat(state(sup, "c")).as("c, stopped first").isEqualTo(ProcessState.STOPPING);
      assertThat(state(sup, "b")).as("b, waiting for the group's stop").isEqualTo(ProcessState.RUNNING);
      kit.backend().last("b").exit(1); // on its own, before the group's stop reaches it
      kit.awaitIdle();
      kit.advance(Duration.ofSeconds(1)); // c killed at its stop timeout, b stopped, a's backoff over: all start again

      assertThat(kit.events().of(SupervisorEvent.GroupFailed.class)).as("GroupFailed").isEmpty();
      assertThat(kit.events().of(SupervisorEvent.GroupRestart.class)).singleElement().satisfies(r -> {
        assertThat(r.child()).isEqualTo("a");
        assertThat(r.restarted()).containsExactly("b", "c");
        assertThat(r.restarts()).isEqualTo(1);
      });
      assertThat(g.state()).isEqualTo(GroupState.RUNNING);
      for (String n : List.of("a", "b", "c")) {
        assertThat(state(sup, n)).as(n).isEqualTo(ProcessState.RUNNING);
        assertThat(kit.backend().runs(n)).as("runs of %s", n).hasSize(2);
      }
      // b's crash is on record; the group stopped and started it, not b's own policy
      assertThat(kit.events().of(SupervisorEvent.Exited.class, "b")).singleElement()
          .satisfies(x -> assertThat(x.exit().cause()).isEqualTo(io.github.vigil.ExitCause.ERROR_EXIT));
      assertThat(kit.events().of(SupervisorEvent.RestartScheduled.class, "b")).isEmpty();
      assertThat(kit.events().of(SupervisorEvent.Failed.class)).isEmpty();
    }
  }

  /** The same group: b crashing once the restart is over (all RUNNING again) is a failure of its own, counted: past one a minute. */
  @Test
  void aSiblingThatEndsAfterItsGroupsRestartIsCounted() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      GroupController g = groupOfOneRestartAMinute(kit, GroupSpec.Strategy.ONE_FOR_ALL, false);
      kit.backend().last("a").exit(1);
      kit.advance(Duration.ofSeconds(1));
      for (String n : List.of("a", "b", "c")) {
        assertThat(state(sup, n)).as(n).isEqualTo(ProcessState.RUNNING);
      }
      kit.backend().last("b").exit(1);
      kit.awaitIdle();
      assertThat(kit.events().of(SupervisorEvent.GroupFailed.class)).singleElement().satisfies(f -> {
        assertThat(f.child()).isEqualTo("b");
        assertThat(f.reason()).contains("2 restarts within 1 min (at most 1)");
      });
      assertThat(g.state()).isEqualTo(GroupState.FAILED);
    }
  }

  /** A child whose own policy gives up at its first crash (a start limit of 0 restarts): FAILED by its start limit. */
  private static void registerGivingUp(Supervisor sup, String name) {
    sup.register(ProcessSpec.builder(name).command(name).startupGrace(Duration.ZERO)
        .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(1))).withStartLimit(0, Duration.ofHours(1)))
        .build());
  }

  /**
   * A child FAILED by its own start limit is its group's failure, as in OTP: counted against the
   * intensity and started again by the group (ONE_FOR_ONE: only it); past the intensity the group
   * escalates, and at the top it is FAILED naming the child. Before, the group stayed RUNNING with the
   * child FAILED: no GroupRestart, no GroupFailed, the group never noticed.
   */
  @Test
  void aChildFailedByItsStartLimitIsRestartedByItsOneForOneGroupThenEscalates() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      registerGivingUp(sup, "feed");
      register(sup, "gw");
      GroupController g = sup.registerGroup(GroupSpec.builder("desk").intensity(1, Duration.ofMinutes(1)).children("feed", "gw").build());
      g.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

      kit.backend().last("feed").exit(3); // its policy gives up at once: FAILED
      kit.awaitIdle();
      assertThat(kit.events().of(SupervisorEvent.Failed.class, "feed")).hasSize(1);
      assertThat(kit.events().of(SupervisorEvent.GroupRestart.class, "desk")).singleElement().satisfies(r -> {
        assertThat(r.child()).isEqualTo("feed");
        assertThat(r.restarted()).isEmpty(); // ONE_FOR_ONE
        assertThat(r.restarts()).isEqualTo(1);
      });
      assertThat(state(sup, "feed")).isEqualTo(ProcessState.RUNNING); // the group started it again, with no backoff of its own
      assertThat(kit.backend().runs("feed")).hasSize(2);
      assertThat(kit.backend().runs("gw")).hasSize(1);
      assertThat(g.state()).isEqualTo(GroupState.RUNNING);

      kit.backend().last("feed").exit(3); // its start limit still holds: a give-up again, the group's second restart in a minute
      kit.awaitIdle();
      assertThat(g.state()).isEqualTo(GroupState.FAILED);
      assertThat(kit.events().of(SupervisorEvent.GroupFailed.class)).singleElement().satisfies(f -> {
        assertThat(f.process()).isEqualTo("desk");
        assertThat(f.child()).isEqualTo("feed");
        assertThat(f.toParent()).isNull();
        assertThat(f.reason()).contains("2 restarts within 1 min (at most 1)").contains("start limit reached");
      });
      assertThat(state(sup, "feed")).isEqualTo(ProcessState.STOPPED);
      assertThat(state(sup, "gw")).isEqualTo(ProcessState.STOPPED);
      assertThat(kit.backend().alive()).isEmpty();
    }
  }

  /** The same in a nested group: its escalation reaches the top, which FAILS naming the child through the tree. */
  @Test
  void aChildFailedByItsStartLimitEscalatesThroughANestedGroupToTheTop() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      registerGivingUp(sup, "feed");
      register(sup, "gw", "audit");
      sup.registerGroup(GroupSpec.builder("trading").intensity(0, Duration.ofMinutes(1)).children("feed", "gw").build());
      GroupController top = sup.registerGroup(GroupSpec.builder("desk").intensity(1, Duration.ofMinutes(10)).children("audit", "trading").build());
      top.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

      kit.backend().last("feed").exit(3); // FAILED by its start limit: trading (intensity 0) escalates to desk, which restarts it
      kit.awaitIdle();
      assertThat(kit.events().of(SupervisorEvent.GroupFailed.class, "trading")).singleElement().satisfies(f -> {
        assertThat(f.child()).isEqualTo("feed");
        assertThat(f.toParent()).isEqualTo("desk");
      });
      assertThat(sup.group("trading").orElseThrow().state()).isEqualTo(GroupState.RUNNING);
      assertThat(state(sup, "feed")).isEqualTo(ProcessState.RUNNING);
      assertThat(kit.backend().runs("gw")).hasSize(2); // the whole inner group was restarted
      assertThat(kit.backend().runs("audit")).hasSize(1);

      kit.backend().last("feed").exit(3); // again: desk's second restart within its period is past its intensity
      kit.awaitIdle();
      assertThat(top.state()).isEqualTo(GroupState.FAILED);
      assertThat(kit.events().of(SupervisorEvent.GroupFailed.class, "desk")).singleElement().satisfies(f -> {
        assertThat(f.child()).isEqualTo("trading/feed");
        assertThat(f.toParent()).isNull();
      });
      assertThat(kit.backend().alive()).isEmpty();
    }
  }

  private static void registerWithGrace(Supervisor sup, RestartPolicy policy, String... names) {
    for (String n : names) {
      sup.register(ProcessSpec.builder(n).command(n).startupGrace(Duration.ofSeconds(2)).restartPolicy(policy).build());
    }
  }

  /**
   * While a group starts in declared order, the members after the one starting are WAITING, each saying for
   * whom: they were STOPPED with an empty detail, read as "stopped on request" (a critical one OUT_OF_SERVICE).
   */
  @Test
  void membersAfterTheOneStartingWaitForTheirTurnSayingForWhom() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      registerWithGrace(sup, RestartPolicy.onFailure(), "feed", "gateway", "audit");
      GroupController g = sup.registerGroup(GroupSpec.builder("desk").children("feed", "gateway", "audit").build());
      java.util.concurrent.CompletableFuture<Void> started = g.start().toCompletableFuture();
      kit.awaitIdle();
      assertThat(state(sup, "feed")).isEqualTo(ProcessState.STARTING);
      assertThat(sup.controller("gateway").orElseThrow().status().detail())
          .isEqualTo("waiting for feed to be RUNNING (group desk starts its members in declared order)");
      assertThat(state(sup, "gateway")).isEqualTo(ProcessState.WAITING);
      assertThat(sup.controller("audit").orElseThrow().status().detail())
          .isEqualTo("waiting for gateway to be RUNNING (group desk starts its members in declared order)");
      assertThat(kit.events().of(SupervisorEvent.StateChanged.class, "audit")).singleElement().satisfies(e -> {
        assertThat(e.from()).isEqualTo(ProcessState.STOPPED);
        assertThat(e.to()).isEqualTo(ProcessState.WAITING);
        assertThat(e.origin()).isEqualTo(io.github.vigil.Origin.API);
      });

      kit.advance(Duration.ofSeconds(2)); // feed RUNNING: gateway starts, audit still waits, now for gateway alone
      assertThat(state(sup, "gateway")).isEqualTo(ProcessState.STARTING);
      assertThat(state(sup, "audit")).isEqualTo(ProcessState.WAITING);
      assertThat(kit.backend().runs("audit")).isEmpty();
      kit.advance(Duration.ofSeconds(2));
      kit.advance(Duration.ofSeconds(2));
      started.get(10, TimeUnit.SECONDS);
      assertThat(List.of(state(sup, "feed"), state(sup, "gateway"), state(sup, "audit"))).containsOnly(ProcessState.RUNNING);
      assertThat(kit.backend().spawnOrder()).containsExactly("feed", "gateway", "audit");
    }
  }

  /** A member stopped while it waits for its turn stays stopped when the group's start reaches it. */
  @Test
  void aMemberStoppedWhileWaitingForItsTurnStaysStopped() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      registerWithGrace(sup, RestartPolicy.onFailure(), "feed", "gateway", "audit");
      GroupController g = sup.registerGroup(GroupSpec.builder("desk").children("feed", "gateway", "audit").build());
      java.util.concurrent.CompletableFuture<Void> started = g.start().toCompletableFuture();
      kit.awaitIdle();
      sup.controller("gateway").orElseThrow().stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(state(sup, "gateway")).isEqualTo(ProcessState.STOPPED);
      for (int i = 0; i < 3; i++) {
        kit.advance(Duration.ofSeconds(2));
      }
      started.get(10, TimeUnit.SECONDS);
      assertThat(state(sup, "gateway")).isEqualTo(ProcessState.STOPPED);
      assertThat(kit.backend().runs("gateway")).isEmpty();
      assertThat(state(sup, "audit")).isEqualTo(ProcessState.RUNNING);
    }
  }

  /** When an earlier member cannot start, the group's start fails and those after it stop waiting, saying why. */
  @Test
  void membersAGroupsFailedStartNeverReachedAreStoppedSayingWhy() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      registerWithGrace(sup, RestartPolicy.never(), "feed", "gateway", "audit");
      GroupController g = sup.registerGroup(GroupSpec.builder("desk").children("feed", "gateway", "audit").build());
      kit.backend().failNextSpawn("feed", "no such file");
      java.util.concurrent.CompletableFuture<Void> started = g.start().toCompletableFuture();
      kit.awaitIdle();
      assertThat(started).isCompletedExceptionally();
      for (String n : List.of("gateway", "audit")) {
        assertThat(state(sup, n)).as(n).isEqualTo(ProcessState.STOPPED);
        assertThat(sup.controller(n).orElseThrow().status().detail()).as(n).startsWith("group desk's start did not reach it: ")
            .contains("feed");
      }
      assertThat(kit.backend().runs("gateway")).isEmpty();
      assertThat(kit.backend().runs("audit")).isEmpty();
    }
  }

  /** A nested group's members wait for the member before them in the whole tree's order. */
  @Test
  void aNestedGroupsMembersWaitInTheWholeTreesOrder() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      registerWithGrace(sup, RestartPolicy.onFailure(), "feed", "gw1", "gw2");
      sup.registerGroup(GroupSpec.builder("gateways").children("gw1", "gw2").build());
      GroupController g = sup.registerGroup(GroupSpec.builder("desk").children("feed", "gateways").build());
      java.util.concurrent.CompletableFuture<Void> started = g.start().toCompletableFuture();
      kit.awaitIdle();
      assertThat(sup.controller("gw1").orElseThrow().status().detail())
          .isEqualTo("waiting for feed to be RUNNING (group desk starts its members in declared order)");
      assertThat(sup.controller("gw2").orElseThrow().status().detail())
          .isEqualTo("waiting for gw1 to be RUNNING (group desk starts its members in declared order)");
      kit.advance(Duration.ofSeconds(2)); // the inner group's start begins: it names itself
      assertThat(state(sup, "gw1")).isEqualTo(ProcessState.STARTING);
      assertThat(sup.controller("gw2").orElseThrow().status().detail())
          .isEqualTo("waiting for gw1 to be RUNNING (group gateways starts its members in declared order)");
      kit.advance(Duration.ofSeconds(2));
      kit.advance(Duration.ofSeconds(2));
      started.get(10, TimeUnit.SECONDS);
      assertThat(kit.backend().spawnOrder()).containsExactly("feed", "gw1", "gw2");
    }
  }

  /**
   * startAll() starts processes, not groups: members of a group not started get no strategy, which is said at WARN
   * (it was silent), and nothing is said once the group runs.
   */
  @Test
  void startAllSaysWhenItStartsMembersOfAGroupNotStarted() throws Exception {
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    String first;
    String second;
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      register(sup, "feed", "gateway", "audit");
      GroupController desk = sup.registerGroup(GroupSpec.builder("desk").strategy(GroupSpec.Strategy.REST_FOR_ONE).children("feed", "gateway").build());
      sup.startAll().toCompletableFuture().get(10, TimeUnit.SECONDS);
      first = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
      desk.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      captured.reset();
      sup.startAll().toCompletableFuture().get(10, TimeUnit.SECONDS);
      second = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    } finally {
      System.setErr(original);
    }
    assertThat(first).contains("startAll() starts [feed, gateway] of group desk, which is STOPPED: the group's strategy and intensity "
        + "apply to them once it is started");
    assertThat(second).doesNotContain("startAll() starts");
  }

  /**
   * {@code stopAll()} stops the groups too, as a stop of the root stops an OTP supervision tree: each group (nested ones
   * too) is STOPPED from the stop's beginning, as its own {@code stop()} leaves it, its {@code GroupStateChanged} (origin
   * API, "stop all") said before its members' stops. The groups stayed RUNNING with every member stopped.
   */
  @Test
  void stopAllStopsTheGroupsFromItsBeginning() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      register(sup, "feed", "gw-a", "gw-b", "loose");
      GroupController gateways = sup.registerGroup(GroupSpec.builder("gateways").children("gw-a", "gw-b").build());
      GroupController desk = sup.registerGroup(GroupSpec.builder("desk").strategy(GroupSpec.Strategy.REST_FOR_ONE)
          .children("feed", "gateways").build());
      desk.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      sup.controller("loose").orElseThrow().start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      kit.awaitIdle();
      int before = kit.events().events().size();

      sup.stopAll().toCompletableFuture().get(10, TimeUnit.SECONDS);
      kit.awaitIdle();
      assertThat(desk.state()).isEqualTo(GroupState.STOPPED);
      assertThat(gateways.state()).isEqualTo(GroupState.STOPPED);
      List<SupervisorEvent> after = kit.events().events().subList(before, kit.events().events().size());
      List<SupervisorEvent.GroupStateChanged> groups = after.stream().filter(SupervisorEvent.GroupStateChanged.class::isInstance)
          .map(SupervisorEvent.GroupStateChanged.class::cast).toList();
      assertThat(groups).extracting(SupervisorEvent::process).as("the enclosing group first").containsExactly("desk", "gateways");
      assertThat(groups).allSatisfy(g -> {
        assertThat(g.from()).isEqualTo(GroupState.RUNNING);
        assertThat(g.to()).isEqualTo(GroupState.STOPPED);
        assertThat(g.origin()).isEqualTo(io.github.vigil.Origin.API);
        assertThat(g.reason()).isEqualTo("stop all");
      });
      int firstStop = after.indexOf(after.stream().filter(SupervisorEvent.CommandIssued.class::isInstance).findFirst().orElseThrow());
      assertThat(after.indexOf(groups.get(1))).as("said before the members' stops").isLessThan(firstStop);
      for (String n : List.of("feed", "gw-a", "gw-b", "loose")) {
        assertThat(state(sup, n)).isEqualTo(ProcessState.STOPPED);
      }
    }
  }

  /**
   * After {@code stopAll()} a group applies its strategy no more, until it is started again: a member started by hand
   * whose run ends is restarted by its own policy alone, and the siblings stopAll() stopped stay stopped. The group,
   * left RUNNING, took the end for a restart of its own (a GroupRestart) and started the stopped gateways again.
   */
  @Test
  void afterStopAllAMemberStartedByHandIsNoRestartOfItsGroup() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      register(sup, "feed", "gw-a", "gw-b");
      GroupController desk = sup.registerGroup(GroupSpec.builder("desk").strategy(GroupSpec.Strategy.REST_FOR_ONE)
          .children("feed", "gw-a", "gw-b").build());
      desk.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      sup.stopAll().toCompletableFuture().get(10, TimeUnit.SECONDS);
      sup.controller("feed").orElseThrow().start().toCompletableFuture().get(10, TimeUnit.SECONDS); // by hand, to look at it
      kit.awaitIdle();

      kit.backend().last("feed").exit(1);
      kit.advance(Duration.ofSeconds(1)); // its policy's backoff
      assertThat(kit.backend().runs("feed")).as("runs of feed: restarted by its policy").hasSize(3);
      assertThat(state(sup, "feed")).isEqualTo(ProcessState.RUNNING);
      assertThat(kit.events().of(SupervisorEvent.GroupRestart.class)).as("no restart of the stopped group").isEmpty();
      assertThat(kit.backend().runs("gw-a")).as("runs of gw-a").hasSize(1);
      assertThat(kit.backend().runs("gw-b")).as("runs of gw-b").hasSize(1);
      assertThat(state(sup, "gw-a")).isEqualTo(ProcessState.STOPPED);
      assertThat(desk.state()).isEqualTo(GroupState.STOPPED);

      desk.start().toCompletableFuture().get(10, TimeUnit.SECONDS); // started again: its strategy applies again
      kit.backend().last("feed").exit(1);
      kit.advance(Duration.ofSeconds(1));
      assertThat(kit.events().of(SupervisorEvent.GroupRestart.class)).hasSize(1);
      assertThat(kit.backend().runs("gw-a")).as("runs of gw-a").hasSize(3);
    }
  }
}
