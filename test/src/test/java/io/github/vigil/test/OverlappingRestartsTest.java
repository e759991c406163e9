package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.GroupController;
import io.github.vigil.GroupSpec;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Signal;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
      register(kit, "a", Duration.ZERO, Duration.ZERO);
      register(kit, "b", Duration.ZERO, Duration.ZERO);
      register(kit, "c", Duration.ZERO, Duration.ofSeconds(1));
      register(kit, "d", Duration.ZERO, Duration.ofSeconds(5), "a");
      GroupController g = sup.registerGroup(GroupSpec.builder("g").strategy(GroupSpec.Strategy.ONE_FOR_ALL).children("a", "b", "c").build());
      g.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      sup.controller("d").orElseThrow().start().toCompletableFuture().get(10, TimeUnit.SECONDS);

      kit.backend().last("b").exit(1);
      kit.awaitIdle();
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
    register(kit, "a", Duration.ZERO, Duration.ZERO);
    register(kit, "b", Duration.ZERO, Duration.ZERO);
    register(kit, "c", Duration.ZERO, Duration.ofSeconds(1));
    register(kit, "d", Duration.ZERO, Duration.ofSeconds(5), "a");
    GroupController g = sup.registerGroup(GroupSpec.builder("g").strategy(GroupSpec.Strategy.ONE_FOR_ALL).children("a", "b", "c").build());
    g.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
    sup.controller("d").orElseThrow().start().toCompletableFuture().get(10, TimeUnit.SECONDS);
    kit.backend().last("b").exit(1);
    kit.awaitIdle();
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
