package io.github.vigil.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vigil.HealthCheck;
import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The alert rules and dashboard of {@code examples/prometheus} parse, fire as tested, and use only what Vigil publishes. */
@Timeout(120)
class PrometheusExamplesTest {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PrometheusExamplesTest.class);
  private static final Path EXAMPLES = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
      .resolveSibling("examples").resolve("prometheus");
  private static final Pattern METRIC = Pattern.compile("\\b((?:namedprocess|vigil)_[a-z_]+)\\b");
  private static final Pattern SELECTOR = Pattern.compile("\\b((?:namedprocess|vigil)_[a-z_]+)\\{([^}]*)}");
  private static final Pattern EXACT_MATCHER = Pattern.compile("([a-z_]+)\\s*=\\s*\"([^\"$]*)\"");

  private static Optional<Path> promtool() {
    for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, "promtool");
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private static String run(Path dir, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
    assertThat(p.exitValue()).as("%s said:%n%s", String.join(" ", command), out).isZero();
    return out;
  }

  @Test
  void rulesParseAndPassTheirUnitTestsUnderPromtool() throws Exception {
    Optional<Path> promtool = promtool();
    assumeTrue(promtool.isPresent(), "promtool is not installed (Debian package prometheus; .ci/install.d/prometheus installs it)");
    String check = run(EXAMPLES, promtool.get().toString(), "check", "rules", "alerts.yml");
    assertThat(check).contains("SUCCESS: 5 rules found");
    String test = run(EXAMPLES, promtool.get().toString(), "test", "rules", "alerts-test.yml");
    assertThat(test).contains("SUCCESS");
    log.info("promtool: {} / {}", check.strip().replace('\n', ' '), test.strip().replace('\n', ' '));
  }

  @Test
  void theDashboardIsAGrafanaDashboardOverTheCompatibleNames() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(EXAMPLES.resolve("grafana-dashboard.json").toFile());
    assertThat(dashboard.path("uid").asText()).isEqualTo("vigil-processes");
    assertThat(dashboard.path("schemaVersion").asInt()).isPositive();
    List<String> variables = new ArrayList<>();
    dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
    assertThat(variables).containsExactly("datasource", "groupname");
    int targets = 0;
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(panel.path("title").asText()).isNotBlank();
      assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
      for (JsonNode target : panel.path("targets")) {
        assertThat(target.path("expr").asText()).as(panel.path("title").asText()).containsPattern(METRIC);
        targets++;
      }
    }
    assertThat(targets).isGreaterThanOrEqualTo(18);
  }

  @Test
  void everyMetricAndLabelValueTheRulesAndDashboardUseIsInARealScrape() throws Exception {
    String uses = Files.readString(EXAMPLES.resolve("alerts.yml")) + "\n" + Files.readString(EXAMPLES.resolve("alerts-test.yml"))
        + "\n" + exprs(EXAMPLES.resolve("grafana-dashboard.json"));
    try (Supervisor supervisor = Supervisor.builder().name("examples").backend("jdk").build()) {
      supervisor.register(ProcessSpec.builder("quote-feed").command("sleep", "60")
          .healthCheck(HealthCheck.exec("true").name("alive").interval(Duration.ofSeconds(1)).build())
          .build()).start(Duration.ofSeconds(10));
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      try (VigilMetrics metrics = VigilMetrics.builder(supervisor).naming(MetricNaming.PROCESS_EXPORTER).build()) {
        metrics.bindTo(registry);
        PromText scrape = PromText.parse(registry.scrape());
        Set<String> published = scrape.samples.stream().map(PromText.Sample::name).collect(Collectors.toCollection(TreeSet::new));

        Set<String> used = new TreeSet<>();
        Matcher m = METRIC.matcher(uses);
        while (m.find()) {
          used.add(m.group(1));
        }
        assertThat(used).contains("namedprocess_namegroup_num_procs", "vigil_process_restarts_total", "vigil_process_up",
            "namedprocess_namegroup_memory_bytes", "namedprocess_namegroup_worst_fd_ratio");
        assertThat(published).as("metrics the rules and dashboard use").containsAll(used);

        Matcher s = SELECTOR.matcher(uses);
        while (s.find()) {
          String name = s.group(1);
          Matcher e = EXACT_MATCHER.matcher(s.group(2));
          while (e.find()) {
            String label = e.group(1);
            String value = e.group(2);
            if (label.equals("groupname") || label.equals("process")) {
              continue; // the example's own process names
            }
            assertThat(scrape.samples).as("%s{%s=\"%s\"} in the scrape", name, label, value)
                .anyMatch(x -> x.name().equals(name) && value.equals(x.labels().get(label)));
          }
        }
      }
    }
  }

  private static String exprs(Path dashboard) throws IOException {
    StringBuilder sb = new StringBuilder();
    new ObjectMapper().readTree(dashboard.toFile()).path("panels")
        .forEach(p -> p.path("targets").forEach(t -> sb.append(t.path("expr").asText()).append('\n')));
    return sb.toString();
  }
}
