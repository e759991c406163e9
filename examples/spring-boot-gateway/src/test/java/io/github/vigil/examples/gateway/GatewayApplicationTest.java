package io.github.vigil.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.github.vigil.AttachState;
import io.github.vigil.CheckResult;
import io.github.vigil.HealthState;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessState;
import io.github.vigil.StdStream;
import io.github.vigil.Supervisor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs the example as it is shipped (its application.yml), on free loopback ports: the desk group
 * starts the feed and then the order gateway, once the feed's TCP health check has passed, which
 * prices on its quotes; the endpoint lists both with their health and a /proc sample, and the group, and the recorder started beside the application
 * is attached by its command line; closing the application leaves neither child running and the
 * recorder alone.
 */
@Timeout(90)
class GatewayApplicationTest {

  @Test
  void runsTheConfiguredProcessesAndStopsThemWithTheApplication() throws Exception {
    List<Long> pids = new ArrayList<>();
    int feedPort = freePort();
    // the recorder is not the application's: started beside it, as its README says
    Process recorder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp",
        System.getProperty("java.class.path"), MarketDataRecorder.class.getName(), Integer.toString(feedPort))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    SpringApplication app = new SpringApplication(GatewayApplication.class);
    try (ConfigurableApplicationContext context = app.run("--server.port=0", "--gateway.feed-port=" + feedPort,
        "--vigil.defaults.output.log-to-slf4j=false", "--vigil.attach.md-recorder.rescan-interval=100ms",
        "--gateway.session.length=1h")) { // the synthetic session stays open while this test looks
      Supervisor supervisor = context.getBean(Supervisor.class);
      assertThat(supervisor.backendName()).isEqualTo(expectedBackend());
      ProcessController feed = supervisor.controller("quote-feed").orElseThrow();
      ProcessController gateway = supervisor.controller("order-gateway").orElseThrow();
      // the desk's schedule started the group: the feed, then the gateway once the feed was healthy
      assertThat(supervisor.group("desk").orElseThrow().state()).isEqualTo(io.github.vigil.GroupState.RUNNING);
      assertThat(eventually(() -> gateway.status().state() == ProcessState.RUNNING)).as("gateway %s", gateway.status()).isTrue();
      assertThat(feed.status().state()).isEqualTo(ProcessState.RUNNING);
      assertThat(feed.status().health()).isEqualTo(HealthState.HEALTHY);
      Instant feedHealthy = feed.health().check("feed-port").orElseThrow().recent().stream().filter(CheckResult::passed)
          .map(CheckResult::at).findFirst().orElseThrow();
      assertThat(gateway.history().get(0).startedAt()).isAfterOrEqualTo(feedHealthy);
      assertThat(eventually(() -> gateway.outputTail(StdStream.STDOUT).stream().anyMatch(l -> l.startsWith("pricing orders on: XLON VOD"))))
          .as("gateway output: %s", gateway.outputTail(StdStream.STDOUT)).isTrue();

      int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
      HttpResponse<String> vigil = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/vigil")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(vigil.statusCode()).isEqualTo(200);
      String body = vigil.body();
      assertThat(JsonPath.<List<String>>read(body, "$.processes[*].name")).containsExactly("quote-feed", "order-gateway");
      assertThat(JsonPath.<List<String>>read(body, "$.processes[*].state")).containsExactly("RUNNING", "RUNNING");
      assertThat(JsonPath.<List<String>>read(body, "$.groups[*].name")).containsExactly("desk");
      assertThat(JsonPath.<String>read(body, "$.groups[0].strategy")).isEqualTo("REST_FOR_ONE");
      assertThat(JsonPath.<List<String>>read(body, "$.groups[0].children[*].name")).containsExactly("quote-feed", "order-gateway");
      assertThat(JsonPath.<List<String>>read(body, "$.groups[0].children[*].state")).containsExactly("RUNNING", "RUNNING");
      assertThat(JsonPath.<List<String>>read(body, "$.processes[?(@.name == 'quote-feed')].healthReport.healthChecks[0].name"))
          .containsExactly("feed-port");
      assertThat(JsonPath.<List<String>>read(body, "$.processes[?(@.name == 'quote-feed')].healthReport.healthChecks[0].last.status"))
          .containsExactly("PASSED");
      assertThat(JsonPath.<List<String>>read(body, "$.processes[?(@.name == 'quote-feed')].healthReport.resourceRules[0].name"))
          .containsExactly("memory");
      if (expectedBackend().equals("linux")) { // the JDK backend's sampler has CPU time only
        assertThat(JsonPath.<List<Number>>read(body, "$.processes[?(@.name == 'quote-feed')].sample.memoryResident"))
            .singleElement().satisfies(rss -> assertThat(rss.longValue()).isPositive());
      }

      // the recorder, attached by its command line
      assertThat(eventually(() -> supervisor.attached("md-recorder").map(a -> a.status().state() == AttachState.RUNNING).orElse(false)))
          .isTrue();
      String attached = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/vigil/md-recorder")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(JsonPath.<String>read(attached, "$.state")).isEqualTo("RUNNING");
      assertThat(JsonPath.<List<Number>>read(attached, "$.processes[*].pid")).extracting(Number::longValue).contains(recorder.pid());
      assertThat(JsonPath.<String>read(attached, "$.labels.type")).isEqualTo("QUOTE");
      String calendars = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/vigilcalendars")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(JsonPath.<String>read(calendars, "$.calendars[0].name")).isEqualTo("demo");
      assertThat(JsonPath.<List<String>>read(calendars, "$.schedules[*].name")).containsExactly("desk", "md-recorder");
      assertThat(JsonPath.<List<String>>read(calendars, "$.schedules[*].kind")).containsExactly("group", "attachment");
      assertThat(JsonPath.<List<String>>read(calendars, "$.schedules[*].phase")).containsExactly("up", "up");
      String scrape = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(scrape).contains("vigil_process_up{process=\"quote-feed\",type=\"QUOTE\"} 1.0",
          "vigil_process_up{process=\"order-gateway\",type=\"TRADER\"} 1.0",
          "vigil_attached_state{process=\"md-recorder\",state=\"running\",type=\"QUOTE\"} 1.0");
      pids.add(feed.status().pid());
      pids.add(gateway.status().pid());
    } finally {
      assertThat(recorder.isAlive()).as("the application never stops a process it attached to").isTrue();
      recorder.destroyForcibly().waitFor();
    }
    assertThat(pids).hasSize(2).allSatisfy(pid -> assertThat(pid).isPositive())
        .allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty());
  }

  private static String expectedBackend() {
    return new io.github.vigil.linux.LinuxBackendProvider().isAvailable() ? "linux" : "jdk";
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static boolean eventually(java.util.function.BooleanSupplier check) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (check.getAsBoolean()) {
        return true;
      }
      Thread.sleep(50);
    }
    return check.getAsBoolean();
  }
}
