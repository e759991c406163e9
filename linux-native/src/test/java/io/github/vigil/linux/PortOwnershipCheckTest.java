package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.github.vigil.CheckResult;
import io.github.vigil.HealthCheck;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * An HTTP check on the Linux backend knows whose port it is: a real HTTP server in this JVM answers
 * 200 on a loopback port, but the supervised process (a real {@code sleep}) does not hold it, so the
 * check fails naming this JVM's pid and command line. (The passing case, a port held by the
 * supervised tree, is in the starter's {@code PortHolderTest}.)
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class PortOwnershipCheckTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final long SELF = ProcessHandle.current().pid();

  private Supervisor supervisor;
  private HttpServer server;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(new LinuxBackendProvider().isAvailable(), "the Linux backend is not available on this kernel");
    supervisor = Supervisor.builder().name("port-owner").backend("linux").build();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    server.createContext("/health", exchange -> {
      byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, ok.length);
      exchange.getResponseBody().write(ok);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void tearDown() {
    if (supervisor != null) {
      supervisor.close();
    }
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void anHttpCheckAnsweredByAnotherProcessFailsNamingIt() throws Exception {
    int port = server.getAddress().getPort();
    ProcessController p = supervisor.register(ProcessSpec.builder("comm-link").command("sleep", "60").startupGrace(Duration.ZERO)
        .healthCheck(HealthCheck.http("http://127.0.0.1:" + port + "/health").name("http").interval(Duration.ofHours(1))
            .initialDelay(Duration.ofHours(1)).action(HealthCheck.Action.NOTIFY).build())
        .build());
    p.start(WAIT);
    CheckResult r = p.checkNow().toCompletableFuture().get(10, TimeUnit.SECONDS).check("http").orElseThrow().last().orElseThrow();
    assertThat(r.passed()).as("%s", r).isFalse();
    assertThat(r.message()).contains("port " + port + " on 127.0.0.1 is held by pid " + SELF + " (").contains("java")
        .contains("not by comm-link (pid " + p.status().pid() + ") or its descendants");
  }
}
