package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.Supervisor;
import io.github.vigil.linux.proc.ProcFs;
import io.github.vigil.linux.proc.ProcStat;
import io.github.vigil.testing.Processes;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash test: a JVM supervising children with grandchildren is killed with SIGKILL. Where the runs have
 * cgroups, the backend's {@link Guardian} kills children and grandchildren alike within a second and removes the
 * cgroups. Without it (no writable cgroup, or switched off), every child must be dead within a second by its death
 * signal, and a new supervisor on the same state directory must leave no grandchild alive once it has started.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class JvmCrashTest {
  private static final ProcFs PROC = new ProcFs();

  @Test
  void theGuardianKillsChildrenAndGrandchildrenWithTheJvmAndRemovesTheirCgroups(@TempDir Path state) throws Exception {
    Path log = state.resolve("jvm.log");
    Path stateDir = state.resolve("state");
    Process jvm = crashingJvm(stateDir, log);
    List<Integer> children = new ArrayList<>();
    List<ProcStat> grandchildren = new ArrayList<>();
    try {
      children.addAll(ready(jvm, log));
      List<ProcStat> guardians = PROC.all().stream().filter(s -> s.ppid() == jvm.pid() && s.comm().equals("vigil-guardian")).toList();
      assumeTrue(guardians.size() == 1, "no guardian: the runs have no writable cgroup here; its log: " + Files.readString(log));
      assertThat(Processes.eventually(Duration.ofSeconds(20), () -> grandchildrenOf(children).size() == 6)).as("grandchildren").isTrue();
      grandchildren.addAll(grandchildrenOf(children));
      String id = LinuxProcessBackend.hash(stateDir.toAbsolutePath().normalize().toString());
      CgroupLayout layout = HostFacts.detect().cgroupLayout(); // the crashing JVM's: ProcessBuilder starts it in this JVM's cgroups
      List<Path> bases = Stream.of(layout.v2(), layout.v1Memory(), layout.v1Pids())
          .filter(Objects::nonNull).map(p -> p.resolve("vigil-" + id)).filter(Files::isDirectory).toList();
      assertThat(bases).as("the crashing JVM's cgroup bases").isNotEmpty();

      jvm.destroyForcibly(); // SIGKILL
      jvm.waitFor();
      long killedAt = System.nanoTime();
      boolean allDead = Processes.eventually(Duration.ofSeconds(1), () -> children.stream().noneMatch(LiveProcesses::running)
          && grandchildren.stream().noneMatch(LiveProcesses::sameAndRunning));
      long tookMillis = (System.nanoTime() - killedAt) / 1_000_000;
      assertThat(allDead).as("children and grandchildren dead within 1 s of the JVM's SIGKILL (took %d ms); still running: %s %s", tookMillis,
          children.stream().filter(LiveProcesses::running).toList(), grandchildren.stream().filter(LiveProcesses::sameAndRunning).toList()).isTrue();
      org.slf4j.LoggerFactory.getLogger(JvmCrashTest.class).warn("children and grandchildren of the SIGKILLed JVM dead after {} ms", tookMillis);
      assertThat(Processes.eventually(Duration.ofSeconds(5), () -> bases.stream().noneMatch(Files::exists)))
          .as("the guardian removed the cgroups %s", bases).isTrue();
      assertThat(Processes.eventually(Duration.ofSeconds(5), () -> !LiveProcesses.sameAndRunning(guardians.get(0))))
          .as("the guardian has ended").isTrue();
      grandchildren.add(guardians.get(0));
    } finally {
      jvm.destroyForcibly();
      for (ProcStat g : grandchildren) {
        if (LiveProcesses.sameAndRunning(g)) {
          Processes.kill(g.pid(), "KILL");
        }
      }
      reapAdopted(children, grandchildren);
    }
  }

  /** This JVM, a child subreaper, adopted the crashed JVM's processes: reaps those that are its zombies now. */
  private static void reapAdopted(List<Integer> children, List<ProcStat> others) {
    List<Integer> ours = new ArrayList<>(children);
    others.forEach(g -> ours.add(g.pid()));
    long self = ProcessHandle.current().pid();
    for (int pid : ours) {
      if (PROC.stat(pid).filter(s -> s.ppid() == self && s.zombie()).isPresent()) {
        Kernel.reapChild(pid);
      }
    }
  }

  @Test
  void withoutTheGuardianChildrenDieWithTheJvmAndTheNextSupervisorKillsTheGrandchildren(@TempDir Path state) throws Exception {
    assumeTrue(HostFacts.detect().setpriv() != null,
        "no util-linux setpriv with --pdeathsig: children have no death signal here (" + HostFacts.detect().describe() + ")");
    Path log = state.resolve("jvm.log");
    Process jvm = crashingJvm(state.resolve("state"), log, CrashSupervisorMain.NO_GUARDIAN);
    List<Integer> children = new ArrayList<>();
    List<ProcStat> grandchildren = new ArrayList<>();
    try {
      children.addAll(ready(jvm, log));
      // each child has started both grandchildren (one of them in a session of its own)
      assertThat(Processes.eventually(Duration.ofSeconds(20), () -> grandchildrenOf(children).size() == 6)).as("grandchildren").isTrue();
      grandchildren.addAll(grandchildrenOf(children));

      jvm.destroyForcibly(); // SIGKILL
      jvm.waitFor();
      long killedAt = System.nanoTime();
      boolean childrenDead = Processes.eventually(Duration.ofSeconds(1), () -> children.stream().noneMatch(LiveProcesses::running));
      long tookMillis = (System.nanoTime() - killedAt) / 1_000_000;
      assertThat(childrenDead).as("every child dead within 1 s of the JVM's SIGKILL (took %d ms); still running: %s", tookMillis,
          children.stream().filter(LiveProcesses::running).toList()).isTrue();
      org.slf4j.LoggerFactory.getLogger(JvmCrashTest.class).warn("every child of the SIGKILLed JVM dead after {} ms (polled every 10 ms)", tookMillis);
      // the grandchildren have no death signal: they outlive the JVM until the next supervisor starts
      assertThat(grandchildren.stream().filter(LiveProcesses::sameAndRunning).count()).isEqualTo(6);

      try (Supervisor next = Supervisor.builder().name("crashing").backend("linux").stateDirectory(state.resolve("state")).build()) {
        assertThat(grandchildren.stream().filter(LiveProcesses::sameAndRunning).toList()).as("grandchildren alive after the new start").isEmpty();
        assertThat(next.backendName()).isEqualTo("linux");
        // this JVM, a child subreaper, was the crashed JVM's parent: the orphans came here, and the sweep reaped them
        if (HostFacts.detect().subreaper()) {
          long self = ProcessHandle.current().pid();
          List<Integer> ours = new ArrayList<>(children);
          grandchildren.forEach(g -> ours.add(g.pid()));
          assertThat(PROC.all().stream().filter(s -> s.ppid() == self && s.zombie() && ours.contains(s.pid())).toList())
              .as("zombies of the crashed supervisor's runs").isEmpty();
        }
      }
    } finally {
      jvm.destroyForcibly();
      for (ProcStat g : grandchildren) {
        if (LiveProcesses.sameAndRunning(g)) {
          Processes.kill(g.pid(), "KILL");
        }
      }
    }
  }

  /** A JVM supervising three children on {@code stateDir} ({@link CrashSupervisorMain}), its log in {@code log}. */
  private static Process crashingJvm(Path stateDir, Path log, String... options) throws java.io.IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")));
    command.addAll(List.of(options));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), CrashSupervisorMain.class.getName(), stateDir.toString(), "3"));
    return new ProcessBuilder(command).redirectError(log.toFile()).start();
  }

  /** The children's pids, once the JVM says they run ({@code READY pid...}). */
  private static List<Integer> ready(Process jvm, Path log) throws java.io.IOException {
    String ready = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8)).readLine();
    assertThat(ready).as("supervisor JVM output; its log: %s", Files.exists(log) ? Files.readString(log) : "").startsWith("READY");
    List<Integer> children = Arrays.stream(ready.substring(6).split(" ")).map(Integer::parseInt).toList();
    assertThat(children).hasSize(3);
    return children;
  }

  /** Descendants of the children: the sleeps, found by their parent (or, once re-parented, by the session). */
  private static List<ProcStat> grandchildrenOf(List<Integer> children) {
    List<ProcStat> found = new ArrayList<>();
    for (ProcStat s : PROC.all()) {
      if (children.contains(s.ppid()) && s.comm().equals("sleep")) {
        found.add(s);
      }
    }
    return found;
  }
}
