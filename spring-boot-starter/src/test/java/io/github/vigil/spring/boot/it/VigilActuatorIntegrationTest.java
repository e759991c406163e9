package io.github.vigil.spring.boot.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.Supervisor;
import io.github.vigil.spring.boot.testing.Children;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The starter in a real Spring Boot application with Tomcat on a random loopback port, Actuator
 * and the Prometheus registry, supervising real {@code sleep} processes (on the Linux backend where
 * it is available, as vigil-linux-native is on the test class path).
 */
@SpringBootTest(classes = VigilActuatorIntegrationTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
        "server.address=127.0.0.1",
        "management.endpoints.web.exposure.include=vigil,health,prometheus",
        "management.endpoint.health.show-details=always",
        "vigil.defaults.startup-grace=0s",
        "vigil.defaults.stop.timeout=5s",
        "vigil.processes.quote-feed.command=sleep,${vigil-test.marker}",
        "vigil.processes.quote-feed.labels.type=QUOTE",
        "vigil.processes.order-gateway.command=sleep,${vigil-test.marker}",
        "vigil.processes.order-gateway.depends-on.quote-feed=started",
        "vigil.processes.order-gateway.critical=true",
        "vigil.processes.order-gateway.restart.max-restarts=1",
        "vigil.processes.order-gateway.restart.backoff.initial-delay=0s",
        "vigil.processes.order-gateway.restart.backoff.max-delay=0s",
        "vigil-test.marker=7340031"})
@DirtiesContext
@Timeout(60)
@EnabledOnOs(OS.LINUX) // sleep, kill and /proc
class VigilActuatorIntegrationTest {

  static final Duration WAIT = Duration.ofSeconds(20);
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();

  @LocalServerPort
  int port;

  @Autowired
  Supervisor supervisor;

  @Test
  void endpointListsTheSupervisedProcesses() throws Exception {
    ProcessController feed = supervisor.controller("quote-feed").orElseThrow();
    HttpResponse<String> list = get("/actuator/vigil");
    assertThat(list.statusCode()).isEqualTo(200);
    String body = list.body();
    assertThat(JsonPath.<String>read(body, "$.name")).isEqualTo("vigil");
    assertThat(JsonPath.<String>read(body, "$.backend")).isEqualTo(supervisor.backendName());
    assertThat(JsonPath.<List<String>>read(body, "$.processes[*].name")).containsExactly("quote-feed", "order-gateway");
    assertThat(JsonPath.<List<String>>read(body, "$.processes[?(@.name == 'quote-feed')].state")).containsExactly("RUNNING");
    assertThat(JsonPath.<List<Number>>read(body, "$.processes[?(@.name == 'quote-feed')].pid"))
        .singleElement().satisfies(pid -> assertThat(pid.longValue()).isEqualTo(feed.status().pid()));
    assertThat(JsonPath.<List<String>>read(body, "$.processes[?(@.name == 'quote-feed')].labels.type")).containsExactly("QUOTE");
    assertThat(JsonPath.<List<List<String>>>read(body, "$.processes[?(@.name == 'order-gateway')].dependsOn"))
        .containsExactly(List.of("quote-feed"));
    assertThat(JsonPath.<List<Integer>>read(body, "$.processes[?(@.name == 'quote-feed')].history[0].run")).containsExactly(1);

    HttpResponse<String> one = get("/actuator/vigil/quote-feed");
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(JsonPath.<String>read(one.body(), "$.state")).isEqualTo("RUNNING");
    assertThat(get("/actuator/vigil/no-such-process").statusCode()).isEqualTo(404);
  }

  /**
   * An unknown name answered 404 with an empty body, which did not say what was not found (found by a black-box run); then
   * it said only that, not the names there are (the CLI names them).
   */
  @Test
  void anUnknownNameIsA404ThatSaysNoProcessHasItAndNamesThoseThereAre() throws Exception {
    HttpResponse<String> nope = get("/actuator/vigil/quote_feed");
    assertThat(nope.statusCode()).as(nope.body()).isEqualTo(404);
    assertThat(JsonPath.<String>read(nope.body(), "$.error"))
        .isEqualTo("no process, attachment or group named 'quote_feed' is supervised; the names it has: quote-feed, order-gateway");
    HttpResponse<String> view = get("/actuator/vigil/quote_feed?view=tree");
    assertThat(view.statusCode()).as(view.body()).isEqualTo(404);
    assertThat(JsonPath.<String>read(view.body(), "$.error")).isEqualTo("no process named 'quote_feed'; the names it has: quote-feed, order-gateway");
  }

  /** Issue #17: a diagnosis made at the request, and the run's tree, over HTTP with read-only access. */
  @Test
  void diagnosisAndTreeViewsOfAProcess() throws Exception {
    ProcessController feed = supervisor.controller("quote-feed").orElseThrow();
    HttpResponse<String> diagnosis = get("/actuator/vigil/quote-feed?view=diagnosis");
    assertThat(diagnosis.statusCode()).as(diagnosis.body()).isEqualTo(200);
    assertThat(JsonPath.<String>read(diagnosis.body(), "$.trigger")).isEqualTo("ON_DEMAND");
    assertThat(JsonPath.<List<String>>read(diagnosis.body(), "$.findings[*].check")).contains("PROGRAM", "OUTPUT");
    HttpResponse<String> tree = get("/actuator/vigil/quote-feed?view=tree");
    assertThat(tree.statusCode()).as(tree.body()).isEqualTo(200);
    assertThat(JsonPath.<Number>read(tree.body(), "$[0].pid").longValue()).isEqualTo(feed.status().pid());
    assertThat(JsonPath.<Integer>read(tree.body(), "$[0].depth")).isZero();
    assertThat(get("/actuator/vigil/quote-feed?view=nonsense").statusCode()).isEqualTo(404);
  }

  @Test
  void restartIsRefusedByDefault() throws Exception {
    ProcessController feed = supervisor.controller("quote-feed").orElseThrow();
    long pid = feed.status().pid();
    HttpResponse<String> response = post("/actuator/vigil/quote-feed/restart");
    // read-only access: the write operations are not mapped at all
    assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
    for (String action : List.of("stop", "start", "disable-supervision", "enable-supervision", "check")) {
      assertThat(post("/actuator/vigil/quote-feed/" + action).statusCode()).as(action).isEqualTo(404);
    }
    assertThat(feed.status().supervised()).isTrue();
    assertThat(feed.status().pid()).isEqualTo(pid);
    assertThat(feed.status().restarts()).isZero();
    assertThat(feed.history()).hasSize(1);
  }

  @Test
  void healthIsDownWhenACriticalProcessIsKilledBeyondItsStartLimit() throws Exception {
    ProcessController gateway = supervisor.controller("order-gateway").orElseThrow();
    HttpResponse<String> before = get("/actuator/health");
    assertThat(before.statusCode()).as(before.body()).isEqualTo(200);
    assertThat(JsonPath.<String>read(before.body(), "$.components.vigil.components.order-gateway.status")).isEqualTo("UP");

    // one restart is allowed: the first kill is restarted, the second gives up
    long first = gateway.status().pid();
    kill(first);
    assertThat(Children.eventually(WAIT, () -> {
      ProcessStatus s = gateway.status(); // one snapshot: state and pid of the same moment
      return s.state() == ProcessState.RUNNING && s.pid() > 0 && s.pid() != first;
    })).as("restarted after the first kill: %s", gateway.status()).isTrue();
    assertThat(get("/actuator/health").statusCode()).isEqualTo(200);
    kill(gateway.status().pid());
    assertThat(Children.eventually(WAIT, () -> gateway.status().state() == ProcessState.FAILED)).isTrue();

    HttpResponse<String> after = get("/actuator/health");
    assertThat(after.statusCode()).as(after.body()).isEqualTo(503);
    assertThat(JsonPath.<String>read(after.body(), "$.status")).isEqualTo("DOWN");
    assertThat(JsonPath.<String>read(after.body(), "$.components.vigil.status")).isEqualTo("DOWN");
    assertThat(JsonPath.<String>read(after.body(), "$.components.vigil.components.order-gateway.details.state")).isEqualTo("FAILED");
    // a process that is not critical never takes the application down
    assertThat(JsonPath.<String>read(after.body(), "$.components.vigil.components.quote-feed.status")).isEqualTo("UP");
  }

  @Test
  void prometheusShowsVigilsMetersForTheRealProcess() throws Exception {
    HttpResponse<String> scrape = get("/actuator/prometheus");
    assertThat(scrape.statusCode()).isEqualTo(200);
    String body = scrape.body();
    assertThat(body).contains("vigil_process_up{process=\"quote-feed\"} 1.0");
    assertThat(body).containsPattern("vigil_process_state\\{process=\"quote-feed\",state=\"running\"\\} 1\\.0");
    assertThat(body).containsPattern("vigil_process_restarts_total\\{[^}]*process=\"quote-feed\"[^}]*\\} 0\\.0");
    // read from /proc for the process tree of the real `sleep`: resident memory is above zero
    Matcher rss = Pattern.compile("vigil_process_memory_bytes\\{memtype=\"resident\",process=\"quote-feed\"\\} (\\S+)").matcher(body);
    assertThat(rss.find()).as("resident memory of quote-feed in:%n%s", body).isTrue();
    assertThat(Double.parseDouble(rss.group(1))).isPositive();
    assertThat(body).contains("vigil_process_up{process=\"order-gateway\"}");
  }

  /** The same application with the endpoint's write operations granted. */
  @Nested
  @TestPropertySource(properties = "management.endpoint.vigil.access=unrestricted")
  @DirtiesContext
  class WithWriteAccess {

    @LocalServerPort
    int grantedPort;

    @Autowired
    Supervisor grantedSupervisor;

    @Test
    void restartWorks() throws Exception {
      ProcessController feed = grantedSupervisor.controller("quote-feed").orElseThrow();
      long pid = feed.status().pid();
      HttpResponse<String> response = send(grantedPort, HttpRequest.newBuilder(uri(grantedPort, "/actuator/vigil/quote-feed/restart"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.noBody()).build());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(JsonPath.<String>read(response.body(), "$.state")).isEqualTo("RUNNING");
      long newPid = JsonPath.<Number>read(response.body(), "$.pid").longValue();
      assertThat(newPid).isNotEqualTo(pid).isEqualTo(feed.status().pid());
      assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
      assertThat(feed.history()).hasSize(2);

      HttpResponse<String> stop = send(grantedPort, HttpRequest.newBuilder(uri(grantedPort, "/actuator/vigil/quote-feed/stop"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.noBody()).build());
      assertThat(stop.statusCode()).isEqualTo(200);
      assertThat(feed.status().state()).isEqualTo(ProcessState.STOPPED);
      HttpResponse<String> start = send(grantedPort, HttpRequest.newBuilder(uri(grantedPort, "/actuator/vigil/quote-feed/start"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.noBody()).build());
      assertThat(start.statusCode()).isEqualTo(200);
      assertThat(feed.status().state()).isEqualTo(ProcessState.RUNNING);
      HttpResponse<String> bad = send(grantedPort, HttpRequest.newBuilder(uri(grantedPort, "/actuator/vigil/quote-feed/explode"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.noBody()).build());
      assertThat(bad.statusCode()).isEqualTo(400);
    }
  }

  /** SIGKILL to one real pid, as an outsider would; never to 0 or a negative number (a process group or every process). */
  static void kill(long pid) throws Exception {
    assertThat(pid).as("pid to kill").isGreaterThan(1);
    Children.kill(pid);
  }

  HttpResponse<String> get(String path) throws Exception {
    return send(port, HttpRequest.newBuilder(uri(port, path)).GET().build());
  }

  HttpResponse<String> post(String path) throws Exception {
    return send(port, HttpRequest.newBuilder(uri(port, path)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.noBody()).build());
  }

  static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  static HttpResponse<String> send(int port, HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    /** Spring Security is on this module's test class path (for VigilEndpointWriteTest); open here. */
    @Bean
    SecurityFilterChain open(HttpSecurity http) throws Exception {
      return http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).csrf(c -> c.disable()).build();
    }
  }
}
