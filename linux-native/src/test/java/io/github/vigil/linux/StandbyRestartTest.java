package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A restarted process's next run is prepared ahead (a standby waiting in the wrapper, already in its own
 * cgroups and under its limits); the restart with the same request runs the program in it, a changed
 * request or the backend's close drops it.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(90)
class StandbyRestartTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** The standby is opt-in; each backend reads the switch when it is built. */
  @org.junit.jupiter.api.BeforeEach
  void standbyOn() {
    System.setProperty("vigil.linux.standby", "true");
  }

  @org.junit.jupiter.api.AfterEach
  void standbyOff() {
    System.clearProperty("vigil.linux.standby");
    System.clearProperty(LinuxProcessBackend.GUARDIAN_PROPERTY);
  }

  @Test
  void theSecondRestartRunsInThePreparedStandbyInsideItsCgroupsAndLimits() throws Exception {
    boolean memory = canLimitMemory();
    assumeTrue(HostFacts.detect().shell() != null, "no /bin/sh: no wrapper, no standby");
    String name = "standby-" + Kernel.pid();
    Map<String, String> labels = memory ? Map.of(LinuxLimits.MEMORY_MAX, "48M") : Map.of();
    SpawnRequest request = Backends.request(name, null, labels, "/bin/sleep", "1000");
    try (LinuxProcessBackend backend = Backends.create("standby", null)) {
      RunningProcess first = backend.spawn(request, new RecordingListener());
      assertThat(Processes.eventually(WAIT, () -> "sleep".equals(comm((int) first.pid())))).isTrue();
      assertThat(standbyOf(name)).as("no standby for a process never restarted").isEmpty();
      kill(first);
      RunningProcess second = backend.spawn(request, new RecordingListener()); // a restart: the next one is prepared
      assertThat(Processes.eventually(WAIT, () -> "sleep".equals(comm((int) second.pid())))).isTrue();
      assertThat(Processes.eventually(WAIT, () -> standbyOf(name).isPresent())).as("a standby waits for %s", name).isTrue();
      int standby = standbyOf(name).getAsInt();
      assertThat(comm(standby)).isEqualTo("sh"); // waiting in the wrapper: the program has not started
      awaitJoinedLike(standby, (int) second.pid(), name);
      if (memory) { // the standby is seen as soon as it is spawned; it joins its cgroups right after
        assertThat(Processes.eventually(WAIT, () -> limitOf(standby) == 48L << 20))
            .as("the standby is under its limit before the restart: %s", Files.readString(Path.of("/proc/" + standby + "/cgroup"))).isTrue();
      }
      String before = Files.readString(Path.of("/proc/" + standby + "/cgroup"));
      Path word = Files.readSymbolicLink(Path.of("/proc/" + standby + "/fd/3")); // the pipe it waits on

      kill(second);
      RunningProcess third = backend.spawn(request, new RecordingListener());
      assertThat(third.pid()).as("the restart used the standby").isEqualTo(standby);
      assertThat(Processes.eventually(WAIT, () -> "sleep".equals(comm(standby)))).as("the standby ran the program").isTrue();
      assertThat(Files.readString(Path.of("/proc/" + standby + "/cgroup"))).isEqualTo(before);
      // the program's own loader briefly opens files as descriptor 3 (ld.so.cache, libc), so the check is that the
      // standby's pipe is not among its descriptors once it runs, not that the number 3 is free at one instant
      assertThat(Processes.eventually(WAIT, () -> !descriptors(standby).contains(word)))
          .as("the pipe %s closed before the exec: %s", word, descriptors(standby)).isTrue();
      assertThat(new String(Files.readAllBytes(Path.of("/proc/" + standby + "/cmdline")), StandardCharsets.UTF_8))
          .isEqualTo("/bin/sleep\u00001000\u0000");
      if (memory) {
        assertThat(memoryLimit(Files.readString(Path.of("/proc/" + standby + "/cgroup")))).isEqualTo(48L << 20);
      }
      RecordingListener l = new RecordingListener();
      assertThat(Processes.eventually(WAIT, () -> standbyOf(name).isPresent())).as("the next standby is prepared").isTrue();
      int next = standbyOf(name).getAsInt();

      // a changed request does not use it: it is dropped (killed and reaped) and a fresh run starts
      kill(third);
      SpawnRequest changed = Backends.request(name, null, labels, "/bin/sleep", "999");
      RunningProcess fourth = backend.spawn(changed, l);
      assertThat(fourth.pid()).isNotEqualTo(next);
      assertThat(Processes.eventually(WAIT, () -> "sleep".equals(comm((int) fourth.pid())))).isTrue();
      assertThat(Processes.eventually(WAIT, () -> !Files.exists(Path.of("/proc/" + next)))).as("dropped standby %s is gone", next).isTrue();
      kill(fourth);
    }
    assertThat(Processes.eventually(WAIT, () -> standbyOf(name).isEmpty())).as("no standby outlives the backend").isTrue();
  }

  /**
   * With {@code from-start} the next run is prepared after the first start: the first restart (where restarts are
   * rare, often the only one) runs the program in the standby, in its cgroups.
   */
  @Test
  void fromStartTheFirstRestartRunsInAStandby() throws Exception {
    assumeTrue(HostFacts.detect().shell() != null, "no /bin/sh: no wrapper, no standby");
    System.setProperty("vigil.linux.standby", "from-start");
    String name = "standby-first-" + Kernel.pid();
    SpawnRequest request = Backends.request(name, null, Map.of(), "/bin/sleep", "1000");
    try (LinuxProcessBackend backend = Backends.create("standby-first", null)) {
      RunningProcess first = backend.spawn(request, new RecordingListener());
      assertThat(Processes.eventually(WAIT, () -> "sleep".equals(comm((int) first.pid())))).isTrue();
      assertThat(Processes.eventually(WAIT, () -> standbyOf(name).isPresent())).as("a standby after the first start").isTrue();
      int standby = standbyOf(name).getAsInt();
      assertThat(comm(standby)).isEqualTo("sh"); // waiting in the wrapper: the program has not started
      awaitJoinedLike(standby, (int) first.pid(), name);
      String prepared = Files.readString(Path.of("/proc/" + standby + "/cgroup"));

      kill(first);
      RunningProcess second = backend.spawn(request, new RecordingListener());
      assertThat(second.pid()).as("the first restart used the standby").isEqualTo(standby);
      assertThat(Processes.eventually(WAIT, () -> "sleep".equals(comm(standby)))).as("the standby ran the program").isTrue();
      assertThat(Files.readString(Path.of("/proc/" + standby + "/cgroup"))).isEqualTo(prepared);
      kill(second);
    }
    assertThat(Processes.eventually(WAIT, () -> standbyOf(name).isEmpty())).as("no standby outlives the backend").isTrue();
  }

  /**
   * Where setpriv runs (no guardian), a standby waits with its environment ({@code LC_ALL=C}); the program it runs has
   * its own {@code LC_ALL}.
   */
  @Test
  void theStandbyWaitsInTheCLocaleAndTheProgramGetsItsOwn() throws Exception {
    HostFacts facts = HostFacts.detect();
    assumeTrue(facts.setpriv() != null && facts.shell() != null, "no setpriv or no /bin/sh here: nothing runs before the program");
    System.setProperty("vigil.linux.standby", "from-start");
    System.setProperty(LinuxProcessBackend.GUARDIAN_PROPERTY, "false"); // setpriv runs only where no guardian does
    String name = "standby-locale-" + Kernel.pid();
    SpawnRequest request = new SpawnRequest(name, List.of("/bin/sleep", "1000"), null, Map.of("LANG", "C.UTF-8", "LC_ALL", "en_US.UTF-8"),
        Path.of("/bin/sleep"), Map.of());
    try (LinuxProcessBackend backend = Backends.create("standby-locale", null)) {
      RunningProcess first = backend.spawn(request, new RecordingListener());
      assertThat(Processes.eventually(WAIT, () -> "sleep".equals(comm((int) first.pid())))).isTrue();
      assertThat(environ((int) first.pid())).contains("LC_ALL=en_US.UTF-8").doesNotContain("LC_ALL=C");
      assertThat(Processes.eventually(WAIT, () -> standbyOf(name).isPresent())).as("a standby after the first start").isTrue();
      int standby = standbyOf(name).getAsInt();
      assertThat(environ(standby)).as("the standby's shell, as setpriv started it").contains("LC_ALL=C").doesNotContain("LC_ALL=en_US.UTF-8");

      kill(first);
      RunningProcess second = backend.spawn(request, new RecordingListener());
      assertThat(second.pid()).as("the restart used the standby").isEqualTo(standby);
      assertThat(Processes.eventually(WAIT, () -> "sleep".equals(comm(standby)))).as("the standby ran the program").isTrue();
      assertThat(environ(standby)).as("the program's own").contains("LC_ALL=en_US.UTF-8", "LANG=C.UTF-8").doesNotContain("LC_ALL=C");
      kill(second);
    }
  }

  /**
   * A run from a standby starts when its program does: its sample's start time is the restart's, not the standby
   * shell's (which waited since it was prepared: for as long as the run before it lived).
   */
  @Test
  void aRunFromAStandbyStartsWhenItsProgramDoes() throws Exception {
    assumeTrue(HostFacts.detect().shell() != null, "no /bin/sh: no wrapper, no standby");
    System.setProperty("vigil.linux.standby", "from-start");
    String name = "standby-start-" + Kernel.pid();
    SpawnRequest request = Backends.request(name, null, Map.of(), "/bin/sleep", "1000");
    Set<ProcessSample.Field> fields = EnumSet.of(ProcessSample.Field.START_TIME, ProcessSample.Field.UPTIME);
    try (LinuxProcessBackend backend = Backends.create("standby-start", null)) {
      long firstAsked = System.currentTimeMillis();
      RunningProcess first = backend.spawn(request, new RecordingListener());
      // until the first run execs its program it too waits in the wrapper, and would be taken for the standby
      assertThat(Processes.eventually(WAIT, () -> "sleep".equals(comm((int) first.pid())))).isTrue();
      assertThat(Processes.eventually(WAIT, () -> standbyOf(name).isPresent())).as("a standby after the first start").isTrue();
      int standby = standbyOf(name).getAsInt();
      ProcessSample firstSample = backend.sampler().orElseThrow().sample(first.pid(), fields, null);
      // the kernel's start time: clock ticks since boot, so within a tick or two of the spawn
      assertThat(firstSample.startTime().orElseThrow().toEpochMilli()).isBetween(firstAsked - 30, System.currentTimeMillis() + 30);
      Thread.sleep(2_500); // the standby now waited long enough to tell its start from the program's

      kill(first);
      long asked = System.currentTimeMillis();
      RunningProcess second = backend.spawn(request, new RecordingListener());
      long returned = System.currentTimeMillis();
      assertThat(second.pid()).as("the restart used the standby").isEqualTo(standby);
      ProcessSample sample = backend.sampler().orElseThrow().sample(second.pid(), fields, null);
      assertThat(sample.startTime().orElseThrow().toEpochMilli()).as("the program's start, not the standby's")
          .isBetween(asked, returned);
      assertThat(sample.uptime().orElseThrow()).isLessThan(Duration.ofMillis(2_000));
      // and a diagnosis that names it as a port's holder says the same start
      assertThat(backend.inspector().orElseThrow().process(second.pid()).orElseThrow().started().orElseThrow().toEpochMilli())
          .as("the inspector's start of the run").isBetween(asked, returned);
      kill(second);
    }
  }

  /** The environment {@code pid} was started with (its {@code execve}'s), one entry per element. */
  static List<String> environ(int pid) throws IOException {
    return List.of(new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")), StandardCharsets.UTF_8).split("\u0000"));
  }

  @Test
  void anUnknownStandbySettingIsRefusedNamingItsValue() {
    System.setProperty("vigil.linux.standby", "yes");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Backends.create("standby-bad", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vigil.linux.standby is 'yes'")
        .hasMessageContaining("from-start");
  }

  private static void kill(RunningProcess p) throws Exception {
    p.signal(Signal.SIGKILL);
    assertThat(Processes.eventually(WAIT, () -> !p.isTreeAlive())).isTrue();
  }

  /** A child of this JVM with the process's name in its environment that still waits in the wrapper ({@code sh}). */
  static OptionalInt standbyOf(String name) {
    String self = Integer.toString(Kernel.pid());
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path d : dirs) {
        try {
          String stat = Files.readString(d.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          if (!f[1].equals(self) || !stat.contains("(sh)") || f[0].equals("Z")) {
            continue;
          }
          String env = new String(Files.readAllBytes(d.resolve("environ")), StandardCharsets.UTF_8);
          if (env.contains("\u0000" + LinuxProcessBackend.NAME_VARIABLE + "=" + name + "\u0000")
              || env.endsWith("\u0000" + LinuxProcessBackend.NAME_VARIABLE + "=" + name)) {
            return OptionalInt.of(Integer.parseInt(d.getFileName().toString()));
          }
        } catch (IOException | RuntimeException e) {
          // gone meanwhile
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return OptionalInt.empty();
  }

  private static List<Path> descriptors(int pid) {
    List<Path> targets = new ArrayList<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/" + pid + "/fd"))) {
      for (Path fd : fds) {
        try {
          targets.add(Files.readSymbolicLink(fd));
        } catch (IOException e) {
          // closed meanwhile
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return targets;
  }

  private static String comm(int pid) {
    try {
      return Files.readString(Path.of("/proc/" + pid + "/comm")).trim();
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * Waits until {@code standby} is in as many cgroups of its own ({@code /<name>-<run>}) as {@code running}, a run
   * of the same request whose program runs: the standby is seen as soon as its shell starts and joins them right after.
   */
  private static void awaitJoinedLike(int standby, int running, String name) throws InterruptedException {
    long joined = ownCgroups(running, name);
    assertThat(Processes.eventually(WAIT, () -> ownCgroups(standby, name) == joined))
        .as("the standby %d joins its %d cgroups like run %d", standby, joined, running).isTrue();
  }

  private static long ownCgroups(int pid, String name) {
    try {
      return Files.readString(Path.of("/proc/" + pid + "/cgroup")).lines().filter(l -> l.contains("/" + name + "-")).count();
    } catch (IOException e) {
      return -1;
    }
  }

  private static long limitOf(int pid) {
    try {
      return memoryLimit(Files.readString(Path.of("/proc/" + pid + "/cgroup")));
    } catch (IOException e) {
      return -1;
    }
  }

  static long memoryLimit(String procCgroup) throws IOException {
    CgroupLayout child = CgroupLayout.parse(procCgroup, Files.readString(Path.of("/proc/self/mountinfo")));
    if (child.v2() != null && Files.exists(child.v2().resolve("memory.max"))) {
      return Long.parseLong(Files.readString(child.v2().resolve("memory.max")).trim());
    }
    return Long.parseLong(Files.readString(child.v1Memory().resolve("memory.limit_in_bytes")).trim());
  }

  static boolean canLimitMemory() {
    Cgroups probe = new Cgroups(HostFacts.detect().cgroupLayout(), "vigil-probe-" + Kernel.pid());
    try {
      return probe.canLimitMemory();
    } finally {
      probe.close();
    }
  }
}
