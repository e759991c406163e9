package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.vigil.Backoff;
import io.github.vigil.ExitCause;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessOperationException;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.RestartPolicy;
import io.github.vigil.SupervisorEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A backend whose spawn throws an {@link Error} rather than an exception (a class or native library missing, an
 * assertion, "unable to create native thread"): the run is a failed start like any other (START_FAILED naming the
 * error, the restart policy decides, {@code start()} completes as for any failed start), and the error is logged with
 * its trace under the process's name. It was left STARTING for good: on an I/O thread the error went to the I/O
 * queue's log and nothing handed the spawn over; thrown by an async spawner on the supervision thread it failed the
 * start's task, whose off-loop count was never given back (the supervisor never idle again).
 */
@Timeout(60)
class SpawnErrorTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static ProcessSpec feed(RestartPolicy policy) {
    return ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO).restartPolicy(policy).build();
  }

  /** The first {@code n} spawns of feed throw {@code error} inside the backend's spawn, on the supervisor's I/O thread. */
  private static void throwOnFirstSpawns(FakeBackend fake, int n, java.util.function.Supplier<? extends Error> error) {
    AtomicInteger left = new AtomicInteger(n);
    fake.inSpawn("feed", r -> {
      if (left.getAndDecrement() > 0) {
        throw error.get();
      }
    });
  }

  @Test
  void anErrorFromSpawnOnAnIoThreadEndsTheRunAsAFailedStart() throws Exception {
    try (StderrCapture err = new StderrCapture(); SupervisorTestKit kit = SupervisorTestKit.create()) {
      throwOnFirstSpawns(kit.backend(), 1, () -> new NoClassDefFoundError("com/sun/jna/Native"));
      ProcessController feed = kit.supervisor().register(feed(RestartPolicy.never()));
      CompletableFuture<ProcessStatus> started = feed.start().toCompletableFuture();
      kit.awaitIdle();
      assertThat(started).as("start() of a run whose spawn threw an Error").isCompletedExceptionally();
      ExecutionException e = assertThrows(ExecutionException.class, () -> started.get(1, TimeUnit.SECONDS));
      assertThat(e.getCause()).isInstanceOf(ProcessOperationException.class).hasMessageContaining("did not reach RUNNING")
          .hasMessageContaining("java.lang.NoClassDefFoundError: com/sun/jna/Native");
      kit.events().awaitState("feed", ProcessState.CRASHED, 1, WAIT);
      List<SupervisorEvent.Exited> exits = kit.events().of(SupervisorEvent.Exited.class, "feed");
      assertThat(exits).singleElement().satisfies(x -> {
        assertThat(x.exit().cause()).isEqualTo(ExitCause.START_FAILED);
        assertThat(x.exit().message()).isEqualTo("backend fake failed: java.lang.NoClassDefFoundError: com/sun/jna/Native");
      });
      assertThat(kit.events().states("feed")).containsExactly(ProcessState.STARTING, ProcessState.CRASHED);
      assertThat(feed.status().state()).isEqualTo(ProcessState.CRASHED);
      assertThat(kit.backend().alive()).isEmpty();
      assertThat(err.text()).as("the log").contains("ERROR io.github.vigil.internal.ManagedProcess - process=feed Process feed could not start: "
          + "backend fake failed: java.lang.NoClassDefFoundError: com/sun/jna/Native")
          .contains("\tat io.github.vigil.test.SpawnErrorTest"); // its trace, down to where it was thrown
    }
  }

  @Test
  void anErrorFromSpawnIsRestartedByThePolicyAsAnyFailedStart() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      throwOnFirstSpawns(kit.backend(), 1, () -> new AssertionError("backend invariant broken"));
      ProcessController feed = kit.supervisor().register(feed(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(1)))));
      CompletableFuture<ProcessStatus> started = feed.start().toCompletableFuture();
      kit.awaitIdle();
      kit.events().awaitState("feed", ProcessState.BACKOFF, 1, WAIT);
      assertThat(started).as("start() while its failed first run waits for a restart").isNotDone();
      kit.advance(Duration.ofSeconds(1));
      kit.events().awaitState("feed", ProcessState.RUNNING, 1, WAIT);
      assertThat(started.get(1, TimeUnit.SECONDS).state()).isEqualTo(ProcessState.RUNNING);
      assertThat(kit.events().states("feed")).containsExactly(ProcessState.STARTING, ProcessState.CRASHED, ProcessState.BACKOFF,
          ProcessState.STARTING, ProcessState.RUNNING);
      assertThat(kit.events().of(SupervisorEvent.Exited.class, "feed")).singleElement()
          .satisfies(x -> assertThat(x.exit().message()).isEqualTo("backend fake failed: java.lang.AssertionError: backend invariant broken"));
      assertThat(kit.backend().runs("feed")).hasSize(1);
    }
  }

  @Test
  void anErrorThrownByAnAsyncSpawnerEndsTheRunAsAFailedStart() throws Exception {
    FakeBackend fake = FakeBackend.spawningOnItsOwnThread();
    ThrowingBackend backend = new ThrowingBackend(fake);
    try (StderrCapture err = new StderrCapture(); SupervisorTestKit kit = SupervisorTestKit.create(fake, b -> b.backend(backend))) {
      ProcessController feed = kit.supervisor().register(feed(RestartPolicy.never()));
      backend.asyncSpawnerThrows.set(() -> new UnsatisfiedLinkError("no vigil-native in java.library.path"));
      CompletableFuture<ProcessStatus> started = feed.start().toCompletableFuture();
      kit.awaitIdle();
      kit.events().awaitState("feed", ProcessState.CRASHED, 1, WAIT);
      ExecutionException e = assertThrows(ExecutionException.class, () -> started.get(1, TimeUnit.SECONDS));
      assertThat(e.getCause()).isInstanceOf(ProcessOperationException.class).hasMessageContaining("did not reach RUNNING")
          .hasMessageContaining("java.lang.UnsatisfiedLinkError: no vigil-native in java.library.path");
      assertThat(kit.events().of(SupervisorEvent.Exited.class, "feed")).singleElement().satisfies(x -> {
        assertThat(x.exit().cause()).isEqualTo(ExitCause.START_FAILED);
        assertThat(x.exit().message()).isEqualTo("backend throwing-fake failed: java.lang.UnsatisfiedLinkError: no vigil-native in java.library.path");
      });
      assertThat(feed.status().state()).isEqualTo(ProcessState.CRASHED);
      assertThat(fake.spawnAttempts("feed")).isZero();
      assertThat(err.text()).contains("ERROR io.github.vigil.internal.ManagedProcess - process=feed Process feed could not start: "
          + "backend throwing-fake failed: java.lang.UnsatisfiedLinkError");
      // the next start goes through: nothing of the failed one is left in the way
      CompletableFuture<ProcessStatus> again = feed.start().toCompletableFuture();
      kit.awaitIdle();
      assertThat(again.get(1, TimeUnit.SECONDS).state()).isEqualTo(ProcessState.RUNNING);
    }
  }
}
