package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.ProcessSample;
import io.github.vigil.Signal;
import io.github.vigil.Termination;
import io.github.vigil.spi.RunningProcess;
import io.github.vigil.spi.SpawnRequest;
import io.github.vigil.testing.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@code -Dvigil.linux.spares=N}: a wrapper started ahead becomes the next run, whatever it is, with exactly the
 * arguments, environment, directory, descriptors, cgroups and limits a direct start gives; what it cannot give
 * exactly goes the usual way; a spare killed while it waits is replaced; none outlives the backend. Real processes.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(90)
class SpareTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** The spare is opt-in; each backend reads the switch when it is built. */
  @BeforeEach
  void spareOn() {
    assumeTrue(HostFacts.detect().shell() != null, "no /bin/sh: no wrapper, no spare");
    System.setProperty(LinuxProcessBackend.SPARES_PROPERTY, "1");
  }

  @AfterEach
  void spareOff() {
    System.clearProperty(LinuxProcessBackend.SPARES_PROPERTY);
  }

  @Test
  void aStartBecomesTheSpareWithItsArgumentsEnvironmentDirectoryAndDescriptors() throws Exception {
    try (LinuxProcessBackend backend = Backends.create("spare-args", null)) {
      int spare = awaitSpare();
      String[] args = {"%s|", "a b", "it's", "$HOME", "back\\slash", "new\nline", "", "`date`", "\u00e9t\u00e9"};
      RecordingListener l = new RecordingListener();
      String[] command = new String[args.length + 1];
      command[0] = "/usr/bin/printf";
      System.arraycopy(args, 0, command, 1, args.length);
      RunningProcess p = backend.spawn(request("printf", null, Map.of(), command), l);
      assertThat(p.pid()).as("the start took the spare").isEqualTo(spare);
      assertThat(l.awaitExit(WAIT)).isEqualTo(new Termination.Exited(0));
      assertThat(l.out()).isEqualTo("a b|it's|$HOME|back\\slash|new\nline||`date`|\u00e9t\u00e9|");

      int next = awaitSpare();
      assertThat(next).as("a new spare after the first was taken").isNotEqualTo(spare);
      // a stale PWD, as a JVM's own environment often has for a run in another directory: the shell replaces it
      Map<String, String> env = Map.of("A", "1 2", "B", "it's $x", "C", "", "D", "a\nb=c", "PWD", "/nonexistent");
      SpawnRequest envRequest = new SpawnRequest("env", List.of("/usr/bin/env", "-0"), Path.of("/tmp"), env, Path.of("/usr/bin/env"), Map.of());
      RecordingListener e = new RecordingListener();
      RunningProcess envRun = backend.spawn(envRequest, e);
      assertThat(envRun.pid()).isEqualTo(next);
      assertThat(e.awaitExit(WAIT)).isEqualTo(new Termination.Exited(0));
      Map<String, String> seen = environment(e.out());
      assertThat(seen).containsEntry("A", "1 2").containsEntry("B", "it's $x").containsEntry("C", "").containsEntry("D", "a\nb=c")
          .containsEntry("PWD", Path.of("/tmp").toRealPath().toString()).containsEntry(LinuxProcessBackend.NAME_VARIABLE, "env")
          .doesNotContainKey("OLDPWD");
      assertThat(seen).as("the same environment as the usual wrapper gives").isEqualTo(environment(usually(envRequest)));
      int third = awaitSpare();
      RecordingListener d = new RecordingListener();
      RunningProcess where = backend.spawn(request("where", Path.of("/tmp"), Map.of(), "/bin/sh", "-c", "pwd -P; ls /proc/$$/fd"), d);
      assertThat(where.pid()).isEqualTo(third);
      assertThat(d.awaitExit(WAIT)).isEqualTo(new Termination.Exited(0));
      // the program's shell: 0, 1, 2 and nothing else; not the spare's pipe (3) nor the script it read (10 and up)
      assertThat(d.out()).isEqualTo(Path.of("/tmp").toRealPath() + "\n0\n1\n2\n");
    }
  }

  /** A run from a spare starts when its program does: its sample's start time is the start's, not the spare's. */
  @Test
  void aRunFromASpareStartsWhenItsProgramDoes() throws Exception {
    try (LinuxProcessBackend backend = Backends.create("spare-start", null)) {
      int spare = awaitSpare();
      Thread.sleep(2_500); // the spare now waited longer than the kernel's start time is precise (boot time in whole seconds)
      long asked = System.currentTimeMillis();
      RunningProcess p = backend.spawn(request("sleeper", null, Map.of(), "/bin/sleep", "1000"), new RecordingListener());
      long returned = System.currentTimeMillis();
      assertThat(p.pid()).as("the start took the spare").isEqualTo(spare);
      ProcessSample sample = backend.sampler().orElseThrow().sample(p.pid(),
          EnumSet.of(ProcessSample.Field.START_TIME, ProcessSample.Field.UPTIME), null);
      assertThat(sample.startTime().orElseThrow().toEpochMilli()).as("the program's start, not the spare's").isBetween(asked, returned);
      assertThat(sample.uptime().orElseThrow()).isLessThan(Duration.ofMillis(2_000));
      p.signal(Signal.SIGKILL);
      assertThat(Processes.eventually(WAIT, () -> !p.isTreeAlive())).isTrue();
    }
  }

  @Test
  void theRunIsInTheCgroupsTheSpareJoinedUnderItsLimitsBeforeTheProgramRuns() throws Exception {
    assumeTrue(Backends.perRunCgroups(), "no writable cgroup hierarchy here");
    boolean memory = StandbyRestartTest.canLimitMemory();
    boolean pids = canLimitPids();
    Map<String, String> labels = new HashMap<>();
    if (memory) {
      labels.put(LinuxLimits.MEMORY_MAX, "48M");
    }
    if (pids) {
      labels.put(LinuxLimits.PIDS_MAX, "64");
    }
    try (LinuxProcessBackend backend = Backends.create("spare-cgroups", null)) {
      int spare = awaitSpare();
      // the spare joins its own new cgroups as it starts, before it waits
      assertThat(Processes.eventually(WAIT, () -> readOr("/proc/" + spare + "/cgroup").contains("/spare-"))).isTrue();
      String before = readOr("/proc/" + spare + "/cgroup");
      RecordingListener l = new RecordingListener();
      // the program reads its own cgroups: what it sees is what it runs under from its first instruction
      RunningProcess p = backend.spawn(request("limited", null, labels, "/bin/sh", "-c", "cat /proc/self/cgroup; echo ready; exec sleep 1000"), l);
      assertThat(p.pid()).isEqualTo(spare);
      assertThat(Processes.eventually(WAIT, () -> l.out().contains("ready"))).isTrue();
      String cgroups = l.out().substring(0, l.out().indexOf("ready"));
      for (String line : before.lines().toList()) {
        if (line.contains("/spare-")) {
          assertThat(cgroups).as("still in the cgroup the spare joined").contains(line);
        }
      }
      CgroupLayout layout = CgroupLayout.parse(cgroups, Files.readString(Path.of("/proc/self/mountinfo")));
      if (memory) {
        assertThat(StandbyRestartTest.memoryLimit(cgroups)).isEqualTo(48L << 20);
      }
      if (pids) {
        Path dir = layout.v1Pids() != null && Files.exists(layout.v1Pids().resolve("pids.max")) ? layout.v1Pids() : layout.v2();
        assertThat(dir.toString()).contains("/spare-");
        assertThat(Files.readString(dir.resolve("pids.max")).trim()).isEqualTo("64");
      }
      p.signal(Signal.SIGKILL);
      assertThat(l.awaitExit(WAIT)).isInstanceOf(Termination.Signaled.class);
    }
  }

  @Test
  void aRunASpareCannotGiveExactlyGoesTheUsualWayAndTheSpareWaits() throws Exception {
    try (LinuxProcessBackend backend = Backends.create("spare-fallback", null)) {
      int spare = awaitSpare();
      RecordingListener l = new RecordingListener();
      Map<String, String> env = Map.of("my-var", "1"); // a name no shell can export
      RunningProcess p = backend.spawn(new SpawnRequest("dashed", List.of("/usr/bin/env"), null, env, Path.of("/usr/bin/env"), Map.of()), l);
      assertThat(p.pid()).isNotEqualTo(spare);
      assertThat(l.awaitExit(WAIT)).isEqualTo(new Termination.Exited(0));
      assertThat(spareOfThisJvm()).hasValue(spare);
      assertThat(environment(l.out().replace('\n', '\u0000'))).as("as the usual wrapper gives it").isEqualTo(environment(usually(
          new SpawnRequest("dashed", List.of("/usr/bin/env"), null, env, Path.of("/usr/bin/env"), Map.of())).replace('\n', '\u0000')));
    }
  }

  @Test
  void aSpareKilledWhileItWaitsIsReplacedAndTheStartStillRuns() throws Exception {
    try (LinuxProcessBackend backend = Backends.create("spare-killed", null)) {
      int spare = awaitSpare();
      ProcessHandle.of(spare).orElseThrow().destroyForcibly();
      assertThat(Processes.eventually(WAIT, () -> "Z".equals(state(spare)) || !Files.exists(Path.of("/proc/" + spare)))).isTrue();
      RecordingListener l = new RecordingListener();
      RunningProcess p = backend.spawn(request("after-kill", null, Map.of(), "/bin/echo", "still here"), l);
      assertThat(p.pid()).isNotEqualTo(spare);
      assertThat(l.awaitExit(WAIT)).isEqualTo(new Termination.Exited(0));
      assertThat(l.out()).isEqualTo("still here\n");
      assertThat(Processes.eventually(WAIT, () -> spareOfThisJvm().isPresent() && spareOfThisJvm().getAsInt() != spare))
          .as("a new spare").isTrue();
    }
  }

  @Test
  void noSpareOutlivesTheBackend() throws Exception {
    int spare;
    try (LinuxProcessBackend backend = Backends.create("spare-close", null)) {
      spare = awaitSpare();
    }
    assertThat(Files.exists(Path.of("/proc/" + spare))).as("the spare is killed and reaped on close").isFalse();
  }

  @Test
  void twoSparesAreKeptAndTheOldestIsTakenFirst() throws Exception {
    System.setProperty(LinuxProcessBackend.SPARES_PROPERTY, "2");
    try (LinuxProcessBackend backend = Backends.create("spare-two", null)) {
      // one look at /proc per condition: a second look read the list of two as one in a CI run (a spare between
      // setpriv and its shell, whose command line may read empty in the exec, is the likely cause)
      java.util.concurrent.atomic.AtomicReference<List<Integer>> seen = new java.util.concurrent.atomic.AtomicReference<>();
      assertThat(Processes.eventually(WAIT, () -> {
        seen.set(sparesOfThisJvm());
        return seen.get().size() == 2;
      })).as("two spares wait").isTrue();
      List<Integer> waiting = seen.get();
      RecordingListener l = new RecordingListener();
      RunningProcess p = backend.spawn(request("first", null, Map.of(), "/bin/true"), l);
      assertThat(p.pid()).as("the older of %s", waiting).isEqualTo((long) waiting.get(0));
      assertThat(l.awaitExit(WAIT)).isEqualTo(new Termination.Exited(0));
      assertThat(Processes.eventually(WAIT, () -> {
        List<Integer> now = sparesOfThisJvm();
        return now.size() == 2 && now.get(0).equals(waiting.get(1));
      }))
          .as("the other one is next, and a new one waits behind it").isTrue();
    }
  }

  @Test
  void aBadSpareCountIsRefusedNamingItsValue() {
    for (String bad : new String[] {"yes", "-1", "17"}) {
      System.setProperty(LinuxProcessBackend.SPARES_PROPERTY, bad);
      assertThatThrownBy(() -> Backends.create("spare-bad", null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("vigil.linux.spares is '" + bad + "'")
          .hasMessageContaining("0 (the default) to 16");
    }
  }

  /** {@code NAME=value} entries separated by NUL, without the backend's marker (each backend has its own). */
  private static Map<String, String> environment(String entries) {
    Map<String, String> env = new HashMap<>();
    for (String entry : entries.split("\u0000")) {
      if (!entry.isEmpty() && !entry.startsWith(LinuxProcessBackend.MARKER_VARIABLE + "=")) {
        env.put(entry.substring(0, entry.indexOf('=')), entry.substring(entry.indexOf('=') + 1));
      }
    }
    return env;
  }

  /** What a run prints without a spare, through the usual wrapper. */
  private static String usually(SpawnRequest request) throws Exception {
    System.clearProperty(LinuxProcessBackend.SPARES_PROPERTY);
    try (LinuxProcessBackend backend = Backends.create("spare-off", null)) {
      RecordingListener l = new RecordingListener();
      backend.spawn(request, l);
      assertThat(l.awaitExit(WAIT)).isEqualTo(new Termination.Exited(0));
      return l.out();
    } finally {
      System.setProperty(LinuxProcessBackend.SPARES_PROPERTY, "1");
    }
  }

  private static SpawnRequest request(String name, Path dir, Map<String, String> labels, String... command) {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", "/usr/bin:/bin");
    return new SpawnRequest(name, List.of(command), dir, env, Path.of(command[0]), labels);
  }

  static int awaitSpare() throws InterruptedException {
    java.util.concurrent.atomic.AtomicReference<OptionalInt> seen = new java.util.concurrent.atomic.AtomicReference<>();
    assertThat(Processes.eventually(WAIT, () -> {
      seen.set(spareOfThisJvm()); // the spare found, not a second look, which may miss it in its exec
      return seen.get().isPresent();
    })).as("a spare waits").isTrue();
    return seen.get().getAsInt();
  }

  /** The one spare of this JVM, if one waits. */
  private static OptionalInt spareOfThisJvm() {
    List<Integer> spares = sparesOfThisJvm();
    assertThat(spares).as("one spare at most").hasSizeLessThanOrEqualTo(1);
    return spares.isEmpty() ? OptionalInt.empty() : OptionalInt.of(spares.get(0));
  }

  /** Children of this JVM, not zombies, whose command line is the spare's wrapper; the oldest first. */
  private static List<Integer> sparesOfThisJvm() {
    String self = Integer.toString(Kernel.pid());
    Map<Integer, Long> started = new HashMap<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path d : dirs) {
        try {
          String stat = Files.readString(d.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          String cmdline = new String(Files.readAllBytes(d.resolve("cmdline")), StandardCharsets.UTF_8);
          if (f[1].equals(self) && !f[0].equals("Z") && cmdline.contains("\u0000vigil-spare\u0000")) {
            started.put(Integer.parseInt(d.getFileName().toString()), Long.parseLong(f[19])); // starttime
          }
        } catch (IOException | RuntimeException e) {
          // gone meanwhile
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    List<Integer> spares = new ArrayList<>(started.keySet());
    spares.sort(java.util.Comparator.comparing((Integer pid) -> started.get(pid)).thenComparing(pid -> pid));
    return spares;
  }

  private static String state(int pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[0];
    } catch (IOException e) {
      return "";
    }
  }

  private static String readOr(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      return "";
    }
  }

  private static boolean canLimitPids() {
    Cgroups probe = new Cgroups(HostFacts.detect().cgroupLayout(), "vigil-probe-" + Kernel.pid());
    try {
      return probe.canLimitPids();
    } finally {
      probe.close();
    }
  }
}
