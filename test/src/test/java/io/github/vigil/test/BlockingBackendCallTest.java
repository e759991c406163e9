package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * "A supervision thread that only decides": a backend call that blocks (a spawn held at the fake
 * backend's gate, as a fork/exec from a slow disk would) holds up only its own process; the others
 * are supervised meanwhile (a crash is seen and restarted, a stop is done). No sleeps: awaits on events.
 */
@Timeout(60)
class BlockingBackendCallTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void aSpawnThatBlocksHoldsUpNoOtherProcess() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      RestartPolicy now = RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ZERO));
      ProcessController feed = sup.register(ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO).restartPolicy(now).build());
      ProcessController other = sup.register(ProcessSpec.builder("other").command("other").startupGrace(Duration.ZERO).build());
      ProcessController slow = sup.register(ProcessSpec.builder("slow").command("slow").startupGrace(Duration.ZERO).build());
      feed.start();
      other.start();
      kit.awaitIdle();

      FakeBackend.SpawnGate gate = kit.backend().holdNextSpawn("slow");
      CompletableFuture<?> slowStarted = slow.start().toCompletableFuture();
      assertThat(gate.awaitEntered(WAIT)).as("the spawn of slow is held").isTrue();

      kit.backend().last("feed").exit(1); // a crash while slow's spawn blocks: restarted at once
      kit.events().await(SupervisorEvent.Started.class, e -> e.process().equals("feed") && e.run() == 2, 1, WAIT);
      kit.events().awaitState("feed", ProcessState.RUNNING, 2, WAIT);
      CompletableFuture<?> stopped = other.stop().toCompletableFuture(); // and a command is carried out
      kit.events().awaitState("other", ProcessState.STOPPED, 1, WAIT);
      assertThat(stopped.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
      assertThat(gate.isHolding()).as("all the while slow's spawn was held").isTrue();
      assertThat(slow.status().state()).isEqualTo(ProcessState.STARTING);
      assertThat(slowStarted).isNotDone();

      gate.open();
      kit.awaitIdle();
      assertThat(slowStarted).isCompleted();
      assertThat(slow.status().state()).isEqualTo(ProcessState.RUNNING);
      assertThat(slow.status().pid()).isEqualTo(kit.backend().last("slow").pid());
    }
  }

  @Test
  void aStopWhileTheSpawnIsHeldStopsTheRunOnceItExists() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      ProcessController slow = kit.supervisor().register(ProcessSpec.builder("slow").command("slow").startupGrace(Duration.ZERO).build());
      FakeBackend.SpawnGate gate = kit.backend().holdNextSpawn("slow");
      CompletableFuture<?> started = slow.start().toCompletableFuture();
      assertThat(gate.awaitEntered(WAIT)).isTrue();
      CompletableFuture<?> stopped = slow.stop().toCompletableFuture();
      kit.events().awaitState("slow", ProcessState.STOPPING, 1, WAIT);
      gate.open();
      kit.awaitIdle();
      assertThat(stopped).isCompleted();
      assertThat(started).isCompletedExceptionally();
      assertThat(slow.status().state()).isEqualTo(ProcessState.STOPPED);
      assertThat(kit.backend().alive()).isEmpty();
      assertThat(kit.backend().last("slow").signals()).isNotEmpty();
    }
  }

  @Test
  void anExitReportedBeforeTheSpawnReturnedIsNotLost() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      ProcessController p = kit.supervisor().register(ProcessSpec.builder("p").command("p").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.never()).build());
      kit.backend().onNextSpawn("p", proc -> proc.exit(3)); // reported from the backend's thread right after the spawn
      p.start();
      kit.awaitIdle();
      assertThat(p.status().state()).isEqualTo(ProcessState.CRASHED);
      assertThat(p.history()).hasSize(1);
      assertThat(kit.backend().alive()).isEmpty();
    }
  }
}
