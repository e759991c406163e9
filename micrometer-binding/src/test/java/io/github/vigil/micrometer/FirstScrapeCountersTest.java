package io.github.vigil.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue #12 item 15: {@code vigil_metrics_samples_total} lagged one scrape (0 on the first scrape, for
 * which 20 samples were taken), because a scrape read it before the process meters that take the
 * samples. Now the first scrape of 20 running processes says 20, in both namings.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class FirstScrapeCountersTest {

  @ParameterizedTest
  @EnumSource(MetricNaming.class)
  void theFirstScrapeCountsTheSamplesItTook(MetricNaming naming) throws Exception {
    try (Supervisor sup = LinuxSupervisors.linux("first-scrape")) {
      for (int i = 0; i < 20; i++) {
        sup.register(ProcessSpec.builder("p" + i).command("sleep", "600").startupGrace(Duration.ZERO).build()).start(Duration.ofSeconds(10));
      }
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      try (VigilMetrics metrics = VigilMetrics.builder(sup).naming(naming).sampleInterval(Duration.ofMinutes(1)).build()) {
        metrics.bindTo(registry);
        PromText first = PromText.parse(registry.scrape());
        assertThat(first.value("vigil_metrics_samples_total", Map.of())).as("first scrape").contains(20.0);
        PromText second = PromText.parse(registry.scrape());
        assertThat(second.value("vigil_metrics_samples_total", Map.of())).as("within the same interval: no new samples").contains(20.0);
      }
    }
  }
}
