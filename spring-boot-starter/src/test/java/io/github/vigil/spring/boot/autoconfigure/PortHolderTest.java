package io.github.vigil.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.CheckResult;
import io.github.vigil.HealthState;
import io.github.vigil.ProcessController;
import io.github.vigil.Supervisor;
import io.github.vigil.linux.LinuxBackendProvider;
import io.github.vigil.spring.boot.actuate.VigilEndpoint;
import io.github.vigil.spring.boot.actuate.VigilEndpoint.ProcessDescriptor;
import io.github.vigil.spring.boot.testing.Children;
import io.github.vigil.spring.boot.testing.TcpService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * "A TCP check passes on a port another process holds": on the Linux backend, a TCP check verifies
 * that the listening socket belongs to the supervised process's tree. A real listener started by the
 * test holds the port; the supervised {@code comm-link} failed to bind it (its stderr says so) and
 * its check fails naming the holder's pid and command line, so the critical process takes health
 * DOWN. A process whose child holds its own port passes.
 */
@Timeout(90)
@EnabledOnOs(OS.LINUX)
class PortHolderTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private final String marker = Long.toString(5_000_000 + ProcessHandle.current().pid() % 1_000_000);
  private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(VigilAutoConfiguration.class, VigilEndpointAutoConfiguration.class,
          VigilHealthContributorAutoConfiguration.class, HealthContributorAutoConfiguration.class,
          HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
      .withPropertyValues("management.endpoints.web.exposure.include=vigil,health", "management.endpoint.health.show-details=always",
          "vigil.backend=linux", "vigil.defaults.startup-grace=0s", "vigil.defaults.stop.timeout=5s");

  private final List<Process> outsiders = new ArrayList<>();

  @AfterEach
  void nothingLeft() throws Exception {
    for (Process p : outsiders) {
      p.destroyForcibly().waitFor();
    }
    assertThat(Children.eventually(WAIT, () -> Children.sleepers(marker).isEmpty())).as("sleepers left behind").isTrue();
  }

  @Test
  void aTcpCheckOnAPortAnotherProcessHoldsFailsNamingTheHolder(@TempDir Path dir) throws Exception {
    assumeTrue(new LinuxBackendProvider().isAvailable(), "the Linux backend is not available on this kernel");
    int port = freePort();
    Process holder = new ProcessBuilder(java, "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", System.getProperty("java.class.path"), TcpService.class.getName(),
        Integer.toString(port), dir.resolve("never").toString()).start();
    outsiders.add(holder);
    assertThat(Children.eventually(WAIT, () -> listening(port))).as("the outsider listens on %d", port).isTrue();

    runner.withPropertyValues(
        "vigil.processes.comm-link.command=sh,-c,echo 'bind: Address already in use' >&2; exec sleep " + marker,
        "vigil.processes.comm-link.critical=true",
        "vigil.processes.comm-link.health-checks[0].kind=tcp",
        "vigil.processes.comm-link.health-checks[0].name=link-port",
        "vigil.processes.comm-link.health-checks[0].host=127.0.0.1",
        "vigil.processes.comm-link.health-checks[0].port=" + port,
        "vigil.processes.comm-link.health-checks[0].interval=1s",
        "vigil.processes.comm-link.health-checks[0].failure-threshold=1",
        "vigil.processes.comm-link.health-checks[0].action=notify").run(context -> {
          assertThat(context).hasNotFailed();
          ProcessController link = context.getBean(Supervisor.class).controller("comm-link").orElseThrow();
          assertThat(Children.eventually(WAIT, () -> link.status().health() == HealthState.UNHEALTHY
              && link.health().check("link-port").orElseThrow().last().orElseThrow().message().contains("held by")))
              .as("%s", link.health()).isTrue();
          CheckResult last = link.health().check("link-port").orElseThrow().last().orElseThrow();
          assertThat(last.message()).contains("port " + port + " on 127.0.0.1 is held by pid " + holder.pid() + " (")
              .contains(TcpService.class.getName()).contains("not by comm-link (pid " + link.status().pid() + ")");
          assertThat(context.getBean(HealthEndpoint.class).health().getStatus()).isEqualTo(Status.DOWN);
          // the endpoint shows the holder in the check's result and the bind failure in stderr
          ProcessDescriptor d = (ProcessDescriptor) context.getBean(VigilEndpoint.class).process("comm-link");
          assertThat(d.healthReport().healthChecks().get(0).last().message()).contains("held by pid " + holder.pid());
          assertThat(d.output().stderr()).contains("bind: Address already in use");
        });
  }

  @Test
  void aPortHeldByADescendantOfTheProcessPasses(@TempDir Path dir) throws Exception {
    assumeTrue(new LinuxBackendProvider().isAvailable(), "the Linux backend is not available on this kernel");
    int port = freePort();
    String service = String.join(" ", java, "-cp", System.getProperty("java.class.path"), TcpService.class.getName(),
        Integer.toString(port), dir.resolve("never").toString());
    runner.withPropertyValues(
        "vigil.processes.feed.command=sh,-c," + service + "; exit 1", // the listener is the shell's child, not the process itself
        "vigil.processes.feed.health-checks[0].kind=tcp",
        "vigil.processes.feed.health-checks[0].name=feed-port",
        "vigil.processes.feed.health-checks[0].host=127.0.0.1",
        "vigil.processes.feed.health-checks[0].port=" + port,
        "vigil.processes.feed.health-checks[0].interval=200ms",
        "vigil.processes.feed.health-checks[0].start-period=20s").run(context -> {
          ProcessController feed = context.getBean(Supervisor.class).controller("feed").orElseThrow();
          assertThat(Children.eventually(WAIT, () -> feed.status().health() == HealthState.HEALTHY)).as("%s", feed.health()).isTrue();
          CheckResult last = feed.health().check("feed-port").orElseThrow().last().orElseThrow();
          // the descendant's pid once (it read "held by its descendant pid 4647 (pid 4647)")
          assertThat(last.message()).startsWith("connected to 127.0.0.1:" + port).matches(".*; port " + port + " held by its descendant pid \\d+");
        });
  }

  private static boolean listening(int port) {
    try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
