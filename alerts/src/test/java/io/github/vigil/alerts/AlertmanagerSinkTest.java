package io.github.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vigil.testing.FakeTicker;
import io.github.vigil.testing.ManualScheduler;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus Alertmanager (Debian's prometheus-alertmanager, installed by .ci/install.d/alertmanager)
 * started on 127.0.0.1 with a free port, a temporary config and storage, clustering off: the alerts
 * show through its own v2 API, grouped by process, and then resolved.
 */
@Timeout(120)
class AlertmanagerSinkTest {
  private static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private Process alertmanager;
  private URI base;
  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    assumeTrue(Files.isExecutable(BINARY), "prometheus-alertmanager is not installed (.ci/install.d/alertmanager installs it)");
    Path config = dir.resolve("alertmanager.yml");
    Files.writeString(config, """
        route:
          receiver: blackhole
          group_by: ['process']
          group_wait: 1s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: blackhole
        """);
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    alertmanager = new ProcessBuilder(BINARY.toString(), "--config.file=" + config, "--storage.path=" + dir.resolve("data"),
        "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=")
        .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
    base = URI.create("http://127.0.0.1:" + port);
    boolean ready = eventually(() -> {
      try {
        return http.send(HttpRequest.newBuilder(base.resolve("/-/ready")).build(), HttpResponse.BodyHandlers.ofString())
            .statusCode() == 200;
      } catch (IOException e) {
        return false;
      }
    });
    assertThat(ready).as("alertmanager ready; log: %s", log()).isTrue();
  }

  @AfterEach
  void stop() throws Exception {
    if (alertmanager != null) {
      alertmanager.destroy();
      if (!alertmanager.waitFor(10, TimeUnit.SECONDS)) {
        alertmanager.destroyForcibly().waitFor();
      }
    }
  }

  private String log() throws IOException {
    Path p = dir.resolve("alertmanager.log");
    return Files.exists(p) ? Files.readString(p) : "";
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static boolean eventually(Check c) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < end) {
      if (c.ok()) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  @Test
  void alertsShowGroupedByProcessThenResolved() throws Exception {
    FakeTicker ticker = new FakeTicker();
    ManualScheduler scheduler = new ManualScheduler(ticker);
    AlertmanagerSink sink = AlertmanagerSink.builder("am", base).label("instance", "gateway-1")
        .generatorUrl("http://gateway-1:8080/actuator/vigil/").build();
    try (NotificationPipeline p = NotificationPipeline.builder().ticker(ticker).scheduler(scheduler).executor(Runnable::run)
        .route(Route.builder("fleet").sink(sink).groupWait(Duration.ZERO).groupInterval(Duration.ofSeconds(1))
            .repeatInterval(Duration.ofMinutes(3)).build()).build()) {
      Instant now = Instant.now();
      Alert crashed = Alert.firing(AlertType.CRASHED, "", "quote-feed", Severity.WARNING, "quote-feed crashed: error exit",
          "exit code 3", Map.of("type", "QUOTE"), now);
      Alert flapping = Alert.firing(AlertType.FLAPPING, "", "quote-feed", Severity.CRITICAL, "quote-feed is flapping", "",
          Map.of("type", "QUOTE"), now);
      Alert orders = Alert.firing(AlertType.NOT_RUNNING, "", "orders", Severity.CRITICAL, "orders has not been running", "",
          Map.of(), now);
      p.onAlert(crashed);
      p.onAlert(flapping);
      p.onAlert(orders);
      scheduler.advance(Duration.ZERO);
      assertThat(p.stats().sinks().get("am").sent()).as("%s", p.stats()).isEqualTo(2);

      // Alertmanager's own API: two groups, by process; quote-feed's holds both its alerts
      assertThat(eventually(() -> groupOf("quote-feed").size() == 2 && groupOf("orders").size() == 1))
          .as("groups: %s", get("/api/v2/alerts/groups")).isTrue();
      JsonNode alerts = get("/api/v2/alerts?filter=process%3D%22quote-feed%22");
      assertThat(alerts).hasSize(2);
      JsonNode one = alerts.get(0);
      assertThat(one.path("labels").path("instance").asText()).isEqualTo("gateway-1");
      assertThat(one.path("labels").path("type").asText()).isEqualTo("QUOTE");
      assertThat(one.path("status").path("state").asText()).isEqualTo("active");
      assertThat(one.path("generatorURL").asText()).isEqualTo("http://gateway-1:8080/actuator/vigil/quote-feed");
      List<String> names = new ArrayList<>();
      alerts.forEach(a -> names.add(a.path("labels").path("alertname").asText()));
      assertThat(names).containsExactlyInAnyOrder("VigilProcessCrashed", "VigilProcessFlapping");

      // resolved: sent with their endsAt, gone from the active alerts
      p.onAlert(crashed.resolved(Instant.now(), "running for 1 min"));
      p.onAlert(flapping.resolved(Instant.now(), "no restart for 5 min"));
      scheduler.advance(Duration.ofSeconds(1));
      assertThat(p.stats().sinks().get("am").sent()).isEqualTo(3);
      assertThat(eventually(() -> groupOf("quote-feed").isEmpty())).as("groups: %s", get("/api/v2/alerts/groups")).isTrue();
      assertThat(get("/api/v2/alerts?filter=process%3D%22quote-feed%22")).isEmpty();
      assertThat(groupOf("orders")).hasSize(1);
    }
  }

  /**
   * A process label Alertmanager would refuse as a label name ({@code trade-desk}) reaches it as the Prometheus name;
   * it answered HTTP 400 to the whole notification (found by a black-box run). The sink's own labels are checked.
   */
  @Test
  void aLabelNameAlertmanagerRefusesIsSentAsThePrometheusName() throws Exception {
    FakeTicker ticker = new FakeTicker();
    ManualScheduler scheduler = new ManualScheduler(ticker);
    AlertmanagerSink sink = AlertmanagerSink.builder("am", base).build();
    try (NotificationPipeline p = NotificationPipeline.builder().ticker(ticker).scheduler(scheduler).executor(Runnable::run)
        .retry(RetryPolicy.none()).route(Route.builder("fleet").sink(sink).groupWait(Duration.ZERO).build()).build()) {
      p.onAlert(Alert.firing(AlertType.CRASHED, "", "rates-feed", Severity.WARNING, "rates-feed crashed", "",
          Map.of("trade-desk", "rates", "2fa", "on"), Instant.now()));
      scheduler.advance(Duration.ZERO);
      assertThat(p.stats().sinks().get("am").sent()).as("%s; log: %s", p.stats(), log()).isEqualTo(1);
      assertThat(eventually(() -> get("/api/v2/alerts?filter=process%3D%22rates-feed%22").size() == 1)).isTrue();
      JsonNode labels = get("/api/v2/alerts?filter=process%3D%22rates-feed%22").get(0).path("labels");
      assertThat(labels.path("trade_desk").asText()).isEqualTo("rates");
      assertThat(labels.path("_2fa").asText()).isEqualTo("on");
    }
    // a label every alert sets itself would never be sent: refused, not ignored (an alertname label was accepted)
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AlertmanagerSink.builder("am", base).label("alertname", "Gateway"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'alertname'").hasMessageContaining("sink am");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AlertmanagerSink.builder("am", base).label("bad-name", "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("label name of Alertmanager sink am must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __: 'bad-name' (use 'bad_name')");
  }

  /** The alertnames in Alertmanager's group whose labels are process={@code process}. */
  private List<String> groupOf(String process) throws Exception {
    List<String> out = new ArrayList<>();
    Predicate<JsonNode> mine = g -> process.equals(g.path("labels").path("process").asText());
    for (JsonNode g : get("/api/v2/alerts/groups")) {
      if (mine.test(g)) {
        g.path("alerts").forEach(a -> out.add(a.path("labels").path("alertname").asText()));
      }
    }
    return out;
  }
}
