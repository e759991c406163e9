package io.github.vigil.spring.boot.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.spring.boot.actuate.VigilEndpoint;
import io.github.vigil.spring.boot.testing.Children;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.audit.AuditEvent;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.InMemoryAuditEventRepository;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.annotation.DirtiesContext;

/**
 * The endpoint an operator works from, in a real Spring Boot application with Spring Security and
 * real processes: the last lines of stderr and stdout (a start failure's reason), and write
 * operations switched on, refused to the anonymous and to a viewer, and audited with the
 * authenticated principal as the actor when an operator uses them.
 */
@SpringBootTest(classes = VigilEndpointWriteTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
        "server.address=127.0.0.1",
        "management.endpoints.web.exposure.include=vigil,health",
        "management.endpoint.vigil.access=unrestricted",
        "vigil.endpoint.output-lines=2",
        "vigil.defaults.startup-grace=0s",
        "vigil.defaults.stop.timeout=5s",
        "vigil.processes.quote-feed.command=sh,-c,echo feed 1; echo feed 2; echo feed 3; echo 'bind: Address already in use' >&2; exec sleep ${vigil-test.marker}",
        "vigil.processes.quote-feed.health-checks[0].kind=exec",
        "vigil.processes.quote-feed.health-checks[0].name=probe",
        "vigil.processes.quote-feed.health-checks[0].command=true",
        "vigil.processes.quote-feed.health-checks[0].interval=1h",
        "vigil.processes.quote-feed.health-checks[0].initial-delay=1h",
        "vigil-test.marker=7340032"})
@DirtiesContext
@Timeout(60)
@EnabledOnOs(OS.LINUX) // sh, sleep, kill
class VigilEndpointWriteTest {

  static final Duration WAIT = Duration.ofSeconds(20);
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();

  @LocalServerPort
  int port;

  @Autowired
  Supervisor supervisor;

  @Autowired
  AuditEventRepository audit;

  @Test
  void theEndpointShowsTheLastLinesOfStderrAndStdoutBounded() throws Exception {
    ProcessController feed = supervisor.controller("quote-feed").orElseThrow();
    assertThat(Children.eventually(WAIT, () -> feed.outputTail(io.github.vigil.StdStream.STDOUT).size() == 3
        && feed.outputTail(io.github.vigil.StdStream.STDERR).size() == 1)).isTrue();
    HttpResponse<String> one = send(HttpRequest.newBuilder(uri("/actuator/vigil/quote-feed")).GET(), null);
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(JsonPath.<List<String>>read(one.body(), "$.output.stderr")).containsExactly("bind: Address already in use");
    assertThat(JsonPath.<List<String>>read(one.body(), "$.output.stdout")).containsExactly("feed 2", "feed 3");
    assertThat(JsonPath.<Integer>read(one.body(), "$.output.maxLines")).isEqualTo(2);
    // a duration as a person reads it, and the number beside it
    assertThat(JsonPath.<String>read(one.body(), "$.uptime")).matches("\\d+(\\.\\d+)? (ns|µs|ms|s)|\\d+ min \\d{2} s");
    assertThat(JsonPath.<Number>read(one.body(), "$.uptimeSeconds").doubleValue()).isPositive();
  }

  @Test
  void writesAreRefusedToTheAnonymousAndToAViewer() throws Exception {
    ProcessController feed = supervisor.controller("quote-feed").orElseThrow();
    long pid = feed.status().pid();
    assertThat(post("/actuator/vigil/quote-feed/restart", null).statusCode()).isEqualTo(401);
    assertThat(post("/actuator/vigil/quote-feed/disable-supervision", "viewer").statusCode()).isEqualTo(403);
    assertThat(feed.status().pid()).isEqualTo(pid);
    assertThat(feed.status().supervised()).isTrue();
    assertThat(vigilAudits()).isEmpty();
  }

  @Test
  void everyWriteIsAuditedWithTheAuthenticatedPrincipal() throws Exception {
    ProcessController feed = supervisor.controller("quote-feed").orElseThrow();
    assertThat(Children.eventually(WAIT, () -> feed.status().state() == ProcessState.RUNNING)).isTrue();
    long pid = feed.status().pid();

    HttpResponse<String> restart = post("/actuator/vigil/quote-feed/restart", "operator");
    assertThat(restart.statusCode()).as(restart.body()).isEqualTo(200);
    long restarted = JsonPath.<Number>read(restart.body(), "$.pid").longValue();
    assertThat(restarted).isNotEqualTo(pid).isEqualTo(feed.status().pid());

    // supervision off: a kill is recorded, not acted on
    java.util.List<io.github.vigil.SupervisorEvent> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    AutoCloseable listening = supervisor.subscribe(heard::add);
    HttpResponse<String> off = post("/actuator/vigil/quote-feed/disable-supervision", "operator");
    assertThat(off.statusCode()).isEqualTo(200);
    assertThat(JsonPath.<Boolean>read(off.body(), "$.supervised")).isFalse();
    Children.kill(restarted);
    assertThat(Children.eventually(WAIT, () -> feed.status().state() == ProcessState.CRASHED)).as("%s", feed.status()).isTrue();
    assertThat(feed.status().restarts()).isZero();
    HttpResponse<String> on = post("/actuator/vigil/quote-feed/enable-supervision", "operator");
    assertThat(JsonPath.<Boolean>read(on.body(), "$.supervised")).isTrue();
    assertThat(supervisor.awaitIdle(WAIT)).isTrue();
    listening.close();
    // the core's events name who asked (their actor is the HTTP worker thread that carried the request)
    assertThat(heard).filteredOn(e -> e instanceof io.github.vigil.SupervisorEvent.SupervisionChanged).hasSize(2)
        .allSatisfy(e -> assertThat(((io.github.vigil.SupervisorEvent.SupervisionChanged) e).reason()).contains("asked by operator"));
    assertThat(post("/actuator/vigil/quote-feed/start", "operator").statusCode()).isEqualTo(200);

    // the check runs now, not in an hour
    HttpResponse<String> check = post("/actuator/vigil/quote-feed/check", "operator");
    assertThat(check.statusCode()).as(check.body()).isEqualTo(200);
    assertThat(JsonPath.<String>read(check.body(), "$.healthReport.healthChecks[0].last.status")).isEqualTo("PASSED");
    assertThat(JsonPath.<String>read(check.body(), "$.health")).isEqualTo("HEALTHY");

    HttpResponse<String> explode = post("/actuator/vigil/quote-feed/explode", "operator");
    assertThat(explode.statusCode()).isEqualTo(400);
    // why, in the answer (it was a bare 400: the reason only in the server's log)
    assertThat(JsonPath.<String>read(explode.body(), "$.error")).isEqualTo("unknown action 'explode' for process quote-feed; use start, "
        + "stop, restart, enable-supervision, disable-supervision or check");
    assertThat(post("/actuator/vigil/no-such/restart", "operator").statusCode()).isEqualTo(404);

    List<AuditEvent> events = vigilAudits();
    assertThat(events).extracting(AuditEvent::getType).containsExactly("VIGIL_RESTART", "VIGIL_DISABLE_SUPERVISION",
        "VIGIL_ENABLE_SUPERVISION", "VIGIL_START", "VIGIL_CHECK", "VIGIL_EXPLODE", "VIGIL_RESTART");
    assertThat(events).allSatisfy(e -> assertThat(e.getPrincipal()).isEqualTo("operator"));
    assertThat(events.get(0).getData()).containsEntry("process", "quote-feed").containsEntry("action", "restart")
        .containsEntry("outcome", "done");
    assertThat(events.get(5).getData()).containsEntry("outcome", "unknown action");
    assertThat(events.get(6).getData()).containsEntry("process", "no-such").containsEntry("outcome", "no such process");
    assertThat(VigilEndpoint.auditType("disable-supervision")).isEqualTo("VIGIL_DISABLE_SUPERVISION");
  }

  private List<AuditEvent> vigilAudits() {
    return audit.find(null, null, null).stream().filter(e -> e.getType().startsWith("VIGIL_")).toList();
  }

  HttpResponse<String> post(String path, String user) throws Exception {
    return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.noBody()), user);
  }

  HttpResponse<String> send(HttpRequest.Builder request, String user) throws Exception {
    if (user != null) {
      request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":secret").getBytes(StandardCharsets.UTF_8)));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    /** Anyone may read; only an OPERATOR may write. */
    @Bean
    SecurityFilterChain actuator(HttpSecurity http) throws Exception {
      return http.authorizeHttpRequests(a -> a.requestMatchers(HttpMethod.GET, "/actuator/**").permitAll()
              .requestMatchers(HttpMethod.POST, "/actuator/vigil/**").hasRole("OPERATOR").requestMatchers("/error").permitAll()
              .anyRequest().denyAll())
          .httpBasic(Customizer.withDefaults()).csrf(c -> c.disable()).build();
    }

    @Bean
    InMemoryUserDetailsManager users() {
      return new InMemoryUserDetailsManager(
          User.withUsername("operator").password("{noop}secret").roles("OPERATOR").build(),
          User.withUsername("viewer").password("{noop}secret").roles("VIEWER").build());
    }

    @Bean
    InMemoryAuditEventRepository auditEvents() {
      return new InMemoryAuditEventRepository();
    }
  }
}
