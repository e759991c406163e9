package io.github.vigil.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import io.github.vigil.testing.FakeTicker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Whole-process harness, not a unit test: what a Prometheus scrape of 200 real supervised processes
 * costs, when the interval's samples must be taken (cold) and when they are shared (warm), on the
 * {@code /proc} sampler. Runs only when asked:
 * {@code mvn -q -pl micrometer-binding -am test -Dtest=ScrapeCostHarness -Dsurefire.failIfNoSpecifiedTests=false -Dvigil.bench=true}.
 * Results are in {@code micrometer-binding/BENCHMARKS.md}.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(600)
class ScrapeCostHarness {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ScrapeCostHarness.class);
  private static final int PROCESSES = 200;
  private static final int ROUNDS = 30;

  @Test
  void scrapeCostOfTwoHundredProcesses() throws Exception {
    assumeTrue(Boolean.getBoolean("vigil.bench"), "a measurement, not a test: run with -Dvigil.bench=true");
    for (MetricNaming naming : MetricNaming.values()) {
      FakeTicker ticker = new FakeTicker();
      try (Supervisor supervisor = LinuxSupervisors.linux("bench")) {
        List<ProcessSpec> specs = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
          specs.add(ProcessSpec.builder("p" + i).command("sleep", "600").startupGrace(Duration.ZERO).build());
        }
        supervisor.registerAll(specs);
        supervisor.startAll().toCompletableFuture().get();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (VigilMetrics metrics = VigilMetrics.builder(supervisor).naming(naming).ticker(ticker).build()) {
          metrics.bindTo(registry);
          for (int i = 0; i < 5; i++) { // warm-up
            ticker.advance(Duration.ofMinutes(1));
            registry.scrape();
          }
          long[] cold = new long[ROUNDS];
          long[] warm = new long[ROUNDS];
          int bytes = 0;
          for (int r = 0; r < ROUNDS; r++) {
            ticker.advance(Duration.ofMinutes(1));
            long t0 = System.nanoTime();
            String s = registry.scrape();
            long t1 = System.nanoTime();
            registry.scrape();
            long t2 = System.nanoTime();
            cold[r] = t1 - t0;
            warm[r] = t2 - t1;
            bytes = s.length();
          }
          double samples = registry.get("vigil.metrics.samples").functionCounter().count();
          assertThat(samples).isEqualTo((5 + ROUNDS) * PROCESSES);
          log.info(String.format(Locale.ROOT,
              "%s, %d processes, %d meters, scrape %d bytes: cold scrape (one sample per process) median %.1f ms, p90 %.1f ms;"
                  + " warm scrape (shared samples) median %.1f ms, p90 %.1f ms; %.0f samples in %d scrapes",
              naming, PROCESSES, registry.getMeters().size(), bytes, ms(cold, 50), ms(cold, 90), ms(warm, 50), ms(warm, 90),
              samples, 2 * (5 + ROUNDS)));
        }
      }
    }
  }

  private static double ms(long[] nanos, int percentile) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, sorted.length * percentile / 100)] / 1e6;
  }
}
