package io.github.vigil.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue #12 item 16: the shipped rules used {@code namedprocess_*} series only, and a default application
 * (Micrometer naming, the starter's default) has none, so they never fired. Each naming now has its rule
 * file ({@code alerts.yml} for process-exporter naming, {@code alerts-micrometer.yml} for Micrometer's),
 * and each is run by {@code promtool test rules} on the series of a real scrape of its naming: a
 * registered process that is not running makes {@code ProcessDown} fire, the running one does not.
 */
@Timeout(120)
class AlertRulesOnARealScrapeTest {
  private static final Path EXAMPLES = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
      .resolveSibling("examples").resolve("prometheus");

  @ParameterizedTest
  @EnumSource(MetricNaming.class)
  void processDownFiresOnARealScrapeOfEachNaming(MetricNaming naming, @TempDir Path dir) throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    assumeTrue(Files.isExecutable(promtool), "promtool is not installed (Debian package prometheus; .ci/install.d/prometheus installs it)");
    boolean micrometer = naming == MetricNaming.MICROMETER;
    Path rules = EXAMPLES.resolve(micrometer ? "alerts-micrometer.yml" : "alerts.yml").toAbsolutePath();
    String label = micrometer ? "process" : "groupname";
    String scrape;
    try (Supervisor supervisor = Supervisor.builder().name("rules-" + naming).backend("jdk").build()) {
      supervisor.register(ProcessSpec.builder("quote-feed").command("sleep", "60").build()).start(Duration.ofSeconds(10));
      supervisor.register(ProcessSpec.builder("idle").command("sleep", "60").build()); // registered, never started
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      try (VigilMetrics metrics = VigilMetrics.builder(supervisor).naming(naming).build()) {
        metrics.bindTo(registry);
        scrape = registry.scrape();
      }
    }
    StringBuilder yaml = new StringBuilder("rule_files:\n  - '" + rules + "'\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n");
    int series = 0;
    for (PromText.Sample s : PromText.parse(scrape).samples) {
      if (Double.isNaN(s.value())) {
        continue;
      }
      StringBuilder sel = new StringBuilder(s.name()).append('{');
      boolean first = true;
      for (Map.Entry<String, String> l : s.labels().entrySet()) {
        sel.append(first ? "" : ",").append(l.getKey()).append("=\"").append(l.getValue().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        first = false;
      }
      sel.append('}');
      yaml.append("      - series: '").append(sel.toString().replace("'", "''")).append("'\n        values: '")
          .append(s.value()).append("x10'\n");
      series++;
    }
    assertThat(series).isGreaterThan(20);
    String description = micrometer ? "No process of idle has been alive for a minute." : "No process of group idle has been alive for a minute.";
    yaml.append("    alert_rule_test:\n      - eval_time: 5m\n        alertname: ProcessDown\n        exp_alerts:\n")
        .append("          - exp_labels: {severity: critical, ").append(label).append(": idle}\n")
        .append("            exp_annotations:\n              summary: \"idle has no running process\"\n")
        .append("              description: \"").append(description).append("\"\n");
    Path test = Files.writeString(dir.resolve("scrape-test.yml"), yaml);
    Process p = new ProcessBuilder(promtool.toString(), "test", "rules", test.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("promtool on a real %s scrape said:%n%s", naming, out).isZero();
    assertThat(out).contains("SUCCESS");
  }
}
