package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.Termination;
import io.github.vigil.spi.BackendContext;
import io.github.vigil.spi.RunningProcess;
import io.github.vigil.spi.SpawnRequest;
import io.github.vigil.testing.Processes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@code LD_PRELOAD} (and {@code LD_AUDIT}) naming a library the loader cannot load: the loader warns of it at each exec
 * that has it in its environment. The wrappers in front of the program ({@code setpriv}, the shell) run without them,
 * so the run's stderr has the warning once, the program's own, whether it starts the usual way, from a standby or from
 * a spare; and the program gets them exactly as its request sets them. It was warned of three times (setpriv, the
 * shell, the program), and a start failure's diagnosis, which reads the first error lines, showed the same line thrice.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(90)
class LoaderVariablesTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String LIB = "/nonexistent/vigil-" + ProcessHandle.current().pid() + "/lib.so";

  @BeforeEach
  void wrapped() {
    assumeTrue(HostFacts.detect().shell() != null, "no /bin/sh: no wrapper in front of the program here");
  }

  @AfterEach
  void defaults() {
    System.clearProperty(LinuxProcessBackend.STANDBY_PROPERTY);
    System.clearProperty(LinuxProcessBackend.SPARES_PROPERTY);
  }

  @Test
  void aLibraryTheLoaderCannotLoadIsWarnedOfOnceByTheProgramItself() throws Exception {
    try (LinuxProcessBackend backend = Backends.create("loader", null)) {
      RecordingListener l = new RecordingListener();
      backend.spawn(request("hi", Map.of("LD_PRELOAD", LIB), "/bin/sh", "-c", "echo hi"), l);
      assertThat(l.awaitExit(WAIT)).isEqualTo(new Termination.Exited(0));
      assertThat(l.out()).isEqualTo("hi\n");
      assertThat(warnings(l.err())).as("loader warnings on stderr:\n%s", l.err()).isEqualTo(1);
    }
  }

  @Test
  void theProgramGetsExactlyTheEnvironmentItsRequestSets() throws Exception {
    Map<String, String> asked = new HashMap<>(Map.of("LD_PRELOAD", LIB, "LD_AUDIT", LIB + ".audit", "LD_LIBRARY_PATH", "/nonexistent/lib",
        "A", "1 2", "LC_ALL", "C"));
    try (LinuxProcessBackend backend = Backends.create("loader-env", null)) {
      RecordingListener l = new RecordingListener();
      SpawnRequest request = request("env", asked, "/usr/bin/env", "-0");
      backend.spawn(request, l);
      assertThat(l.awaitExit(WAIT)).isEqualTo(new Termination.Exited(0));
      Map<String, String> expected = new HashMap<>(request.environment());
      expected.put(LinuxProcessBackend.NAME_VARIABLE, "env");
      assertThat(environment(l.out())).isEqualTo(expected);
      assertThat(warnings(l.err())).as("loader warnings on stderr:\n%s", l.err()).isEqualTo(2); // env's own: one each
    }
  }

  @Test
  void aStandbyWaitsWithoutThemAndItsProgramGetsThem() throws Exception {
    System.setProperty(LinuxProcessBackend.STANDBY_PROPERTY, "from-start");
    String name = "loader-standby-" + Kernel.pid();
    SpawnRequest request = request(name, Map.of("LD_PRELOAD", LIB), "/bin/sh", "-c", "echo \"$LD_PRELOAD\"");
    try (LinuxProcessBackend backend = Backends.create("loader-standby", null)) {
      RecordingListener first = new RecordingListener();
      backend.spawn(request, first);
      assertThat(first.awaitExit(WAIT)).isEqualTo(new Termination.Exited(0));
      assertThat(warnings(first.err())).as("loader warnings on stderr:\n%s", first.err()).isEqualTo(1);
      assertThat(Processes.eventually(WAIT, () -> StandbyRestartTest.standbyOf(name).isPresent())).as("a standby").isTrue();
      int standby = StandbyRestartTest.standbyOf(name).getAsInt();
      assertThat(StandbyRestartTest.environ(standby)).as("the standby's shell").noneMatch(e -> e.startsWith("LD_PRELOAD="));

      RecordingListener second = new RecordingListener();
      RunningProcess restarted = backend.spawn(request, second);
      assertThat(restarted.pid()).as("the restart used the standby").isEqualTo(standby);
      assertThat(second.awaitExit(WAIT)).isEqualTo(new Termination.Exited(0));
      assertThat(second.out()).isEqualTo(LIB + "\n");
      assertThat(warnings(second.err())).as("loader warnings on stderr:\n%s", second.err()).isEqualTo(1);
    }
  }

  @Test
  void aSpareRunsTheProgramWithThem() throws Exception {
    System.setProperty(LinuxProcessBackend.SPARES_PROPERTY, "1");
    try (LinuxProcessBackend backend = Backends.create("loader-spare", null)) {
      int spare = SpareTest.awaitSpare();
      RecordingListener l = new RecordingListener();
      RunningProcess p = backend.spawn(request("spare", Map.of("LD_PRELOAD", LIB), "/bin/sh", "-c", "echo \"$LD_PRELOAD\""), l);
      assertThat(p.pid()).as("the start took the spare").isEqualTo(spare);
      assertThat(l.awaitExit(WAIT)).isEqualTo(new Termination.Exited(0));
      assertThat(l.out()).isEqualTo(LIB + "\n");
      assertThat(warnings(l.err())).as("loader warnings on stderr:\n%s", l.err()).isEqualTo(1);
    }
  }

  /**
   * A machine without {@code /bin/sh}: no wrapper, setpriv runs the program itself (the backend takes its shell from
   * the {@link HostFacts} it is given; these are what {@link HostFacts#detect()} finds on such a machine: no shell, no
   * per-run cgroups). setpriv ran with them and the loader warned twice, for setpriv and for the program; now
   * {@code env}, between them, gives them to the program alone.
   */
  @Test
  void withoutAShellSetprivRunsWithoutThemAndTheProgramGetsThem() throws Exception {
    HostFacts here = HostFacts.detect();
    assumeTrue(here.setpriv() != null, "no setpriv: nothing runs in front of the program here");
    HostFacts noShell = new HostFacts(here.kernel(), new CgroupLayout(null, null, null), here.setpriv(), null, here.subreaper(),
        here.clockTicks(), here.notes() + "; no /bin/sh (as LoaderVariablesTest has it)");
    Map<String, String> asked = new HashMap<>(Map.of("LD_PRELOAD", LIB, "A", "1 2=3"));
    try (LinuxProcessBackend backend = new LinuxProcessBackend(new BackendContext("loader-no-shell", null), noShell)) {
      RecordingListener l = new RecordingListener();
      SpawnRequest request = request("no-shell", asked, "/usr/bin/env", "-0");
      backend.spawn(request, l);
      assertThat(l.awaitExit(WAIT)).isEqualTo(new Termination.Exited(0));
      Map<String, String> expected = new HashMap<>(request.environment());
      expected.put(LinuxProcessBackend.NAME_VARIABLE, "no-shell");
      assertThat(environment(l.out())).isEqualTo(expected);
      assertThat(warnings(l.err())).as("loader warnings on stderr:\n%s", l.err()).isEqualTo(1);
    }
  }

  /** The loader's lines about {@link #LIB} (or its audit twin). */
  private static long warnings(String err) {
    return err.lines().filter(line -> line.contains(LIB)).count();
  }

  private static SpawnRequest request(String name, Map<String, String> asked, String... command) {
    Map<String, String> env = new HashMap<>(asked);
    env.put("PATH", "/usr/bin:/bin");
    return new SpawnRequest(name, List.of(command), null, env, Path.of(command[0]), Map.of());
  }

  /** {@code env -0}'s entries, without the backend's marker and the shell's {@code PWD}. */
  private static Map<String, String> environment(String entries) {
    Map<String, String> env = new HashMap<>();
    for (String entry : entries.split("\u0000")) {
      if (!entry.isEmpty() && !entry.startsWith(LinuxProcessBackend.MARKER_VARIABLE + "=") && !entry.startsWith("PWD=")) {
        env.put(entry.substring(0, entry.indexOf('=')), entry.substring(entry.indexOf('=') + 1));
      }
    }
    return env;
  }
}
