package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.Signal;
import io.github.vigil.Termination;
import io.github.vigil.spi.RunningProcess;
import io.github.vigil.spi.SpawnException;
import io.github.vigil.spi.SpawnRequest;
import io.github.vigil.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A start returns once the program itself runs, as {@code ProcessBuilder.start()} does: not while {@code setpriv} or
 * the wrapper shell still stand in its pid joining cgroups. Until then a signal sent through the returned process
 * would reach the wrapper (a {@code SIGHUP} meant for a reload would end it), {@code /proc} would name the wrapper, and
 * a kill could land in the middle of a cgroup migration, which the kernel makes wait. The usual start, a restart from a
 * standby and a start from a spare; and a wrapper that fails before the program still ends the start.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(90)
class StartedWhenProgramRunsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @AfterEach
  void switchesOff() {
    System.clearProperty("vigil.linux.standby");
    System.clearProperty(LinuxProcessBackend.SPARES_PROPERTY);
  }

  @Test
  void theUsualStartReturnsWithTheProgramRunningInItsCgroup() throws Exception {
    assumeTrue(HostFacts.detect().shell() != null, "no /bin/sh: no wrapper in front of the program");
    try (LinuxProcessBackend backend = Backends.create("started-usual", null)) {
      for (int i = 0; i < 20; i++) {
        RecordingListener l = new RecordingListener();
        RunningProcess p = backend.spawn(sleeper("usual-" + i), l);
        assertProgramRuns(p, i);
        assertThat(p.signal(Signal.SIGKILL)).isTrue();
        assertThat(l.awaitExit(WAIT)).isInstanceOf(Termination.Signaled.class);
      }
    }
  }

  @Test
  void aRestartFromAStandbyReturnsWithTheProgramRunning() throws Exception {
    assumeTrue(HostFacts.detect().shell() != null, "no /bin/sh: no wrapper, no standby");
    System.setProperty("vigil.linux.standby", "true");
    try (LinuxProcessBackend backend = Backends.create("started-standby", null)) {
      SpawnRequest request = sleeper("standby-" + Kernel.pid());
      RecordingListener l = new RecordingListener();
      RunningProcess current = backend.spawn(request, l);
      for (int i = 0; i < 10; i++) {
        current.signal(Signal.SIGKILL);
        l.awaitExit(WAIT);
        if (i > 0) { // from the second restart on, the next run waits prepared
          int waiting = awaitWaitingWrapper("vigil-run");
          l = new RecordingListener();
          current = backend.spawn(request, l);
          assertThat(current.pid()).as("round %d: the restart used the standby", i).isEqualTo(waiting);
          assertProgramRuns(current, i);
        } else {
          l = new RecordingListener();
          current = backend.spawn(request, l);
        }
      }
      current.signal(Signal.SIGKILL);
      assertThat(l.awaitExit(WAIT)).isInstanceOf(Termination.Signaled.class);
    }
  }

  @Test
  void aStartFromASpareReturnsWithTheProgramRunning() throws Exception {
    assumeTrue(HostFacts.detect().shell() != null, "no /bin/sh: no wrapper, no spare");
    startsFromSpares("started-spare", 10);
  }

  /**
   * The spare waited for is this backend's, told apart by its command line, not any {@code sh} child of this JVM: the JVM
   * is a child subreaper, so an orphan shell an earlier test left (or one of its zombies, whose command line reads empty)
   * is a child too, and was taken for the spare once under load ("the start took the spare, expected 18176 but was
   * 18178": the start took the real spare, made just after). A stray shell started first stands for it here.
   */
  @Test
  void aSpareIsToldApartFromAnotherShellChildOfThisJvm() throws Exception {
    assumeTrue(HostFacts.detect().shell() != null, "no /bin/sh: no wrapper, no spare");
    Process stray = new ProcessBuilder("/bin/sh", "-c", "sleep 60; :").start(); // stays a shell: its sleep is a child
    try {
      startsFromSpares("started-spare-stray", 3);
    } finally {
      stray.destroyForcibly();
      stray.waitFor();
    }
  }

  /** {@code rounds} starts with one spare kept: each takes the spare waiting before it, and returns with the program running. */
  private static void startsFromSpares(String name, int rounds) throws Exception {
    System.setProperty(LinuxProcessBackend.SPARES_PROPERTY, "1");
    try (LinuxProcessBackend backend = Backends.create(name, null)) {
      for (int i = 0; i < rounds; i++) {
        int spare = awaitWaitingWrapper("vigil-spare");
        RecordingListener l = new RecordingListener();
        RunningProcess p = backend.spawn(sleeper("spared-" + i), l);
        assertThat(p.pid()).as("round %d: the start took the spare", i).isEqualTo(spare);
        assertProgramRuns(p, i);
        p.signal(Signal.SIGKILL);
        assertThat(l.awaitExit(WAIT)).isInstanceOf(Termination.Signaled.class);
      }
    }
  }

  /** The wrapper gives up before the exec (its descriptor limit is refused): the start returns, the exit follows. */
  @Test
  void aWrapperThatEndsBeforeTheProgramStillEndsTheStart() throws Exception {
    assumeTrue(HostFacts.detect().shell() != null, "no /bin/sh: no wrapper in front of the program");
    try (LinuxProcessBackend backend = Backends.create("started-refused", null)) {
      RecordingListener l = new RecordingListener();
      // above any hard limit the kernel allows (fs.nr_open is at most 2^30 - 64): refused without CAP_SYS_RESOURCE or with it
      backend.spawn(Backends.request("refused", null, Map.of(LinuxLimits.NOFILE, "1073741824"), "/bin/sleep", "1000"), l);
      assertEquals(new Termination.Exited(125), l.awaitExit(WAIT));
      assertThat(l.err()).contains("vigil: cannot set the descriptor limit to 1073741824");
    }
  }

  /**
   * A descriptor limit below 11 is refused naming the label and value: the wrapper's shell moves a descriptor to 10 to
   * redirect one, so the start ended with exit code 2 and "vigil-run: 1: 1: Invalid argument" after its cgroup join
   * failed "Too many open files". 11 runs.
   */
  @Test
  void aDescriptorLimitTooSmallForTheWrapperIsRefusedAndTheSmallestRuns() throws Exception {
    assumeTrue(HostFacts.detect().shell() != null, "no /bin/sh: no wrapper in front of the program");
    try (LinuxProcessBackend backend = Backends.create("started-small-limit", null)) {
      RecordingListener refused = new RecordingListener();
      assertThatThrownBy(() -> backend.spawn(Backends.request("small", null, Map.of(LinuxLimits.NOFILE, "10"), "/bin/true"), refused))
          .isInstanceOf(SpawnException.class)
          .hasMessageContaining("vigil.linux.nofile must be at least 11").hasMessageContaining("'10'");
      RecordingListener l = new RecordingListener();
      backend.spawn(Backends.request("smallest", null, Map.of(LinuxLimits.NOFILE, "11"), "/bin/sh", "-c", "ulimit -n; echo ok"), l);
      assertEquals(new Termination.Exited(0), l.awaitExit(WAIT), l.err());
      assertEquals("11\nok\n", l.out(), l.err());
    }
  }

  private static SpawnRequest sleeper(String name) {
    Map<String, String> env = new HashMap<>(System.getenv());
    return new SpawnRequest(name, List.of("/bin/sleep", "1000"), null, env, Path.of("/bin/sleep"), Map.of());
  }

  /** At the moment the start returned: the pid is the program, in the run's own cgroup where the backend made one. */
  private static void assertProgramRuns(RunningProcess p, int round) throws IOException {
    String comm = Files.readString(Path.of("/proc/" + p.pid() + "/comm")).trim();
    String cgroup = Files.readString(Path.of("/proc/" + p.pid() + "/cgroup"));
    assertThat(comm).as("round %d: the program runs as the start returns", round).isEqualTo("sleep");
    if (Backends.perRunCgroups()) {
      assertThat(cgroup).as("round %d: in its own cgroup as the start returns", round).contains("/vigil-");
    }
  }

  /**
   * A live child of this JVM that is a wrapper waiting to be told to go: a shell ({@code sh}) whose {@code $0} is
   * {@code argv0} ({@code vigil-spare} for a spare, {@code vigil-run} for a standby). Told apart by its command line, not its
   * name alone: never the backend's guardian (a shell named {@code sh} until its first step renames it, {@code $0}
   * {@code vigil-guardian}), nor another shell this JVM has as a child (the JVM is a child subreaper: an orphan an
   * earlier test left is one), nor a zombie (its command line reads empty).
   */
  private static int awaitWaitingWrapper(String argv0) throws InterruptedException {
    int[] found = {-1};
    boolean seen = Processes.eventually(WAIT, () -> {
      for (ProcessHandle h : ProcessHandle.current().children().toList()) {
        try {
          if ("sh".equals(Files.readString(Path.of("/proc/" + h.pid() + "/comm")).trim())
              && Files.readString(Path.of("/proc/" + h.pid() + "/cmdline")).contains("\0" + argv0 + "\0")) {
            found[0] = (int) h.pid();
            return true;
          }
        } catch (IOException e) {
          // gone meanwhile
        }
      }
      return false;
    });
    assertThat(seen).as("a shell child of this JVM with $0 %s", argv0).isTrue();
    return found[0];
  }
}
