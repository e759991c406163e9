package io.github.vigil.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.testing.FakeTicker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** One sample per process per interval, however many meters, scrapes and registries read it. */
@Timeout(300)
class SampleSharingTest {
  private static final int PROCESSES = 200;

  @Test
  void scrapingTwoHundredProcessesTakesOneSamplePerProcessPerInterval() throws Exception {
    FakeTicker ticker = new FakeTicker();
    try (Supervisor supervisor = Supervisor.builder().name("sharing").backend("jdk").build()) {
      List<ProcessSpec> specs = new ArrayList<>();
      for (int i = 0; i < PROCESSES; i++) {
        specs.add(ProcessSpec.builder(String.format("p%03d", i)).command("sleep", "300").startupGrace(Duration.ZERO).build());
      }
      supervisor.registerAll(specs);
      supervisor.startAll().toCompletableFuture().get();
      for (ProcessController c : supervisor.controllers()) {
        assertThat(c.status().state()).isEqualTo(ProcessState.RUNNING);
      }

      PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      SimpleMeterRegistry simple = new SimpleMeterRegistry();
      for (MetricNaming naming : MetricNaming.values()) {
        try (VigilMetrics metrics = VigilMetrics.builder(supervisor).naming(naming).ticker(ticker)
            .sampleInterval(Duration.ofSeconds(15)).build()) {
          metrics.bindTo(prometheus);
          metrics.bindTo(simple);
          // reading the samples counter takes the interval's samples first (issue #12 item 15): one per process
          assertThat(samples(prometheus)).isEqualTo(PROCESSES);

          String first = prometheus.scrape();
          for (int scrape = 0; scrape < 4; scrape++) {
            prometheus.scrape();
            simple.getMeters().forEach(m -> m.measure().forEach(x -> x.getValue()));
            ticker.advance(Duration.ofSeconds(3)); // 4 x 3 s: still within one 15 s interval
          }
          assertThat(samples(prometheus)).as("%s: samples after 5 scrapes of two registries in one interval", naming)
              .isEqualTo(PROCESSES);
          assertThat(first).contains(naming == MetricNaming.MICROMETER
              ? "vigil_process_tree_processes{process=\"p199\"} 1.0"
              : "namedprocess_namegroup_num_procs{groupname=\"p199\"} 1.0");

          ticker.advance(Duration.ofSeconds(4)); // past the interval
          prometheus.scrape();
          prometheus.scrape();
          assertThat(samples(prometheus)).as("%s: a new interval takes one new sample per process", naming)
              .isEqualTo(2 * PROCESSES);
        }
        assertThat(prometheus.getMeters()).isEmpty();
      }
    }
  }

  private static double samples(PrometheusMeterRegistry registry) {
    var counter = registry.find("vigil.metrics.samples").functionCounter();
    return counter == null ? 0 : counter.count();
  }
}
