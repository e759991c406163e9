package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.CheckResult;
import io.github.vigil.HealthCheck;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import io.github.vigil.linux.proc.ProcFs;
import io.github.vigil.linux.proc.ProcStat;
import io.github.vigil.testing.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an exec health check leaves running is not left behind. A check such as {@code sh -c "sleep 2 & exit 0"} ends
 * while its background sleep runs on; the sleep is re-parented to this JVM, which the Linux backend makes a child
 * subreaper. It used to run on after the check, and one that ended after the last backend's close stayed a zombie of
 * the JVM for good, nothing reaping it any more (about 0.6 per close in a 300-supervisor churn; found by a black-box
 * soak). Now the check's whole tree (its own session) is killed when it ends, and the backend reaps what it adopted from
 * a check's session at once, also in its close.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class ExecCheckOrphansTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ProcFs PROC = new ProcFs();
  private static final int SELF = (int) ProcessHandle.current().pid();

  @TempDir
  Path dir;

  /** A process by pid and start time, so that a reused pid is not taken for it. */
  private record Orphan(int pid, long startTicks) {
    /** Whether it is still a child of this JVM: alive, or a zombie nobody reaped. */
    boolean childOfThisJvm() {
      return PROC.stat(pid).map(s -> s.startTicks() == startTicks && s.ppid() == SELF).orElse(false);
    }

    boolean live() {
      return PROC.stat(pid).map(s -> s.startTicks() == startTicks && !s.zombie()).orElse(false);
    }
  }

  @Test
  void noOrphanOfAnExecCheckStaysAZombieOfTheJvmAfterTheLastClose() throws Exception {
    assumeTrue(HostFacts.detect().subreaper(), "this JVM cannot be a child subreaper here");
    assumeTrue(HostFacts.openBackends() == 0, "another backend of this JVM is open: these closes would not be the last");
    List<Orphan> orphans = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        Path pids = dir.resolve("pids-" + i);
        // the check prints its background sleep's pid and ends at once, leaving the sleep to outlive the close below
        try (Supervisor sup = supervisor("check-orphans-" + i, "sleep 2 & echo $! >> '" + pids + "'; exit 0")) {
          orphans.add(firstOrphan(pids));
        }
        assertThat(HostFacts.openBackends()).as("the close was the last").isZero();
      }
      // each sleep ends within 2 s of its check: then it is either gone or a zombie of this JVM for good
      assertThat(Processes.eventually(WAIT, () -> orphans.stream().noneMatch(Orphan::childOfThisJvm)))
          .as("orphans of exec checks %s still children of this JVM after the last close (zombie children now: %s)", orphans,
              zombieChildren())
          .isTrue();
    } finally {
      orphans.forEach(o -> ProcessHandle.of(o.pid()).filter(h -> o.live()).ifPresent(ProcessHandle::destroyForcibly));
    }
  }

  @Test
  void whatAnExecCheckLeavesRunningIsKilledWhenItEndsAndReaped() throws Exception {
    Path pids = dir.resolve("pids");
    Orphan orphan = null;
    try (Supervisor sup = supervisor("check-leftover", "sleep 600 & echo $! >> '" + pids + "'; exit 0")) {
      orphan = firstOrphan(pids);
      ProcessController c = sup.controller("svc").orElseThrow();
      assertThat(Processes.eventually(WAIT, () -> c.health().checks().get(0).last().isPresent())).as("the check's first result").isTrue();
      assertThat(c.health().checks().get(0).last().orElseThrow().status()).isEqualTo(CheckResult.Status.PASSED);
      Orphan o = orphan;
      assertThat(Processes.eventually(WAIT, () -> !o.live())).as("the check's background sleep %s killed once the check ended", o).isTrue();
      if (HostFacts.detect().subreaper()) { // adopted by this JVM: reaped while the backend runs, not kept as a zombie
        assertThat(Processes.eventually(WAIT, () -> !o.childOfThisJvm())).as("%s reaped (zombie children: %s)", o, zombieChildren()).isTrue();
      }
    } finally {
      Orphan o = orphan;
      if (o != null) {
        ProcessHandle.of(o.pid()).filter(h -> o.live()).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  /** A started supervisor on the Linux backend whose one process has an exec check running {@code script} every 30 s. */
  private static Supervisor supervisor(String name, String script) throws Exception {
    Supervisor sup = Supervisor.builder().name(name).backend("linux").build();
    try {
      ProcessController c = sup.register(ProcessSpec.builder("svc").command("/bin/sleep", "600").startupGrace(Duration.ZERO)
          .healthCheck(HealthCheck.exec("/bin/sh", "-c", script).name("script").interval(Duration.ofSeconds(30))
              .action(HealthCheck.Action.NOTIFY).build())
          .build());
      c.start(WAIT);
      return sup;
    } catch (Exception | Error e) {
      sup.close();
      throw e;
    }
  }

  /** The pid the check's first attempt wrote to {@code pids}, with its start time. */
  private static Orphan firstOrphan(Path pids) throws Exception {
    assertThat(Processes.eventually(WAIT, () -> read(pids).endsWith("\n"))).as("the check wrote its sleep's pid").isTrue();
    int pid = Integer.parseInt(read(pids).lines().findFirst().orElseThrow().trim());
    Optional<ProcStat> stat = PROC.stat(pid);
    assertThat(stat).as("the check's background sleep %d runs", pid).isPresent();
    return new Orphan(pid, stat.get().startTicks());
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return "";
    }
  }

  /** This JVM's zombie children, from every thread's {@code children} list. */
  private static Set<String> zombieChildren() {
    Set<String> zombies = new TreeSet<>();
    try (var tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        for (String pid : read(task.resolve("children")).trim().split(" ")) {
          if (!pid.isEmpty()) {
            PROC.stat(Integer.parseInt(pid)).filter(ProcStat::zombie).ifPresent(s -> zombies.add(s.pid() + " (" + s.comm() + ")"));
          }
        }
      }
    } catch (IOException e) {
      zombies.add("unreadable: " + e);
    }
    return zombies;
  }
}
