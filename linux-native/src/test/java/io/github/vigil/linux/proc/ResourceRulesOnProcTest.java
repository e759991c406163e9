package io.github.vigil.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ExitCause;
import io.github.vigil.HealthCheck;
import io.github.vigil.HealthReport;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ResourceRule;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.Processes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Memory and descriptor rules on samples from the {@code /proc} sampler, against real processes:
 * a shell holding 60 MB, and a shell that lowers its descriptor limit to 16 and opens seven files.
 * The Linux backend spawns them and samples them with its {@link ProcSampler}.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class ResourceRulesOnProcTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final String marker = (30000 + ThreadLocalRandom.current().nextInt(9999)) + "." + ThreadLocalRandom.current().nextInt(100000, 999999);

  @Test
  void residentMemoryAndDescriptorRatioRulesBreakOnRealProcessesNamingTheirCause() throws Exception {
    try (Supervisor sup = Supervisor.builder().name("rules").backend("linux").build()) {
      EventRecorder rec = new EventRecorder();
      sup.subscribe(rec);
      sup.registerAll(List.of(
          // the shell keeps 60 MB in a variable while its child sleeps
          ProcessSpec.builder("hog").command("sh", "-c", "x=$(head -c 60000000 /dev/zero | tr '\\0' a); sleep " + marker)
              .startupGrace(Duration.ZERO).restartPolicy(RestartPolicy.never())
              .resourceRule(ResourceRule.residentMemoryAbove(40L << 20).failureThreshold(2).interval(Duration.ofMillis(300)).build())
              .build(),
          // 3 standard + 7 opened descriptors of a limit of 16: a ratio of 0.625
          ProcessSpec.builder("leaky").command("sh", "-c", "ulimit -n 16; exec 3</dev/null 4</dev/null 5</dev/null 6</dev/null "
                  + "7</dev/null 8</dev/null 9</dev/null; exec sleep " + marker)
              .startupGrace(Duration.ZERO)
              .resourceRule(ResourceRule.fdRatioAbove(0.5).failureThreshold(2).interval(Duration.ofMillis(300))
                  .action(HealthCheck.Action.NOTIFY).build())
              .build(),
          ProcessSpec.builder("lean").command("sleep", marker).startupGrace(Duration.ZERO)
              .resourceRule(ResourceRule.residentMemoryAbove(40L << 20).failureThreshold(1).interval(Duration.ofMillis(300)).build())
              .resourceRule(ResourceRule.fdRatioAbove(0.5).failureThreshold(1).interval(Duration.ofMillis(300)).build())
              .build()));
      sup.startAll().toCompletableFuture().get();

      SupervisorEvent.ResourceLimitExceeded memory = rec.await(SupervisorEvent.ResourceLimitExceeded.class,
          e -> e.process().equals("hog"), 1, WAIT).get(0);
      assertThat(memory.metric()).isEqualTo(ResourceRule.Metric.RESIDENT_MEMORY);
      assertThat(memory.value()).isGreaterThan(40L << 20);
      assertThat(memory.message()).startsWith("resource rule 'memory' broken: resident memory ")
          .contains("above the limit of 40.0 MiB for 2 samples in a row");
      SupervisorEvent.Exited exit = rec.await(SupervisorEvent.Exited.class, e -> e.process().equals("hog"), 1, WAIT).get(0);
      assertThat(exit.exit().cause()).isEqualTo(ExitCause.RESOURCE_LIMIT);
      assertThat(exit.exit().message()).isEqualTo(memory.message());

      SupervisorEvent.ResourceLimitExceeded fds = rec.await(SupervisorEvent.ResourceLimitExceeded.class,
          e -> e.process().equals("leaky"), 1, WAIT).get(0);
      assertThat(fds.metric()).isEqualTo(ResourceRule.Metric.FD_RATIO);
      assertThat(fds.value()).isEqualTo(10.0 / 16.0);
      assertThat(fds.action()).isEqualTo(HealthCheck.Action.NOTIFY);
      assertThat(fds.message()).isEqualTo("resource rule 'fds' broken: open-descriptor ratio 0.625 above the limit of 0.500 "
          + "for 2 samples in a row");
      ProcessController leaky = sup.controller("leaky").orElseThrow();
      assertThat(leaky.status().state()).as("NOTIFY leaves it running").isEqualTo(ProcessState.RUNNING);
      assertThat(leaky.health().rule("fds").orElseThrow().violations()).isEqualTo(1);

      ProcessController lean = sup.controller("lean").orElseThrow();
      HealthReport.Rule leanMemory = lean.health().rule("memory").orElseThrow();
      assertThat(leanMemory.recent()).isNotEmpty().allMatch(r -> r.passed() && r.message().contains("within the limit of 40.0 MiB"));
      assertThat(lean.health().rule("fds").orElseThrow().recent()).isNotEmpty().allMatch(r -> r.passed());
      assertThat(rec.of(SupervisorEvent.ResourceLimitExceeded.class, "lean")).isEmpty();
    }
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Processes.withMarker(marker).isEmpty())).isTrue();
  }
}
