package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.testing.Processes;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** {@link ProcessController#checkNow()}: real check commands run on request, out of their hour-long schedule. */
@EnabledOnOs({OS.LINUX, OS.MAC})
@Timeout(60)
class HealthCheckNowTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private Supervisor supervisor;
  private String marker;

  @BeforeEach
  void setUp() {
    supervisor = Supervisor.builder().name("check-now").backend("jdk").build();
    marker = (80000 + ThreadLocalRandom.current().nextInt(9999)) + "." + ThreadLocalRandom.current().nextInt(100000, 999999);
  }

  @AfterEach
  void tearDown() {
    supervisor.close();
    assertThat(Processes.withMarker(marker)).isEmpty();
  }

  @Test
  void checksRunOnRequestAndCountLikeScheduledOnes() throws Exception {
    ProcessController p = supervisor.register(ProcessSpec.builder("feed").command("sleep", marker).startupGrace(Duration.ZERO)
        .healthCheck(HealthCheck.exec("true").name("ok").interval(Duration.ofHours(1)).initialDelay(Duration.ofHours(1)).build())
        .healthCheck(HealthCheck.exec("false").name("broken").interval(Duration.ofHours(1)).initialDelay(Duration.ofHours(1))
            .failureThreshold(2).action(HealthCheck.Action.NOTIFY).build())
        .build());
    assertThat(p.checkNow().toCompletableFuture().get(10, TimeUnit.SECONDS)).as("no run yet").isEqualTo(p.health());
    p.start(WAIT);
    assertThat(p.health().check("ok").orElseThrow().attempts()).as("nothing scheduled within the hour").isZero();

    HealthReport first = p.checkNow().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(first.check("ok").orElseThrow().attempts()).isEqualTo(1);
    assertThat(first.check("ok").orElseThrow().state()).isEqualTo(HealthState.HEALTHY);
    assertThat(first.check("broken").orElseThrow().attempts()).isEqualTo(1);
    assertThat(first.check("broken").orElseThrow().last().orElseThrow().passed()).isFalse();
    assertThat(first.state()).isEqualTo(HealthState.STARTING);

    HealthReport second = p.checkNow().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(second.check("broken").orElseThrow().consecutiveFailures()).isEqualTo(2);
    assertThat(second.state()).isEqualTo(HealthState.UNHEALTHY);
    assertThat(p.status().health()).isEqualTo(HealthState.UNHEALTHY);

    p.stop(WAIT);
    assertThat(p.checkNow().toCompletableFuture().get(10, TimeUnit.SECONDS).state()).isEqualTo(HealthState.UNKNOWN);
  }

  /**
   * An exec check sees what the process sees, as Docker's HEALTHCHECK runs in the container's environment: a variable
   * its spec sets, none that its spec removes, and VIGIL_PROCESS / VIGIL_PID. It ran with this JVM's environment
   * (plus those two), so a check reading the spec's variable saw it empty and one the spec removed set.
   */
  @Test
  void anExecCheckRunsWithTheProcesssEnvironment() throws Exception {
    String jvmOnly = System.getenv().containsKey("HOME") ? "HOME" : "PATH"; // one the JVM has, removed from the process
    ProcessController p = supervisor.register(ProcessSpec.builder("feed").command("sleep", marker).startupGrace(Duration.ZERO)
        .env("VIGIL_TEST_DESK", "shfe-" + marker).unsetEnv(jvmOnly)
        .healthCheck(HealthCheck.exec("/bin/sh", "-c", "echo \"desk=${VIGIL_TEST_DESK-unset} jvm=${" + jvmOnly
                + "-unset} process=$VIGIL_PROCESS pid=$VIGIL_PID\"; test -n \"$VIGIL_TEST_DESK\"")
            .name("env").interval(Duration.ofHours(1)).initialDelay(Duration.ofHours(1)).action(HealthCheck.Action.NOTIFY).build())
        .build());
    p.start(WAIT);
    long pid = p.status().pid();

    CheckResult r = p.checkNow().toCompletableFuture().get(10, TimeUnit.SECONDS).check("env").orElseThrow().last().orElseThrow();
    assertThat(r.message()).isEqualTo("exit 0: desk=shfe-" + marker + " jvm=unset process=feed pid=" + pid);
    assertThat(r.passed()).isTrue();
  }

  /** An HTTP check of a port where nothing listens says so (it said "failed: ConnectException": the JDK gives no message). */
  @Test
  void anHttpCheckOfAClosedPortSaysItCouldNotConnect() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    ProcessController p = supervisor.register(ProcessSpec.builder("web").command("sleep", marker).startupGrace(Duration.ZERO)
        .healthCheck(HealthCheck.http("http://127.0.0.1:" + port + "/health").name("http").interval(Duration.ofHours(1))
            .initialDelay(Duration.ofHours(1)).action(HealthCheck.Action.NOTIFY).build())
        .build());
    p.start(WAIT);
    HealthReport r = p.checkNow().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(r.check("http").orElseThrow().last().orElseThrow().message())
        .isEqualTo("GET http://127.0.0.1:" + port + "/health failed: could not connect (refused, or the host unreachable)");
  }
}
