package io.github.vigil.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.AttachSpec;
import io.github.vigil.AttachState;
import io.github.vigil.HealthCheck;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ResourceRule;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.Processes;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Issue #13, "one dialect", as the meters show it: a supervised and an attached process labelled
 * alike get the same {@code type} tag, and CPU is a percent in rules and samples (what the endpoint
 * shows) and a ratio, so named, in the meter, on one real busy process.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class OneDialectMetersTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final String marker = "dialect." + ThreadLocalRandom.current().nextInt(100000, 999999);

  @Test
  void aSupervisedAndAnAttachedProcessWithTheSameTypeLabelGetTheSameTypeTag() throws Exception {
    Process outsider = new ProcessBuilder("sleep", "120").start(); // started by the test, not by Vigil
    EventRecorder events = new EventRecorder();
    try (Supervisor supervisor = LinuxSupervisors.linux("one-type")) {
      supervisor.subscribe(events);
      ProcessController supervised = supervisor.register(ProcessSpec.builder("comm-supervised").command("sleep", "120")
          .startupGrace(Duration.ZERO).label("type", "COMMUNICATION").build());
      supervisor.attach(AttachSpec.builder("comm-attached").pid(outsider.pid()).label("type", "COMMUNICATION")
          .rescanInterval(Duration.ofMillis(200)).exitPollInterval(Duration.ofMillis(100)).build());
      supervised.start(WAIT);
      events.awaitAttach("comm-attached", AttachState.RUNNING, 1, WAIT);
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      try (VigilMetrics metrics = VigilMetrics.builder(supervisor).labelTags("type").sampleInterval(Duration.ofMillis(50)).build()) {
        metrics.bindTo(registry);
        assertThat(Processes.eventually(WAIT, () -> {
          PromText s = PromText.parse(registry.scrape());
          return s.value("vigil_process_up", Map.of("process", "comm-supervised", "type", "COMMUNICATION")).orElse(0.0) == 1.0
              && s.value("vigil_process_up", Map.of("process", "comm-attached", "type", "COMMUNICATION")).orElse(0.0) == 1.0;
        })).as("both up, tagged type=COMMUNICATION:%n%s", registry.scrape()).isTrue();
        Set<String> types = PromText.parse(registry.scrape()).withPrefix("vigil_process_").stream()
            .filter(s -> s.labels().containsKey("process"))
            .map(s -> s.labels().get("type")).collect(Collectors.toSet());
        assertThat(types).as("the type tag of every per-process series, supervised and attached").containsExactly("COMMUNICATION");
        assertThat(registry.find("vigil.process.up").tag("type", "COMMUNICATION").gauges()).hasSize(2);
      }
    } finally {
      outsider.destroyForcibly().waitFor();
    }
  }

  @Test
  void cpuIsAPercentInTheRuleAndTheSampleAndARatioNamedSoInTheMeter() throws Exception {
    EventRecorder events = new EventRecorder();
    try (Supervisor supervisor = LinuxSupervisors.linux("cpu-units")) {
      supervisor.subscribe(events);
      ProcessController spinner = supervisor.register(ProcessSpec.builder("spinner")
          .command("sh", "-c", "while :; do :; done # " + marker).startupGrace(Duration.ZERO)
          .resourceRule(ResourceRule.cpuPercentAbove(10).failureThreshold(2).interval(Duration.ofMillis(300))
              .action(HealthCheck.Action.NOTIFY).build())
          .build());
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      try (VigilMetrics metrics = VigilMetrics.builder(supervisor).sampleInterval(Duration.ofMillis(300)).build()) {
        metrics.bindTo(registry);
        spinner.start(WAIT);
        double cores = Runtime.getRuntime().availableProcessors();

        // the rule: percent, 100 = one core; a spinner breaks 10 %
        SupervisorEvent.ResourceLimitExceeded broken =
            events.await(SupervisorEvent.ResourceLimitExceeded.class, e -> e.process().equals("spinner"), 1, WAIT).get(0);
        assertThat(broken.metric()).isEqualTo(ResourceRule.Metric.CPU_PERCENT);
        assertThat(broken.limit()).isEqualTo(10.0);
        assertThat(broken.value()).as("percent of a core").isGreaterThan(10.0).isLessThanOrEqualTo(100 * cores * 1.05);

        // the sample the endpoint shows (cpuPercent): the same percent
        spinner.sample();
        assertThat(Processes.eventually(WAIT, () -> spinner.sample().flatMap(s -> s.cpuPercent().isPresent()
            ? java.util.Optional.of(s.cpuPercent().getAsDouble()) : java.util.Optional.empty()).orElse(0.0) > 10.0)).isTrue();

        // the meter: the same figure over 100, its unit named
        Gauge usage = registry.find("vigil.process.cpu.usage").tag("process", "spinner").gauge();
        assertThat(usage).isNotNull();
        assertThat(usage.getId().getBaseUnit()).isEqualTo("ratio");
        assertThat(Processes.eventually(WAIT, () -> usage.value() > 0.10))
            .as("a ratio above the rule's 10 %%: %s", usage.value()).isTrue();
        assertThat(usage.value()).as("a ratio of cores, not a percent").isLessThanOrEqualTo(cores * 1.05);
        assertThat(PromText.parse(registry.scrape()).value("vigil_process_cpu_usage_ratio", Map.of("process", "spinner")))
            .as("Prometheus names the unit").isPresent();
      }
    }
  }
}
