package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vigil.Signal;
import io.github.vigil.Termination;
import io.github.vigil.spi.RunningProcess;
import io.github.vigil.spi.SpawnException;
import io.github.vigil.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The backend on its own: output before exit, what the child inherits, what the JVM keeps, bad limits. */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class LinuxProcessBackendTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void reportsOutputThenExitCodeOnTheEventLoop() throws Exception {
    try (LinuxProcessBackend backend = Backends.create("t-out", null)) {
      RecordingListener l = new RecordingListener();
      RunningProcess p = backend.spawn(Backends.sh("echo", "echo hello; echo oops >&2; exit 3"), l);
      assertThat(p.pid()).isPositive();
      assertEquals(new Termination.Exited(3), l.awaitExit(WAIT));
      assertEquals("hello\n", l.out());
      assertEquals("oops\n", l.err());
      assertEquals(1, l.exitCalls);
      assertEquals(backend.eventLoopThread(), l.exitThread);
      assertEquals(backend.eventLoopThread(), l.outputThread);
    }
  }

  /** Everything written before the exit is delivered before the exit is reported (the pipe is drained first). */
  @RepeatedTest(10)
  void exitComesAfterTheLastOutput() throws Exception {
    try (LinuxProcessBackend backend = Backends.create("t-order", null)) {
      RecordingListener l = new RecordingListener();
      backend.spawn(Backends.sh("burst", "head -c 1000000 /dev/zero; head -c 300000 /dev/zero >&2; exit 0"), l);
      l.awaitExit(WAIT);
      assertEquals(1_300_000, l.bytesAtExit);
    }
  }

  @Test
  void exitIsReportedWhileADescendantKeepsWriting() throws Exception {
    try (LinuxProcessBackend backend = Backends.create("t-yes", null)) {
      RecordingListener l = new RecordingListener();
      RunningProcess p = backend.spawn(Backends.sh("chatty-orphan", "yes & sleep 0.2; exit 0"), l);
      assertEquals(new Termination.Exited(0), l.awaitExit(WAIT));
      assertThat(p.isTreeAlive()).isTrue();
      assertThat(p.signalTree(Signal.SIGKILL)).isTrue();
      assertThat(Processes.eventually(WAIT, () -> !p.isTreeAlive())).isTrue();
    }
  }

  @Test
  void childGetsDevNullOnStdinAndNoOtherDescriptorOfTheJvm(@TempDir Path dir) throws Exception {
    try (LinuxProcessBackend backend = Backends.create("t-fds", null)) {
      RecordingListener l = new RecordingListener();
      // the shell lists its own descriptors (no pipeline: its pipe ends would show): exactly 0, 1, 2
      backend.spawn(Backends.request("fds", dir, Map.of(), "/bin/sh", "-c", "ls /proc/$$/fd; readlink /proc/$$/fd/0; pwd"), l);
      assertEquals(new Termination.Exited(0), l.awaitExit(WAIT));
      String[] lines = l.out().split("\n");
      assertEquals("0 1 2", String.join(" ", lines[0], lines[1], lines[2]), l.out());
      assertEquals(5, lines.length, l.out());
      assertEquals("/dev/null", lines[3]);
      assertEquals(dir.toRealPath().toString(), lines[4]);
    }
  }

  @Test
  void childEnvironmentCarriesTheMarkerAndTheName() throws Exception {
    try (LinuxProcessBackend backend = Backends.create("t-env", null)) {
      RecordingListener l = new RecordingListener();
      backend.spawn(Backends.sh("env-check", "echo $VIGIL_PROCESS_NAME; echo ${VIGIL_SUPERVISOR_ID:+set}"), l);
      l.awaitExit(WAIT);
      assertEquals("env-check\nset\n", l.out());
    }
  }

  @Test
  void noDescriptorsOrZombiesAreLeftInTheJvm() throws Exception {
    try (LinuxProcessBackend backend = Backends.create("t-leak", null)) {
      warmUp(backend);
      int before = openDescriptors();
      Set<Integer> sessions = new HashSet<>();
      for (int i = 0; i < 50; i++) {
        RecordingListener l = new RecordingListener();
        // each run leaves an orphan that the JVM adopts as child subreaper and must reap once it exits
        sessions.add((int) backend.spawn(Backends.sh("leak" + i, "echo x; (sleep 0.01 &) ; exit 0"), l).pid());
        l.awaitExit(WAIT);
      }
      assertThat(Processes.eventually(WAIT, () -> openDescriptors() <= before))
          .as("descriptors before %d, now %d", before, openDescriptors()).isTrue();
      assertThat(Processes.eventually(WAIT, () -> zombieChildren(sessions).isEmpty())).as("zombies: %s", zombieChildren(sessions)).isTrue();
    }
  }

  @Test
  void badLimitLabelFailsTheSpawnNamingLabelAndValue() {
    try (LinuxProcessBackend backend = Backends.create("t-bad", null)) {
      var req = Backends.request("bad", null, Map.of(LinuxLimits.MEMORY_MAX, "lots"), "/bin/true");
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> backend.spawn(req, new RecordingListener())))
          .isInstanceOf(SpawnException.class).hasMessageContaining(LinuxLimits.MEMORY_MAX).hasMessageContaining("'lots'");
    }
  }

  @Test
  void missingBinaryIsASpawnExceptionNamingIt() {
    // with setpriv (and the cgroup wrapper) in front, posix_spawn alone would not see it: the backend checks first
    for (boolean cgroups : new boolean[] {true, false}) {
      try (LinuxProcessBackend backend = Backends.create("t-missing-" + cgroups, cgroups)) {
        var req = Backends.request("missing", null, Map.of(), "/no/such/binary");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> backend.spawn(req, new RecordingListener())))
            .isInstanceOf(SpawnException.class).hasMessageContaining("/no/such/binary");
      }
    }
  }

  @Test
  void closeKillsWhatWasNotStopped() throws Exception {
    RecordingListener l = new RecordingListener();
    RunningProcess p;
    try (LinuxProcessBackend backend = Backends.create("t-close", null)) {
      p = backend.spawn(Backends.sh("forgotten", "sleep 1000 & exec sleep 1000"), l);
    }
    assertThat(l.exit).isDone();
    assertEquals(Termination.Signaled.of(9, false), l.awaitExit(WAIT));
    assertThat(p.signal(Signal.SIGTERM)).isFalse();
    assertThat(Processes.eventually(WAIT, () -> Processes.withMarker("sleep 1000").stream()
        .noneMatch(h -> Processes.cmdline(h.pid()).orElse("").startsWith("sleep 1000") && isInSession(h.pid(), (int) p.pid())))).isTrue();
  }

  private static boolean isInSession(long pid, int session) {
    return new io.github.vigil.linux.proc.ProcFs().stat((int) pid).map(s -> s.session() == session).orElse(false);
  }

  private static void warmUp(LinuxProcessBackend backend) throws Exception {
    RecordingListener l = new RecordingListener();
    backend.spawn(Backends.sh("warm", "exit 0"), l);
    l.awaitExit(WAIT);
    Thread.sleep(200);
  }

  private static int openDescriptors() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return (int) fds.count();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Zombie children of this JVM in the given sessions: processes it adopted or spawned and nobody reaped. */
  private static Set<Integer> zombieChildren(Set<Integer> sessions) {
    Set<Integer> zombies = new HashSet<>();
    var proc = new io.github.vigil.linux.proc.ProcFs();
    int self = (int) ProcessHandle.current().pid();
    for (var s : proc.all()) {
      if (s.ppid() == self && s.zombie() && sessions.contains(s.session())) {
        zombies.add(s.pid());
      }
    }
    return zombies;
  }
}
