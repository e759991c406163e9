package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.Termination;
import io.github.vigil.spi.RunningProcess;
import io.github.vigil.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The limit labels land in the run's cgroup and the kernel enforces them. */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class ResourceLimitsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void pidsLimitStopsForksBeyondIt() throws Exception {
    assumeTrue(canLimit(false), "no writable pids cgroup controller on this machine");
    try (LinuxProcessBackend backend = Backends.create("pids", null)) {
      RecordingListener l = new RecordingListener();
      // the shell itself counts: with a limit of 4, at most 3 background sleeps start; the 4th fork fails
      RunningProcess p = backend.spawn(Backends.request("forker", null, Map.of(LinuxLimits.PIDS_MAX, "4"), "/bin/sh", "-c",
          "for i in 1 2 3 4 5 6 7 8; do sleep 5 & echo $i; done; exit 0"), l);
      Termination end = l.awaitExit(WAIT);
      assertThat(l.out().lines().count()).as("forks that succeeded: %s", l.out()).isBetween(1L, 3L);
      assertThat(l.err()).containsIgnoringCase("fork");
      assertThat(end).isNotEqualTo(new Termination.Exited(0));
      p.signalTree(io.github.vigil.Signal.SIGKILL);
      assertThat(Processes.eventually(WAIT, () -> !p.isTreeAlive())).isTrue();
    }
  }

  @Test
  void memoryLimitIsWrittenToTheRunsCgroup() throws Exception {
    assumeTrue(canLimit(true), "no writable memory cgroup controller on this machine");
    try (LinuxProcessBackend backend = Backends.create("mem", null)) {
      RecordingListener l = new RecordingListener();
      RunningProcess p = backend.spawn(Backends.request("limited", null, Map.of(LinuxLimits.MEMORY_MAX, "48M"), "/bin/sh", "-c",
          "echo ready; exec sleep 1000"), l);
      assertThat(Processes.eventually(WAIT, () -> l.out().contains("ready"))).isTrue();
      String cgroups = Files.readString(Path.of("/proc/" + p.pid() + "/cgroup"));
      CgroupLayout child = CgroupLayout.parse(cgroups, Files.readString(Path.of("/proc/self/mountinfo")));
      long limit = -1;
      if (child.v2() != null && Files.exists(child.v2().resolve("memory.max"))) {
        limit = Long.parseLong(Files.readString(child.v2().resolve("memory.max")).trim());
      } else if (child.v1Memory() != null) {
        limit = Long.parseLong(Files.readString(child.v1Memory().resolve("memory.limit_in_bytes")).trim());
      }
      assertEquals(48L << 20, limit, cgroups);
      p.signalTree(io.github.vigil.Signal.SIGKILL);
      l.awaitExit(WAIT);
    }
  }

  private static boolean canLimit(boolean memory) {
    Cgroups probe = new Cgroups(HostFacts.detect().cgroupLayout(), "vigil-probe-" + Kernel.pid());
    try {
      return memory ? probe.canLimitMemory() : probe.canLimitPids();
    } finally {
      probe.close();
    }
  }
}
