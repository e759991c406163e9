package io.github.vigil.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.spring.boot.testing.Children;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * What the health of a process means, on a real Spring context with real processes (the starter
 * README's health table): a critical process in a crash loop goes DOWN once it has been unavailable
 * for longer than {@code vigil.health.down-after}, however many restarts its policy allows; one
 * stopped on request is OUT_OF_SERVICE; a critical attachment that matches nothing goes DOWN and
 * comes back UP when its process appears.
 */
@Timeout(90)
@EnabledOnOs(OS.LINUX) // sh, sleep, /proc
class HealthMeaningTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final String marker = Long.toString(6_000_000 + ProcessHandle.current().pid() % 1_000_000);

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(VigilAutoConfiguration.class, VigilHealthContributorAutoConfiguration.class,
          HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
      .withPropertyValues("management.endpoint.health.show-details=always", "vigil.lifecycle.start-timeout=0s",
          "vigil.defaults.stop.timeout=5s");

  private final List<Process> outsiders = new ArrayList<>();

  @AfterEach
  void nothingLeft() throws Exception {
    for (Process p : outsiders) {
      p.destroyForcibly().waitFor();
    }
    assertThat(Children.eventually(WAIT, () -> Children.sleepers(marker).isEmpty())).as("sleepers left behind").isTrue();
  }

  @Test
  void aCriticalProcessInACrashLoopIsDownOnceUnavailableForLongerThanDownAfter() {
    runner.withPropertyValues(
        "vigil.health.down-after=3s",
        // dies at once on every run, within its startup grace: BACKOFF, STARTING, BACKOFF, ... never FAILED
        "vigil.processes.quote-feed.command=sh,-c,echo 'bind: Address already in use' >&2; exit 1",
        "vigil.processes.quote-feed.critical=true",
        "vigil.processes.quote-feed.startup-grace=500ms",
        "vigil.processes.quote-feed.restart.max-restarts=1000",
        "vigil.processes.quote-feed.restart.backoff.initial-delay=50ms",
        "vigil.processes.quote-feed.restart.backoff.max-delay=200ms").run(context -> {
          assertThat(context).hasNotFailed();
          HealthEndpoint health = context.getBean(HealthEndpoint.class);
          ProcessController feed = context.getBean(Supervisor.class).controller("quote-feed").orElseThrow();
          List<Status> seen = new ArrayList<>();
          assertThat(Children.eventually(WAIT, () -> {
            IndicatedHealthDescriptor c = (IndicatedHealthDescriptor) health.healthForPath("vigil", "quote-feed");
            Map<String, Object> details = c.getDetails();
            double unavailable = ((Number) details.get("unavailableForSeconds")).doubleValue();
            // whatever the moment: DOWN exactly when unavailable for longer than down-after (and
            // OUT_OF_SERVICE only in the instant before the lifecycle's start reached the supervisor)
            Status expected = "STOPPED".equals(details.get("state")) ? Status.OUT_OF_SERVICE : unavailable > 3 ? Status.DOWN : Status.UNKNOWN;
            assertThat(c.getStatus()).as("%s", details).isEqualTo(expected);
            seen.add(c.getStatus());
            return c.getStatus() == Status.DOWN;
          })).as("feed: %s", feed.status()).isTrue();
          assertThat(feed.status().state()).isNotEqualTo(ProcessState.FAILED).isNotEqualTo(ProcessState.RUNNING);
          assertThat(feed.status().restarts()).isPositive();
          assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
          IndicatedHealthDescriptor down = (IndicatedHealthDescriptor) health.healthForPath("vigil", "quote-feed");
          assertThat(down.getDetails()).containsEntry("critical", true).containsEntry("downAfter", "3.00 s");
          assertThat((String) down.getDetails().get("unavailableFor")).matches("\\d+(\\.\\d+)? s");
        });
  }

  @Test
  void aCriticalProcessStoppedOnRequestIsOutOfServiceAndUpAgainWhenStarted() {
    runner.withPropertyValues("vigil.processes.order-gateway.command=sleep," + marker, "vigil.processes.order-gateway.critical=true",
        "vigil.processes.order-gateway.startup-grace=0s", "vigil.processes.other.command=sleep," + marker,
        "vigil.processes.other.startup-grace=0s").run(context -> {
          HealthEndpoint health = context.getBean(HealthEndpoint.class);
          Supervisor supervisor = context.getBean(Supervisor.class);
          ProcessController gateway = supervisor.controller("order-gateway").orElseThrow();
          ProcessController other = supervisor.controller("other").orElseThrow();
          assertThat(Children.eventually(WAIT, () -> health.health().getStatus() == Status.UP)).isTrue();

          gateway.stop(WAIT);
          other.stop(WAIT);
          assertThat(health.healthForPath("vigil", "order-gateway").getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
          // a process that is not critical never changes the application's status
          assertThat(health.healthForPath("vigil", "other").getStatus()).isEqualTo(Status.UNKNOWN);
          assertThat(health.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);

          gateway.start(WAIT);
          other.start(WAIT);
          assertThat(health.healthForPath("vigil", "order-gateway").getStatus()).isEqualTo(Status.UP);
          assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        });
  }

  @Test
  void aCriticalProcessStoppedByItsGroupsRestartIsNotOutOfService() {
    runner.withConfiguration(AutoConfigurations.of(VigilGroupAutoConfiguration.class)).withPropertyValues(
        "vigil.processes.quote-feed.command=sleep," + marker, "vigil.processes.quote-feed.startup-grace=0s",
        // the feed comes back after 4 s: its REST_FOR_ONE sibling stays stopped by the group until then
        "vigil.processes.quote-feed.restart.backoff.initial-delay=4s", "vigil.processes.quote-feed.restart.backoff.max-delay=4s",
        "vigil.processes.order-gateway.command=sleep," + marker, "vigil.processes.order-gateway.critical=true",
        "vigil.processes.order-gateway.startup-grace=0s",
        "vigil.groups.desk.strategy=rest-for-one", "vigil.groups.desk.children=quote-feed,order-gateway").run(context -> {
          assertThat(context).hasNotFailed();
          HealthEndpoint health = context.getBean(HealthEndpoint.class);
          Supervisor supervisor = context.getBean(Supervisor.class);
          ProcessController feed = supervisor.controller("quote-feed").orElseThrow();
          ProcessController gateway = supervisor.controller("order-gateway").orElseThrow();
          assertThat(Children.eventually(WAIT, () -> health.health().getStatus() == Status.UP
              && gateway.status().state() == ProcessState.RUNNING)).isTrue();
          java.util.concurrent.BlockingQueue<io.github.vigil.SupervisorEvent.StateChanged> stops = new java.util.concurrent.LinkedBlockingQueue<>();
          try (AutoCloseable sub = supervisor.subscribe(e -> {
            if (e instanceof io.github.vigil.SupervisorEvent.StateChanged sc && sc.process().equals("order-gateway")
                && (sc.to() == ProcessState.STOPPING || sc.to() == ProcessState.STOPPED)) {
              stops.add(sc);
            }
          })) {
            ProcessHandle.of(feed.status().pid()).orElseThrow().destroyForcibly();
            io.github.vigil.SupervisorEvent.StateChanged stopping = stops.poll(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertThat(stopping).as("the group stops the gateway").isNotNull();
            assertThat(stopping.to()).isEqualTo(ProcessState.STOPPING);
            assertThat(stopping.origin()).isEqualTo(io.github.vigil.Origin.POLICY);
            assertThat(stops.poll(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).as("stopped").isNotNull();
            assertThat(supervisor.awaitIdle(WAIT)).as("every listener, the health's too, heard it").isTrue();
            Status during = health.healthForPath("vigil", "order-gateway").getStatus();
            Status overall = health.health().getStatus();
            assertThat(gateway.status().state()).as("still stopped by the group while health was read").isEqualTo(ProcessState.STOPPED);
            assertThat(during).as("stopped by its group, to be started again: unavailable, not out of service").isEqualTo(Status.UNKNOWN);
            assertThat(overall).isEqualTo(Status.UP);
          }
          assertThat(Children.eventually(WAIT, () -> health.healthForPath("vigil", "order-gateway").getStatus() == Status.UP)).isTrue();
          // its last run's end says who stopped it: not "on request"
          assertThat(gateway.status().lastExit().message()).startsWith("stopped by supervision: group desk (REST_FOR_ONE)");
        });
  }

  /**
   * A group that gave up (FAILED) stops its members for good: a critical one is DOWN at once, as a FAILED process is.
   * It read UNKNOWN for down-after (30 s), as a sibling stopped to be restarted does (found by a black-box run).
   */
  @Test
  void aCriticalProcessOfAGroupThatGaveUpIsDownAtOnce() {
    runner.withConfiguration(AutoConfigurations.of(VigilGroupAutoConfiguration.class)).withPropertyValues(
        "vigil.health.down-after=1h",
        "vigil.processes.quote-feed.command=sleep," + marker, "vigil.processes.quote-feed.startup-grace=0s",
        "vigil.processes.quote-feed.restart.backoff.initial-delay=0s", "vigil.processes.quote-feed.restart.backoff.max-delay=0s",
        "vigil.processes.order-gateway.command=sleep," + marker, "vigil.processes.order-gateway.critical=true",
        "vigil.processes.order-gateway.startup-grace=0s",
        "vigil.groups.desk.strategy=rest-for-one", "vigil.groups.desk.children=quote-feed,order-gateway",
        "vigil.groups.desk.intensity.max-restarts=0").run(context -> {
          assertThat(context).hasNotFailed();
          HealthEndpoint health = context.getBean(HealthEndpoint.class);
          Supervisor supervisor = context.getBean(Supervisor.class);
          ProcessController feed = supervisor.controller("quote-feed").orElseThrow();
          ProcessController gateway = supervisor.controller("order-gateway").orElseThrow();
          assertThat(Children.eventually(WAIT, () -> health.health().getStatus() == Status.UP
              && gateway.status().state() == ProcessState.RUNNING)).isTrue();
          ProcessHandle.of(feed.status().pid()).orElseThrow().destroyForcibly(); // past the intensity at once: the group gives up
          assertThat(Children.eventually(WAIT, () -> supervisor.group("desk").orElseThrow().state() == io.github.vigil.GroupState.FAILED
              && gateway.status().state() == ProcessState.STOPPED)).as("%s", supervisor.group("desk").orElseThrow().state()).isTrue();
          assertThat(supervisor.awaitIdle(WAIT)).isTrue();
          assertThat(health.healthForPath("vigil", "order-gateway").getStatus()).as("down-after is an hour: DOWN at once").isEqualTo(Status.DOWN);
          assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
        });
  }

  @Test
  void aCriticalAttachmentIsDownWhileNothingMatchesAndUpWhenItsProcessAppears(@TempDir Path dir) throws Exception {
    Path pidFile = dir.resolve("md-recorder.pid");
    runner.withPropertyValues("vigil.health.down-after=1s", "vigil.attach.md-recorder.pid-file=" + pidFile,
        "vigil.attach.md-recorder.rescan-interval=100ms", "vigil.health.critical-processes=md-recorder",
        "vigil.attach.spare.pid-file=" + dir.resolve("spare.pid"), "vigil.attach.spare.critical=true").run(context -> {
          assertThat(context).hasNotFailed();
          HealthEndpoint health = context.getBean(HealthEndpoint.class);
          assertThat(Children.eventually(WAIT, () -> health.healthForPath("vigil", "md-recorder").getStatus() == Status.DOWN)).isTrue();
          IndicatedHealthDescriptor down = (IndicatedHealthDescriptor) health.healthForPath("vigil", "md-recorder");
          assertThat(down.getDetails()).containsEntry("state", "NOT_FOUND").containsEntry("critical", true);
          assertThat((String) down.getDetails().get("message")).contains(pidFile.toString());
          assertThat(Children.eventually(WAIT, () -> health.healthForPath("vigil", "spare").getStatus() == Status.DOWN)).isTrue();
          assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);

          Process recorder = new ProcessBuilder("sleep", marker).start();
          outsiders.add(recorder);
          Files.writeString(pidFile, recorder.pid() + "\n");
          assertThat(Children.eventually(WAIT, () -> health.healthForPath("vigil", "md-recorder").getStatus() == Status.UP)).isTrue();
          assertThat(((IndicatedHealthDescriptor) health.healthForPath("vigil", "md-recorder")).getDetails())
              .containsEntry("pids", List.of(recorder.pid()));
        });
  }
}
