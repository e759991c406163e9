package io.github.vigil.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Backoff;
import io.github.vigil.Supervisor;
import io.github.vigil.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK backend's records of runs and what it kills by them (found by a black-box soak): the state file forgets a
 * run once its tree is gone (it grew a line per run that left descendants, for ever), the next start kills a
 * leaderless session's members only when they carry the run's id (it killed another program's daemon whose session
 * number a stale record named), and a stop reaches a descendant that left the session while the root still lives.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class JdkLeftoversTest {
  private final String marker = "2000" + (System.nanoTime() % 100000); // a sleep duration no one else uses

  @TempDir
  Path dir;

  @AfterEach
  void killTheSleeps() {
    Processes.withMarker(marker).forEach(ProcessHandle::destroyForcibly);
  }

  private List<ProcessHandle> sleeps() {
    return Processes.withMarker(marker).stream().filter(h -> Processes.cmdline(h.pid()).map(c -> c.startsWith("sleep ")).orElse(false)).toList();
  }

  private long lines(Path file) throws Exception {
    return Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> !l.isBlank()).count() : 0;
  }

  @Test
  void theStateFileForgetsARunOnceItsTreeIsGone() throws Exception {
    Path state = dir.resolve("state");
    try (Supervisor s = Supervisor.builder().name("jdk-records").backend("jdk").stateDirectory(state).build()) {
      // each run leaves a sleep behind and crashes; the engine kills what it left before the restart
      ProcessController c = s.register(ProcessSpec.builder("forker").command("/bin/sh", "-c", "sleep " + marker + " & sleep 0.2; exit 1")
          .startupGrace(Duration.ZERO).restartPolicy(RestartPolicy.always().withBackoff(Backoff.fixed(Duration.ofMillis(100)))
              .withStartLimit(1000, Duration.ofHours(1))).build());
      c.start();
      assertThat(Processes.eventually(Duration.ofSeconds(30), () -> c.status().restarts() >= 8)).as("%s", c.status()).isTrue();
      c.stop(Duration.ofSeconds(30));
      Path file = state.resolve("jdk-backend.state");
      assertThat(Processes.eventually(Duration.ofSeconds(20), () -> {
        try {
          return lines(file) == 0;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      })).as("records left: %s", Files.exists(file) ? Files.readString(file) : "none").isTrue();
      assertThat(c.status().state()).isEqualTo(ProcessState.STOPPED);
    }
    assertThat(sleeps()).isEmpty();
  }

  /** A process in a session whose leader is gone: setsid makes sh the leader, sh starts the sleep and exits. */
  private ProcessHandle leaderlessSleep(String runId) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("setsid", "/bin/sh", "-c", "sleep " + marker + " & exit 0");
    if (runId != null) {
      pb.environment().put("VIGIL_RUN_ID", runId);
    }
    pb.start().waitFor();
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> sleeps().size() == 1)).isTrue();
    return sleeps().get(0);
  }

  /** Alive and not a zombie: a killed orphan stays a zombie where pid 1 does not reap (a container's shell). */
  private static boolean running(ProcessHandle h) {
    return h.isAlive() && !Processes.isZombie(h.pid());
  }

  private static long sessionOf(ProcessHandle h) throws Exception {
    String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
    return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]); // state, ppid, pgrp, session
  }

  @Test
  void aStaleRecordsSessionNumberReusedByAnotherProgramsDaemonIsLeftAlone() throws Exception {
    ProcessHandle daemon = leaderlessSleep(null);
    Path state = dir.resolve("state");
    Files.createDirectories(state);
    // a record of a run whose session had that number once: the leader's start differs, and the daemon has no run id
    Files.writeString(state.resolve("jdk-backend.state"), sessionOf(daemon) + " 123456 run=jdk-1-old-1 forker\n");
    try (Supervisor s = Supervisor.builder().name("jdk-sweep").backend("jdk").stateDirectory(state).build()) {
      assertThat(running(daemon)).as("another program's daemon, in a session of the recorded number").isTrue();
    }
  }

  @Test
  void aLeftoverThatCarriesTheRunsIdIsKilledThoughItsSessionHasNoLeader() throws Exception {
    ProcessHandle leftover = leaderlessSleep("jdk-1-old-7");
    Path state = dir.resolve("state");
    Files.createDirectories(state);
    Files.writeString(state.resolve("jdk-backend.state"), sessionOf(leftover) + " 123456 run=jdk-1-old-7 forker\n");
    try (Supervisor s = Supervisor.builder().name("jdk-sweep").backend("jdk").stateDirectory(state).build()) {
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> !running(leftover))).isTrue();
    }
  }

  /**
   * A black-box run: a child {@code sh -c 'setsid sleep & ...'} of a JVM killed with SIGKILL; the next start killed the
   * sh and the sleep in its session, and left the setsid sleep running, though it carries the run's id: the sweep
   * looked only among the recorded session's members, and used the id to choose among them.
   */
  @Test
  void aLeftoverThatCarriesTheRunsIdInASessionOfItsOwnIsKilled() throws Exception {
    ProcessBuilder pb = new ProcessBuilder("setsid", "/bin/sh", "-c", "setsid sleep " + marker + " & exec sleep " + marker + "1");
    pb.environment().put("VIGIL_RUN_ID", "jdk-1-old-9");
    Process leader = pb.start(); // leads its session, as a run of the JDK backend does
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> sleeps().size() == 2)).as("the leader and the setsid one").isTrue();
    ProcessHandle daemon = sleeps().stream().filter(h -> h.pid() != leader.pid()).findFirst().orElseThrow();
    assertThat(sessionOf(daemon)).as("in a session of its own").isNotEqualTo(leader.pid());
    String stat = Files.readString(Path.of("/proc", Long.toString(leader.pid()), "stat"));
    long startTicks = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]);
    Path state = dir.resolve("state");
    Files.createDirectories(state);
    Files.writeString(state.resolve("jdk-backend.state"), leader.pid() + " " + startTicks + " run=jdk-1-old-9 daemonizer\n");
    try (Supervisor s = Supervisor.builder().name("jdk-sweep").backend("jdk").stateDirectory(state).build()) {
      assertThat(leader.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).as("the recorded session's leader is killed").isTrue();
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> !running(daemon)))
          .as("the setsid sleep that carries the run's id, pid %s", daemon.pid()).isTrue();
    } finally {
      leader.destroyForcibly();
    }
  }

  /**
   * A black-box run: the sweep sent SIGKILL to a killed JVM's leftovers and went on, so the next start could spawn
   * while a leftover was still dying and holding its port (a process frees its memory before its descriptors: 50 to
   * 75 ms for 300 MB here), and the new run's bind failed. The Linux backend waits until its leftovers are gone; now
   * the JDK backend does too: the leftover's port is free once the supervisor is built.
   */
  @Test
  void aLeftoversPortIsFreeOnceTheSupervisorIsBuilt() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no python3 here");
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    ProcessBuilder pb = new ProcessBuilder("setsid", "/usr/bin/python3", "-c", "import socket, sys, time\n"
        + "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', " + port + ")); s.listen()\n"
        + "b = bytearray(300 << 20)\nfor i in range(0, len(b), 4096): b[i] = 1\n"
        + "print('READY', flush=True)\ntime.sleep(" + marker + ")", "sleep " + marker);
    pb.environment().put("VIGIL_RUN_ID", "jdk-1-old-11");
    Process holder = pb.start(); // leads its session, as a run of the JDK backend does
    try {
      assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))
          .readLine()).isEqualTo("READY");
      String stat = Files.readString(Path.of("/proc", Long.toString(holder.pid()), "stat"));
      long startTicks = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]);
      Path state = dir.resolve("state");
      Files.createDirectories(state);
      Files.writeString(state.resolve("jdk-backend.state"), holder.pid() + " " + startTicks + " run=jdk-1-old-11 feed\n");
      try (Supervisor s = Supervisor.builder().name("jdk-sweep").backend("jdk").stateDirectory(state).build();
          java.net.ServerSocket next = new java.net.ServerSocket()) {
        next.bind(new java.net.InetSocketAddress("127.0.0.1", port)); // what the next run of the feed does first: it threw BindException
      }
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void aStopReachesADescendantThatLeftTheSessionWhileTheRootLives() throws Exception {
    try (Supervisor s = Supervisor.builder().name("jdk-setsid").backend("jdk").build()) {
      ProcessController c = s.register(ProcessSpec.builder("daemonizer")
          .command("/bin/sh", "-c", "(setsid sleep " + marker + " &); exec sleep " + marker + "1")
          .startupGrace(Duration.ZERO).stopTimeout(Duration.ofSeconds(60)).build());
      c.start(Duration.ofSeconds(10));
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> sleeps().size() == 2)).as("the root and the setsid one").isTrue();
      // the stop signal reaches the setsid sleep too: the stop ends long before its 60 s timeout (it waited it out, then SIGKILL)
      assertThat(c.stop(Duration.ofSeconds(30)).state()).isEqualTo(ProcessState.STOPPED);
      assertThat(sleeps()).isEmpty();
    }
  }
}
