package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.spi.BackendContext;
import io.github.vigil.spi.JdkProcessBackendProvider;
import io.github.vigil.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link StopTaskFailureTest} on the JDK backend, real processes and real time: a shell that ends by SIGTERM and leaves a
 * sleep that ignores it; the stop's first check of the tree throws. Once the listener has heard STOPPED (well before the
 * stop timeout of 30 s), the shell is reaped and the sleep killed (it stayed STOPPING on the old code).
 */
@Timeout(60)
@EnabledOnOs(OS.LINUX)
class StopTaskFailureRealBackendTest {

  @Test
  void aStopWhoseTreeCheckThrowsLeavesNothingRunning() throws Exception {
    String marker = "300." + ThreadLocalRandom.current().nextInt(100_000, 1_000_000); // a sleep of its own, found in /proc
    ThrowingBackend backend = new ThrowingBackend(new JdkProcessBackendProvider().create(new BackendContext("stop-task", null)));
    EventRecorder events = new EventRecorder();
    try (Supervisor sup = Supervisor.builder().name("stop-task").backend(backend).closeTimeout(Duration.ofSeconds(10)).build()) {
      sup.subscribe(events);
      ProcessController feed = sup.register(ProcessSpec.builder("feed")
          .command("sh", "-c", "(trap '' TERM; sleep " + marker + ") & wait").stopTimeout(Duration.ofSeconds(30))
          .startupGrace(Duration.ZERO).restartPolicy(RestartPolicy.never()).build());
      feed.start();
      events.awaitState("feed", ProcessState.RUNNING, 1, Duration.ofSeconds(20));
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> !Processes.withMarker(marker).isEmpty())).as("its sleep").isTrue();
      backend.treeCheckFailures.set(1);
      var stopped = feed.stop().toCompletableFuture();
      events.awaitState("feed", ProcessState.STOPPED, 1, Duration.ofSeconds(20));
      assertThat(stopped.get(1, TimeUnit.SECONDS).state()).isEqualTo(ProcessState.STOPPED);
      assertThat(events.states("feed")).containsExactly(ProcessState.STARTING, ProcessState.RUNNING, ProcessState.STOPPING,
          ProcessState.STOPPED);
      assertThat(backend.treeCheckFailures).as("the stop's tree check threw").hasValue(0);
      long shell = backend.spawned().get(0).pid();
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> !Files.exists(Path.of("/proc/" + shell))))
          .as("shell " + shell + " reaped").isTrue();
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Processes.withMarker(marker).isEmpty()))
          .as("the sleep that ignores SIGTERM, killed").isTrue();
      ProcessStatus s = feed.status();
      assertThat(s.state()).isEqualTo(ProcessState.STOPPED);
      assertThat(s.pid()).isEqualTo(-1);
    } finally {
      Processes.withMarker(marker).forEach(ProcessHandle::destroyForcibly); // a failure leaves nothing behind either
    }
  }
}
