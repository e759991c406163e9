package io.github.vigil.linux.proc;

import static io.github.vigil.linux.proc.RealProcs.eventually;
import static io.github.vigil.linux.proc.RealProcs.freeze;
import static io.github.vigil.linux.proc.RealProcs.line;
import static io.github.vigil.linux.proc.RealProcs.ps;
import static io.github.vigil.linux.proc.RealProcs.stat;
import static io.github.vigil.linux.proc.RealProcs.statField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.ProcessSample.RunState;
import io.github.vigil.ProcessSample.Socket;
import io.github.vigil.spi.ProcessSampler;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(OS.LINUX)
@Timeout(120)
class ProcSamplerTest {
  private final ProcSampler sampler = ProcSampler.create();
  private final RealProcs procs = new RealProcs();

  @AfterEach
  void cleanUp() throws Exception {
    sampler.close();
    procs.close();
  }

  @Test
  void readsClockTicksAndPageSizeFromTheAuxiliaryVector() throws Exception {
    Process p = new ProcessBuilder("getconf", "CLK_TCK").start();
    long ticks = Long.parseLong(new String(p.getInputStream().readAllBytes()).trim());
    p.waitFor();
    Process q = new ProcessBuilder("getconf", "PAGESIZE").start();
    long page = Long.parseLong(new String(q.getInputStream().readAllBytes()).trim());
    q.waitFor();
    assertThat(sampler.clockTicks()).isEqualTo(ticks);
    assertThat(sampler.pageSize()).isEqualTo(page);
  }

  @Test
  void aStoppedBusyProcessAgreesWithProcAndPs() throws Exception {
    assumeTrue(RealProcs.hasPs(), "ps (procps) is not installed");
    Process burner = procs.start("sh", "-c", "while :; do :; done");
    long pid = burner.pid();
    assertThat(eventually(Duration.ofSeconds(60), () -> stat(pid, 14) + stat(pid, 15) >= 150))
        .as("the burner used 1.5 s of CPU").isTrue();
    freeze(pid);

    ProcessSample s = sampler.sample(pid, ProcessSampler.DEFAULT_FIELDS, null);
    long ticks = sampler.clockTicks();
    assertThat(s.vanished()).isFalse();
    // /proc read directly: exact, the process is stopped
    assertThat(s.cpuUser().orElseThrow().toNanos()).isEqualTo(stat(pid, 14) * 1_000_000_000L / ticks);
    assertThat(s.cpuSystem().orElseThrow().toNanos()).isEqualTo(stat(pid, 15) * 1_000_000_000L / ticks);
    assertThat(s.memoryResident()).hasValue(line(pid, "status", "VmRSS:") * 1024);
    assertThat((double) s.memoryResident().getAsLong()).as("stat's approximate rss")
        .isCloseTo(stat(pid, 24) * sampler.pageSize(), within(0.25 * s.memoryResident().getAsLong()));
    assertThat(s.memoryVirtual()).hasValue(stat(pid, 23));
    assertThat(s.minorFaults()).hasValue(stat(pid, 10));
    assertThat(s.majorFaults()).hasValue(stat(pid, 12));
    assertThat(s.threads()).hasValue(1);
    assertThat(s.voluntarySwitches()).hasValue(line(pid, "status", "voluntary_ctxt_switches:"));
    assertThat(s.involuntarySwitches()).hasValue(line(pid, "status", "nonvoluntary_ctxt_switches:"));
    assertThat(s.memorySwapped()).hasValue(line(pid, "status", "VmSwap:") * 1024);
    // Pss moves while the process is stopped: its shared pages' sharers (libc, sh) come and go with other
    // processes on the machine. Exact equality failed 3 runs of 8 (issue #12 item 18): within 5 % of a read just after.
    long pssNow = line(pid, "smaps_rollup", "Pss:") * 1024;
    assertThat((double) s.memoryProportional().orElseThrow()).as("Pss against smaps_rollup read just after")
        .isCloseTo(pssNow, within(0.05 * pssNow));
    assertThat(s.readBytes()).hasValue(line(pid, "io", "read_bytes:"));
    assertThat(s.writeBytes()).hasValue(line(pid, "io", "write_bytes:"));
    assertThat(s.processes(RunState.OTHER)).as("stopped is 'T'").hasValue(1);
    assertThat(s.threads(RunState.OTHER)).hasValue(1);
    assertThat(s.processes()).hasValue(1);
    assertThat(s.zombieChildren()).isEmpty();
    assertThat(s.has(Field.ZOMBIE_CHILDREN)).isTrue();
    assertThat(s.has(Field.SOCKETS)).as("not asked for by default").isFalse();

    // ps: CPU and memory within 5%, counts exact
    double cpuSeconds = s.cpuTotal().orElseThrow().toNanos() / 1e9;
    assertThat((double) Long.parseLong(ps(pid, "times"))).as("ps prints whole seconds")
        .isEqualTo(Math.floor(cpuSeconds));
    assertThat(Long.parseLong(ps(pid, "rss")) * 1024.0).isCloseTo(s.memoryResident().getAsLong(), within(0.05 * s.memoryResident().getAsLong()));
    assertThat(Long.parseLong(ps(pid, "vsz")) * 1024.0).isCloseTo(s.memoryVirtual().getAsLong(), within(0.05 * s.memoryVirtual().getAsLong()));
    assertThat(Long.parseLong(ps(pid, "nlwp"))).isEqualTo(s.threads().getAsLong());
    assertThat(Long.parseLong(ps(pid, "maj_flt"))).isEqualTo(s.majorFaults().getAsLong());
    assertThat(Long.parseLong(ps(pid, "min_flt"))).isEqualTo(s.minorFaults().getAsLong());
    assertThat(s.user()).hasValue(ps(pid, "euser"));
    assertSameStart(s.startTime().orElseThrow(), burner.toHandle().info().startInstant().orElseThrow());
    assertThat(s.uptime().orElseThrow()).isBetween(Duration.ofSeconds(1), Duration.ofMinutes(5));
    assertThat(s.memoryPercent().getAsDouble())
        .isCloseTo(100.0 * s.memoryResident().getAsLong() / (line(pid, "../meminfo", "MemTotal:") * 1024), within(1e-9));

    // CPU percent: zero while stopped, then one busy thread's worth at most
    Thread.sleep(300);
    ProcessSample stopped = sampler.sample(pid, ProcessSampler.DEFAULT_FIELDS, s);
    assertThat(stopped.cpuPercent()).hasValue(0.0);
    RealProcs.signal(pid, "CONT");
    ProcessSample before = sampler.sample(pid, ProcessSampler.DEFAULT_FIELDS, null);
    Thread.sleep(1000);
    ProcessSample after = sampler.sample(pid, ProcessSampler.DEFAULT_FIELDS, before);
    double expected = 100.0 * (after.cpuTotal().orElseThrow().toNanos() - before.cpuTotal().orElseThrow().toNanos())
        / (after.monotonicNanos() - before.monotonicNanos());
    assertThat(after.cpuPercent().getAsDouble()).isEqualTo(expected).isGreaterThan(0.0).isLessThanOrEqualTo(105.0);
  }

  @Test
  void descriptorsThreadsSocketsOfAJavaChild() throws Exception {
    int[] ports = new int[2];
    Process w = procs.workload(5, 4, ports);
    long pid = w.pid();
    freeze(pid);
    ProcessSample s = sampler.sample(pid, Field.all(), null);
    assertThat(s.vanished()).isFalse();

    long listed;
    try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      listed = fds.count();
    }
    assertThat(s.openFds()).hasValue(listed);
    long limit = Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits")).stream()
        .filter(l -> l.startsWith("Max open files")).map(l -> Long.parseLong(l.substring(14).trim().split("\\s+")[0]))
        .findFirst().orElseThrow();
    assertThat(s.fdLimit()).hasValue(limit);
    assertThat(s.worstFdRatio().getAsDouble()).isEqualTo((double) listed / limit);
    long threads = line(pid, "status", "Threads:");
    assertThat(s.threads()).hasValue(threads);
    assertThat(threads).isGreaterThanOrEqualTo(5);
    long tasks;
    try (var t = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      tasks = t.count();
    }
    assertThat(s.get(Field.THREAD_STATES)).isEqualTo(tasks);
    assertThat(s.threads(RunState.OTHER)).as("every thread is stopped ('t' or 'T')").hasValue(tasks);
    assertThat(s.writeBytes()).hasValue(line(pid, "io", "write_bytes:"));

    List<Socket> tcp = s.sockets().stream().filter(x -> x.protocol().name().startsWith("TCP")).collect(Collectors.toList());
    assertThat(tcp).anySatisfy(x -> {
      assertThat(x.state()).isEqualTo("LISTEN");
      assertThat(x.local().getPort()).isEqualTo(ports[0]);
    });
    assertThat(tcp).anySatisfy(x -> {
      assertThat(x.state()).isEqualTo("ESTABLISHED");
      assertThat(x.local().getPort()).isEqualTo(ports[1]);
      assertThat(x.remote().getPort()).isEqualTo(ports[0]);
      assertThat(x.remote().getAddress().isLoopbackAddress()).isTrue();
    });
    assertThat(tcp).anySatisfy(x -> {
      assertThat(x.state()).isEqualTo("ESTABLISHED");
      assertThat(x.local().getPort()).isEqualTo(ports[0]);
      assertThat(x.remote().getPort()).isEqualTo(ports[1]);
    });
    assertThat(tcp).allSatisfy(x -> assertThat(x.pid()).isEqualTo(pid));
    if (RealProcs.hasPs()) {
      assertThat(Long.parseLong(ps(pid, "nlwp"))).isEqualTo(threads);
    }
  }

  /**
   * A start time to the hundredth of a second: a process started now reads as started now. With {@code btime}, whole
   * seconds, it read up to a second early (found by a black-box run: 0.42 s on that machine), and a child started
   * within that second after a sample was taken for older than the sample and left out of the next CPU percent.
   */
  @Test
  void aStartTimeIsWhenTheProcessStarted() throws Exception {
    for (int i = 0; i < 3; i++) {
      long before = System.currentTimeMillis();
      Process p = procs.start("sleep", "1000");
      long after = System.currentTimeMillis();
      ProcessSample s = sampler.sample(p.pid(), java.util.EnumSet.of(Field.START_TIME), null);
      // a tick (10 ms) and the boot time's hundredth either way
      assertThat(s.startTime().orElseThrow().toEpochMilli()).as("spawned between %d and %d", before, after).isBetween(before - 30, after + 30);
    }
  }

  @Test
  void aTreeWithGrandchildrenSumsRight() throws Exception {
    Process root = procs.start("sh", "-c", "sleep 1000 & sh -c 'sleep 1000 & sleep 1000 & wait' & wait");
    long pid = root.pid();
    // four descendants, and all five settled: the three leaves have exec'd sleep and every one sleeps (a shell that
    // forked a leaf still mid-exec would change the sums between the sample and the reads below)
    assertThat(eventually(Duration.ofSeconds(20), () -> root.toHandle().descendants().count() == 4 && settled(root.toHandle()))).isTrue();
    Set<Long> expected = new HashSet<>();
    expected.add(pid);
    root.toHandle().descendants().forEach(h -> expected.add(h.pid()));
    assertThat(root.toHandle().descendants().filter(h -> h.parent().map(p -> p.pid() != pid).orElse(false)).count())
        .as("grandchildren").isEqualTo(2);

    ProcessSample s = sampler.sampleTree(pid, ProcessSampler.DEFAULT_FIELDS, null);
    assertThat(Arrays.stream(s.memberPids()).boxed().collect(Collectors.toSet())).isEqualTo(expected);
    assertThat(s.memberPids()[0]).isEqualTo(pid);
    assertThat(s.processes()).hasValue(5);
    long rss = 0;
    long vsize = 0;
    long minflt = 0;
    long threads = 0;
    long oldest = Long.MAX_VALUE;
    for (long p : expected) {
      rss += line(p, "status", "VmRSS:") * 1024;
      vsize += stat(p, 23);
      minflt += stat(p, 10);
      threads += stat(p, 20);
      oldest = Math.min(oldest, stat(p, 22));
    }
    assertThat(s.memoryResident()).hasValue(rss);
    assertThat(s.memoryVirtual()).hasValue(vsize);
    assertThat(s.minorFaults()).hasValue(minflt);
    assertThat(s.threads()).hasValue(threads);
    assertThat(s.processes(RunState.SLEEPING)).hasValue(5);
    assertSameStart(s.startTime().orElseThrow(), root.toHandle().info().startInstant().orElseThrow());
    ProcessSample single = sampler.sample(pid, ProcessSampler.DEFAULT_FIELDS, null);
    assertThat(single.memoryResident()).hasValue(line(pid, "status", "VmRSS:") * 1024);
    assertThat(single.processes()).hasValue(1);
  }

  /** Whether the tree of {@code root} is three {@code sleep}s and every process of it sleeps. */
  private static boolean settled(ProcessHandle root) {
    try {
      List<ProcessHandle> all = java.util.stream.Stream.concat(java.util.stream.Stream.of(root), root.descendants()).toList();
      long sleeps = all.stream().filter(h -> "sleep".equals(statField(Path.of("/proc", Long.toString(h.pid()), "stat"), 2))).count();
      return sleeps == 3 && all.stream().allMatch(h -> "S".equals(statField(Path.of("/proc", Long.toString(h.pid()), "stat"), 3)));
    } catch (java.io.UncheckedIOException e) {
      return false; // one ended meanwhile
    }
  }

  @Test
  void anUnreapedZombieChildIsReportedWithItsParent() throws Exception {
    // the shell forks a short sleep, then becomes 'sleep 1000', which never reaps it
    Process parent = procs.start("sh", "-c", "sleep 0.1 & exec sleep 1000");
    long pid = parent.pid();
    ProcessSample[] last = new ProcessSample[1];
    assertThat(eventually(Duration.ofSeconds(20), () -> {
      last[0] = sampler.sample(pid, ProcessSampler.DEFAULT_FIELDS, null);
      return !last[0].zombieChildren().isEmpty();
    })).as("zombie reported").isTrue();
    ProcessSample.ZombieChild z = last[0].zombieChildren().get(0);
    assertThat(z.parentPid()).isEqualTo(pid);
    assertThat(z.name()).isEqualTo("sleep");
    assertThat(RealProcs.statField(Path.of("/proc", Long.toString(z.pid()), "stat"), 3)).isEqualTo("Z");
    assertThat(stat(z.pid(), 4)).isEqualTo(pid);

    ProcessSample tree = sampler.sampleTree(pid, ProcessSampler.DEFAULT_FIELDS, null);
    assertThat(tree.zombieChildren()).containsExactly(z);
    assertThat(tree.processes()).hasValue(2);
    assertThat(tree.processes(RunState.ZOMBIE)).hasValue(1);
    assertThat(tree.has(Field.MEMORY_RESIDENT)).as("a zombie has no memory, which is not a refusal").isTrue();
    assertThat(tree.memoryResident()).hasValue(line(pid, "status", "VmRSS:") * 1024);
    // issue #12 item 13: one zombie made the whole tree's Pss absent (NaN in the binding); the exporter had 4.41 MB
    ProcessSample withPss = sampler.sampleTree(pid, java.util.EnumSet.of(Field.MEMORY_PROPORTIONAL, Field.OPEN_FDS, Field.PROCESSES), null);
    assertThat(withPss.processes()).hasValue(2);
    assertThat(withPss.get(Field.MEMORY_PROPORTIONAL)).as("tree Pss with a zombie member").isNotNaN();
    long rootPss = line(pid, "smaps_rollup", "Pss:") * 1024;
    assertThat((double) withPss.memoryProportional().orElseThrow()).isCloseTo(rootPss, within(0.05 * rootPss));
    assertThat(withPss.openFds()).as("the zombie has no descriptors").hasValue(java.nio.file.Files.list(Path.of("/proc", Long.toString(pid), "fd")).count());
  }

  @Test
  void aProcessThatVanishesMidReadGivesASampleThatSaysSo() throws Exception {
    Process victim = procs.start("sleep", "1000");
    Process bystander = procs.start("sleep", "1001");
    long pid = victim.pid();
    sampler.afterStatRead(p -> {
      if (p == pid) {
        victim.destroyForcibly();
        try {
          victim.waitFor(); // reaped: /proc/PID is gone before the next file is opened
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    ProcessSample s = sampler.sample(pid, ProcessSampler.DEFAULT_FIELDS, null);
    assertThat(s.vanished()).isTrue();
    assertThat(s.vanishedReason().orElseThrow()).contains("/proc/" + pid + "/");
    assertThat(s.fields()).isEmpty();
    assertThat(s.memoryResident()).isEmpty();
    sampler.afterStatRead(null);

    ProcessSample gone = sampler.sampleTree(pid, ProcessSampler.DEFAULT_FIELDS, null);
    assertThat(gone.vanished()).isTrue();
    ProcessSample group = sampler.sampleGroup(new long[] {pid, bystander.pid()}, ProcessSampler.DEFAULT_FIELDS, null);
    assertThat(group.vanished()).isFalse();
    assertThat(group.processes()).hasValue(1);
    assertThat(group.memberPids()).containsExactly(bystander.pid());
  }

  /**
   * A group's pid is its first member's: when that member ends and the group is listed without it (as an attachment's
   * matches are), the next sample names another pid. Its members are matched by pid and start time, so its CPU percent
   * goes on; it read none for that sample.
   */
  @Test
  void aGroupKeepsItsCpuPercentWhenItsFirstMemberEnds() throws Exception {
    Process first = procs.start("sleep", "60");
    Process busy = procs.start("sh", "-c", "while :; do :; done");
    Set<Field> fields = Set.of(Field.CPU_TOTAL, Field.CPU_PERCENT, Field.START_TIME);
    ProcessSample before = sampler.sampleGroup(new long[] {first.pid(), busy.pid()}, fields, null);
    assertThat(before.pid()).isEqualTo(first.pid());
    first.destroyForcibly();
    first.waitFor();
    long busyBefore = stat(busy.pid(), 14) + stat(busy.pid(), 15);
    assertThat(eventually(Duration.ofSeconds(10), () -> stat(busy.pid(), 14) + stat(busy.pid(), 15) >= busyBefore + 10))
        .as("the busy member used 10 ticks of CPU").isTrue();
    ProcessSample after = sampler.sampleGroup(new long[] {busy.pid()}, fields, before);
    assertThat(after.pid()).isEqualTo(busy.pid());
    assertThat(after.cpuPercent()).as("the group's CPU percent, its first member gone").isPresent();
    assertThat(after.cpuPercent().getAsDouble()).isPositive();
  }

  @Test
  void whatTheKernelRefusesIsAbsentNotZero() throws Exception {
    boolean refused;
    try {
      Files.readAllBytes(Path.of("/proc/1/io"));
      refused = false;
    } catch (AccessDeniedException e) {
      refused = true;
    } catch (IOException e) {
      refused = String.valueOf(e.getMessage()).contains("Permission denied"); // io checks access when read, not opened
    }
    assumeTrue(refused, "this machine lets us read /proc/1/io (run as a non-root user, or where root lacks it, to see a refusal)");
    ProcessSample s = sampler.sample(1, ProcessSampler.DEFAULT_FIELDS, null);
    assertThat(s.vanished()).isFalse();
    assertThat(s.has(Field.CPU_TOTAL)).isTrue();
    assertThat(s.has(Field.READ_BYTES)).isFalse();
    assertThat(s.readBytes()).isEmpty();
    assertThat(s.get(Field.WRITE_BYTES)).isNaN();
    assertThat(s.memoryResident()).hasValue(line(1, "status", "VmRSS:") * 1024);
  }

  @Test
  void processesThatComeAndGoWhileSampledNeverMakeItThrow() throws Exception {
    ProcSampler fresh = ProcSampler.builder().processTableMaxAge(Duration.ZERO).build();
    int vanished = 0;
    int whole = 0;
    for (int round = 0; round < 20; round++) {
      List<Process> shortLived = new java.util.ArrayList<>();
      for (int i = 0; i < 10; i++) {
        shortLived.add(procs.start("sh", "-c", "sleep 0.0" + i + " & exec true"));
      }
      long[] pids = shortLived.stream().mapToLong(Process::pid).toArray();
      for (int k = 0; k < 5; k++) {
        for (long pid : pids) {
          ProcessSample one = fresh.sample(pid, Field.all(), null);
          ProcessSample tree = fresh.sampleTree(pid, ProcessSampler.DEFAULT_FIELDS, null);
          for (ProcessSample s : List.of(one, tree)) {
            if (s.vanished()) {
              vanished++;
              assertThat(s.fields()).isEmpty();
            } else {
              whole++;
              assertThat(s.has(Field.CPU_TOTAL)).isTrue();
            }
          }
        }
        assertThat(fresh.sampleGroup(pids, ProcessSampler.DEFAULT_FIELDS, null)).isNotNull();
      }
      for (Process p : shortLived) {
        p.waitFor();
      }
    }
    assertThat(vanished).as("some samples met a dead process").isPositive();
    assertThat(vanished + whole).isEqualTo(20 * 10 * 5 * 2);
  }

  @Test
  void aPidThatNeverExistedIsVanished() {
    ProcessSample s = sampler.sample(Integer.MAX_VALUE, ProcessSampler.DEFAULT_FIELDS, null);
    assertThat(s.vanished()).isTrue();
  }

  /**
   * Our start time against the JDK's. Both add the process's start ticks to the boot time of /proc/stat's
   * {@code btime}, read once per JVM by each; btime moves with the wall clock, so a clock step between the two
   * reads (seen once under load: exactly 3 s) shifts one by whole seconds. The ticks, the part that can be
   * converted wrongly, must agree exactly.
   */
  /**
   * The JDK adds the start ticks to {@code btime}, the boot time in whole seconds; ours to the boot time to the
   * hundredth: ours is the same or up to a second later, never earlier (but for the hundredth).
   */
  private static void assertSameStart(java.time.Instant ours, java.time.Instant jdk) {
    Duration apart = Duration.between(jdk, ours);
    assertThat(apart).as("ours %s, the JDK's %s", ours, jdk).isBetween(Duration.ofMillis(-20), Duration.ofMillis(1_020));
  }
}
