package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vigil.Backoff;
import io.github.vigil.Origin;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Signal;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A removed process and a closed supervisor are terminal ("What was seen" 3 and 6), on the fake
 * backend: nothing is spawned after close() began or for a removed process, every command after or
 * racing them fails at once, and close() is safe from any thread.
 */
@Timeout(60)
class LifecycleTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private static ProcessSpec.Builder spec(String name) {
    return ProcessSpec.builder(name).command(name).startupGrace(Duration.ZERO);
  }

  /** Waits (polling, bounded) for a condition another thread brings about. */
  private static void eventually(String what, Supplier<Boolean> check) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!check.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited " + WAIT + " for " + what);
      }
      Thread.sleep(2);
    }
  }

  /**
   * A startAll() still waiting for a dependency to be running, then a stopAll(): the dependency comes
   * up while another dependent is being stopped, and the waiting start gives way to the stop instead of
   * spawning the process the stopAll() had already stopped (EngineModelTest, seed 3600).
   */
  @Test
  void aStartAllWaitingForADependencyGivesWayToALaterStopAll() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      RestartPolicy atOnce = RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ZERO));
      ProcessController a = sup.register(spec("a").startupGrace(Duration.ofMillis(500)).restartPolicy(atOnce).build());
      ProcessController c = sup.register(spec("c").dependsOn("a").stopTimeout(Duration.ofSeconds(1)).build());
      sup.register(spec("b").dependsOn("a").autoStart(true).build());
      kit.backend().ignore("c", Signal.SIGTERM); // its stop takes 1 s, and a's stop waits for it
      a.start();
      kit.advance(Duration.ofMillis(500));
      c.start();
      kit.awaitIdle();
      assertThat(c.status().state()).isEqualTo(ProcessState.RUNNING);
      kit.backend().last("a").kill(Signal.SIGKILL); // restarted at once: STARTING for its 500 ms grace
      kit.awaitIdle();
      CompletableFuture<Void> startAll = sup.startAll().toCompletableFuture(); // b waits for a to be running
      kit.awaitIdle();
      CompletableFuture<Void> stopAll = sup.stopAll().toCompletableFuture();
      kit.advance(Duration.ofMillis(500)); // a is running now, still waiting for c's stop
      kit.advance(Duration.ofMillis(500));
      assertThat(stopAll).isCompleted();
      assertThat(kit.backend().runs("b")).as("runs of b").isEmpty();
      assertThat(kit.backend().alive()).isEmpty();
      assertThat(startAll).isDone();
    }
  }

  /**
   * A listener that waits for a command's result would wait for itself (the result is delivered on its thread, after
   * it returns): refused at once, before the command is issued. It held every listener up for the whole timeout and
   * then said "did not reach RUNNING within 5.00 s; now RUNNING" (found by a black-box run).
   */
  @Test
  void aListenerThatWaitsForACommandIsRefusedAtOnce() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      ProcessController once = sup.register(spec("once").build());
      ProcessController other = sup.register(spec("other").build());
      java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
      sup.subscribe(e -> {
        if (e instanceof SupervisorEvent.Started s && s.process().equals("once")) {
          try {
            other.start(Duration.ofSeconds(5));
          } catch (RuntimeException x) {
            thrown.set(x);
          }
        }
      });
      once.start();
      kit.awaitIdle();
      assertThat(thrown.get()).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("start(timeout) of 'other' would wait for itself").hasMessageContaining("call start()");
      assertThat(kit.backend().runs("other")).isEmpty();
    }
  }

  /** Seen 3: close() stopped the dependent first, and the dependency's restart timer fired meanwhile. */
  @Test
  void closeNeverSpawnsAProcessWaitingInBackoff() throws Exception {
    SupervisorTestKit kit = SupervisorTestKit.create();
    FakeBackend backend = kit.backend();
    Supervisor sup = kit.supervisor();
    backend.ignore("gateway", Signal.SIGTERM); // takes its stop timeout to stop
    sup.register(spec("feed").restartPolicy(RestartPolicy.always().withBackoff(Backoff.fixed(Duration.ofSeconds(1)))).build());
    sup.register(spec("gateway").dependsOn("feed").stopTimeout(Duration.ofSeconds(5)).build());
    sup.startAll();
    kit.awaitIdle();
    backend.last("feed").kill(Signal.SIGKILL);
    kit.awaitIdle();
    assertThat(sup.controller("feed").orElseThrow().status().state()).isEqualTo(ProcessState.BACKOFF);

    Thread closer = new Thread(sup::close, "closer");
    closer.start();
    eventually("gateway to get SIGTERM", () -> backend.last("gateway").signals().contains(Signal.SIGTERM));
    kit.clock().advance(Duration.ofSeconds(2)); // the feed's restart falls due while the gateway is stopping
    kit.clock().advance(Duration.ofSeconds(5)); // the gateway's stop timeout: SIGKILL
    closer.join(WAIT.toMillis());
    assertThat(closer.isAlive()).isFalse();

    assertThat(backend.runs("feed")).hasSize(1);
    assertThat(backend.spawnsAfterClose()).isZero();
    assertThat(backend.alive()).isEmpty();
    assertThat(kit.events().states("feed")).endsWith(ProcessState.BACKOFF, ProcessState.STOPPED);
  }

  /** Seen 3 for stopAll(): the same hold, and a crash while dependents stop is not restarted. */
  @Test
  void stopAllNeitherSpawnsFromBackoffNorRestartsACrashWhileDependentsStop() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      FakeBackend backend = kit.backend();
      Supervisor sup = kit.supervisor();
      backend.ignore("gateway", Signal.SIGTERM);
      sup.register(spec("feed").restartPolicy(RestartPolicy.always().withBackoff(Backoff.none())).build());
      sup.register(spec("audit").restartPolicy(RestartPolicy.always().withBackoff(Backoff.fixed(Duration.ofSeconds(1)))).build());
      sup.register(spec("gateway").dependsOn("feed").dependsOn("audit").stopTimeout(Duration.ofSeconds(5)).build());
      sup.startAll();
      kit.awaitIdle();
      backend.last("audit").exit(1);
      kit.awaitIdle();
      CompletableFuture<Void> stopped = sup.stopAll().toCompletableFuture();
      kit.awaitIdle();
      backend.last("feed").exit(1); // would be restarted at once without the hold
      kit.advance(Duration.ofSeconds(2));
      kit.advance(Duration.ofSeconds(5));
      stopped.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(backend.runs("feed")).hasSize(1);
      assertThat(backend.runs("audit")).hasSize(1);
      assertThat(backend.alive()).isEmpty();
      for (String name : List.of("feed", "audit", "gateway")) {
        assertThat(sup.controller(name).orElseThrow().status().state()).as(name).isEqualTo(ProcessState.STOPPED);
      }
      // an explicit start afterwards works again
      assertThat(sup.controller("feed").orElseThrow().start().toCompletableFuture().get(10, TimeUnit.SECONDS).state())
          .isEqualTo(ProcessState.RUNNING);
    }
  }

  /** Seen 6: commands after close() complete exceptionally at once, with a clear message. */
  @Test
  void everyCommandAfterCloseFailsAtOnce() {
    SupervisorTestKit kit = SupervisorTestKit.create();
    Supervisor sup = kit.supervisor();
    ProcessController p = sup.register(spec("feed").build());
    kit.close();
    kit.close(); // idempotent
    List<Supplier<CompletionStage<?>>> commands = List.of(p::start, p::stop, p::restart, sup::startAll, sup::stopAll,
        () -> sup.remove("feed"));
    for (Supplier<CompletionStage<?>> c : commands) {
      CompletableFuture<?> f = c.get().toCompletableFuture();
      assertThat(f).isCompletedExceptionally();
      assertThatThrownBy(f::get).hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("supervisor 'test' is closed");
    }
    assertThatThrownBy(() -> sup.register(spec("other").build())).isInstanceOf(IllegalStateException.class);
    assertThat(kit.backend().spawnsAfterClose()).isZero();
  }

  /** Seen 6: commands after remove() fail at once; nothing is ever spawned for the removed process. */
  @Test
  void everyCommandAfterRemoveFailsAtOnce() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      ProcessController p = sup.register(spec("feed").build());
      p.start();
      kit.awaitIdle();
      CompletableFuture<Void> removed = sup.remove("feed").toCompletableFuture();
      for (Supplier<CompletionStage<?>> c : List.<Supplier<CompletionStage<?>>>of(p::start, p::stop, p::restart)) {
        CompletableFuture<?> f = c.get().toCompletableFuture();
        assertThat(f).isCompletedExceptionally();
        assertThatThrownBy(f::get).hasMessageContaining("process 'feed' was removed");
      }
      assertThat(sup.remove("feed").toCompletableFuture().get(10, TimeUnit.SECONDS)).isNull(); // the same removal
      removed.get(10, TimeUnit.SECONDS);
      kit.awaitIdle();
      assertThat(kit.backend().runs("feed")).hasSize(1);
      assertThat(kit.backend().alive()).isEmpty();
      assertThat(sup.controller("feed")).isEmpty();
    }
  }

  static Stream<Long> seeds() {
    return Stream.iterate(1L, s -> s + 1).limit(200);
  }

  /** Seen 6: start() racing remove() from two threads never leaves a process nobody tracks. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void startRacingRemoveLeavesNothingRunning(long seed) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      ProcessController p = sup.register(spec("feed").restartPolicy(RestartPolicy.always().withBackoff(Backoff.none())).build());
      if (random.nextBoolean()) {
        p.start();
      }
      int spins = random.nextInt(200);
      CompletableFuture<CompletionStage<?>> start = new CompletableFuture<>();
      Thread starter = new Thread(() -> {
        for (int i = 0; i < spins; i++) {
          Thread.onSpinWait();
        }
        start.complete(p.start());
      });
      starter.start();
      CompletableFuture<Void> removed = sup.remove("feed").toCompletableFuture();
      starter.join();
      removed.get(10, TimeUnit.SECONDS);
      try {
        start.get().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (ExecutionException refusedOrStopped) {
        assertThat(refusedOrStopped.getCause().getMessage()).as("seed %d", seed)
            .containsAnyOf("was removed", "stopped before it was running", "did not reach RUNNING");
      }
      kit.awaitIdle();
      assertThat(kit.backend().alive()).as("seed %d", seed).isEmpty();
      assertThat(sup.controller("feed")).isEmpty();
    }
  }

  /**
   * Seen 6: close() on the supervision thread neither throws nor leaves anything running. The only
   * code of a user's that runs there is a clock: here the wall clock closes the supervisor when the
   * supervision thread reads it to stamp the start of "closer".
   */
  @Test
  void closeOnTheSupervisionThreadClosesEverything() throws Exception {
    java.util.concurrent.atomic.AtomicReference<Supervisor> ref = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
    List<Throwable> thrown = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<String> closedOn = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.time.InstantSource wall = () -> {
      if (armed.get() && Thread.currentThread().getName().equals("vigil-test") && armed.compareAndSet(true, false)) {
        closedOn.add(Thread.currentThread().getName());
        try {
          ref.get().close();
        } catch (Throwable t) {
          thrown.add(t);
        }
      }
      return SupervisorTestKit.WALL_ORIGIN;
    };
    SupervisorTestKit kit = SupervisorTestKit.create(b -> b.instantSource(wall));
    Supervisor sup = kit.supervisor();
    ref.set(sup);
    sup.register(spec("feed").build());
    sup.register(spec("closer").build());
    sup.controller("feed").orElseThrow().start();
    kit.awaitIdle();
    armed.set(true);
    sup.controller("closer").orElseThrow().start();
    eventually("the close to begin", () -> {
      try {
        return sup.controller("feed").orElseThrow().start().toCompletableFuture().isCompletedExceptionally();
      } catch (RuntimeException e) {
        return false;
      }
    });
    sup.close(); // waits for the close begun on the supervision thread
    assertThat(closedOn).containsExactly("vigil-test");
    assertThat(thrown).isEmpty();
    assertThat(kit.backend().alive()).isEmpty();
    assertThat(kit.events().states("feed")).endsWith(ProcessState.STOPPING, ProcessState.STOPPED);
  }

  /** Seen 6: close() from a listener returns at once and closes everything. */
  @Test
  void closeFromAListenerClosesEverything() throws Exception {
    SupervisorTestKit kit = SupervisorTestKit.create();
    Supervisor sup = kit.supervisor();
    CompletableFuture<Throwable> returned = new CompletableFuture<>();
    sup.register(spec("feed").build());
    sup.subscribe(e -> {
      if (e instanceof SupervisorEvent.StateChanged s && s.to() == ProcessState.RUNNING) {
        try {
          sup.close();
          returned.complete(null);
        } catch (Throwable t) {
          returned.complete(t);
        }
      }
    });
    sup.controller("feed").orElseThrow().start();
    assertThat(returned.get(10, TimeUnit.SECONDS)).isNull();
    sup.close();
    assertThat(kit.backend().alive()).isEmpty();
    assertThat(kit.events().of(SupervisorEvent.CommandIssued.class, "feed")).last()
        .satisfies(c -> assertThat(c.origin()).isEqualTo(Origin.SHUTDOWN));
  }

  /** A start racing close() either ran before it (and was stopped by it) or fails; never spawns after. */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void startRacingCloseNeverSpawnsAfterwards(long seed) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    SupervisorTestKit kit = SupervisorTestKit.create();
    Supervisor sup = kit.supervisor();
    ProcessController p = sup.register(spec("feed").build());
    int spins = random.nextInt(300);
    CompletableFuture<CompletionStage<?>> start = new CompletableFuture<>();
    Thread starter = new Thread(() -> {
      for (int i = 0; i < spins; i++) {
        Thread.onSpinWait();
      }
      start.complete(p.start());
    });
    starter.start();
    sup.close();
    starter.join();
    CompletableFuture<?> f = start.get().toCompletableFuture();
    try {
      f.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).as("seed %d", seed).isNotNull();
    }
    assertThat(kit.backend().alive()).as("seed %d", seed).isEmpty();
    assertThat(kit.backend().spawnsAfterClose()).as("seed %d", seed).isZero();
  }
}
