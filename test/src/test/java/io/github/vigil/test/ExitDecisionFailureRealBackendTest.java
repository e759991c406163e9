package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ExitCause;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
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
 * {@link ExitDecisionFailureTest} on the JDK backend, real processes and real time: a shell that exits 3 and leaves its
 * sleep running, its exit reported without its termination. Once the listener has heard its end (CRASHED), the shell is
 * gone, and what it left is killed as after any end (it stayed RUNNING with the sleep alive on the old code).
 */
@Timeout(60)
@EnabledOnOs(OS.LINUX)
class ExitDecisionFailureRealBackendTest {

  @Test
  void aRunWhoseExitCannotBeDecidedLeavesNothingRunning() throws Exception {
    String marker = "300." + ThreadLocalRandom.current().nextInt(100_000, 1_000_000); // a sleep of its own, found in /proc
    ThrowingBackend backend = new ThrowingBackend(new JdkProcessBackendProvider().create(new BackendContext("exit-decision", null)));
    backend.unreadableExits.set(1);
    EventRecorder events = new EventRecorder();
    try (Supervisor sup = Supervisor.builder().name("exit-decision").backend(backend).closeTimeout(Duration.ofSeconds(10)).build()) {
      sup.subscribe(events);
      ProcessController feed = sup.register(ProcessSpec.builder("feed").command("sh", "-c", "sleep " + marker + " & sleep 0.3; exit 3")
          .startupGrace(Duration.ZERO).restartPolicy(RestartPolicy.never()).build());
      feed.start();
      events.awaitState("feed", ProcessState.CRASHED, 1, Duration.ofSeconds(20));
      assertThat(events.of(SupervisorEvent.Exited.class, "feed")).singleElement().satisfies(x -> {
        assertThat(x.exit().cause()).isEqualTo(ExitCause.ERROR_EXIT);
        assertThat(x.exit().message()).isEqualTo("deciding its exit failed: java.lang.NullPointerException: termination");
      });
      assertThat(events.states("feed")).containsExactly(ProcessState.STARTING, ProcessState.RUNNING, ProcessState.CRASHED);
      long shell = backend.spawned().get(0).pid();
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> !Files.exists(Path.of("/proc/" + shell))))
          .as("shell " + shell + " reaped").isTrue();
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Processes.withMarker(marker).isEmpty()))
          .as("the sleep the run left, killed by the look after its end").isTrue();
      ProcessStatus s = feed.status();
      assertThat(s.state()).isEqualTo(ProcessState.CRASHED);
      assertThat(s.pid()).isEqualTo(-1);
    } finally {
      Processes.withMarker(marker).forEach(ProcessHandle::destroyForcibly); // a failure leaves nothing behind either
    }
  }
}
