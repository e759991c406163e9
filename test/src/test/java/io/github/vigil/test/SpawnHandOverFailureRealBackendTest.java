package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ExitCause;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.spi.BackendContext;
import io.github.vigil.spi.JdkProcessBackendProvider;
import io.github.vigil.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link SpawnHandOverFailureTest} on the JDK backend, real processes and real time: a run whose hand-over failed is a
 * shell with a child; once the listener has heard its end (CRASHED), neither is running and the shell is reaped.
 */
@Timeout(60)
@EnabledOnOs(OS.LINUX)
class SpawnHandOverFailureRealBackendTest {

  @Test
  void aFailedHandOverLeavesNothingRunning() throws Exception {
    String marker = "300." + ThreadLocalRandom.current().nextInt(100_000, 1_000_000); // a sleep of its own, found in /proc
    ThrowingBackend backend = new ThrowingBackend(new JdkProcessBackendProvider().create(new BackendContext("hand-over", null)));
    backend.afterSpawn = run -> { // the tree is there when the hand-over fails: the shell and its sleep
      try {
        assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Processes.withMarker(marker).size() == 2)).as("shell and sleep up").isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    backend.pidFailures.set(1);
    EventRecorder events = new EventRecorder();
    try (Supervisor sup = Supervisor.builder().name("hand-over").backend(backend).closeTimeout(Duration.ofSeconds(10)).build()) {
      sup.subscribe(events);
      ProcessController feed = sup.register(ProcessSpec.builder("feed").command("sh", "-c", "sleep " + marker + " & wait")
          .startupGrace(Duration.ZERO).restartPolicy(RestartPolicy.never()).build());
      feed.start();
      events.awaitState("feed", ProcessState.CRASHED, 1, Duration.ofSeconds(20));
      assertThat(events.of(SupervisorEvent.Exited.class, "feed")).singleElement()
          .satisfies(x -> assertThat(x.exit().cause()).isEqualTo(ExitCause.START_FAILED));
      assertThat(Processes.withMarker(marker)).as("the run's shell and sleep, once its end was heard").isEmpty();
      long shell = backend.spawned().get(0).pid();
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> !Files.exists(Path.of("/proc/" + shell))))
          .as("shell " + shell + " reaped").isTrue();
      assertThat(feed.status().state()).isEqualTo(ProcessState.CRASHED);
    } finally {
      Processes.withMarker(marker).forEach(ProcessHandle::destroyForcibly); // a failure leaves nothing behind either
    }
  }
}
