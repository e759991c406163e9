package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vigil.ExitCause;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Signal;
import io.github.vigil.StdStream;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Termination;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the kit's fake backend can script, seen through a real supervisor ("What was seen" 9). */
@Timeout(30)
class FakeBackendTest {
  private final SupervisorTestKit kit = SupervisorTestKit.create();
  private final FakeBackend backend = kit.backend();

  @AfterEach
  void close() {
    kit.close();
    assertThat(backend.alive()).isEmpty();
    assertThat(backend.spawnsAfterClose()).isZero();
  }

  private ProcessController register(String name, RestartPolicy policy) {
    return kit.supervisor().register(ProcessSpec.builder(name).command("/nonexistent/" + name).startupGrace(Duration.ZERO)
        .restartPolicy(policy).build());
  }

  @Test
  void aBinaryThatIsNotOnThisMachineIsNotLookedForWithAFakeBackend() {
    ProcessController p = register("feed", RestartPolicy.never());
    p.start();
    kit.awaitIdle();
    assertThat(p.status().state()).isEqualTo(ProcessState.RUNNING);
    assertThat(backend.last("feed").request().executable().toString()).isEqualTo("/nonexistent/feed");
    assertThat(p.status().pid()).isEqualTo(backend.last("feed").pid()).isGreaterThanOrEqualTo(1000);
  }

  @Test
  void scriptedSpawnFailuresAreStartFailuresWithTheScriptsMessage() {
    backend.failNextSpawn("feed", "binary /opt/feed not found");
    ProcessController p = register("feed", RestartPolicy.never());
    CompletableFuture<?> started = p.start().toCompletableFuture();
    kit.awaitIdle();
    assertThat(p.status().state()).isEqualTo(ProcessState.CRASHED);
    assertThat(p.status().lastExit().cause()).isEqualTo(ExitCause.START_FAILED);
    assertThat(p.status().lastExit().message()).isEqualTo("binary /opt/feed not found");
    assertThatThrownBy(started::get).isInstanceOf(ExecutionException.class);
    assertThat(backend.spawnAttempts("feed")).isEqualTo(1);
    assertThat(backend.runs("feed")).isEmpty();
  }

  @Test
  void exitsAndSignalsAreReportedAsTheKernelWould() {
    ProcessController p = register("feed", RestartPolicy.never());
    p.start();
    kit.awaitIdle();
    backend.last("feed").crash(Signal.SIGSEGV);
    kit.awaitIdle();
    Termination t = p.status().lastExit().termination();
    assertThat(t).isEqualTo(Termination.Signaled.of(11, true));
    assertThat(p.status().lastExit().cause()).isEqualTo(ExitCause.SIGNALED);
  }

  @Test
  void aProcessThatIgnoresSigtermIsKilledAfterTheStopTimeoutOnVirtualTime() {
    backend.ignore("feed", Signal.SIGTERM);
    ProcessController p = kit.supervisor().register(ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO)
        .stopTimeout(Duration.ofSeconds(10)).build());
    p.start();
    kit.awaitIdle();
    CompletableFuture<?> stopped = p.stop().toCompletableFuture();
    kit.advance(Duration.ofMillis(9_999));
    assertThat(p.status().state()).isEqualTo(ProcessState.STOPPING);
    assertThat(backend.last("feed").signals()).containsExactly(Signal.SIGTERM);
    kit.advance(Duration.ofMillis(1));
    assertThat(stopped).isCompleted();
    assertThat(backend.last("feed").signals()).containsExactly(Signal.SIGTERM, Signal.SIGKILL);
    assertThat(p.status().state()).isEqualTo(ProcessState.STOPPED);
  }

  @Test
  void aProgramWithASigtermHandlerExitsWithItsCode() {
    backend.exitOn("feed", Signal.SIGTERM, 143);
    ProcessController p = register("feed", RestartPolicy.always());
    p.start();
    kit.awaitIdle();
    p.stop();
    kit.awaitIdle();
    assertThat(backend.last("feed").termination()).isEqualTo(new Termination.Exited(143));
    assertThat(p.status().lastExit().cause()).isEqualTo(ExitCause.KILLED_BY_SUPERVISOR);
    assertThat(p.status().state()).isEqualTo(ProcessState.STOPPED);
  }

  @Test
  void aSlowSpawnHoldsItsStartUntilTheGateOpens() throws Exception {
    FakeBackend.SpawnGate gate = backend.holdNextSpawn("feed");
    ProcessController p = register("feed", RestartPolicy.never());
    CompletableFuture<?> started = p.start().toCompletableFuture();
    assertThat(gate.awaitEntered(Duration.ofSeconds(10))).isTrue();
    assertThat(started).isNotDone();
    assertThat(p.status().state()).isEqualTo(ProcessState.STARTING);
    gate.open();
    kit.awaitIdle();
    assertThat(started).isCompleted();
    assertThat(p.status().state()).isEqualTo(ProcessState.RUNNING);
  }

  @Test
  void outputLinesReachTheTail() {
    ProcessController p = register("feed", RestartPolicy.never());
    p.start();
    kit.awaitIdle();
    backend.last("feed").print(StdStream.STDOUT, "ready on port 9000");
    backend.last("feed").print(StdStream.STDERR, "warning: slow disk");
    kit.awaitIdle();
    assertThat(p.outputTail(StdStream.STDOUT)).containsExactly("ready on port 9000");
    assertThat(p.outputTail(StdStream.STDERR)).containsExactly("warning: slow disk");
  }

  @Test
  void scriptedCrashLoopEndsFailedAtTheStartLimit() {
    backend.onSpawn("feed", fp -> fp.exit(3));
    ProcessController p = register("feed", RestartPolicy.onFailure().withBackoff(io.github.vigil.Backoff.none())
        .withStartLimit(5, Duration.ofMinutes(1)));
    p.start();
    kit.awaitIdle();
    assertThat(p.status().state()).isEqualTo(ProcessState.FAILED);
    assertThat(backend.runs("feed")).hasSize(6);
    assertThat(kit.events().of(SupervisorEvent.Exited.class, "feed")).hasSize(6);
    // pids are unique
    assertThat(backend.runs("feed").stream().map(FakeProcess::pid).distinct()).hasSize(6);
  }

  @Test
  void awaitIdleRefusesToWaitForItselfFromAListener() throws Exception {
    CompletableFuture<Throwable> seen = new CompletableFuture<>();
    kit.supervisor().subscribe(e -> {
      try {
        kit.supervisor().awaitIdle(Duration.ofSeconds(1));
        seen.complete(null);
      } catch (Throwable t) {
        seen.complete(t);
      }
    });
    register("feed", RestartPolicy.never());
    assertThat(seen.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("wait for itself");
  }
}
