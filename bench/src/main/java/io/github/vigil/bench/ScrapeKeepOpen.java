package io.github.vigil.bench;

import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.Ticker;
import io.github.vigil.linux.proc.ProcSampler;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 18, target 4: what one scrape's sampling costs when the scrapes come further apart than the sampler keeps
 * its files open. A Prometheus scrape every 15 s (or a push registry's step of 1 min) reads every process's meters
 * once per interval, so each process is sampled once per interval; with files closed after an idle time shorter
 * than the interval, every scrape opens, reads and closes each file again instead of one {@code pread} in place.
 *
 * <p>Samples {@code count} {@code sleep}s (children of this JVM) with the fields the Micrometer binding's default
 * meters read, one round per "scrape", through two samplers that differ only in their {@code keepOpenIdle}; their
 * ticker is advanced by the scrape interval between rounds, and rounds of the two alternate, 1 s of real time apart,
 * so that a drift of the shared machine falls on both. The figure is the sampling thread's CPU time per round.
 *
 * <pre>java -cp bench/target/classes:$(cat bench/target/run/classpath.txt) io.github.vigil.bench.ScrapeKeepOpen [count] [rounds] [intervalSeconds] [idleA] [idleB]</pre>
 */
public final class ScrapeKeepOpen {
  /** What the binding's default meters (MeterCatalog, Micrometer names) ask of a sample. */
  static final Set<Field> BINDING_FIELDS = EnumSet.of(Field.CPU_USER, Field.CPU_SYSTEM, Field.CPU_PERCENT, Field.CPU_TOTAL,
      Field.MEMORY_RESIDENT, Field.MEMORY_VIRTUAL, Field.MEMORY_SWAPPED, Field.MEMORY_PROPORTIONAL, Field.READ_BYTES,
      Field.WRITE_BYTES, Field.MAJOR_FAULTS, Field.MINOR_FAULTS, Field.VOLUNTARY_SWITCHES, Field.INVOLUNTARY_SWITCHES,
      Field.OPEN_FDS, Field.FD_LIMIT, Field.WORST_FD_RATIO, Field.THREADS, Field.PROCESSES, Field.PROCESS_STATES,
      Field.START_TIME, Field.THREAD_STATES);

  private ScrapeKeepOpen() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    long interval = TimeUnit.SECONDS.toNanos(args.length > 2 ? Long.parseLong(args[2]) : 15);
    Duration idleA = Duration.ofSeconds(args.length > 3 ? Long.parseLong(args[3]) : 10);
    Duration idleB = Duration.ofSeconds(args.length > 4 ? Long.parseLong(args[4]) : 120);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<Process> sleeps = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sleeps.add(new ProcessBuilder("/bin/sleep", "100000").start());
      }
      long[] pids = sleeps.stream().mapToLong(Process::pid).toArray();
      AtomicLong nowA = new AtomicLong();
      AtomicLong nowB = new AtomicLong();
      Ticker tickA = nowA::get;
      Ticker tickB = nowB::get;
      try (ProcSampler a = ProcSampler.builder().keepOpenIdle(idleA).ticker(tickA).build();
          ProcSampler b = ProcSampler.builder().keepOpenIdle(idleB).ticker(tickB).build()) {
        long[] cpuA = new long[rounds];
        long[] cpuB = new long[rounds];
        ProcessSample[] prevA = new ProcessSample[count];
        ProcessSample[] prevB = new ProcessSample[count];
        for (int r = -5; r < rounds; r++) { // 5 rounds of warm-up each
          boolean aFirst = (r & 1) == 0;
          for (int k = 0; k < 2; k++) {
            boolean isA = (k == 0) == aFirst;
            ProcSampler s = isA ? a : b;
            ProcessSample[] prev = isA ? prevA : prevB;
            long t0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < count; i++) {
              prev[i] = s.sampleTree(pids[i], BINDING_FIELDS, prev[i]);
            }
            long used = threads.getCurrentThreadCpuTime() - t0;
            if (r >= 0) {
              (isA ? cpuA : cpuB)[r] = used;
            }
            (isA ? nowA : nowB).addAndGet(interval);
            Thread.sleep(500);
          }
        }
        for (ProcessSample x : prevA) {
          if (!x.has(Field.MEMORY_RESIDENT) || !x.has(Field.OPEN_FDS)) {
            throw new IllegalStateException("a sample lacks the resident memory or open descriptors: " + x);
          }
        }
        System.out.println(String.format(Locale.ROOT, "commit=%s java=%s date=%s load=%s",
            System.getProperty("commit", "?"), System.getProperty("java.version"), java.time.Instant.now(),
            java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim()));
        System.out.println(String.format(Locale.ROOT, "%d sleeps sampled as a scrape every %d s would (binding's %d fields, sampleTree), "
            + "%d alternated rounds each; CPU of the sampling thread per round, ms", count, TimeUnit.NANOSECONDS.toSeconds(interval),
            BINDING_FIELDS.size(), rounds));
        System.out.println("| keepOpenIdle | median | p90 | min | files kept open after the last round |");
        System.out.println("|---|---|---|---|---|");
        row(idleA, cpuA, a);
        row(idleB, cpuB, b);
      }
    } finally {
      sleeps.forEach(Process::destroyForcibly);
      for (Process p : sleeps) {
        p.waitFor();
      }
    }
  }

  private static void row(Duration idle, long[] cpu, ProcSampler s) {
    long[] sorted = cpu.clone();
    Arrays.sort(sorted);
    System.out.println(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %s |", io.github.vigil.HumanFormat.duration(idle),
        sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.9)] / 1e6, sorted[0] / 1e6, s.keepsFilesOpen()));
  }
}
