package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.Processes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Resource rules: settings, and a CPU rule acting on a real busy process through the JDK sampler. */
@Timeout(120)
class ResourceRuleTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final String marker = (40000 + ThreadLocalRandom.current().nextInt(9999)) + "." + ThreadLocalRandom.current().nextInt(100000, 999999);

  @Test
  void invalidSettingsAreRejectedNamingFieldAndValue() {
    assertThatThrownBy(() -> ResourceRule.residentMemoryAbove(0)).hasMessage("residentMemoryAbove limit must be positive bytes: 0");
    assertThatThrownBy(() -> ResourceRule.cpuPercentAbove(-5)).hasMessage("cpuPercentAbove limit must be a positive percentage: -5.0");
    assertThatThrownBy(() -> ResourceRule.cpuPercentAbove(Double.NaN)).hasMessage("cpuPercentAbove limit must be a positive percentage: NaN");
    assertThatThrownBy(() -> ResourceRule.fdRatioAbove(1.5)).hasMessage("fdRatioAbove limit must be between 0 and 1 (exclusive): 1.5");
    assertThatThrownBy(() -> ResourceRule.cpuPercentAbove(90).failureThreshold(0)).hasMessage("failureThreshold of resource rule 'cpu' must be at least 1: 0");
    assertThatThrownBy(() -> ResourceRule.cpuPercentAbove(90).interval(Duration.ZERO)).hasMessage("interval of resource rule 'cpu' must be positive: 0 ns");
    assertThatThrownBy(() -> ResourceRule.cpuPercentAbove(90).name("a b")).hasMessageContaining("'a b'");
    assertThatThrownBy(() -> ProcessSpec.builder("p").command("x").resourceRule(ResourceRule.cpuPercentAbove(90).build())
        .resourceRule(ResourceRule.cpuPercentAbove(50).build())).hasMessageContaining("resourceRule names of 'p' must be unique: 'cpu'");
    ResourceRule r = ResourceRule.residentMemoryAbove(512L << 20).build();
    assertThat(r.failureThreshold()).isEqualTo(3);
    assertThat(r.interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(r.action()).isEqualTo(HealthCheck.Action.RESTART);
    assertThat(r.toString()).contains("resident memory above 512 MiB for 3 samples");
  }

  @Test
  @EnabledOnOs({OS.LINUX, OS.MAC})
  void aBusyProcessBreaksItsCpuRuleAndIsRestartedWithCauseResourceLimitWhileAnIdleOneIsLeftAlone() throws Exception {
    try (Supervisor sup = Supervisor.builder().name("resources").backend("jdk").build()) {
      EventRecorder rec = new EventRecorder();
      sup.subscribe(rec);
      ResourceRule cpu = ResourceRule.cpuPercentAbove(20).failureThreshold(3).interval(Duration.ofMillis(300)).build();
      sup.registerAll(List.of(
          ProcessSpec.builder("spinner").command("sh", "-c", "while :; do :; done # " + marker).startupGrace(Duration.ZERO)
              .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(30)))).resourceRule(cpu).build(),
          ProcessSpec.builder("idle").command("sleep", marker).startupGrace(Duration.ZERO).resourceRule(cpu)
              .resourceRule(ResourceRule.residentMemoryAbove(1L << 20).failureThreshold(1).interval(Duration.ofMillis(300)).build()).build()));
      sup.startAll().toCompletableFuture().get();
      ProcessController spinner = sup.controller("spinner").orElseThrow();
      ProcessController idle = sup.controller("idle").orElseThrow();

      SupervisorEvent.ResourceLimitExceeded broken = rec.await(SupervisorEvent.ResourceLimitExceeded.class, e -> true, 1, WAIT).get(0);
      assertThat(broken.process()).isEqualTo("spinner");
      assertThat(broken.rule()).isEqualTo("cpu");
      assertThat(broken.metric()).isEqualTo(ResourceRule.Metric.CPU_PERCENT);
      assertThat(broken.value()).isGreaterThan(20.0);
      assertThat(broken.message()).startsWith("resource rule 'cpu' broken: CPU ").endsWith("for 3 samples in a row");
      SupervisorEvent.Exited exit = rec.await(SupervisorEvent.Exited.class, e -> e.process().equals("spinner"), 1, WAIT).get(0);
      assertThat(exit.exit().cause()).isEqualTo(ExitCause.RESOURCE_LIMIT);
      assertThat(exit.exit().message()).contains("resource rule 'cpu' broken");
      SupervisorEvent.RestartScheduled restart = rec.await(SupervisorEvent.RestartScheduled.class, e -> true, 1, WAIT).get(0);
      assertThat(restart.after().cause()).isEqualTo(ExitCause.RESOURCE_LIMIT);
      assertThat(rec.of(SupervisorEvent.CommandIssued.class, "spinner")).anyMatch(e -> e.origin() == Origin.HEALTH_CHECK);
      HealthReport.Rule rule = spinner.health().rule("cpu").orElseThrow();
      assertThat(rule.violations()).isEqualTo(1);
      List<CheckResult> r = rule.recent();
      assertThat(r.subList(r.size() - 3, r.size())).allMatch(x -> !x.passed() && x.counted() && x.message().contains("above the limit of 20.0%"));
      assertThat(spinner.status().health()).as("rules do not change health").isEqualTo(HealthState.UNKNOWN);

      // the idle process: CPU within the limit; memory is not read by the JDK sampler, so that rule is inactive, not zero
      assertThat(idle.status().state()).isEqualTo(ProcessState.RUNNING);
      HealthReport.Rule idleCpu = idle.health().rule("cpu").orElseThrow();
      assertThat(idleCpu.violations()).isZero();
      assertThat(idleCpu.recent()).anyMatch(x -> x.passed() && x.message().contains("within the limit"));
      HealthReport.Rule memory = idle.health().rule("memory").orElseThrow();
      assertThat(memory.violations()).isZero();
      assertThat(memory.last().orElseThrow().message()).contains("not readable: backend 'jdk' samples no MEMORY_RESIDENT");
      assertThat(memory.last().orElseThrow().counted()).isFalse();
      assertThat(rec.of(SupervisorEvent.ResourceLimitExceeded.class, "idle")).isEmpty();
    }
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Processes.withMarker(marker).isEmpty())).isTrue();
  }
}
