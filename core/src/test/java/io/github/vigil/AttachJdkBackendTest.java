package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.Outsider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attaching on the JDK backend, which cannot be told of a foreign process's exit: the supervisor
 * polls pid and start time every {@link AttachSpec#exitPollInterval()} on its own thread (no thread
 * per process). Real processes that are not children of this JVM.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
@Timeout(120)
class AttachJdkBackendTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  @Test
  void exitIsSeenByPollingAndTheReplacementIsPickedUp() throws Exception {
    String token = "jdkattach" + Long.toHexString(System.nanoTime());
    Path program = Outsider.sleepAs(dir, token + "/sleeper");
    EventRecorder events = new EventRecorder();
    try (Supervisor supervisor = Supervisor.builder().name("attach-jdk").backend("jdk").build();
        Outsider first = Outsider.start(program)) {
      assertEquals("jdk", supervisor.backendName());
      supervisor.subscribe(events);
      AttachedProcess p = supervisor.attach(AttachSpec.builder("sleeper").commandLine(token + "/sleeper 1000")
          .exitPollInterval(Duration.ofMillis(50)).rescanInterval(Duration.ofMinutes(10)).build());
      events.awaitAttach("sleeper", AttachState.RUNNING, 1, WAIT);
      assertThat(p.status().pids()).containsExactly(first.pid());
      assertThat(p.sample()).hasValueSatisfying(s -> assertThat(s.memberPids()).containsExactly(first.pid()));
      // the arguments are checked as a supervised process's are
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.sample(Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("slowFieldsMaxAge must not be negative: -1.00 ms");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.sample(java.util.Set.of(), Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("fields must not be empty");

      long killed = System.nanoTime();
      first.kill();
      events.await(SupervisorEvent.AttachedLost.class, e -> e.lost().pid() == first.pid(), 1, WAIT);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
      assertThat(ms).as("kill to AttachedLost by polling every 50 ms, in ms").isLessThan(WAIT.toMillis());
      events.awaitAttach("sleeper", AttachState.STOPPED, 1, WAIT);
      try (Outsider second = Outsider.start(program)) {
        events.await(SupervisorEvent.AttachedFound.class, e -> e.found().pid() == second.pid(), 1, WAIT);
        events.awaitAttach("sleeper", AttachState.RUNNING, 2, WAIT);
      }
      try {
        p.signal(Signal.SIGTERM);
      } catch (IllegalStateException expected) {
        assertThat(expected).hasMessageContaining("allowSignals");
      }
    }
    assertThat(events.of(SupervisorEvent.Detached.class, "sleeper")).as("close detaches").hasSize(1);
  }

  @Test
  void signalsNeedAPidfdBackend() throws Exception {
    Path program = Outsider.sleepAs(dir, "jdksig" + Long.toHexString(System.nanoTime()));
    try (Supervisor supervisor = Supervisor.builder().name("attach-jdk-sig").backend("jdk").build();
        Outsider o = Outsider.start(program)) {
      AttachedProcess p = supervisor.attach(AttachSpec.builder("s").pid(o.pid()).allowSignals().build());
      assertEquals(AttachState.RUNNING, p.rescan().toCompletableFuture().get(20, TimeUnit.SECONDS).state());
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.signal(Signal.SIGTERM))
          .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("backend jdk");
      assertThat(ProcessHandle.of(o.pid()).map(ProcessHandle::isAlive)).hasValue(true);
    }
  }

  /**
   * A matched process that execs another program no longer matches: the next rescan drops it with an AttachedLost,
   * and it is no exit. A pid file that names another process moves the attachment to it. Both kept the old process
   * for as long as it lived, its status RUNNING beside "0 processes match" (found by a black-box run).
   */
  @Test
  void aProcessThatLeavesTheTargetIsDroppedAndAPidFileMovesToItsNewPid() throws Exception {
    String token = "jdkleave" + Long.toHexString(System.nanoTime());
    EventRecorder events = new EventRecorder();
    Process execs = new ProcessBuilder("sh", "-c", "read x; exec sleep 1000", token).start();
    Process a = new ProcessBuilder("sleep", "1000").start();
    Process b = new ProcessBuilder("sleep", "1000").start();
    Path pidFile = dir.resolve("svc.pid");
    java.nio.file.Files.writeString(pidFile, a.pid() + "\n");
    try (Supervisor supervisor = Supervisor.builder().name("attach-leave").backend("jdk").build()) {
      supervisor.subscribe(events);
      AttachedProcess byLine = supervisor.attach(AttachSpec.builder("by-line").commandLine(token).rescanInterval(Duration.ofMillis(100)).build());
      AttachedProcess byFile = supervisor.attach(AttachSpec.builder("by-file").pidFile(pidFile).rescanInterval(Duration.ofMillis(100)).build());
      events.await(SupervisorEvent.AttachedFound.class, e -> e.process().equals("by-line") && e.found().pid() == execs.pid(), 1, WAIT);
      events.await(SupervisorEvent.AttachedFound.class, e -> e.process().equals("by-file") && e.found().pid() == a.pid(), 1, WAIT);

      execs.getOutputStream().write('\n'); // it execs sleep: its command line no longer holds the token
      execs.getOutputStream().flush();
      events.await(SupervisorEvent.AttachedLost.class, e -> e.process().equals("by-line") && e.lost().pid() == execs.pid(), 1, WAIT);
      assertThat(byLine.status().state()).isEqualTo(AttachState.NOT_FOUND);
      assertThat(byLine.status().processes()).isEmpty();
      assertThat(byLine.status().exits()).as("no exit").isZero();
      assertThat(execs.isAlive()).isTrue();

      Path written = dir.resolve("svc.pid.tmp");
      java.nio.file.Files.writeString(written, b.pid() + "\n");
      java.nio.file.Files.move(written, pidFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      events.await(SupervisorEvent.AttachedLost.class, e -> e.process().equals("by-file") && e.lost().pid() == a.pid(), 1, WAIT);
      // the new pid's AttachedFound may be delivered after the old one's AttachedLost: read the list once it was heard
      events.await(SupervisorEvent.AttachedFound.class, e -> e.process().equals("by-file") && e.found().pid() == b.pid(), 1, WAIT);
      assertThat(byFile.status().pids()).containsExactly(b.pid());
      assertThat(byFile.status().state()).isEqualTo(AttachState.RUNNING);
      assertThat(events.of(SupervisorEvent.AttachedFound.class, "by-file")).extracting(e -> e.found().pid()).containsExactly(a.pid(), b.pid());
    } finally {
      for (Process p : java.util.List.of(execs, a, b)) {
        p.destroyForcibly().waitFor();
      }
    }
  }

  /**
   * A process name is the kernel's ({@code comm}, as {@code pgrep -x} matches it): here a program run through a
   * symlink of another name, with its argv[0] rewritten, as redis-server (a link to redis-check-rdb) does. The JDK
   * backend matched the executable's file name and argv[0] only and never found it (found by a black-box run).
   */
  @Test
  @EnabledOnOs(OS.LINUX)
  void aProcessNameIsTheKernelsName() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(Path.of("/bin/bash")), "no bash for exec -a");
    String comm = "vn" + Long.toHexString(System.nanoTime() & 0xffffff);
    Path link = java.nio.file.Files.createSymbolicLink(dir.resolve(comm), Path.of("/bin/sleep").toRealPath());
    Process p = new ProcessBuilder("/bin/bash", "-c", "exec -a rewritten-argv0 " + link + " 1000").start();
    try (Supervisor supervisor = Supervisor.builder().name("attach-comm").backend("jdk").build()) {
      EventRecorder events = new EventRecorder();
      supervisor.subscribe(events);
      supervisor.attach(AttachSpec.builder("named").processName(comm).rescanInterval(Duration.ofMillis(100)).build());
      events.await(SupervisorEvent.AttachedFound.class, e -> e.found().pid() == p.pid(), 1, WAIT);
    } finally {
      p.destroyForcibly().waitFor();
    }
  }

  /**
   * A matched process that dies while its parent does not reap it (a parent that never waits, or a container's pid 1
   * that reaps nothing) stays a zombie. {@link ProcessHandle#isAlive()} counts a zombie as alive, so the JDK backend
   * kept it RUNNING for good, by pattern and by name: no AttachedLost ever came (found by a black-box run).
   */
  @Test
  @EnabledOnOs(OS.LINUX)
  void aMatchThatDiesAsAnUnreapedZombieIsLost() throws Exception {
    String token = "jdkzombie" + Long.toHexString(System.nanoTime() & 0xffffff);
    Path program = Outsider.sleepAs(dir, token);
    EventRecorder events = new EventRecorder();
    // the shell starts the program and execs a sleep, which never waits: the program's end leaves a zombie
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "\"$VIGIL_TEST_PROGRAM\" 1000 </dev/null >/dev/null 2>&1 & echo $!; exec sleep 1000");
    pb.environment().put("VIGIL_TEST_PROGRAM", program.toString());
    Process parent = pb.start();
    long pid = Long.parseLong(new java.io.BufferedReader(new java.io.InputStreamReader(parent.getInputStream())).readLine().trim());
    try (Supervisor supervisor = Supervisor.builder().name("attach-zombie").backend("jdk").build()) {
      supervisor.subscribe(events);
      AttachedProcess byLine = supervisor.attach(AttachSpec.builder("by-line").commandLine(token + " 1000")
          .exitPollInterval(Duration.ofMillis(50)).rescanInterval(Duration.ofMillis(100)).build());
      AttachedProcess byName = supervisor.attach(AttachSpec.builder("by-name").processName(token)
          .exitPollInterval(Duration.ofMillis(50)).rescanInterval(Duration.ofMillis(100)).build());
      events.await(SupervisorEvent.AttachedFound.class, e -> e.process().equals("by-line") && e.found().pid() == pid, 1, WAIT);
      events.await(SupervisorEvent.AttachedFound.class, e -> e.process().equals("by-name") && e.found().pid() == pid, 1, WAIT);
      assertThat(io.github.vigil.testing.Processes.eventually(WAIT, () -> { // a shell would reap it: the parent must be the sleep by now
        try {
          return java.nio.file.Files.readString(Path.of("/proc/" + parent.pid() + "/comm")).strip().equals("sleep");
        } catch (java.io.IOException e) {
          return false;
        }
      })).isTrue();

      assertThat(ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly)).hasValue(true);
      events.await(SupervisorEvent.AttachedLost.class, e -> e.process().equals("by-line") && e.lost().pid() == pid, 1, WAIT);
      events.await(SupervisorEvent.AttachedLost.class, e -> e.process().equals("by-name") && e.lost().pid() == pid, 1, WAIT);
      assertThat(java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"))).as("still an unreaped zombie").contains(") Z ");
      AttachStatus status = byName.rescan().toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(status.state()).isEqualTo(AttachState.STOPPED);
      assertThat(status.processes()).isEmpty();
      assertThat(status.message()).isEqualTo("0 processes named '" + token + "'");
      assertThat(byLine.status().state()).isEqualTo(AttachState.STOPPED);
    } finally {
      parent.destroyForcibly().waitFor();
    }
  }

  /**
   * A command line is the process's arguments as it was given them ({@code /proc/PID/cmdline}, what {@code pgrep -f}
   * and the Linux backend match), not the executable's resolved path: a program started through a link (pyenv's
   * {@code python3} for {@code python3.11}) did not match {@code python3 -m http.server} on this backend (found by a
   * black-box run).
   */
  @Test
  @EnabledOnOs(OS.LINUX)
  void aCommandLineIsTheArgumentsAsGivenNotTheResolvedExecutable() throws Exception {
    String token = "jdklink" + Long.toHexString(System.nanoTime() & 0xffffff);
    Path real = Outsider.sleepAs(dir, "real-" + token);
    Path link = java.nio.file.Files.createSymbolicLink(dir.resolve("link-" + token), real);
    Process p = new ProcessBuilder(link.toString(), "1000").start();
    try (Supervisor supervisor = Supervisor.builder().name("attach-link").backend("jdk").build()) {
      EventRecorder events = new EventRecorder();
      supervisor.subscribe(events);
      AttachedProcess byLine = supervisor.attach(AttachSpec.builder("by-line").commandLine("link-" + token + " 1000")
          .rescanInterval(Duration.ofMillis(100)).build());
      events.await(SupervisorEvent.AttachedFound.class, e -> e.found().pid() == p.pid(), 1, WAIT);
      assertThat(byLine.status().processes()).singleElement()
          .satisfies(m -> assertThat(m.commandLine()).isEqualTo(link + " 1000"));
    } finally {
      p.destroyForcibly().waitFor();
    }
  }

  /** A rescan asked for once the supervisor is closed: its future never completed (found by a black-box run). */
  @Test
  void aRescanAfterCloseCompletesWithTheLastStatus() throws Exception {
    Supervisor supervisor = Supervisor.builder().name("attach-closed").backend("jdk").build();
    AttachedProcess p = supervisor.attach(AttachSpec.builder("nothing").processName("vn-none-" + Long.toHexString(System.nanoTime() & 0xfff)).build());
    assertEquals(AttachState.NOT_FOUND, p.rescan().toCompletableFuture().get(20, TimeUnit.SECONDS).state());
    supervisor.close();
    assertThat(p.rescan().toCompletableFuture().get(20, TimeUnit.SECONDS)).isEqualTo(p.status());
  }

  /**
   * A rescan's future completed on the supervision thread, so what a caller chained to it ran there (a blocking
   * call held up every process's supervision), unlike the futures of ProcessController and GroupController, which
   * complete on the listener executor (found by a black-box run).
   */
  @Test
  void aRescanCompletesOffTheSupervisionThread() throws Exception {
    try (Supervisor supervisor = Supervisor.builder().name("attach-relay").backend("jdk").build()) {
      AttachedProcess p = supervisor.attach(AttachSpec.builder("nothing").processName("vn-none-" + Long.toHexString(System.nanoTime() & 0xfff)).build());
      String thread = p.rescan().thenApply(s -> Thread.currentThread().getName()).toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(thread).isNotEqualTo("vigil-attach-relay");
    }
  }

  /**
   * A pid is looked for once: a rescan of a pid target that found nothing said "pid N" instead of "no process has pid
   * N", and one whose process had exited "pid N" instead of "pid N exited" (found by a black-box run).
   */
  @Test
  void aRescanOfAPidKeepsWhatTheLookFound() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "1000").start();
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    try (Supervisor supervisor = Supervisor.builder().name("attach-pid-rescan").backend("jdk").build()) {
      AttachedProcess never = supervisor.attach(AttachSpec.builder("never").pid(gone.pid()).build());
      AttachedProcess ended = supervisor.attach(AttachSpec.builder("ended").pid(sleeper.pid()).exitPollInterval(Duration.ofMillis(20)).build());
      assertThat(io.github.vigil.testing.Processes.eventually(WAIT, () -> ended.status().state() == AttachState.RUNNING)).isTrue();
      sleeper.destroyForcibly().waitFor();
      assertThat(io.github.vigil.testing.Processes.eventually(WAIT, () -> ended.status().state() == AttachState.STOPPED)).isTrue();
      assertThat(never.rescan().toCompletableFuture().get(20, TimeUnit.SECONDS).message()).isEqualTo("no process has pid " + gone.pid());
      assertThat(ended.rescan().toCompletableFuture().get(20, TimeUnit.SECONDS).message()).isEqualTo("pid " + sleeper.pid() + " exited");
    } finally {
      sleeper.destroyForcibly().waitFor();
    }
  }

  @Test
  void aPathIsNoProcessName() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AttachSpec.builder("web").processName("/usr/sbin/nginx"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("processName must be a name, not a path: '/usr/sbin/nginx' (the name is 'nginx'; a path matches with commandLine)");
  }
}
