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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two reasons to hold a process that overlap: a group's restart under way (stopping its members before it starts them
 * again) and an enclosing group's restart, an escalation, or a {@code stopAll()} / {@code close()}. With OTP as the
 * reference: the enclosing restart supersedes the inner one; once all settles each member that should run runs once; no
 * member is spawned while a restart or stop that holds it is still stopping; nothing is spawned once a {@code stopAll()}
 * began nor restarted after it; each restart is counted once.
 */
@Timeout(60)
class OverlappingRestartsTest {

  /** A process restarted on failure after {@code backoff}; stopping it takes {@code stopTakes} (it ignores SIGTERM) if not zero. */
  private static void register(SupervisorTestKit kit, String name, Duration backoff, Duration stopTakes, String... dependsOn) {
    ProcessSpec.Builder b = ProcessSpec.builder(name).command(name).startupGrace(Duration.ZERO)
        .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(backoff)).withStartLimit(1000, Duration.ofHours(1)));
    if (!stopTakes.isZero()) {
      b.stopTimeout(stopTakes);
      kit.backend().ignore(name, Signal.SIGTERM);
    }
    for (String d : dependsOn) {
      b.dependsOn(d);
    }
    kit.supervisor().register(b.build());
  }

  private static ProcessState state(Supervisor sup, String name) {
    return sup.controller(name).orElseThrow().status().state();
  }

  private static long alive(SupervisorTestKit kit, String name) {
    return kit.backend().alive().stream().filter(p -> p.name().equals(name)).count();
  }

  /** Each of {@code names} is RUNNING with one live run, and was spawned {@code runs} times in all. */
  private static void eachRunsOnceAfter(SupervisorTestKit kit, int runs, String... names) {
    for (String n : names) {
      assertThat(state(kit.supervisor(), n)).as("state of %s", n).isEqualTo(ProcessState.RUNNING);
      assertThat(alive(kit, n)).as("live runs of %s", n).isEqualTo(1);
      assertThat(kit.backend().runs(n)).as("runs of %s", n).hasSize(runs);
    }
  }

  /**
   * In the events from {@code from} on: no member of {@code members} started (STARTING) before every one of
   * {@code mustStop} that was not STOPPED at {@code from} had stopped. A restart stops all it restarts before it
   * starts any of them again.
   */
  private static void noneStartedBeforeAllStopped(List<SupervisorEvent> events, int from, Set<String> mustStop, Set<String> members) {
    java.util.Map<String, ProcessState> before = new java.util.HashMap<>();
    for (SupervisorEvent e : events.subList(0, from)) {
      if (e instanceof SupervisorEvent.StateChanged s) {
        before.put(s.process(), s.to());
      }
    }
    Set<String> toStop = new HashSet<>();
    mustStop.stream().filter(n -> before.get(n) != ProcessState.STOPPED).forEach(toStop::add);
    for (int i = from; i < events.size() && !toStop.isEmpty(); i++) {
      if (events.get(i) instanceof SupervisorEvent.StateChanged s) {
        if (s.to() == ProcessState.STOPPED) {
          toStop.remove(s.process());
        } else if (s.to() == ProcessState.STARTING && members.contains(s.process())) {
          throw new AssertionError(s.process() + " started again while " + toStop + " still had to stop: " + events.subList(from, i + 1));
        }
      }
    }
    assertThat(toStop).as("members the restart stopped").isEmpty();
  }

  private static int indexOf(List<SupervisorEvent> events, Class<? extends SupervisorEvent> type, String process) {
    for (int i = 0; i < events.size(); i++) {
      if (type.isInstance(events.get(i)) && events.get(i).process().equals(process)) {
        return i;
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " of " + process + " in " + events);
  }

  /**
   * Group "in" (ONE_FOR_ALL: a, b, c; c takes 1 s to stop) inside group "out" ({@code outer}: x, in). b crashes: "in"
   * stops c (for 1 s), then a, to start a, b, c again. Meanwhile x crashes: "out" stops and restarts "in" with it. The
   * outer restart supersedes the inner one: every member is stopped before any starts again, and each runs once more.
   */
  @ParameterizedTest
  @EnumSource(value = GroupSpec.Strategy.class, names = {"ONE_FOR_ALL", "REST_FOR_ONE"})
  void anOuterRestartDuringAnInnerOneForAllRestartSupersedesIt(GroupSpec.Strategy outer) throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      register(kit, "x", Duration.ZERO, Duration.ZERO);
      register(kit, "a", Duration.ZERO, Duration.ZERO);
      register(kit, "b", Duration.ZERO, Duration.ZERO);
      register(kit, "c", Duration.ZERO, Duration.ofSeconds(1));
      sup.registerGroup(GroupSpec.builder("in").strategy(GroupSpec.Strategy.ONE_FOR_ALL).children("a", "b", "c").build());
      GroupController out = sup.registerGroup(GroupSpec.builder("out").strategy(outer).children("x", "in").build());
      out.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

      kit.backend().last("b").exit(1);
      kit.awaitIdle();
      assertThat(state(sup, "c")).isEqualTo(ProcessState.STOPPING);
      kit.backend().last("x").exit(1); // "out" restarts "in" while "in" restarts its members
      kit.awaitIdle();
      kit.advance(Duration.ofSeconds(1)); // c killed at its stop timeout
      kit.advance(Duration.ofSeconds(1));

      eachRunsOnceAfter(kit, 2, "x", "a", "b", "c");
      assertThat(sup.group("in").orElseThrow().state()).isEqualTo(GroupState.RUNNING);
      assertThat(out.state()).isEqualTo(GroupState.RUNNING);
      List<SupervisorEvent> events = kit.events().events();
      noneStartedBeforeAllStopped(events, indexOf(events, SupervisorEvent.GroupRestart.class, "out"), Set.of("a", "b", "c"),
          Set.of("a", "b", "c"));
      assertThat(kit.events().of(SupervisorEvent.GroupRestart.class)).extracting(r -> r.process() + ":" + r.child() + ":" + r.restarts())
          .containsExactly("in:b:1", "out:x:1");
      assertThat(kit.events().of(SupervisorEvent.GroupFailed.class)).isEmpty();
      // the new runs of the inner members started in declared order, after x
      assertThat(kit.backend().spawnOrder().subList(4, 8)).containsExactly("x", "a", "b", "c");
    }
  }

  /**
   * As above with x declared after "in" (ONE_FOR_ALL: x's restart waits for "in" to run again), and "in" mid-way
   * through its restart: a already started again, c still stopping. Each member ends with one run more.
   */
  @Test
  void anOuterOneForAllRestartOfAGroupDeclaredBeforeTheChildThatEndedSupersedesTheInnerRestart() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      register(kit, "a", Duration.ZERO, Duration.ZERO);
      register(kit, "b", Duration.ZERO, Duration.ZERO);
      register(kit, "c", Duration.ZERO, Duration.ofSeconds(1));
      register(kit, "x", Duration.ZERO, Duration.ZERO);
      sup.registerGroup(GroupSpec.builder("in").strategy(GroupSpec.Strategy.ONE_FOR_ALL).children("c", "a", "b").build());
      GroupController out = sup.registerGroup(GroupSpec.builder("out").strategy(GroupSpec.Strategy.ONE_FOR_ALL).children("in", "x").build());
      out.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

      kit.backend().last("a").exit(1); // "in" stops b, then c (1 s), to start c, a, b again
      kit.awaitIdle();
      assertThat(state(sup, "c")).isEqualTo(ProcessState.STOPPING);
      kit.backend().last("x").exit(1);
      kit.awaitIdle();
      kit.advance(Duration.ofSeconds(1));
      kit.advance(Duration.ofSeconds(1));

      eachRunsOnceAfter(kit, 2, "x", "a", "b", "c");
      List<SupervisorEvent> events = kit.events().events();
      noneStartedBeforeAllStopped(events, indexOf(events, SupervisorEvent.GroupRestart.class, "out"), Set.of("a", "b", "c"),
          Set.of("a", "b", "c", "x"));
      assertThat(kit.backend().spawnOrder().subList(4, 8)).containsExactly("c", "a", "b", "x");
      assertThat(kit.events().of(SupervisorEvent.GroupRestart.class)).extracting(r -> r.process() + ":" + r.child() + ":" + r.restarts())
          .containsExactly("in:a:1", "out:x:1");
    }
  }

  /**
   * "out" (ONE_FOR_ALL: in, y, x; y takes 1 s to stop) restarts after x crashed, and stops y first. Before its stop
   * reaches "in" (ONE_FOR_ONE: a, b), a crashes. The restart holds the nested group's members as it holds its own
   * children: a is neither restarted by its policy nor counted by "in" before "out" starts "in" again. It was spawned
   * at once, to be stopped by the outer restart a moment later. (In OTP the inner supervisor, a process of its own
   * until terminated, may restart a meanwhile; Vigil decides the whole tree on one thread and spares that run.)
   */
  @Test
  void aMemberOfANestedGroupThatEndsBeforeTheOuterRestartsStopReachesItWaitsForThatRestart() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      register(kit, "a", Duration.ZERO, Duration.ZERO);
      register(kit, "b", Duration.ZERO, Duration.ZERO);
      register(kit, "y", Duration.ZERO, Duration.ofSeconds(1));
      register(kit, "x", Duration.ZERO, Duration.ZERO);
      sup.registerGroup(GroupSpec.builder("in").children("a", "b").build());
      GroupController out = sup.registerGroup(GroupSpec.builder("out").strategy(GroupSpec.Strategy.ONE_FOR_ALL).children("in", "y", "x").build());
      out.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

      kit.backend().last("x").exit(1);
      kit.awaitIdle();
      assertThat(state(sup, "y")).isEqualTo(ProcessState.STOPPING);
      kit.backend().last("a").exit(1); // "in" is still RUNNING: the outer stop has not reached it
      kit.awaitIdle();
      kit.advance(Duration.ofSeconds(1));
      kit.advance(Duration.ofSeconds(1));

      eachRunsOnceAfter(kit, 2, "a", "b", "x", "y");
      List<SupervisorEvent> events = kit.events().events();
      noneStartedBeforeAllStopped(events, indexOf(events, SupervisorEvent.GroupRestart.class, "out"), Set.of("a", "b", "y"),
          Set.of("a", "b", "y", "x"));
      assertThat(kit.events().of(SupervisorEvent.GroupRestart.class)).extracting(r -> r.process() + ":" + r.child() + ":" + r.restarts())
          .containsExactly("out:x:1");
      assertThat(kit.events().of(SupervisorEvent.RestartScheduled.class, "a")).as("a's own restart").isEmpty();
      assertThat(sup.controller("a").orElseThrow().status().restarts()).isZero();
    }
  }

  /**
   * As above, with "in" allowed no restart (intensity 0): a's end would escalate it while "out" restarts it anyway.
   * One restart of "out", counted once: with at most one a minute, "out" neither escalates nor FAILS.
   */
  @Test
  void aNestedGroupThatWouldEscalateDuringTheOuterRestartIsPartOfThatRestart() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      register(kit, "a", Duration.ZERO, Duration.ZERO);
      register(kit, "b", Duration.ZERO, Duration.ZERO);
      register(kit, "y", Duration.ZERO, Duration.ofSeconds(1));
      register(kit, "x", Duration.ZERO, Duration.ZERO);
      sup.registerGroup(GroupSpec.builder("in").intensity(0, Duration.ofMinutes(1)).children("a", "b").build());
      GroupController out = sup.registerGroup(GroupSpec.builder("out").strategy(GroupSpec.Strategy.ONE_FOR_ALL)
          .intensity(1, Duration.ofMinutes(1)).children("in", "y", "x").build());
      out.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

      kit.backend().last("x").exit(1);
      kit.awaitIdle();
      kit.backend().last("a").exit(1);
      kit.awaitIdle();
      kit.advance(Duration.ofSeconds(1));
      kit.advance(Duration.ofSeconds(1));

      assertThat(out.state()).isEqualTo(GroupState.RUNNING);
      assertThat(kit.events().of(SupervisorEvent.GroupFailed.class, "out")).isEmpty();
      assertThat(kit.events().of(SupervisorEvent.GroupRestart.class, "out")).extracting(r -> r.child() + ":" + r.restarts())
          .containsExactly("x:1");
      eachRunsOnceAfter(kit, 2, "a", "b", "x", "y");
    }
  }

  /**
   * "in" (REST_FOR_ONE: a, b, c; c takes 1 s to stop; at most one restart a minute) inside "out" (ONE_FOR_ONE: in, z).
   * b crashes: "in" stops c to restart b and c. a crashes meanwhile: its second restart, past its intensity: it
   * escalates, and "out" restarts it. The escalation supersedes the restart under way: each member runs once more,
   * none is started before all are stopped, and "out" counts one restart.
   */
  @Test
  void anEscalationDuringTheInnerRestartSupersedesIt() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      register(kit, "a", Duration.ZERO, Duration.ZERO);
      register(kit, "b", Duration.ofSeconds(1), Duration.ZERO);
      register(kit, "c", Duration.ZERO, Duration.ofSeconds(2));
      register(kit, "z", Duration.ZERO, Duration.ZERO);
      sup.registerGroup(GroupSpec.builder("in").strategy(GroupSpec.Strategy.REST_FOR_ONE).intensity(1, Duration.ofMinutes(1))
          .children("a", "b", "c").build());
      GroupController out = sup.registerGroup(GroupSpec.builder("out").children("in", "z").build());
      out.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

      kit.backend().last("b").exit(1);
      kit.awaitIdle();
      assertThat(state(sup, "c")).isEqualTo(ProcessState.STOPPING);
      kit.backend().last("a").exit(1); // past the intensity: "in" escalates while its restart waits for c
      kit.awaitIdle();
      for (int i = 0; i < 4; i++) {
        kit.advance(Duration.ofSeconds(1));
      }

      eachRunsOnceAfter(kit, 2, "a", "b", "c");
      eachRunsOnceAfter(kit, 1, "z");
      List<SupervisorEvent> events = kit.events().events();
      noneStartedBeforeAllStopped(events, indexOf(events, SupervisorEvent.GroupFailed.class, "in"), Set.of("a", "b", "c"),
          Set.of("a", "b", "c"));
      assertThat(kit.events().of(SupervisorEvent.GroupFailed.class)).extracting(f -> f.process() + ">" + f.toParent()).containsExactly("in>out");
      assertThat(kit.events().of(SupervisorEvent.GroupRestart.class)).extracting(r -> r.process() + ":" + r.child() + ":" + r.restarts())
          .containsExactly("in:b:1", "out:in:1");
      assertThat(sup.group("in").orElseThrow().state()).isEqualTo(GroupState.RUNNING);
      assertThat(kit.backend().spawnOrder()).containsExactly("a", "b", "c", "z", "a", "b", "c");
    }
  }

  /**
   * "in" (a, c; c takes 1 s to stop; no restart allowed) escalates when a crashes, and stops c. Before that stop is
   * over, x crashes and "out" (ONE_FOR_ALL: in, x; at most one restart a minute) restarts, stopping "in" too. The
   * escalation is taken in by that restart, as OTP's terminate_children takes in the exit of a child it terminates: one
   * restart of "out", counted once. It was counted again when the escalation's stop ended: "out" FAILED.
   */
  @Test
  void anEscalationThatTheOuterRestartOvertakesIsPartOfIt() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      register(kit, "a", Duration.ZERO, Duration.ZERO);
      register(kit, "c", Duration.ZERO, Duration.ofSeconds(1));
      register(kit, "x", Duration.ZERO, Duration.ZERO);
      sup.registerGroup(GroupSpec.builder("in").intensity(0, Duration.ofMinutes(1)).children("a", "c").build());
      GroupController out = sup.registerGroup(GroupSpec.builder("out").strategy(GroupSpec.Strategy.ONE_FOR_ALL)
          .intensity(1, Duration.ofMinutes(1)).children("in", "x").build());
      out.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

      kit.backend().last("a").exit(1); // "in" escalates: it stops c (1 s)
      kit.awaitIdle();
      assertThat(sup.group("in").orElseThrow().state()).isEqualTo(GroupState.ESCALATED);
      kit.backend().last("x").exit(1);
      kit.awaitIdle();
      kit.advance(Duration.ofSeconds(1));
      kit.advance(Duration.ofSeconds(1));

      assertThat(out.state()).isEqualTo(GroupState.RUNNING);
      assertThat(kit.events().of(SupervisorEvent.GroupFailed.class)).extracting(f -> f.process() + ">" + f.toParent()).containsExactly("in>out");
      assertThat(kit.events().of(SupervisorEvent.GroupRestart.class)).extracting(r -> r.process() + ":" + r.child() + ":" + r.restarts())
          .containsExactly("out:x:1");
      assertThat(sup.group("in").orElseThrow().state()).isEqualTo(GroupState.RUNNING);
      eachRunsOnceAfter(kit, 2, "a", "c", "x");
    }
  }

  /**
   * Three levels: "top" (ONE_FOR_ALL: mid, t; at most {@code topIntensity} restarts a minute), "mid" (ONE_FOR_ALL: s,
   * leaf, u; s takes 1 s to stop), "leaf" (l1; no restart allowed). l1 crashes: "leaf" escalates, and "mid" restarts it
   * with s and u: it stops u, then s (1 s), to start s, "leaf" and u again. Meanwhile t crashes: "top" stops "mid" (past
   * its intensity: FAILED; else to restart it). The restart of "mid" under way is superseded: it starts nothing once
   * its group was stopped. It started "leaf" when s had stopped: with "top" FAILED, l1 ran on; restarted, l1 ran
   * before s, out of "mid"'s declared order.
   */
  @ParameterizedTest(name = "top allows {0} restarts")
  @org.junit.jupiter.params.provider.ValueSource(ints = {0, 1})
  void aRestartOfAGroupThatIsStoppedMeanwhileStartsNothing(int topIntensity) throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      register(kit, "s", Duration.ZERO, Duration.ofSeconds(1));
      register(kit, "l1", Duration.ZERO, Duration.ZERO);
      register(kit, "u", Duration.ZERO, Duration.ZERO);
      register(kit, "t", Duration.ZERO, Duration.ZERO);
      sup.registerGroup(GroupSpec.builder("leaf").intensity(0, Duration.ofMinutes(1)).children("l1").build());
      sup.registerGroup(GroupSpec.builder("mid").strategy(GroupSpec.Strategy.ONE_FOR_ALL).children("s", "leaf", "u").build());
      GroupController top = sup.registerGroup(GroupSpec.builder("top").strategy(GroupSpec.Strategy.ONE_FOR_ALL)
          .intensity(topIntensity, Duration.ofMinutes(1)).children("mid", "t").build());
      top.start().toCompletableFuture().get(10, TimeUnit.SECONDS);

      kit.backend().last("l1").exit(1);
      kit.awaitIdle();
      assertThat(kit.events().of(SupervisorEvent.GroupRestart.class, "mid")).singleElement()
          .satisfies(r -> assertThat(r.child()).isEqualTo("leaf"));
      assertThat(state(sup, "s")).isEqualTo(ProcessState.STOPPING);
      int spawnsBefore = kit.backend().spawnOrder().size();
      kit.backend().last("t").exit(1);
      kit.awaitIdle();
      kit.advance(Duration.ofSeconds(1));
      kit.advance(Duration.ofSeconds(1));

      List<String> spawned = kit.backend().spawnOrder().subList(spawnsBefore, kit.backend().spawnOrder().size());
      if (topIntensity == 0) {
        assertThat(top.state()).isEqualTo(GroupState.FAILED);
        assertThat(spawned).as("spawned once top failed").isEmpty();
        assertThat(kit.backend().alive()).isEmpty();
        assertThat(sup.group("leaf").orElseThrow().state()).isNotEqualTo(GroupState.RUNNING);
      } else {
        assertThat(top.state()).isEqualTo(GroupState.RUNNING);
        assertThat(spawned).as("spawned by top's restart").containsExactly("s", "l1", "u", "t");
        eachRunsOnceAfter(kit, 2, "s", "l1", "u", "t");
      }
    }
  }

  /**
   * Group g (a, b, c, d; no restart allowed) started while c and d already run (c takes 5 s to stop): its start in
   * declared order waits for a (2 s to come up) while b waits for its turn. d crashes: g escalates and stops d, c (5 s),
   * b, a. The escalation supersedes the start: once a is up, b is not spawned; it was, while c was still stopping.
   */
  @Test
  void aStartInDeclaredOrderThatItsGroupsEscalationOvertakesStartsNothingMore() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      sup.register(ProcessSpec.builder("a").command("a").startupGrace(Duration.ofSeconds(2)).build());
      register(kit, "b", Duration.ZERO, Duration.ZERO);
      register(kit, "c", Duration.ZERO, Duration.ofSeconds(5));
      register(kit, "d", Duration.ZERO, Duration.ZERO);
      GroupController g = sup.registerGroup(GroupSpec.builder("g").intensity(0, Duration.ofMinutes(1)).children("a", "b", "c", "d").build());
      for (String n : List.of("c", "d")) {
        sup.controller(n).orElseThrow().start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      CompletableFuture<Void> started = g.start().toCompletableFuture();
      kit.awaitIdle();
      assertThat(state(sup, "a")).isEqualTo(ProcessState.STARTING);
      assertThat(state(sup, "b")).isEqualTo(ProcessState.WAITING);
      kit.backend().last("d").exit(1); // past the intensity: g escalates while its start waits for a
      kit.awaitIdle();
      for (int i = 0; i < 6; i++) {
        kit.advance(Duration.ofSeconds(1));
      }

      assertThat(g.state()).isEqualTo(GroupState.FAILED);
      assertThat(kit.backend().runs("b")).as("runs of b").isEmpty();
      assertThat(kit.backend().alive()).isEmpty();
      assertThat(started).isDone();
    }
  }

  /**
   * Group g (ONE_FOR_ALL: a, b, c; c takes 1 s to stop) started, d outside it depending on a (d takes 5 s to stop)
   * started, then b crashed: g's restart is under way, stopping c.
   */
  private static void restartOfGUnderWay(SupervisorTestKit kit) throws Exception {
    Supervisor sup = kit.supervisor();
    register(kit, "a", Duration.ZERO, Duration.ZERO);
    register(kit, "b", Duration.ZERO, Duration.ZERO);
    register(kit, "c", Duration.ZERO, Duration.ofSeconds(1));
    register(kit, "d", Duration.ZERO, Duration.ofSeconds(5), "a");
    GroupController g = sup.registerGroup(GroupSpec.builder("g").strategy(GroupSpec.Strategy.ONE_FOR_ALL).children("a", "b", "c").build());
    g.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
    sup.controller("d").orElseThrow().start().toCompletableFuture().get(10, TimeUnit.SECONDS);
    kit.backend().last("b").exit(1);
    kit.awaitIdle();
  }

  /**
   * Group g (ONE_FOR_ALL: a, b, c; c takes 1 s to stop), with d outside it depending on a (d takes 5 s to stop). b
   * crashes: g stops c, then a, to start a, b, c again. stopAll() meanwhile: it stops d first, then a. g's restart
   * must not start a (nor anything) while stopAll() still holds it: nothing is spawned after stopAll() began, all
   * ends STOPPED, and nothing restarts after.
   */
  @Test
  void stopAllDuringAGroupRestartSpawnsNothingWhileItStopsDependentsFirst() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      restartOfGUnderWay(kit);
      assertThat(state(sup, "c")).isEqualTo(ProcessState.STOPPING);
      int spawnsBefore = kit.backend().spawnOrder().size();
      CompletableFuture<Void> stopped = sup.stopAll().toCompletableFuture();
      kit.awaitIdle();
      for (int i = 0; i < 6; i++) {
        kit.advance(Duration.ofSeconds(1));
      }
      stopped.get(10, TimeUnit.SECONDS);
      assertThat(kit.backend().spawnOrder().subList(spawnsBefore, kit.backend().spawnOrder().size())).as("spawned after stopAll()").isEmpty();
      assertThat(kit.backend().alive()).isEmpty();
      for (String n : List.of("a", "b", "c", "d")) {
        assertThat(state(sup, n)).as(n).isEqualTo(ProcessState.STOPPED);
      }
      kit.advance(Duration.ofMinutes(1));
      assertThat(kit.backend().spawnOrder()).hasSize(spawnsBefore);
    }
  }

  /** As above, with close(): nothing is spawned after it began, and it ends with nothing alive. */
  @Test
  void closeDuringAGroupRestartSpawnsNothing() throws Exception {
    SupervisorTestKit kit = SupervisorTestKit.create();
    Supervisor sup = kit.supervisor();
    restartOfGUnderWay(kit);
    int spawnsBefore = kit.backend().spawnOrder().size();

    Thread closer = new Thread(sup::close, "closer");
    closer.start();
    kit.events().await(SupervisorEvent.CommandIssued.class, e -> e.process().equals("d") && e.command() == SupervisorEvent.Command.STOP, 1,
        Duration.ofSeconds(20));
    for (int i = 0; i < 6 && closer.isAlive(); i++) {
      kit.clock().advance(Duration.ofSeconds(1));
      closer.join(50);
    }
    closer.join(20_000);
    assertThat(closer.isAlive()).isFalse();
    assertThat(kit.backend().spawnOrder()).hasSize(spawnsBefore);
    assertThat(kit.backend().spawnsAfterClose()).isZero();
    assertThat(kit.backend().alive()).isEmpty();
  }

  /**
   * A group restart while stopAll() is under way: a stopped by stopAll() is not restarted by the group when a sibling
   * the stopAll() has not reached yet (it waits for its dependent e) crashes meanwhile: that crash is not restarted.
   */
  @Test
  void aCrashWhileStopAllWaitsForADependentStartsNoGroupRestart() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      register(kit, "a", Duration.ZERO, Duration.ZERO);
      register(kit, "b", Duration.ZERO, Duration.ZERO);
      register(kit, "e", Duration.ZERO, Duration.ofSeconds(5), "b");
      GroupController g = sup.registerGroup(GroupSpec.builder("g").strategy(GroupSpec.Strategy.ONE_FOR_ALL).children("a", "b").build());
      g.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      sup.controller("e").orElseThrow().start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      int spawnsBefore = kit.backend().spawnOrder().size();
      CompletableFuture<Void> stopped = sup.stopAll().toCompletableFuture();
      kit.awaitIdle();
      assertThat(state(sup, "b")).as("b waits for e's stop").isEqualTo(ProcessState.RUNNING);
      kit.backend().last("b").exit(1);
      kit.awaitIdle();
      for (int i = 0; i < 6; i++) {
        kit.advance(Duration.ofSeconds(1));
      }
      stopped.get(10, TimeUnit.SECONDS);
      assertThat(kit.backend().spawnOrder()).hasSize(spawnsBefore);
      assertThat(kit.events().of(SupervisorEvent.GroupRestart.class)).isEmpty();
      assertThat(kit.backend().alive()).isEmpty();
    }
  }
}
