package io.github.vigil.spring.boot.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.spring.boot.testing.Children;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

/**
 * A start through the endpoint whose dependency is down is accepted and waits for it: 202 at once, saying for what.
 * It waited out the command timeout (30 s) and answered 500 "did not reach RUNNING within 30.0 s; now WAITING",
 * audited as failed (found by a black-box run of the gateway example). A real application, real processes.
 */
@SpringBootTest(classes = VigilEndpointWriteTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
        "server.address=127.0.0.1",
        "management.endpoints.web.exposure.include=vigil,health",
        "management.endpoint.vigil.access=unrestricted",
        "vigil.defaults.startup-grace=0s",
        "vigil.processes.quote-feed.command=sleep,${vigil-test.marker}",
        "vigil.processes.quote-feed.auto-start=false",
        "vigil.processes.order-gateway.command=sleep,${vigil-test.marker}",
        "vigil.processes.order-gateway.auto-start=false",
        "vigil.processes.order-gateway.depends-on.quote-feed=started",
        "vigil.groups.desk.strategy=rest-for-one",
        "vigil.groups.desk.children=quote-feed,order-gateway",
        "vigil-test.marker=7340033",
        "logging.level.io.github.vigil.spring.boot.actuate.VigilEndpoint=INFO"})
@DirtiesContext
@Timeout(60)
@EnabledOnOs(OS.LINUX)
@ExtendWith(OutputCaptureExtension.class)
class VigilEndpointWaitingStartTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();

  @LocalServerPort
  int port;

  @Autowired
  Supervisor supervisor;

  @Autowired
  AuditEventRepository audit;

  /**
   * A group is started and stopped through the endpoint (it answered 404 "no process named 'desk'"), and its audit line
   * calls it a group, as its request line does (it said "asked to start process desk").
   */
  @Test
  void aGroupIsStartedAndStoppedThroughTheEndpoint(CapturedOutput output) throws Exception {
    ProcessController feed = supervisor.controller("quote-feed").orElseThrow();
    ProcessController gateway = supervisor.controller("order-gateway").orElseThrow();
    try {
      HttpResponse<String> start = post("/actuator/vigil/desk/start");
      assertThat(start.statusCode()).as(start.body()).isEqualTo(200);
      assertThat(JsonPath.<String>read(start.body(), "$.state")).isEqualTo("RUNNING");
      assertThat(feed.status().state()).isEqualTo(ProcessState.RUNNING);
      assertThat(gateway.status().state()).isEqualTo(ProcessState.RUNNING);
      assertThat(post("/actuator/vigil/desk/check").statusCode()).as("a process's action").isEqualTo(400);
      HttpResponse<String> stop = post("/actuator/vigil/desk/stop");
      assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
      assertThat(feed.status().state()).isEqualTo(ProcessState.STOPPED);
      assertThat(gateway.status().state()).isEqualTo(ProcessState.STOPPED);
      assertThat(audit.find(null, null, "VIGIL_START")).anySatisfy(a -> {
        assertThat(a.getData()).containsEntry("process", "desk");
        assertThat(a.getData()).containsEntry("outcome", "done");
      });
      assertThat(output.getOut()).contains("Actuator request by operator: start group desk")
          .contains("Audit: operator asked to start group desk: done")
          .contains("Audit: operator asked to stop group desk: done")
          .doesNotContain("process desk");
    } finally {
      gateway.stop(WAIT);
      feed.stop(WAIT);
    }
  }

  private HttpResponse<String> post(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Content-Type", "application/json").header("Authorization", "Basic "
            + Base64.getEncoder().encodeToString("operator:secret".getBytes(StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aStartWaitingForItsDependencyIsAcceptedAtOnce() throws Exception {
    ProcessController feed = supervisor.controller("quote-feed").orElseThrow();
    ProcessController gateway = supervisor.controller("order-gateway").orElseThrow();
    try {
      long asked = System.nanoTime();
      HttpResponse<String> start = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/vigil/order-gateway/start"))
          .header("Content-Type", "application/json").header("Authorization", "Basic "
              + Base64.getEncoder().encodeToString("operator:secret".getBytes(StandardCharsets.UTF_8)))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(start.statusCode()).as(start.body()).isEqualTo(202);
      assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("not the command timeout").isLessThan(Duration.ofSeconds(15));
      assertThat(JsonPath.<String>read(start.body(), "$.accepted"))
          .isEqualTo("start of order-gateway is waiting for quote-feed to be RUNNING (it is STOPPED)");
      assertThat(JsonPath.<String>read(start.body(), "$.process.state")).isEqualTo("WAITING");
      assertThat(audit.find(null, null, "VIGIL_START")).filteredOn(a -> "order-gateway".equals(a.getData().get("process"))).singleElement()
          .satisfies(a -> assertThat(String.valueOf(a.getData().get("outcome"))).startsWith("accepted, waiting for quote-feed"));
      feed.start(WAIT); // its dependency back: the start goes on
      assertThat(Children.eventually(WAIT, () -> gateway.status().state() == ProcessState.RUNNING)).as("%s", gateway.status()).isTrue();
    } finally {
      gateway.stop(WAIT);
      feed.stop(WAIT);
    }
  }
}
