package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vigil.Backoff;
import io.github.vigil.CheckResult;
import io.github.vigil.Dependency;
import io.github.vigil.ExitCause;
import io.github.vigil.HealthCheck;
import io.github.vigil.HealthState;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.SupervisorEvent.HealthChanged;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * systemd's notify protocol on the Linux backend, with a real child ({@link NotifyingChild}) that
 * writes to the Unix datagram socket named by {@code NOTIFY_SOCKET}: it becomes ready on
 * {@code READY=1}, its {@code STATUS=} shows, a dependent waiting for it to be HEALTHY starts only
 * then, and when it stops sending {@code WATCHDOG=1} it is restarted with cause HEALTH_CHECK_FAILED.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class SystemdNotifyTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final String marker = (20000 + ThreadLocalRandom.current().nextInt(9999)) + "." + ThreadLocalRandom.current().nextInt(100000, 999999);

  private List<String> child(int pings) {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m", "-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
        "-cp", System.getProperty("java.class.path"), NotifyingChild.class.getName(), Integer.toString(pings), marker);
  }

  @Test
  void aNotifyServiceBecomesReadyOnReady1AndIsRestartedWhenItsWatchdogPingsStop() throws Exception {
    Path socketDir = null;
    try (Supervisor sup = Supervisor.builder().name("notify").backend("linux").build()) {
      EventRecorder rec = new EventRecorder();
      sup.subscribe(rec);
      Duration watchdog = Duration.ofMillis(900);
      sup.registerAll(List.of(
          ProcessSpec.builder("feed").command(child(6)).startupGrace(Duration.ZERO)
              .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(60))))
              .healthCheck(HealthCheck.systemdNotify().watchdog(watchdog).build())
              .build(),
          ProcessSpec.builder("orders").command("sleep", marker).startupGrace(Duration.ZERO)
              .dependsOn("feed", Dependency.Condition.HEALTHY).build()));
      ProcessController feed = sup.controller("feed").orElseThrow();
      var all = sup.startAll().toCompletableFuture();

      HealthChanged ready = rec.await(HealthChanged.class, e -> e.process().equals("feed") && e.to() == HealthState.HEALTHY, 1, WAIT)
          .get(0);
      assertThat(ready.message()).isEqualTo("check 'notify' passed 1 time in a row: READY=1; status: serving quotes");
      all.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      // the future completes on the supervision thread; listeners hear the events on their own thread
      rec.awaitState("orders", ProcessState.RUNNING, 1, WAIT);
      List<SupervisorEvent> seen = rec.events();
      assertThat(indexOf(seen, "orders", ProcessState.STARTING)).isGreaterThan(seen.indexOf(ready));
      socketDir = notifySocketDirOf(feed);

      HealthChanged missed = rec.await(HealthChanged.class, e -> e.process().equals("feed") && e.to() == HealthState.UNHEALTHY, 1, WAIT)
          .get(0);
      assertThat(missed.message()).isEqualTo("check 'notify' failed 1 time in a row: no WATCHDOG=1 within 900 ms; status: serving quotes");
      SupervisorEvent.Exited exit = rec.await(SupervisorEvent.Exited.class, e -> e.process().equals("feed"), 1, WAIT).get(0);
      assertThat(exit.exit().cause()).isEqualTo(ExitCause.HEALTH_CHECK_FAILED);
      assertThat(rec.await(SupervisorEvent.RestartScheduled.class, e -> e.process().equals("feed"), 1, WAIT).get(0).after().cause())
          .isEqualTo(ExitCause.HEALTH_CHECK_FAILED);
      List<CheckResult> results = feed.health().checks().get(0).recent();
      assertThat(results.get(0).message()).isEqualTo("READY=1; status: serving quotes");
      assertThat(results).filteredOn(r -> r.message().startsWith("WATCHDOG=1")).hasSizeGreaterThanOrEqualTo(1);
      assertThat(results.get(results.size() - 1).passed()).isFalse();
    }
    if (socketDir != null) {
      assertThat(Files.exists(socketDir)).as("notify socket directory removed at close").isFalse();
    }
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Processes.withMarker(marker).isEmpty())).isTrue();
    assertThat(Processes.vigilThreads()).noneMatch(n -> n.startsWith("vigil-notify"));
  }

  /** The directory of the notify sockets, from the child's environment. */
  private static Path notifySocketDirOf(ProcessController c) throws Exception {
    long pid = c.status().pid();
    byte[] env = Files.readAllBytes(Path.of("/proc/" + pid + "/environ"));
    for (String entry : new String(env, java.nio.charset.StandardCharsets.UTF_8).split("\0")) {
      if (entry.startsWith("NOTIFY_SOCKET=")) {
        Path p = Path.of(entry.substring("NOTIFY_SOCKET=".length()));
        assertThat(Files.exists(p)).as("socket %s", p).isTrue();
        return p.getParent();
      }
    }
    throw new AssertionError("no NOTIFY_SOCKET in the child's environment");
  }

  @Test
  void theJdkBackendRefusesANotifyCheckAtRegistration() {
    try (Supervisor sup = Supervisor.builder().backend("jdk").build()) {
      assertThatThrownBy(() -> sup.register(ProcessSpec.builder("svc").command("sleep", "1")
          .healthCheck(HealthCheck.systemdNotify().build()).build()))
          .hasMessage("health check 'notify' of 'svc' needs systemd's notify protocol, which backend 'jdk' does not offer "
              + "(the Linux backend does)");
      assertThat(sup.controllers()).isEmpty();
    }
  }

  private static int indexOf(List<SupervisorEvent> events, String process, ProcessState to) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i) instanceof SupervisorEvent.StateChanged s && s.process().equals(process) && s.to() == to) {
        return i;
      }
    }
    throw new AssertionError("no " + process + " -> " + to + " in " + events);
  }
}
