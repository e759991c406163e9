package io.github.vigil.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs the example as it is shipped (its application.yml), on free loopback ports: the order
 * gateway starts after the feed and prices on its quotes, the endpoint lists both, and closing the
 * application leaves neither running.
 */
@Timeout(90)
class GatewayApplicationTest {

  @Test
  void runsTheConfiguredProcessesAndStopsThemWithTheApplication() throws Exception {
    List<Long> pids = new ArrayList<>();
    SpringApplication app = new SpringApplication(GatewayApplication.class);
    try (ConfigurableApplicationContext context = app.run("--server.port=0", "--gateway.feed-port=" + freePort(),
        "--vigil.defaults.output.log-to-slf4j=false")) {
      Supervisor supervisor = context.getBean(Supervisor.class);
      ProcessController feed = supervisor.controller("quote-feed").orElseThrow();
      ProcessController gateway = supervisor.controller("order-gateway").orElseThrow();
      // the context start waited for both to be running, the gateway after the feed
      assertThat(feed.status().state()).isEqualTo(ProcessState.RUNNING);
      assertThat(gateway.status().state()).isEqualTo(ProcessState.RUNNING);
      assertThat(gateway.history().get(0).startedAt()).isAfterOrEqualTo(feed.history().get(0).startedAt().plusSeconds(1));
      assertThat(eventually(() -> gateway.outputTail(StdStream.STDOUT).stream().anyMatch(l -> l.startsWith("pricing orders on: XLON VOD"))))
          .as("gateway output: %s", gateway.outputTail(StdStream.STDOUT)).isTrue();

      int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
      HttpResponse<String> vigil = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/vigil")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(vigil.statusCode()).isEqualTo(200);
      assertThat(vigil.body()).contains("\"name\":\"quote-feed\"", "\"name\":\"order-gateway\"", "\"state\":\"RUNNING\"");
      pids.add(feed.status().pid());
      pids.add(gateway.status().pid());
    }
    assertThat(pids).hasSize(2).allSatisfy(pid -> assertThat(pid).isPositive())
        .allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty());
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
