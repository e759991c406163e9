package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

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

  /**
   * An exec check runs where the process runs, and a relative program is found there, as the process's own is:
   * {@code ./check.sh} of a process whose spec sets a working directory holding it. The check ran in this JVM's working
   * directory, where there is none ("could not run ./check.sh: Cannot run program ...").
   */
  @Test
  void anExecCheckRunsInTheProcesssWorkingDirectory(@TempDir Path dir) throws Exception {
    Path desk = Files.createDirectory(dir.resolve("desk"));
    script(desk.resolve("check.sh"), "echo \"in $(pwd -P)\"");
    ProcessController p = supervisor.register(ProcessSpec.builder("feed").command("sleep", marker).startupGrace(Duration.ZERO)
        .workingDirectory(desk).healthCheck(onRequest(HealthCheck.exec("./check.sh").name("here")))
        .healthCheck(onRequest(HealthCheck.exec("printenv", "PWD").name("pwd"))) // not a shell: PWD as it is given
        .build());
    p.start(WAIT);

    HealthReport report = p.checkNow().toCompletableFuture().get(10, TimeUnit.SECONDS);
    CheckResult r = report.check("here").orElseThrow().last().orElseThrow();
    assertThat(r.message()).isEqualTo("exit 0: in " + desk.toRealPath());
    assertThat(r.passed()).isTrue();
    // PWD names the directory, as the process's own does (it was this JVM's)
    assertThat(report.check("pwd").orElseThrow().last().orElseThrow().message()).isEqualTo("exit 0: " + desk);
  }

  /**
   * An exec check's bare program is found on the {@code PATH} the process's spec sets, as the process's own program is,
   * not on this JVM's: the check ran where {@link ProcessBuilder} looks, this JVM's {@code PATH}, and was not found.
   * Where it is on neither, the attempt says so naming the check's program and the {@code PATH} searched, as a failed
   * start does (it said "Cannot run program ...: error=2, No such file or directory").
   */
  @Test
  void anExecChecksProgramIsFoundOnTheProcesssPath(@TempDir Path dir) throws Exception {
    Path bin = Files.createDirectory(dir.resolve("bin"));
    String program = "desk-check-" + ThreadLocalRandom.current().nextInt(100000, 999999);
    script(bin.resolve(program), "echo \"found as $0\"");
    String path = bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    String missing = "no-such-check-" + ThreadLocalRandom.current().nextInt(100000, 999999);
    ProcessController p = supervisor.register(ProcessSpec.builder("feed").command("sleep", marker).startupGrace(Duration.ZERO)
        .env("PATH", path)
        .healthCheck(onRequest(HealthCheck.exec(program).name("desk")))
        .healthCheck(onRequest(HealthCheck.exec(missing, "--quick").name("missing")))
        .build());
    p.start(WAIT);

    HealthReport report = p.checkNow().toCompletableFuture().get(10, TimeUnit.SECONDS);
    CheckResult found = report.check("desk").orElseThrow().last().orElseThrow();
    assertThat(found.message()).isEqualTo("exit 0: found as " + bin.resolve(program));
    assertThat(found.passed()).isTrue();
    CheckResult notFound = report.check("missing").orElseThrow().last().orElseThrow();
    assertThat(notFound.message()).isEqualTo("could not run " + missing + ": binary '" + missing + "' not found on PATH (" + path + ")");
    assertThat(notFound.passed()).isFalse();
  }

  /** A check run only by {@link ProcessController#checkNow()} within a test: its schedule's first attempt is an hour away. */
  private static HealthCheck onRequest(HealthCheck.Builder check) {
    return check.interval(Duration.ofHours(1)).initialDelay(Duration.ofHours(1)).action(HealthCheck.Action.NOTIFY).build();
  }

  /** An executable shell script at {@code file} that runs {@code body}. */
  private static void script(Path file, String body) throws java.io.IOException {
    Files.writeString(file, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
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
