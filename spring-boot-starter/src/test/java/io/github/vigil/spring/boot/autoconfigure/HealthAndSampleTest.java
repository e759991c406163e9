package io.github.vigil.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.AttachState;
import io.github.vigil.HealthState;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.linux.LinuxBackendProvider;
import io.github.vigil.spring.boot.actuate.VigilEndpoint;
import io.github.vigil.spring.boot.actuate.VigilEndpoint.AttachedDescriptor;
import io.github.vigil.spring.boot.actuate.VigilEndpoint.CheckDescriptor;
import io.github.vigil.spring.boot.actuate.VigilEndpoint.ProcessDescriptor;
import io.github.vigil.spring.boot.actuate.VigilEndpoint.SampleDescriptor;
import io.github.vigil.spring.boot.testing.Children;
import io.github.vigil.spring.boot.testing.TcpService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * Health checks, samples and attachments against real processes on the Linux backend: a real TCP
 * check gates a dependent and, when the service stops listening, takes the application's health
 * DOWN; the endpoint shows each check's last result and a /proc sample; an attachment by pattern
 * finds a process the test started itself; closing the context leaves no child.
 */
@Timeout(90)
@EnabledOnOs(OS.LINUX) // the Linux backend, its /proc sampler, sleep
class HealthAndSampleTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  /** A number no other test uses, so `sleep <marker>` finds this test's processes only. */
  private final String marker = Long.toString(8_000_000 + ProcessHandle.current().pid() % 1_000_000);

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(VigilAutoConfiguration.class, VigilEndpointAutoConfiguration.class,
          VigilHealthContributorAutoConfiguration.class, HealthContributorAutoConfiguration.class,
          HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
      .withPropertyValues("management.endpoints.web.exposure.include=vigil,health", "management.endpoint.health.show-details=always");

  private final List<Process> outsiders = new ArrayList<>();

  @AfterEach
  void nothingLeft() throws Exception {
    for (Process p : outsiders) {
      p.destroyForcibly().waitFor();
    }
    assertThat(Children.eventually(WAIT, () -> Children.sleepers(marker).isEmpty())).as("sleepers left behind").isTrue();
  }

  @Test
  void theSupervisorRunsOnTheLinuxBackendWhenItIsPresent() {
    assumeTrue(new LinuxBackendProvider().isAvailable(), "the Linux backend is not available on this kernel");
    runner.run(context -> assertThat(context.getBean(Supervisor.class).backendName()).isEqualTo("linux"));
    runner.withPropertyValues("vigil.backend=jdk")
        .run(context -> assertThat(context.getBean(Supervisor.class).backendName()).isEqualTo("jdk"));
  }

  @Test
  void aTcpCheckGatesItsDependentAndTakesHealthDownWhenTheServiceStopsListening(@TempDir Path dir) throws Exception {
    assumeTrue(new LinuxBackendProvider().isAvailable(), "the Linux backend is not available on this kernel");
    int port = freePort();
    Path stopListening = dir.resolve("stop-listening");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Long> pids = new ArrayList<>();
    runner.withPropertyValues(
        "vigil.defaults.startup-grace=0s",
        "vigil.defaults.stop.timeout=5s",
        "vigil.processes.quote-feed.command=" + String.join(",", java, "-cp", System.getProperty("java.class.path"),
            TcpService.class.getName(), Integer.toString(port), stopListening.toString()),
        "vigil.processes.quote-feed.critical=true",
        "vigil.processes.quote-feed.health-checks[0].kind=tcp",
        "vigil.processes.quote-feed.health-checks[0].name=feed-port",
        "vigil.processes.quote-feed.health-checks[0].host=127.0.0.1",
        "vigil.processes.quote-feed.health-checks[0].port=" + port,
        "vigil.processes.quote-feed.health-checks[0].interval=200ms",
        "vigil.processes.quote-feed.health-checks[0].failure-threshold=2",
        "vigil.processes.quote-feed.health-checks[0].start-period=20s", // the JVM's start-up; ends at the first pass
        "vigil.processes.quote-feed.health-checks[0].action=notify",    // report only: the test watches it stay UNHEALTHY
        "vigil.processes.order-gateway.command=sleep," + marker,
        "vigil.processes.order-gateway.depends-on.quote-feed=healthy").run(context -> {
          assertThat(context).hasNotFailed();
          Supervisor supervisor = context.getBean(Supervisor.class);
          assertThat(supervisor.backendName()).isEqualTo("linux");
          ProcessController feed = supervisor.controller("quote-feed").orElseThrow();
          ProcessController gateway = supervisor.controller("order-gateway").orElseThrow();
          assertThat(Children.eventually(WAIT, () -> gateway.status().state() == ProcessState.RUNNING)).isTrue();
          pids.add(feed.status().pid());
          pids.add(gateway.status().pid());

          // the gateway started only once the feed's check had passed
          Instant firstPass = feed.health().check("feed-port").orElseThrow().recent().stream().filter(r -> r.passed())
              .map(r -> r.at()).findFirst().orElseThrow();
          assertThat(gateway.history().get(0).startedAt()).isAfterOrEqualTo(firstPass);
          assertThat(feed.status().health()).isEqualTo(HealthState.HEALTHY);

          HealthEndpoint health = context.getBean(HealthEndpoint.class);
          assertThat(health.health().getStatus()).isEqualTo(Status.UP);

          VigilEndpoint endpoint = context.getBean(VigilEndpoint.class);
          ProcessDescriptor described = (ProcessDescriptor) endpoint.process("quote-feed");
          assertThat(described.health()).isEqualTo("HEALTHY");
          CheckDescriptor check = described.healthReport().healthChecks().get(0);
          assertThat(check.name()).isEqualTo("feed-port");
          assertThat(check.state()).isEqualTo("HEALTHY");
          assertThat(check.last().status()).isEqualTo("PASSED");
          // the latest sample of the feed's JVM, read from /proc at the request
          SampleDescriptor sample = described.sample();
          assertThat(sample).isNotNull();
          assertThat(sample.pid()).isEqualTo(feed.status().pid());
          assertThat(sample.vanished()).isFalse();
          assertThat(sample.processes()).isEqualTo(1L);
          assertThat(sample.memoryResident()).isGreaterThan(1L << 20); // a JVM has more than 1 MiB resident
          assertThat(sample.threads()).isGreaterThan(1L);
          assertThat(sample.openFds()).isPositive();
          assertThat(sample.cpuTime()).isNotNull();

          // the service stops listening but stays alive: two failed connects make it UNHEALTHY
          Files.createFile(stopListening);
          assertThat(Children.eventually(WAIT, () -> feed.status().health() == HealthState.UNHEALTHY))
              .as("feed health: %s", feed.health()).isTrue();
          assertThat(feed.status().state()).isEqualTo(ProcessState.RUNNING);
          assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
          IndicatedHealthDescriptor component = (IndicatedHealthDescriptor) health.healthForPath("vigil", "quote-feed");
          assertThat(component.getStatus()).isEqualTo(Status.DOWN);
          assertThat(component.getDetails()).containsEntry("health", "UNHEALTHY");
          @SuppressWarnings("unchecked")
          Map<String, String> checks = (Map<String, String>) component.getDetails().get("checks");
          assertThat(checks.get("feed-port")).startsWith("UNHEALTHY, last FAILED");
          CheckDescriptor failed = ((ProcessDescriptor) endpoint.process("quote-feed")).healthReport().healthChecks().get(0);
          assertThat(failed.state()).isEqualTo("UNHEALTHY");
          assertThat(failed.last().status()).isIn("FAILED", "TIMED_OUT");
          assertThat(failed.consecutiveFailures()).isGreaterThanOrEqualTo(2);
          // the gateway is not critical: its own component stays UP
          assertThat(health.healthForPath("vigil", "order-gateway").getStatus()).isEqualTo(Status.UP);
        });
    assertThat(pids).hasSize(2).allSatisfy(pid -> assertThat(pid).isPositive());
    assertThat(Children.eventually(WAIT, () -> pids.stream().noneMatch(pid -> ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent())))
        .as("children left after the context closed: %s", pids).isTrue();
  }

  @Test
  void anAttachmentByPatternIsShownWithItsProcessAndSample() throws Exception {
    assumeTrue(new LinuxBackendProvider().isAvailable(), "the Linux backend is not available on this kernel");
    // a process the application did not start: started here, found by its command line
    Process outsider = new ProcessBuilder("sleep", marker).start();
    outsiders.add(outsider);
    runner.withPropertyValues(
        "vigil.attach.recorder.command-line=^(\\S*/)?sleep " + marker + "$",
        "vigil.attach.recorder.labels.type=QUOTE",
        "vigil.attach.recorder.labels.account=001",
        "vigil.attach.recorder.labels.venue=XLON",
        "vigil.attach.recorder.rescan-interval=100ms").run(context -> {
          assertThat(context).hasNotFailed();
          Supervisor supervisor = context.getBean(Supervisor.class);
          assertThat(Children.eventually(WAIT, () -> supervisor.attached("recorder").map(a -> a.status().state() == AttachState.RUNNING)
              .orElse(false))).as("attached: %s", supervisor.attachedProcesses()).isTrue();
          VigilEndpoint endpoint = context.getBean(VigilEndpoint.class);
          AttachedDescriptor recorder = endpoint.processes().attached().get(0);
          assertThat(recorder.name()).isEqualTo("recorder");
          assertThat(recorder.state()).isEqualTo("RUNNING");
          assertThat(recorder.processes()).singleElement().satisfies(m -> assertThat(m.pid()).isEqualTo(outsider.pid()));
          assertThat(recorder.labels()).containsEntry("type", "QUOTE").containsEntry("account", "001").containsEntry("venue", "XLON");
          assertThat(recorder.allowSignals()).isFalse();
          assertThat(recorder.sample()).isNotNull();
          assertThat(recorder.sample().memoryResident()).isPositive();
          assertThat(endpoint.process("recorder")).isInstanceOf(AttachedDescriptor.class);

          outsider.destroyForcibly().waitFor();
          assertThat(Children.eventually(WAIT, () -> supervisor.attached("recorder").orElseThrow().status().state() == AttachState.STOPPED))
              .isTrue();
          assertThat(((AttachedDescriptor) endpoint.process("recorder")).exits()).isEqualTo(1);
        });
  }

  @Test
  void closingTheContextDetachesAndLeavesAttachedProcessesAlone() throws Exception {
    Process outsider = new ProcessBuilder("sleep", marker).start();
    outsiders.add(outsider);
    runner.withPropertyValues("vigil.attach.recorder.pid=" + outsider.pid()).run(context -> {
      Supervisor supervisor = context.getBean(Supervisor.class);
      assertThat(Children.eventually(WAIT, () -> supervisor.attached("recorder").orElseThrow().status().state() == AttachState.RUNNING))
          .isTrue();
    });
    assertThat(outsider.isAlive()).as("an attached process is never stopped").isTrue();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
