package io.github.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.testing.Processes;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway JVM ({@link KilledAlertingMain}) whose process fails and is not restarted tells a webhook (a real HTTP server
 * on loopback) that CRASHED and NOT_RUNNING fire, and is killed with SIGKILL: nothing of it is closed. The next
 * {@link Alerting} on the same state directory, in this JVM, supervises the process again: the webhook hears the old
 * alerts resolve once the process runs, and hears no new FIRING of them while the process still fails. Before the state
 * directory, alerts lived in memory only and the webhook showed them firing for ever.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
@Timeout(120)
class AlertsAfterJvmKillTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Set<String> BOTH = Set.of("VigilProcessCrashed", "VigilProcessNotRunning");
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  /** The rules of both JVMs: short waits, so that the test is quick. */
  static AlertRules rules() {
    return AlertRules.of(RuleConfig.defaults().withNotRunningGrace(Duration.ofMillis(300)).withStableAfter(Duration.ofMillis(500)));
  }

  /** The pipeline of both JVMs: one route, {@code ops}, notified at once; a failed delivery is tried twice, 100 ms apart. */
  static NotificationPipeline pipeline(NotificationSink... sinks) {
    Route.Builder r = Route.builder("ops").groupWait(Duration.ZERO).groupInterval(Duration.ofMillis(100))
        .repeatInterval(Duration.ofHours(1));
    for (NotificationSink s : sinks) {
      r.sink(s);
    }
    return NotificationPipeline.builder().retry(new RetryPolicy(2, Duration.ofMillis(100), 2, Duration.ofSeconds(1)))
        .route(r.build()).build();
  }

  @Test
  void theAlertsOfAKilledJvmResolveAtTheWebhookOnceTheNextOneFindsTheProcessRunning() throws Exception {
    try (LocalHttpServer hook = new LocalHttpServer()) {
      Path state = dir.resolve("state");
      runAndKill(hook, state);
      Map<String, String> killedStart = new java.util.HashMap<>();
      alerts(hook.requests()).forEach(a -> killedStart.put(a.get("fingerprint").asText(), a.get("startsAt").asText()));

      RecordingSink added = new RecordingSink("added"); // a sink of the route that the killed JVM's route did not have
      Supervisor sup = Supervisor.builder().name("restarted-gateway").backend("jdk").build();
      NotificationPipeline pipeline = pipeline(WebhookSink.builder("hook", hook.uri("/restarted")).build(), added);
      Alerting alerting = Alerting.builder(sup).rules(rules()).listener(pipeline).noAnomalies().sampleInterval(Duration.ZERO)
          .stateDirectory(state).build();
      try {
        sup.register(ProcessSpec.builder("feed").command("sleep", "600").restartPolicy(RestartPolicy.never()).build());
        sup.controller("feed").orElseThrow().start();

        List<LocalHttpServer.Request> heard = hook.await(rs -> names(restarted(rs), "resolved").containsAll(BOTH), WAIT);
        // each notification tells of a resolution; CRASHED, still firing when NOT_RUNNING resolved, is listed in that one as
        // its group's firing alert, as it would have been in the killed JVM: the same alert (its start), not a new one
        for (LocalHttpServer.Request r : restarted(heard)) {
          assertThat(alerts(List.of(r))).as(r.body()).anyMatch(a -> a.get("status").asText().equals("resolved"));
        }
        assertThat(alerts(restarted(heard))).filteredOn(a -> a.get("status").asText().equals("firing"))
            .allMatch(a -> a.get("startsAt").asText().equals(killedStart.get(a.get("fingerprint").asText())));
        List<JsonNode> since = alerts(restarted(heard)).stream().filter(a -> a.get("status").asText().equals("resolved")).toList();
        assertThat(since).hasSize(2);
        for (JsonNode a : since) {
          assertThat(a.at("/labels/process").asText()).isEqualTo("feed");
          assertThat(a.at("/annotations/description").asText()).as("%s", a).endsWith("after a restart of the supervising JVM");
        }
        JsonNode notRunning = since.stream().filter(a -> a.at("/labels/alertname").asText().equals("VigilProcessNotRunning"))
            .findFirst().orElseThrow();
        assertThat(notRunning.at("/annotations/description").asText()).contains("running again");
      } finally {
        sup.close();
        alerting.close();
        pipeline.close(); // sends what waits: a RESOLVED for the added sink would be sent by now
      }
      // the added sink hears the group's next notifications (CRASHED, firing still when NOT_RUNNING resolved, then its
      // resolution), but never of NOT_RUNNING: it was not told that one fired
      assertThat(added.sent()).flatExtracting(Notification::alerts).extracting(Alert::key).doesNotContain("feed/NOT_RUNNING");
      for (LocalHttpServer.Request r : restarted(hook.requests())) {
        assertThat(alerts(List.of(r))).as(r.body()).anyMatch(a -> a.get("status").asText().equals("resolved"));
      }
      assertThat(AlertState.read(state.resolve(AlertState.FILE_NAME))).as("nothing left to resolve").isEmpty();
    }
  }

  @Test
  void anAlertThatStillHoldsAfterTheRestartIsTakenUpWithoutANewFiring() throws Exception {
    try (LocalHttpServer hook = new LocalHttpServer()) {
      Path state = dir.resolve("state");
      runAndKill(hook, state);

      Supervisor sup = Supervisor.builder().name("restarted-gateway").backend("jdk").build();
      NotificationPipeline pipeline = pipeline(WebhookSink.builder("hook", hook.uri("/restarted")).build());
      Alerting alerting = Alerting.builder(sup).rules(rules()).listener(pipeline).noAnomalies().sampleInterval(Duration.ZERO)
          .stateDirectory(state).build();
      try {
        sup.register(ProcessSpec.builder("feed").command("sh", "-c", "exit 3").restartPolicy(RestartPolicy.never()).build());
        sup.controller("feed").orElseThrow().start();
        // both fire again here: it crashed again, and is not running a grace later
        assertThat(Processes.eventually(WAIT, () -> alerting.firing().stream().filter(a -> a.occurrences() == 2).count() == 2))
            .as("firing %s", alerting.firing()).isTrue();
        assertThat(alerting.firing()).extracting(Alert::key).containsExactlyInAnyOrder("feed/CRASHED", "feed/NOT_RUNNING");

        // a later change of the same group: its notification comes after any FIRING the two would have made
        sup.remove("feed").toCompletableFuture().get();
        List<LocalHttpServer.Request> heard = hook.await(rs -> names(restarted(rs), "resolved").containsAll(BOTH), WAIT);
        // each notification since the restart comes of a resolution, none of the two firing again. One may list CRASHED
        // as firing beside NOT_RUNNING resolved, when the two resolutions fall in separate flushes of the group (the
        // group's alerts go together, as Alertmanager's do; CI saw it): that is the group's state, not a new FIRING
        for (LocalHttpServer.Request r : restarted(heard)) {
          assertThat(alerts(List.of(r))).as("no new FIRING for alerts the webhook was told fire: %s", r.body())
              .anyMatch(a -> a.get("status").asText().equals("resolved"));
        }
        List<JsonNode> resolved = alerts(restarted(heard)).stream().filter(a -> a.get("status").asText().equals("resolved")).toList();
        assertThat(resolved).extracting(a -> a.at("/labels/alertname").asText()).containsAll(BOTH);
        assertThat(resolved).allMatch(a -> a.at("/annotations/occurrences").asText().equals("2"));
        assertThat(resolved).allMatch(a -> a.at("/annotations/description").asText().contains("stopped on purpose (api)")
            && a.at("/annotations/description").asText().endsWith(", after a restart of the supervising JVM"));
      } finally {
        sup.close();
        alerting.close();
        pipeline.close();
      }
      for (LocalHttpServer.Request r : restarted(hook.requests())) {
        assertThat(alerts(List.of(r))).as(r.body()).anyMatch(a -> a.get("status").asText().equals("resolved"));
      }
      assertThat(AlertState.read(state.resolve(AlertState.FILE_NAME))).isEmpty();
    }
  }

  /**
   * The webhook is down while the killed JVM's alerts fire: it never accepts a FIRING (each delivery is given up after
   * its retries), so the state file must not say it was told they fire, and the next JVM, finding the process running,
   * must not send it the RESOLVED of alerts it never had. Found by a black-box trial: {@code alerts.state} was written
   * when a notification was admitted, not when it was delivered, and the next JVM resolved at the webhook what it never
   * heard fire.
   */
  @Test
  void alertsWhoseFiringTheWebhookNeverAcceptedAreNotResolvedThereAfterTheKill() throws Exception {
    try (LocalHttpServer hook = new LocalHttpServer()) {
      Path state = dir.resolve("state");
      Path file = state.resolve(AlertState.FILE_NAME);
      hook.answer(503, "down for maintenance");
      Process jvm = startKilledJvm(hook, state, "gave-up");
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).as("the killed JVM's log: %s", killedLog()).isEqualTo("READY");
        assertThat(out.readLine()).as("the killed JVM's log: %s", killedLog()).isEqualTo("GAVE_UP");
        assertThat(names(hook.requests(), "firing")).contains("VigilProcessCrashed"); // it was sent, and refused
        // before: both, told to ops/hook, written as the notifications were admitted
        assertThat(AlertState.read(file)).as("%s", Files.exists(file) ? Files.readString(file) : "no file").isEmpty();
        jvm.destroyForcibly(); // SIGKILL
        jvm.waitFor();
      } finally {
        jvm.destroyForcibly();
      }
      hook.answer(200, "ok");

      Supervisor sup = Supervisor.builder().name("restarted-gateway").backend("jdk").build();
      NotificationPipeline pipeline = pipeline(WebhookSink.builder("hook", hook.uri("/restarted")).build());
      Alerting alerting = Alerting.builder(sup).rules(rules()).listener(pipeline).noAnomalies().sampleInterval(Duration.ZERO)
          .stateDirectory(state).build();
      try {
        sup.register(ProcessSpec.builder("feed").command("sleep", "600").restartPolicy(RestartPolicy.never()).build());
        sup.controller("feed").orElseThrow().start();
        // a process of this JVM that fails: the webhook hears its alert fire, so it hears this JVM
        sup.register(ProcessSpec.builder("probe").command("sh", "-c", "exit 3").restartPolicy(RestartPolicy.never()).build());
        sup.controller("probe").orElseThrow().start();
        hook.await(rs -> alerts(restarted(rs)).stream().anyMatch(a -> a.at("/labels/process").asText().equals("probe")), WAIT);
      } finally {
        sup.close();      // stops feed and probe on purpose: what fires of them resolves
        alerting.close();
        pipeline.close(); // and is sent: after this, the webhook has heard all this JVM would tell it
      }
      assertThat(pipeline.stats().sinks().get("hook").dropped()).isZero();
      List<JsonNode> heard = alerts(restarted(hook.requests()));
      // before: "feed" CRASHED and NOT_RUNNING resolved "after a restart of the supervising JVM", never heard firing
      assertThat(heard).as("what the webhook heard of feed from this JVM")
          .noneMatch(a -> a.at("/labels/process").asText().equals("feed"));
      assertThat(AlertState.read(file)).isEmpty();
    }
  }

  private Process startKilledJvm(LocalHttpServer hook, Path state, String... more) throws java.io.IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(java.toString(), "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", System.getProperty("java.class.path"),
        KilledAlertingMain.class.getName(), state.toString(), hook.uri("/killed").toString()));
    command.addAll(List.of(more));
    return new ProcessBuilder(command).redirectError(dir.resolve("killed-jvm.log").toFile()).start();
  }

  private String killedLog() throws java.io.IOException {
    Path log = dir.resolve("killed-jvm.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  /**
   * Runs {@link KilledAlertingMain} until the webhook heard CRASHED and NOT_RUNNING fire and its state file says so, then
   * kills it with SIGKILL.
   */
  private void runAndKill(LocalHttpServer hook, Path state) throws Exception {
    Process jvm = startKilledJvm(hook, state);
    try {
      String ready = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8)).readLine();
      assertThat(ready).as("the killed JVM's log: %s", killedLog()).isEqualTo("READY");
      List<LocalHttpServer.Request> heard = hook.await(rs -> names(rs, "firing").containsAll(BOTH), WAIT);
      Path file = state.resolve(AlertState.FILE_NAME);
      assertThat(Processes.eventually(WAIT, () -> AlertState.read(file).stream().map(r -> r.alert().key()).collect(Collectors.toSet())
          .equals(Set.of("feed/CRASHED", "feed/NOT_RUNNING")))).as("%s", Files.exists(file) ? Files.readString(file) : "no file").isTrue();
      assertThat(AlertState.read(file)).allMatch(r -> r.told().equals(Map.of("ops", Set.of("hook"))));
      jvm.destroyForcibly(); // SIGKILL: nothing closes, nothing resolves
      jvm.waitFor();
      assertThat(alerts(hook.requests())).filteredOn(a -> a.get("status").asText().equals("resolved")).isEmpty();
    } finally {
      jvm.destroyForcibly();
    }
  }

  /** The requests of the JVM after the kill (this one's): the killed one's may still come in. */
  private static List<LocalHttpServer.Request> restarted(List<LocalHttpServer.Request> rs) {
    return rs.stream().filter(r -> r.path().equals("/restarted")).toList();
  }

  private static List<JsonNode> alerts(List<LocalHttpServer.Request> rs) {
    List<JsonNode> out = new ArrayList<>();
    for (LocalHttpServer.Request r : rs) {
      try {
        JSON.readTree(r.body()).get("alerts").forEach(out::add);
      } catch (java.io.IOException e) {
        throw new AssertionError(r.body(), e);
      }
    }
    return out;
  }

  /** The alert names of {@code status} ("firing", "resolved") in {@code rs}. */
  private static Set<String> names(List<LocalHttpServer.Request> rs, String status) {
    return alerts(rs).stream().filter(a -> a.get("status").asText().equals(status))
        .map(a -> a.at("/labels/alertname").asText()).collect(Collectors.toSet());
  }
}
