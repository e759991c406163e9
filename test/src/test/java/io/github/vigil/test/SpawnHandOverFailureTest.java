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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The task that takes a spawn's result over throws (here the backend's first {@code pid()} of the run, read on the
 * supervision thread). Its callers are told at once ({@link SupervisionTaskFailureTest}); the process must not stay
 * STARTING (or STOPPING, when a stop came during the spawn) for good: what was spawned is killed and waited for, and
 * the run ends as a failed start naming the failure, published, with the restart policy (or the stop) deciding what
 * follows, as for any failed start.
 */
@Timeout(60)
class SpawnHandOverFailureTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String WHY = "the hand-over of its spawn to supervision failed: java.lang.IllegalStateException: pid of run 1 unreadable";

  private static ProcessSpec feed(RestartPolicy policy) {
    return ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO).restartPolicy(policy).build();
  }

  @Test
  void aFailedHandOverKillsTheRunAndEndsItAsAFailedStart() throws Exception {
    FakeBackend fake = new FakeBackend();
    ThrowingBackend backend = new ThrowingBackend(fake);
    try (SupervisorTestKit kit = SupervisorTestKit.create(fake, b -> b.backend(backend))) {
      ProcessController feed = kit.supervisor().register(feed(RestartPolicy.never()));
      backend.pidFailures.set(1);
      CompletableFuture<ProcessStatus> started = feed.start().toCompletableFuture();
      kit.awaitIdle();
      ExecutionException e = assertThrows(ExecutionException.class, () -> started.get(1, TimeUnit.SECONDS));
      assertThat(e.getCause()).isInstanceOf(ProcessOperationException.class).hasMessageContaining("a supervision task failed");
      kit.events().awaitState("feed", ProcessState.CRASHED, 1, WAIT);
      assertThat(kit.events().of(SupervisorEvent.Exited.class, "feed")).singleElement().satisfies(x -> {
        assertThat(x.run()).isEqualTo(1);
        assertThat(x.exit().cause()).isEqualTo(ExitCause.START_FAILED);
        assertThat(x.exit().message()).isEqualTo(WHY);
      });
      assertThat(kit.events().states("feed")).containsExactly(ProcessState.STARTING, ProcessState.CRASHED);
      ProcessStatus s = feed.status();
      assertThat(s.state()).isEqualTo(ProcessState.CRASHED);
      assertThat(s.pid()).isEqualTo(-1);
      assertThat(fake.runs("feed")).hasSize(1);
      assertThat(fake.alive()).as("runs left alive").isEmpty();
      assertThat(fake.last("feed").signals()).as("signals the spawned run got").contains(io.github.vigil.Signal.SIGKILL);
    }
  }

  @Test
  void aFailedHandOverIsRestartedByThePolicy() throws Exception {
    FakeBackend fake = new FakeBackend();
    ThrowingBackend backend = new ThrowingBackend(fake);
    try (SupervisorTestKit kit = SupervisorTestKit.create(fake, b -> b.backend(backend))) {
      ProcessController feed = kit.supervisor().register(feed(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(1)))));
      backend.pidFailures.set(1);
      feed.start();
      kit.awaitIdle();
      kit.events().awaitState("feed", ProcessState.BACKOFF, 1, WAIT);
      assertThat(fake.alive()).as("runs alive during the backoff").isEmpty();
      kit.advance(Duration.ofSeconds(1));
      kit.events().awaitState("feed", ProcessState.RUNNING, 1, WAIT);
      assertThat(kit.events().states("feed")).containsExactly(ProcessState.STARTING, ProcessState.CRASHED, ProcessState.BACKOFF,
          ProcessState.STARTING, ProcessState.RUNNING);
      assertThat(fake.runs("feed")).hasSize(2);
      assertThat(fake.alive()).as("runs alive").containsExactly(fake.last("feed"));
      assertThat(feed.status().pid()).isEqualTo(fake.last("feed").pid());
      assertThat(kit.events().of(SupervisorEvent.Started.class, "feed")).extracting(SupervisorEvent.Started::run).containsExactly(2);
    }
  }

  @Test
  void aStopDuringTheSpawnEndsStoppedWhenTheHandOverFails() throws Exception {
    FakeBackend fake = new FakeBackend();
    ThrowingBackend backend = new ThrowingBackend(fake);
    try (SupervisorTestKit kit = SupervisorTestKit.create(fake, b -> b.backend(backend))) {
      ProcessController feed = kit.supervisor().register(feed(RestartPolicy.always()));
      backend.pidFailures.set(1);
      FakeBackend.SpawnGate gate = fake.holdNextSpawn("feed");
      feed.start();
      assertThat(gate.awaitEntered(WAIT)).isTrue();
      CompletableFuture<ProcessStatus> stopped = feed.stop().toCompletableFuture();
      kit.events().awaitState("feed", ProcessState.STOPPING, 1, WAIT);
      gate.open();
      kit.awaitIdle();
      kit.events().awaitState("feed", ProcessState.STOPPED, 1, WAIT);
      assertThat(stopped).isCompletedExceptionally(); // told when the hand-over failed, as SupervisionTaskFailureTest has it
      assertThat(kit.events().states("feed")).containsExactly(ProcessState.STARTING, ProcessState.STOPPING, ProcessState.STOPPED);
      assertThat(feed.status().state()).isEqualTo(ProcessState.STOPPED);
      assertThat(fake.alive()).as("runs left alive").isEmpty();
      assertThat(fake.runs("feed")).hasSize(1);
    }
  }
}
