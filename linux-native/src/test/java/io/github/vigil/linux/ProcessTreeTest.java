package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vigil.Signal;
import io.github.vigil.Termination;
import io.github.vigil.linux.proc.ProcFs;
import io.github.vigil.linux.proc.ProcStat;
import io.github.vigil.spi.RunningProcess;
import io.github.vigil.testing.Processes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Trees: after the main process has exited, {@code isTreeAlive} and {@code signalTree} still reach the
 * rest of its group, session and cgroup, including a member that left with {@code setsid}; and orphans
 * this JVM adopted as child subreaper are reaped, not left as zombies. Run with and without cgroups.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class ProcessTreeTest {
  private static final ProcFs PROC = new ProcFs();
  private static final Duration WAIT = Duration.ofSeconds(20);

  @ParameterizedTest(name = "cgroups {0}")
  @ValueSource(booleans = {true, false})
  void treeOutlivesItsLeaderAndIsStillStoppable(boolean cgroups) throws Exception {
    try (LinuxProcessBackend backend = Backends.create("tree-" + cgroups, cgroups)) {
      RecordingListener l = new RecordingListener();
      // the leader leaves a grandchild in its group and, if cgroups are on, one in a session of its own
      String script = cgroups ? "sleep 1000 & setsid sleep 1001 & echo $!; exit 0" : "sleep 1000 & echo $!; exit 0";
      RunningProcess p = backend.spawn(Backends.sh("tree", script), l);
      assertEquals(new Termination.Exited(0), l.awaitExit(WAIT));
      assertThat(p.signal(Signal.SIGTERM)).as("the leader itself is gone").isFalse();
      List<ProcStat> left = awaitDescendants((int) p.pid(), cgroups ? 2 : 1);
      assertThat(p.isTreeAlive()).isTrue();

      assertThat(p.signalTree(Signal.SIGTERM)).isTrue();
      assertThat(Processes.eventually(WAIT, () -> !p.isTreeAlive())).as("tree ends after SIGTERM to the tree").isTrue();
      for (ProcStat s : left) {
        assertThat(Processes.eventually(WAIT, () -> !running(s))).as("%s stopped", s).isTrue();
      }
      assertThat(p.signalTree(Signal.SIGKILL)).as("nothing left to signal").isFalse();
      // the JVM adopted the orphans as child subreaper: they must be reaped, not kept as zombies
      if (HostFacts.detect().subreaper()) {
        for (ProcStat s : left) {
          assertThat(Processes.eventually(WAIT, () -> PROC.stat(s.pid()).filter(now -> now.startTicks() == s.startTicks()).isEmpty()))
              .as("adopted orphan %s reaped", s).isTrue();
        }
      }
    }
  }

  @ParameterizedTest(name = "cgroups {0}")
  @ValueSource(booleans = {true, false})
  void stopOfARunningTreeReachesEveryMember(boolean cgroups) throws Exception {
    try (LinuxProcessBackend backend = Backends.create("stop-" + cgroups, cgroups)) {
      RecordingListener l = new RecordingListener();
      RunningProcess p = backend.spawn(Backends.sh("stop", "sleep 1000 & sleep 1000 & wait"), l);
      List<ProcStat> kids = awaitDescendants((int) p.pid(), 2);
      assertThat(p.signalTree(Signal.SIGKILL)).isTrue();
      assertEquals(Termination.Signaled.of(9, false), l.awaitExit(WAIT));
      assertThat(Processes.eventually(WAIT, () -> !p.isTreeAlive())).isTrue();
      for (ProcStat s : kids) {
        assertThat(Processes.eventually(WAIT, () -> !running(s))).as("%s killed", s).isTrue();
      }
    }
  }

  @ParameterizedTest(name = "cgroups {0}")
  @ValueSource(booleans = {true, false})
  void signalToTheTreeReachesEachMemberOnce(boolean cgroups) throws Exception {
    try (LinuxProcessBackend backend = Backends.create("once-" + cgroups, cgroups)) {
      RecordingListener l = new RecordingListener();
      RunningProcess p = backend.spawn(Backends.sh("once",
          "n=0; trap 'n=$((n+1)); echo usr1 $n' USR1; echo ready; while :; do sleep 0.02; done"), l);
      assertThat(Processes.eventually(WAIT, () -> l.out().contains("ready"))).isTrue();
      assertThat(p.signalTree(Signal.SIGUSR1)).isTrue();
      assertThat(Processes.eventually(WAIT, () -> l.out().contains("usr1 1"))).isTrue();
      Thread.sleep(300); // a second delivery, were there one, would be handled within a loop turn
      assertThat(l.out()).doesNotContain("usr1 2");
      p.signalTree(Signal.SIGKILL);
      l.awaitExit(WAIT);
    }
  }

  private static List<ProcStat> awaitDescendants(int session, int count) throws InterruptedException {
    assertThat(Processes.eventually(WAIT, () -> sleepsOf(session).size() == count)).as("%d sleeps of %d", count, session).isTrue();
    return sleepsOf(session);
  }

  /** The sleeps the run started: in its session, or (setsid) with an environment carrying its marker. */
  private static List<ProcStat> sleepsOf(int session) {
    return PROC.all().stream().filter(s -> s.comm().equals("sleep") && PROC.running(s))
        .filter(s -> s.session() == session || s.pgrp() == session || startedBy(s, session)).toList();
  }

  private static boolean startedBy(ProcStat s, int leader) {
    return s.ppid() == leader || PROC.read(s.pid(), "environ").map(e -> e.contains("VIGIL_PROCESS_NAME=tree")).orElse(false)
        && s.session() == s.pid();
  }

  private static boolean running(ProcStat s) {
    Optional<ProcStat> now = PROC.stat(s.pid());
    return now.isPresent() && now.get().startTicks() == s.startTicks() && PROC.running(now.get());
  }
}
