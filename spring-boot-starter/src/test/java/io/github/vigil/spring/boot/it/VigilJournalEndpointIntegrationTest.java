package io.github.vigil.spring.boot.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.journal.Journal;
import io.github.vigil.spring.boot.testing.Children;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The journal in a real Spring Boot application (Tomcat on a random loopback port): {@code vigil.journal.*}
 * records a real process that crashes, and {@code /actuator/vigil/{name}/restarts?period=7d} and
 * {@code /history} report it.
 */
@SpringBootTest(classes = VigilJournalEndpointIntegrationTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
        "server.address=127.0.0.1",
        "management.endpoints.web.exposure.include=vigil",
        "vigil.defaults.startup-grace=100ms",
        "vigil.processes.flaky.command=/bin/sh,-c,echo 'flaky: config missing' >&2; sleep 0.3; exit 3",
        "vigil.processes.flaky.restart.max-restarts=1",
        "vigil.processes.flaky.restart.backoff.initial-delay=0s",
        "vigil.processes.flaky.restart.backoff.max-delay=0s",
        "vigil.journal.enabled=true",
        "vigil.journal.batch-interval=100ms",
        "vigil.journal.snapshot-interval=0s"})
@DirtiesContext
@Timeout(60)
@EnabledOnOs(OS.LINUX)
class VigilJournalEndpointIntegrationTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();

  @DynamicPropertySource
  static void journalFile(DynamicPropertyRegistry registry) throws Exception {
    // under the module's build directory: deleteOnExit() of a directory holding the journal did nothing, and one was
    // left in the system's temporary directory per run
    Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "vigil-journal-it");
    registry.add("vigil.journal.url", () -> "jdbc:sqlite:" + dir.resolve("journal.db"));
  }

  @LocalServerPort
  int port;

  @Autowired
  Supervisor supervisor;

  @Autowired
  Journal journal;

  @Test
  void restartsAndHistoryOfAProcessFromTheJournal() throws Exception {
    assertThat(Children.eventually(WAIT, () -> supervisor.controller("flaky").orElseThrow().status().state() == ProcessState.FAILED)).isTrue();
    HttpResponse<String> restarts = get("/actuator/vigil/flaky/restarts?period=7d");
    assertThat(restarts.statusCode()).as(restarts.body()).isEqualTo(200);
    assertThat(JsonPath.<Integer>read(restarts.body(), "$.total")).isEqualTo(1);
    assertThat(JsonPath.<List<String>>read(restarts.body(), "$.timeline[*].cause")).containsExactly("ERROR_EXIT");
    assertThat(JsonPath.<List<String>>read(restarts.body(), "$.timeline[*].stderrTail")).singleElement().asString()
        .contains("flaky: config missing");

    HttpResponse<String> history = get("/actuator/vigil/flaky/history?period=1h");
    assertThat(history.statusCode()).as(history.body()).isEqualTo(200);
    assertThat(JsonPath.<List<Integer>>read(history.body(), "$.runs[*].run")).containsExactly(1, 2);
    assertThat(JsonPath.<List<Integer>>read(history.body(), "$.runs[*].exitCode")).containsExactly(3, 3);

    // durations as the endpoint writes its own: as a person reads them, the seconds as a number beside (were "PT0.2S")
    assertThat(JsonPath.<List<String>>read(restarts.body(), "$.timeline[*].downtime")).singleElement().asString()
        .as(restarts.body()).matches("[0-9.]+ (ms|s)");
    assertThat(JsonPath.<List<Double>>read(restarts.body(), "$.timeline[*].downtimeSeconds")).singleElement()
        .as(restarts.body()).isInstanceOf(Number.class);
    assertThat(JsonPath.<List<String>>read(history.body(), "$.runs[*].runDuration")).as(history.body())
        .hasSize(2).allSatisfy(d -> assertThat(d).matches("[0-9.]+ (ms|s)"));
    assertThat(JsonPath.<List<Object>>read(history.body(), "$.runs[*].runDurationSeconds")).as(history.body())
        .hasSize(2).allSatisfy(d -> assertThat(d).isInstanceOf(Number.class));

    assertThat(get("/actuator/vigil/flaky/restarts?period=7x").statusCode()).isEqualTo(400);
    assertThat(get("/actuator/vigil/flaky/nonsense").statusCode()).isEqualTo(404);
    // the endpoint's own operation is still there
    assertThat(get("/actuator/vigil/flaky").statusCode()).isEqualTo(200);
    assertThat(journal.stats().eventsWritten()).isPositive();
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(WAIT).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    /** Spring Security is on this module's test class path (for VigilEndpointWriteTest); open here, reads only. */
    @Bean
    SecurityFilterChain open(HttpSecurity http) throws Exception {
      return http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).build();
    }
  }
}
