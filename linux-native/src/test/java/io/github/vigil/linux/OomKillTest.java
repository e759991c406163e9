package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Termination;
import io.github.vigil.testing.EventRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** A small memory hog in a memory-limited cgroup is killed by the kernel, and the backend says so. */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class OomKillTest {
  private static final long LIMIT = 64L << 20;

  @Test
  void memoryHogInLimitedCgroupIsReportedAsOomKilled() throws Exception {
    Cgroups probe = new Cgroups(HostFacts.detect().cgroupLayout(), "vigil-probe-" + Kernel.pid());
    boolean canLimit = probe.canLimitMemory();
    String why = probe.describe();
    probe.close();
    assumeTrue(canLimit, "no writable memory cgroup controller on this machine: " + why);

    try (Supervisor sup = Supervisor.builder().name("oom").backend("linux").build()) {
      EventRecorder events = new EventRecorder();
      sup.subscribe(events);
      // dash keeps a command substitution's output in memory: 512 MiB of it outgrows the 64 MiB limit
      sup.register(ProcessSpec.builder("hog").command("/bin/sh", "-c", "x=$(head -c 536870912 /dev/zero | tr '\\0' a); echo survived")
          .label(LinuxLimits.MEMORY_MAX, "64M").restartPolicy(RestartPolicy.never()).startupGrace(Duration.ZERO).build()).start();
      ExitInfo exit = events.await(SupervisorEvent.Exited.class, e -> e.process().equals("hog"), 1, Duration.ofSeconds(60)).get(0).exit();
      assertEquals(ExitCause.OOM_KILLED, exit.cause(), exit.toString());
      assertEquals(Termination.Signaled.of(9, false), exit.termination());
      assertThat(exit.memoryAtDeath()).isPresent();
      assertThat(exit.memoryAtDeath().getAsLong()).isBetween(1L << 20, LIMIT + (16L << 20));
    }
  }

  /**
   * Issue #12 item 8: a descendant OOM-killed inside the run's memory limit made its shell exit 137, reported
   * as a plain exit. Now the run's memory cgroup's OOM kill count makes it {@code OOM_KILLED}, the exit
   * code kept as it was.
   */
  @Test
  void aDescendantKilledByTheOomKillerIsReportedAsAnOomKill() throws Exception {
    Cgroups probe = new Cgroups(HostFacts.detect().cgroupLayout(), "vigil-probe-" + Kernel.pid());
    boolean canLimit = probe.canLimitMemory();
    String why = probe.describe();
    probe.close();
    assumeTrue(canLimit, "no writable memory cgroup controller on this machine: " + why);
    try (Supervisor sup = Supervisor.builder().name("oom-child").backend("linux").build()) {
      EventRecorder events = new EventRecorder();
      sup.subscribe(events);
      // the hog is a child shell; the main shell only waits for it and passes its status on
      sup.register(ProcessSpec.builder("wrapper").command("/bin/sh", "-c",
              "/bin/sh -c \"x=\\$(head -c 536870912 /dev/zero | tr '\\\\0' a); echo survived\"; exit $?")
          .label(LinuxLimits.MEMORY_MAX, "64M").restartPolicy(RestartPolicy.never()).startupGrace(Duration.ZERO).build()).start();
      ExitInfo exit = events.await(SupervisorEvent.Exited.class, e -> e.process().equals("wrapper"), 1, Duration.ofSeconds(60)).get(0).exit();
      assertEquals(ExitCause.OOM_KILLED, exit.cause(), exit.toString());
      assertEquals(new Termination.Exited(137), exit.termination(), "the main process's own status is kept");
      assertThat(exit.memoryAtDeath()).isPresent();
    }
  }

  /**
   * The kernel-log fallback: the backend runs without cgroups of its own, and the hog moves itself into
   * a memory-limited cgroup the test made, so only {@code /dev/kmsg} can tell the backend it was an OOM kill.
   */
  @Test
  void withoutItsOwnMemoryCgroupTheKernelLogTellsTheOomKill() throws Exception {
    Path memory = HostFacts.detect().cgroupLayout().v1Memory();
    assumeTrue(memory != null && Files.isWritable(memory), "no writable v1 memory cgroup to confine the hog in");
    try (LinuxProcessBackend probe = Backends.create("kmsg-probe", false)) {
      assumeTrue(probe.kernelLogReadable(), "the kernel log (/dev/kmsg) is not readable here (needs root, or dmesg_restrict=0)");
    }
    Path cage = Files.createDirectories(memory.resolve("vigil-test-cage-" + Kernel.pid()));
    try {
      Files.writeString(cage.resolve("memory.limit_in_bytes"), Long.toString(LIMIT));
      try (LinuxProcessBackend backend = Backends.create("kmsg", false)) {
        RecordingListener l = new RecordingListener();
        backend.spawn(Backends.sh("caged-hog", "echo $$ > " + cage.resolve("cgroup.procs")
            + " && x=$(head -c 536870912 /dev/zero | tr '\\0' a); echo survived"), l);
        assertEquals(Termination.Signaled.of(9, false), l.awaitExit(Duration.ofSeconds(60)));
        assertThat(l.oomKilled).as("reported as an OOM kill; stdout %s stderr %s", l.out(), l.err()).isTrue();
        assertThat(l.memoryAtDeath).isBetween(1L << 20, LIMIT + (16L << 20));
      }
    } finally {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!Cgroups.removeTree(cage) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    }
  }

  @Test
  void sigkillFromOutsideWithoutMemoryPressureIsNotAnOomKill() throws Exception {
    try (Supervisor sup = Supervisor.builder().name("notoom").backend("linux").build()) {
      EventRecorder events = new EventRecorder();
      sup.subscribe(events);
      sup.register(ProcessSpec.builder("victim").command("/bin/sh", "-c", "kill -KILL $$").label(LinuxLimits.MEMORY_MAX, "64M")
          .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ZERO).build()).start();
      ExitInfo exit = events.await(SupervisorEvent.Exited.class, e -> e.process().equals("victim"), 1, Duration.ofSeconds(60)).get(0).exit();
      assertEquals(ExitCause.SIGNALED, exit.cause(), exit.toString());
    }
  }
}
