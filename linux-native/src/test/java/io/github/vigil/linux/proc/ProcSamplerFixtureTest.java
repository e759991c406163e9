package io.github.vigil.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.ProcessSample.RunState;
import io.github.vigil.spi.ProcessSampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sampler on a directory of fixtures instead of /proc: runs on every operating system. */
class ProcSamplerFixtureTest {
  @TempDir
  Path proc;

  private static String stat(long pid, String comm, char state, long ppid, long utime, long stime, long threads, long start,
      long vsize, long rss) {
    long[] f = new long[53];
    f[4] = ppid;
    f[10] = 7;
    f[12] = 1;
    f[14] = utime;
    f[15] = stime;
    f[20] = threads;
    f[22] = start;
    f[23] = vsize;
    f[24] = rss;
    return ProcGen.statLine(pid, comm, state, f);
  }

  private static String status(String name, char state, long uid, long rssKb, long vol, long invol) {
    return "Name:\t" + ProcGen.escapeStatusName(name) + "\nUmask:\t0022\nState:\t" + state + " (x)\nUid:\t" + uid + "\t" + uid
        + "\t" + uid + "\t" + uid + "\nVmRSS:\t" + rssKb + " kB\nVmSwap:\t0 kB\nvoluntary_ctxt_switches:\t" + vol
        + "\nnonvoluntary_ctxt_switches:\t" + invol + "\n";
  }

  private void process(long pid, String stat, String status, int fds, String... tasks) throws IOException {
    Path d = Files.createDirectories(proc.resolve(Long.toString(pid)));
    Files.writeString(d.resolve("stat"), stat);
    Files.writeString(d.resolve("status"), status);
    Files.writeString(d.resolve("io"), "rchar: 1\nwchar: 2\nread_bytes: 4096\nwrite_bytes: 8192\n");
    Files.writeString(d.resolve("smaps_rollup"), "0-1 ---p 0 00:00 0 [rollup]\nRss: 100 kB\nPss: 50 kB\nSwapPss: 0 kB\n");
    Files.writeString(d.resolve("limits"), "Limit  Soft Limit  Hard Limit  Units\nMax open files            64                   128                  files\n");
    Path fd = Files.createDirectories(d.resolve("fd"));
    for (int i = 0; i < fds; i++) {
      Files.writeString(fd.resolve(Integer.toString(i)), "");
    }
    for (int i = 0; i < tasks.length; i++) {
      Path t = Files.createDirectories(d.resolve("task").resolve(Long.toString(pid + i)));
      Files.writeString(t.resolve("status"), tasks[i]);
    }
  }

  @Test
  void aTreeOfFixturesWithAHostileNameAndAZombie() throws IOException {
    Files.writeString(proc.resolve("stat"), "cpu  1 2 3\nbtime 1700000000\n");
    Files.writeString(proc.resolve("meminfo"), "MemTotal:        1000 kB\n");
    String hostile = "a) (b";
    process(100, stat(100, hostile, 'S', 1, 250, 50, 2, 1000, 4096000, 10), status(hostile, 'S', 0, 800, 5, 6), 4,
        status(hostile, 'S', 0, 800, 5, 6), status(hostile, 'R', 0, 800, 10, 20));
    process(101, stat(101, "kid", 'Z', 100, 10, 0, 1, 1500, 0, 0), "Name:\tkid\nState:\tZ (zombie)\nUid:\t0\t0\t0\t0\n"
        + "voluntary_ctxt_switches:\t1\nnonvoluntary_ctxt_switches:\t2\n", 0);
    Path passwd = Files.writeString(proc.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\n");
    ProcSampler sampler = ProcSampler.builder().procRoot(proc).passwd(passwd).clockTicks(100).pageSize(4096)
        .processTableMaxAge(Duration.ZERO).build();

    ProcessSample s = sampler.sampleTree(100, ProcessSampler.DEFAULT_FIELDS, null);
    assertThat(s.vanished()).isFalse();
    assertThat(s.processes()).hasValue(2);
    assertThat(s.cpuUser().orElseThrow()).isEqualTo(Duration.ofMillis(2600));
    assertThat(s.cpuSystem().orElseThrow()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.memoryResident()).as("VmRSS of the root; the zombie has none and stat says 0").hasValue(800 * 1024);
    assertThat(s.memoryPercent().getAsDouble()).isEqualTo(80.0);
    assertThat(s.memoryProportional()).hasValue(2 * 50 * 1024);
    assertThat(s.readBytes()).hasValue(2 * 4096);
    assertThat(s.openFds()).hasValue(4);
    assertThat(s.fdLimit()).hasValue(64);
    assertThat(s.worstFdRatio().getAsDouble()).isEqualTo(4 / 64.0);
    assertThat(s.voluntarySwitches()).as("the root's two threads, plus the zombie").hasValue(5 + 10 + 1);
    assertThat(s.involuntarySwitches()).hasValue(6 + 20 + 2);
    assertThat(s.threads(RunState.RUNNING)).hasValue(1);
    assertThat(s.threads(RunState.SLEEPING)).hasValue(1);
    assertThat(s.threads(RunState.ZOMBIE)).hasValue(1);
    assertThat(s.processes(RunState.ZOMBIE)).hasValue(1);
    assertThat(s.startTime().orElseThrow().toEpochMilli()).isEqualTo(1_700_000_000_000L + 10_000);
    assertThat(s.user()).hasValue("root");
    assertThat(s.zombieChildren()).containsExactly(new ProcessSample.ZombieChild(101, 100, "kid"));
    assertThat(s.has(Field.SOCKETS)).isFalse();

    assertThat(sampler.sample(100, ProcessSampler.DEFAULT_FIELDS, null).zombieChildren())
        .containsExactly(new ProcessSample.ZombieChild(101, 100, "kid"));
    assertThat(sampler.sample(999, ProcessSampler.DEFAULT_FIELDS, null).vanishedReason().orElseThrow()).contains("999");
  }

  /**
   * A member in state {@code X} (dead: being released, which no real process shows on demand) has ended as a zombie
   * has: no memory and no descriptors, counted as 0 so that the tree's sums stay, but it is no zombie child (nobody is
   * to reap it) and its run state is {@code OTHER}, as process-exporter's.
   */
  @Test
  void aDeadMemberHasEndedButIsNoZombieChild() throws IOException {
    Files.writeString(proc.resolve("stat"), "cpu  1 2 3\nbtime 1700000000\n");
    Files.writeString(proc.resolve("meminfo"), "MemTotal:        1000 kB\n");
    process(100, stat(100, "root", 'S', 1, 250, 50, 1, 1000, 4096000, 10), status("root", 'S', 0, 800, 5, 6), 4);
    process(101, stat(101, "kid", 'X', 100, 10, 0, 1, 1500, 0, 0), "Name:\tkid\nState:\tX (dead)\nUid:\t0\t0\t0\t0\n"
        + "voluntary_ctxt_switches:\t1\nnonvoluntary_ctxt_switches:\t2\n", 0);
    Files.delete(proc.resolve("101/smaps_rollup")); // no address space: nothing to read
    Path passwd = Files.writeString(proc.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\n");
    ProcSampler sampler = ProcSampler.builder().procRoot(proc).passwd(passwd).clockTicks(100).pageSize(4096)
        .processTableMaxAge(Duration.ZERO).build();

    ProcessSample s = sampler.sampleTree(100, ProcessSampler.DEFAULT_FIELDS, null);
    assertThat(s.processes()).hasValue(2);
    assertThat(s.memoryResident()).as("VmRSS of the root; the dead member has none").hasValue(800 * 1024);
    assertThat(s.memoryProportional()).as("Pss of the root; the dead member has none").hasValue(50 * 1024);
    assertThat(s.openFds()).hasValue(4);
    assertThat(s.processes(RunState.OTHER)).hasValue(1);
    assertThat(s.processes(RunState.ZOMBIE)).hasValue(0);
    assertThat(s.zombieChildren()).isEmpty();
    assertThat(sampler.sample(100, ProcessSampler.DEFAULT_FIELDS, null).zombieChildren()).isEmpty();
  }
}
