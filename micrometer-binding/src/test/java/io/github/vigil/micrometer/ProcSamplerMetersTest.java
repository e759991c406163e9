package io.github.vigil.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.testing.EventRecorder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Micrometer-style meters of real processes read through the {@code /proc} sampler. */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class ProcSamplerMetersTest {

  @Test
  void cpuTimeOfACrashingBurnerKeepsGrowingAcrossItsRestarts() throws Exception {
    EventRecorder events = new EventRecorder();
    try (Supervisor supervisor = LinuxSupervisors.linux("proc-meters")) {
      supervisor.subscribe(events);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      try (VigilMetrics metrics = VigilMetrics.builder(supervisor).sampleInterval(Duration.ofMillis(20)).build()) {
        metrics.bindTo(registry);
        // burns CPU in the shell itself for a few hundred milliseconds, then fails; restarted after 100 ms
        supervisor.register(ProcessSpec.builder("burner")
            .command("sh", "-c", "i=0; while [ $i -lt 150000 ]; do i=$((i+1)); done; exit 1")
            .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofMillis(100))).withStartLimit(100, Duration.ofHours(1)))
            .startupGrace(Duration.ZERO).build());
        assertThat(io.github.vigil.testing.Processes.eventually(Duration.ofSeconds(10),
            () -> registry.find("vigil.process.cpu.time").tags("process", "burner").functionCounter() != null)).isTrue();
        supervisor.controller("burner").orElseThrow().start();

        List<Double> cpu = new ArrayList<>();
        double runMax = 0;
        double residentSeen = 0;
        double filesSeen = 0;
        while (events.of(SupervisorEvent.Exited.class, "burner").size() < 4) {
          double user = registry.get("vigil.process.cpu.time").tags("process", "burner", "mode", "user").functionCounter().count();
          double system = registry.get("vigil.process.cpu.time").tags("process", "burner", "mode", "system").functionCounter().count();
          if (!Double.isNaN(user)) {
            cpu.add(user + system);
          }
          // what the current run alone has used, from the same shared sample the counters read
          io.github.vigil.ProcessSample raw = metrics.probe("burner").reading().sample();
          if (raw != null && raw.cpuUser().isPresent() && raw.cpuSystem().isPresent()) {
            runMax = Math.max(runMax, (raw.cpuUser().get().toNanos() + raw.cpuSystem().get().toNanos()) / 1e9);
          }
          residentSeen = maxIgnoringNaN(residentSeen,
              registry.get("vigil.process.memory").tags("process", "burner", "memtype", "resident").gauge().value());
          filesSeen = maxIgnoringNaN(filesSeen, registry.get("vigil.process.files.open").tags("process", "burner").gauge().value());
          Thread.sleep(25);
        }
        supervisor.controller("burner").orElseThrow().stop(Duration.ofSeconds(30));
        double total = registry.get("vigil.process.cpu.time").tags("process", "burner", "mode", "user").functionCounter().count()
            + registry.get("vigil.process.cpu.time").tags("process", "burner", "mode", "system").functionCounter().count();

        for (int i = 1; i < cpu.size(); i++) {
          assertThat(cpu.get(i)).as("CPU seconds never go down over 4 runs: %s", cpu).isGreaterThanOrEqualTo(cpu.get(i - 1));
        }
        assertThat(runMax).as("a run burned CPU; readings %s", cpu).isGreaterThan(0.05);
        assertThat(total).as("4 runs add up: the largest run %s, total %s", runMax, total).isGreaterThan(2 * runMax);
        assertThat(residentSeen).as("resident memory, bytes").isGreaterThan(100_000);
        assertThat(filesSeen).as("open descriptors").isGreaterThanOrEqualTo(3);
        assertThat(registry.get("vigil.process.restarts").tags("process", "burner", "cause", "error_exit").functionCounter().count())
            .isGreaterThanOrEqualTo(3);
        assertThat(registry.get("vigil.process.state").tags("process", "burner", "state", "stopped").gauge().value()).isEqualTo(1);
        assertThat(registry.get("vigil.process.memory").tags("process", "burner", "memtype", "resident").gauge().value())
            .as("nothing alive, nothing resident").isZero();
        events.awaitState("burner", ProcessState.STOPPED, 1, Duration.ofSeconds(10));
      }
    }
  }

  /** A field can be unreadable for a moment (a dying process's descriptors), and reads NaN then. */
  private static double maxIgnoringNaN(double a, double b) {
    return Double.isNaN(b) ? a : Math.max(a, b);
  }
}
