package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.Signal;
import io.github.vigil.Termination;
import io.github.vigil.linux.proc.ProcFs;
import io.github.vigil.linux.proc.ProcStat;
import io.github.vigil.spi.RunningProcess;
import io.github.vigil.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The backend's {@link Guardian} while the JVM lives: one per backend where runs have cgroups, in a session of its own
 * and outside the runs' cgroups, started again when someone kills it, told to go and reaped at the close. What it does
 * when the JVM dies is {@link JvmCrashTest}'s.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class GuardianTest {
  private static final ProcFs PROC = new ProcFs();
  private static final Duration WAIT = Duration.ofSeconds(10);

  @AfterEach
  void guardianBackOn() {
    System.clearProperty(LinuxProcessBackend.GUARDIAN_PROPERTY);
  }

  @Test
  void aBackendWhoseRunsHaveCgroupsHasOneGuardianOutsideThem() throws Exception {
    assumeTrue(Backends.perRunCgroups(), "no writable cgroup here: runs get a death signal, no guardian");
    try (LinuxProcessBackend backend = Backends.create("guarded", null)) {
      int guardian = backend.guardianPid().orElseThrow();
      assertThat(Processes.eventually(WAIT, () -> PROC.stat(guardian).map(ProcStat::comm).orElse("").equals("vigil-guardian")))
          .as("it names itself, as ps shows it").isTrue();
      ProcStat g = PROC.stat(guardian).orElseThrow();
      assertThat(g.ppid()).isEqualTo(Kernel.pid());
      assertThat(g.session()).as("a session of its own: a terminal's signals to the JVM's do not reach it").isEqualTo(guardian);
      RecordingListener l = new RecordingListener();
      RunningProcess run = backend.spawn(Backends.request("guarded-run", null, java.util.Map.of(), "/bin/sleep", "1000"), l);
      String runCgroups = Files.readString(Path.of("/proc/" + run.pid() + "/cgroup"));
      String guardianCgroups = Files.readString(Path.of("/proc/" + guardian + "/cgroup"));
      assertThat(runCgroups).contains("/guarded-run-");
      assertThat(guardianCgroups).as("not in a run's cgroup, which a stop kills").doesNotContain("/guarded-run-").doesNotContain("/vigil-");
      assertThat(run.signal(Signal.SIGKILL)).isTrue();
      assertThat(l.awaitExit(WAIT)).isInstanceOf(Termination.Signaled.class);
    }
  }

  @Test
  void aKilledGuardianIsReapedAndStartedAgain() throws Exception {
    assumeTrue(Backends.perRunCgroups(), "no writable cgroup here: runs get a death signal, no guardian");
    try (LinuxProcessBackend backend = Backends.create("guardian-killed", null)) {
      int first = backend.guardianPid().orElseThrow();
      long firstTicks = PROC.stat(first).orElseThrow().startTicks();
      Processes.kill(first, "KILL");
      assertThat(Processes.eventually(WAIT, () -> backend.guardianPid().isPresent() && backend.guardianPid().getAsInt() != first))
          .as("a new guardian").isTrue();
      int second = backend.guardianPid().getAsInt();
      assertThat(PROC.stat(second).map(ProcStat::ppid)).contains(Kernel.pid());
      assertThat(stillOurs(first, firstTicks)).as("the killed guardian reaped, not left a zombie").isEmpty();
    }
  }

  @Test
  void theCloseTellsTheGuardianToGoAndReapsIt() throws Exception {
    assumeTrue(Backends.perRunCgroups(), "no writable cgroup here: runs get a death signal, no guardian");
    int guardian;
    long ticks;
    try (LinuxProcessBackend backend = Backends.create("guardian-close", null)) {
      guardian = backend.guardianPid().orElseThrow();
      ticks = PROC.stat(guardian).orElseThrow().startTicks();
      RecordingListener l = new RecordingListener();
      backend.spawn(Backends.request("guardian-close-run", null, java.util.Map.of(), "/bin/sleep", "1000"), l);
    }
    assertThat(stillOurs(guardian, ticks)).as("no guardian, nor its zombie, after the close").isEmpty();
  }

  @Test
  void switchedOffThereIsNone() {
    System.setProperty(LinuxProcessBackend.GUARDIAN_PROPERTY, "false");
    try (LinuxProcessBackend backend = Backends.create("unguarded", null)) {
      assertThat(backend.guardianPid()).isEmpty();
    }
  }

  /**
   * The guardian's own steps, with a {@code sleep} standing in for the JVM: once the pipe reads end of file it waits
   * while the "JVM" lives, then kills what is in the cgroups and removes them.
   */
  @Test
  void itSweepsOnceTheJvmIsGoneAndRemovesTheCgroups() throws Exception {
    assumeTrue(Backends.perRunCgroups(), "no writable cgroup here: nothing for a guardian to sweep");
    Process jvm = new ProcessBuilder("sleep", "1000").start();
    Cgroups cgroups = new Cgroups(HostFacts.detect().cgroupLayout(), "vigil-guardian-test-" + jvm.pid(), "/bin/sh");
    Process victim = null;
    Guardian guardian = null;
    try {
      Cgroups.Run run = cgroups.create("victim-1", java.util.OptionalLong.empty(), java.util.OptionalLong.empty());
      StringBuilder join = new StringBuilder();
      run.dirs().forEach(d -> join.append("echo 0 > '").append(d).append("/cgroup.procs'; "));
      victim = new ProcessBuilder("/bin/sh", "-c", join + "exec sleep 1001").start();
      Process v = victim;
      assertThat(Processes.eventually(WAIT, () -> PROC.stat((int) v.pid()).map(ProcStat::comm).orElse("").equals("sleep"))).isTrue();
      long ticks = PROC.stat((int) jvm.pid()).orElseThrow().startTicks();
      guardian = Guardian.start("/bin/sh", (int) jvm.pid(), ticks, cgroups.bases(), java.util.List.of("PATH=/usr/bin:/bin"));
      guardian.closeWithoutBye();
      int g = guardian.pid;
      // it is in its wait (a sleep of its own between looks at the "JVM"), past the pipe: the victim must still run
      assertThat(Processes.eventually(WAIT, () -> PROC.all().stream().anyMatch(s -> s.ppid() == g && s.comm().equals("sleep")))).isTrue();
      assertThat(victim.isAlive()).as("nothing swept while the JVM lives").isTrue();

      jvm.destroyForcibly(); // a zombie until reaped: gone for the guardian all the same
      assertThat(victim.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).as("the victim killed").isTrue();
      assertThat(victim.exitValue()).isEqualTo(128 + 9);
      List<Path> bases = cgroups.bases();
      assertThat(Processes.eventually(WAIT, () -> bases.stream().noneMatch(Files::exists))).as("the cgroups removed: %s", bases).isTrue();
      Guardian done = guardian;
      assertThat(Processes.eventually(WAIT, () -> done.reapIfEnded().isPresent())).as("the guardian ended").isTrue();
      guardian = null;
    } finally {
      jvm.destroyForcibly();
      if (victim != null) {
        victim.destroyForcibly();
      }
      if (guardian != null) {
        guardian.dismiss();
      }
      cgroups.close();
    }
  }

  /** The process {@code pid} started at {@code ticks}, if it is still there (running or a zombie). */
  private static Optional<ProcStat> stillOurs(int pid, long ticks) {
    return PROC.stat(pid).filter(s -> s.startTicks() == ticks);
  }
}
