package io.github.vigil.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.AttachSpec;
import io.github.vigil.AttachState;
import io.github.vigil.AttachStatus;
import io.github.vigil.AttachedProcess;
import io.github.vigil.ProcessSample;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.Processes;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process that an attachment matched, then no longer matched (it renamed itself), then matched again: the same
 * process (pid and start time) is one member, whose CPU counts once. Found with an nginx-like worker that renames
 * itself: the counter read its whole CPU again each time it came back. A real process, the Linux backend and sampler;
 * the binding's sample interval on a ticker the test moves.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class AttachedMatchReturnsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String NAME = "vigil-flip";

  @Test
  void aMatchThatLeavesAndComesBackCountsItsCpuOnce(@TempDir Path dir) throws Exception {
    assertThat(new ProcessBuilder("mkfifo", dir.resolve("go-1").toString(), dir.resolve("go-2").toString(),
        dir.resolve("go-3").toString()).start().waitFor()).isZero();
    // bash names itself (comm, what processName matches; argv[0] stays "bash"), burns CPU, renames itself, burns,
    // takes the name back; each step waits for the test
    String burn = "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done";
    String script = "echo -n " + NAME + " > /proc/$$/comm; " + burn + "; : > \"$1/burned-1\"; read x < \"$1/go-1\"; "
        + "echo -n vigil-other > /proc/$$/comm; " + burn + "; : > \"$1/burned-2\"; read x < \"$1/go-2\"; "
        + "echo -n " + NAME + " > /proc/$$/comm; : > \"$1/back\"; read x < \"$1/go-3\"";
    Process flip = new ProcessBuilder("bash", "-c", script, "bash", dir.toString()).start();
    AtomicLong nanos = new AtomicLong();
    EventRecorder events = new EventRecorder();
    try (Supervisor supervisor = LinuxSupervisors.linux("attach-returns")) {
      supervisor.subscribe(events);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      try (VigilMetrics metrics = VigilMetrics.builder(supervisor).sampleInterval(Duration.ofSeconds(1))
          .ticker(nanos::get).build()) {
        metrics.bindTo(registry);
        assertThat(Processes.eventually(WAIT, () -> Files.exists(dir.resolve("burned-1")))).as("burned as " + NAME).isTrue();
        AttachedProcess attached = supervisor.attach(AttachSpec.builder("flip").processName(NAME)
            .rescanInterval(Duration.ofHours(1)).build());
        AttachStatus found = attached.rescan().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertThat(found.pids()).as("found: %s", found).containsExactly(flip.pid());
        double first = cpu(registry, nanos);
        assumeTrue(first >= 0.1, "the loop burned too little CPU to tell a second count: " + first + " s");

        Files.writeString(dir.resolve("go-1"), "go\n");
        assertThat(Processes.eventually(WAIT, () -> Files.exists(dir.resolve("burned-2")))).as("renamed, burned").isTrue();
        AttachStatus gone = attached.rescan().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertThat(gone.state()).as("no longer matching: %s", gone).isEqualTo(AttachState.NOT_FOUND);
        events.await(SupervisorEvent.AttachedLost.class, e -> e.process().equals("flip"), 1, WAIT);
        double away = cpu(registry, nanos);
        assertThat(away).as("counted while away").isGreaterThanOrEqualTo(first);

        Files.writeString(dir.resolve("go-2"), "go\n");
        assertThat(Processes.eventually(WAIT, () -> Files.exists(dir.resolve("back")))).as("named " + NAME + " again").isTrue();
        AttachStatus back = attached.rescan().toCompletableFuture().get(20, TimeUnit.SECONDS);
        assertThat(back.pids()).as("found again: %s", back).containsExactly(flip.pid());
        events.await(SupervisorEvent.AttachedFound.class, e -> e.process().equals("flip"), 2, WAIT);
        double again = cpu(registry, nanos);
        ProcessSample own = attached.sample().orElseThrow();
        double used = seconds(own.cpuUser().orElseThrow()) + seconds(own.cpuSystem().orElseThrow());
        assertThat(again).as("CPU seconds counted once it is back: before it left %s, while away %s; the process used %s",
            first, away, used).isGreaterThanOrEqualTo(away).isLessThanOrEqualTo(used + 0.02);
      }
    } finally {
      flip.destroyForcibly().waitFor();
    }
  }

  /** User plus system CPU seconds as the counters read them, after a sample interval has passed. */
  private static double cpu(SimpleMeterRegistry registry, AtomicLong nanos) {
    nanos.addAndGet(Duration.ofSeconds(2).toNanos());
    double sum = 0;
    for (String mode : new String[] {"user", "system"}) {
      FunctionCounter c = registry.get("vigil.process.cpu.time").tags("process", "flip", "mode", mode).functionCounter();
      sum += c.count();
    }
    return sum;
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
