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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The alert rules and dashboards of {@code examples/prometheus}, one set per {@link MetricNaming}, parse, fire as
 * tested, and use only what Vigil publishes in a real scrape of their naming (issue #12 item 16).
 */
@Timeout(120)
class PrometheusExamplesTest {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PrometheusExamplesTest.class);
  private static final Path EXAMPLES = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
      .resolveSibling("examples").resolve("prometheus");
  private static final Pattern METRIC = Pattern.compile("\\b((?:namedprocess|vigil)_[a-z_]+)\\b");
  private static final Pattern SELECTOR = Pattern.compile("\\b((?:namedprocess|vigil)_[a-z_]+)\\{([^}]*)}");
  private static final Pattern EXACT_MATCHER = Pattern.compile("([a-z_]+)\\s*=\\s*\"([^\"$]*)\"");
  /** A regular-expression matcher whose expression is literal alternatives, such as {@code state=~"healthy|unhealthy"}. */
  private static final Pattern ALTERNATIVES_MATCHER = Pattern.compile("([a-z_]+)\\s*=~\\s*\"([a-zA-Z0-9_]+(?:\\|[a-zA-Z0-9_]+)+)\"");

  /** The files of one naming. */
  private record Examples(String rules, String rulesTest, String dashboard, String uid, String variable, String label) {
    static Examples of(MetricNaming naming) {
      return naming == MetricNaming.PROCESS_EXPORTER
          ? new Examples("alerts.yml", "alerts-test.yml", "grafana-dashboard.json", "vigil-processes", "groupname", "groupname")
          : new Examples("alerts-micrometer.yml", "alerts-micrometer-test.yml", "grafana-dashboard-micrometer.json",
              "vigil-processes-micrometer", "process", "process");
    }
  }

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

  @ParameterizedTest
  @EnumSource(MetricNaming.class)
  void rulesParseAndPassTheirUnitTestsUnderPromtool(MetricNaming naming) throws Exception {
    Optional<Path> promtool = promtool();
    assumeTrue(promtool.isPresent(), "promtool is not installed (Debian package prometheus; .ci/install.d/prometheus installs it)");
    Examples examples = Examples.of(naming);
    String check = run(EXAMPLES, promtool.get().toString(), "check", "rules", examples.rules());
    assertThat(check).contains("SUCCESS: 5 rules found");
    String test = run(EXAMPLES, promtool.get().toString(), "test", "rules", examples.rulesTest());
    assertThat(test).contains("SUCCESS");
    log.info("promtool: {} / {}", check.strip().replace('\n', ' '), test.strip().replace('\n', ' '));
  }

  @ParameterizedTest
  @EnumSource(MetricNaming.class)
  void theDashboardIsAGrafanaDashboardOverItsNaming(MetricNaming naming) throws Exception {
    Examples examples = Examples.of(naming);
    JsonNode dashboard = new ObjectMapper().readTree(EXAMPLES.resolve(examples.dashboard()).toFile());
    assertThat(dashboard.path("uid").asText()).isEqualTo(examples.uid());
    assertThat(dashboard.path("schemaVersion").asInt()).isPositive();
    List<String> variables = new ArrayList<>();
    dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
    assertThat(variables).containsExactly("datasource", examples.variable());
    int targets = 0;
    Set<Integer> ids = new TreeSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(panel.path("title").asText()).isNotBlank();
      assertThat(ids.add(panel.path("id").asInt())).as("panel ids are unique: %s", panel.path("id")).isTrue();
      assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        assertThat(expr).as(panel.path("title").asText()).containsPattern(METRIC);
        assertThat(expr).as("%s selects by the dashboard's variable", panel.path("title").asText())
            .containsAnyOf(examples.label() + "=~\"$" + examples.variable() + "\"", "process=~\"$" + examples.variable() + "\"");
        if (naming == MetricNaming.MICROMETER) {
          assertThat(expr).as("Micrometer naming has no namedprocess_* series").doesNotContain("namedprocess_");
        }
        targets++;
      }
    }
    assertThat(targets).isGreaterThanOrEqualTo(18);
  }

  @ParameterizedTest
  @EnumSource(MetricNaming.class)
  void everyMetricAndLabelValueTheRulesAndDashboardUseIsInARealScrapeOfTheirNaming(MetricNaming naming) throws Exception {
    Examples examples = Examples.of(naming);
    String uses = Files.readString(EXAMPLES.resolve(examples.rules())) + "\n" + Files.readString(EXAMPLES.resolve(examples.rulesTest()))
        + "\n" + exprs(EXAMPLES.resolve(examples.dashboard()));
    try (Supervisor supervisor = Supervisor.builder().name("examples").backend("jdk").build()) {
      supervisor.register(ProcessSpec.builder("quote-feed").command("sleep", "60")
          .healthCheck(HealthCheck.exec("true").name("alive").interval(Duration.ofSeconds(1)).build())
          .build()).start(Duration.ofSeconds(10));
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      try (VigilMetrics metrics = VigilMetrics.builder(supervisor).naming(naming).build()) {
        metrics.bindTo(registry);
        PromText scrape = PromText.parse(registry.scrape());
        Set<String> published = scrape.samples.stream().map(PromText.Sample::name).collect(Collectors.toCollection(TreeSet::new));

        Set<String> used = new TreeSet<>();
        Matcher m = METRIC.matcher(uses);
        while (m.find()) {
          used.add(m.group(1));
        }
        if (naming == MetricNaming.PROCESS_EXPORTER) {
          assertThat(used).contains("namedprocess_namegroup_num_procs", "vigil_process_restarts_total", "vigil_process_up",
              "namedprocess_namegroup_memory_bytes", "namedprocess_namegroup_worst_fd_ratio");
        } else {
          assertThat(used).contains("vigil_process_tree_processes", "vigil_process_restarts_total", "vigil_process_up",
              "vigil_process_memory_bytes", "vigil_process_files_worst_ratio", "vigil_process_cpu_time_seconds_total",
              "vigil_process_context_switches_total", "vigil_process_io_bytes_total", "vigil_process_page_faults_total")
              .noneMatch(n -> n.startsWith("namedprocess_"));
        }
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
          Matcher a = ALTERNATIVES_MATCHER.matcher(s.group(2));
          while (a.find()) {
            String label = a.group(1);
            for (String value : a.group(2).split("\\|")) {
              assertThat(scrape.samples).as("%s{%s=~\"%s\"}: %s in the scrape", name, label, a.group(2), value)
                  .anyMatch(x -> x.name().equals(name) && value.equals(x.labels().get(label)));
            }
          }
        }
      }
    }
  }

  /** The queries of a dashboard: every panel's targets and the variables' queries. */
  private static String exprs(Path dashboard) throws IOException {
    StringBuilder sb = new StringBuilder();
    JsonNode d = new ObjectMapper().readTree(dashboard.toFile());
    d.path("panels").forEach(p -> p.path("targets").forEach(t -> sb.append(t.path("expr").asText()).append('\n')));
    d.path("templating").path("list").forEach(v -> sb.append(v.path("definition").asText()).append('\n'));
    return sb.toString();
  }
}
