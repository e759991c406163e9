package io.github.vigil.bench;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashMap;
import java.util.concurrent.TimeUnit;

/**
 * Comparison 3: {@code count} supervised {@code sleep} children for {@code seconds}, each one sampled every
 * second; the supervising process's threads, heap after GC, RSS and CPU per second. Run each contender in a
 * JVM of its own (bench/run does), so the thread baseline and heap are its alone.
 */
final class Scale {
  static final String COMPARISON = "3";
  /** CPU time and percent and exact resident memory ({@code stat} and {@code statm}): what CPU and memory resource rules ask for. */
  static final Set<Field> METRIC_FIELDS = EnumSet.of(Field.CPU_USER, Field.CPU_SYSTEM, Field.CPU_TOTAL, Field.CPU_PERCENT,
      Field.MEMORY_RESIDENT);
  /** CPU time and percent and {@code stat}'s resident memory: one read of {@code stat} per process. */
  static final Set<Field> STAT_FIELDS = EnumSet.of(Field.CPU_USER, Field.CPU_SYSTEM, Field.CPU_TOTAL, Field.CPU_PERCENT,
      Field.MEMORY_RESIDENT_STAT);

  private Scale() {}

  static List<Row> run(int count, int seconds, List<String> contenders) throws Exception {
    List<Row> rows = new ArrayList<>();
    for (String c : contenders) {
      switch (c) {
        case "vigil-linux" -> rows.addAll(vigil("linux", count, seconds));
        case "vigil-jdk" -> rows.addAll(vigil("jdk", count, seconds));
        case "jdk-threads" -> rows.addAll(jdkThreads(count, seconds));
        case "supervisord" -> rows.addAll(supervisord(count, seconds));
        default -> throw new IllegalArgumentException("unknown contender for comparison 3: " + c);
      }
    }
    return rows;
  }

  private static int jvmThreads() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
  }

  private static double heapAfterGcMb() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024);
  }

  static List<Row> vigil(String backend, int count, int seconds) throws Exception {
    String who = "vigil-" + backend;
    int baseline = jvmThreads();
    long self = ProcessHandle.current().pid();
    try (Supervisor s = Supervisor.builder().name("bench").backend(backend).build()) {
      List<ProcessSpec> specs = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        specs.add(ProcessSpec.builder("sleeper-" + i).command("/bin/sleep", "100000").startupGrace(Duration.ZERO).build());
      }
      s.registerAll(specs);
      s.startAll().toCompletableFuture().get(300, TimeUnit.SECONDS);
      Collection<ProcessController> controllers = s.controllers();
      boolean fieldPasses = backend.equals("linux");
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      double[] apiMs = new double[seconds];
      double[] metricsMs = new double[seconds];
      double[] statMs = new double[seconds];
      double[] jvmCpu = new double[seconds];
      int maxThreads = 0;
      long cpuPrev = ProcWatch.cpuNanos(self);
      long wallPrev = System.nanoTime();
      long cpuStart = cpuPrev, wallStart = wallPrev;
      long next = wallPrev;
      for (int sec = 0; sec < seconds; sec++) {
        long c0 = mx.getCurrentThreadCpuTime();
        int sampled = 0;
        for (ProcessController c : controllers) {
          if (c.sample().filter(x -> !x.vanished()).isPresent()) {
            sampled++;
          }
        }
        long c1 = mx.getCurrentThreadCpuTime();
        int sampledMetrics = 0;
        int sampledStat = 0;
        if (fieldPasses) {
          for (ProcessController c : controllers) {
            if (c.sample(METRIC_FIELDS).filter(x -> !x.vanished() && x.has(Field.MEMORY_RESIDENT)).isPresent()) {
              sampledMetrics++;
            }
          }
        }
        long c2 = mx.getCurrentThreadCpuTime();
        if (fieldPasses) {
          for (ProcessController c : controllers) {
            if (c.sample(STAT_FIELDS).filter(x -> !x.vanished() && x.has(Field.MEMORY_RESIDENT_STAT)).isPresent()) {
              sampledStat++;
            }
          }
          if (sampledMetrics != count || sampledStat != count) {
            throw new IllegalStateException("sampled " + sampledMetrics + " and " + sampledStat + " of " + count + " processes");
          }
        }
        long c3 = mx.getCurrentThreadCpuTime();
        if (sampled != count) {
          throw new IllegalStateException("sampled " + sampled + " of " + count + " processes");
        }
        apiMs[sec] = (c1 - c0) / 1e6;
        metricsMs[sec] = (c2 - c1) / 1e6;
        statMs[sec] = (c3 - c2) / 1e6;
        maxThreads = Math.max(maxThreads, jvmThreads());
        next += TimeUnit.SECONDS.toNanos(1);
        long sleep = next - System.nanoTime();
        if (sleep > 0) {
          TimeUnit.NANOSECONDS.sleep(sleep);
        }
        long cpu = ProcWatch.cpuNanos(self);
        long wall = System.nanoTime();
        jvmCpu[sec] = 100.0 * (cpu - cpuPrev) / (wall - wallPrev);
        cpuPrev = cpu;
        wallPrev = wall;
      }
      double cpuMean = 100.0 * (cpuPrev - cpuStart) / (wallPrev - wallStart);
      int threads = jvmThreads() - baseline;
      double heap = heapAfterGcMb();
      double rssMb = ProcWatch.status(self, "VmRSS") / 1024.0;
      String n = count + " children, " + seconds + " s";
      List<Row> rows = new ArrayList<>();
      rows.add(new Row(COMPARISON, who, "cpu-mean", "% of one core", Stats.single(cpuMean),
          n + "; whole JVM, CPU time over the whole window / its wall time (no tick quantization)"));
      rows.add(new Row(COMPARISON, who, "threads", "threads", Stats.single(threads),
          n + "; JVM threads minus the baseline before the supervisor was built (the harness's sampling loop runs on the main thread); max seen "
              + (maxThreads - baseline)));
      rows.add(new Row(COMPARISON, who, "heap-after-gc", "MB", Stats.single(heap), n + "; heap used after System.gc() (whole JVM)"));
      rows.add(new Row(COMPARISON, who, "rss", "MB", Stats.single(rssMb), n + "; VmRSS of the JVM"));
      rows.add(new Row(COMPARISON, who, "cpu", "% of one core", Stats.of(jvmCpu), n + "; whole JVM, per second, sampling included"));
      rows.add(new Row(COMPARISON, who, "sampling-cpu", "% of one core", Stats.of(scale(apiMs, 0.1)),
          n + "; thread CPU of ProcessController.sample() on every process once a second (tree, DEFAULT_FIELDS incl. Pss)"));
      if (fieldPasses) {
        rows.add(new Row(COMPARISON, who, "sampling-cpu-metrics", "% of one core", Stats.of(scale(metricsMs, 0.1)),
            n + "; thread CPU of ProcessController.sample(CPU time and percent, MEMORY_RESIDENT) on every process once a second"
                + " (stat and statm; the backend's sampler, files kept open)"));
        rows.add(new Row(COMPARISON, who, "sampling-cpu-stat", "% of one core", Stats.of(scale(statMs, 0.1)),
            n + "; thread CPU of ProcessController.sample(CPU time and percent, MEMORY_RESIDENT_STAT) on every process once a second"
                + " (stat only)"));
      }
      return rows;
    }
  }

  private static double[] scale(double[] v, double factor) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * factor;
    }
    return out;
  }

  /** The JDK alone: ProcessBuilder children with onExit() callbacks (a reaper thread each), ProcessHandle.info() each second. */
  static List<Row> jdkThreads(int count, int seconds) throws Exception {
    int baseline = jvmThreads();
    long self = ProcessHandle.current().pid();
    List<Process> children = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        Process p = new ProcessBuilder("/bin/sleep", "100000").redirectErrorStream(true).start();
        p.onExit().thenRun(() -> { });
        children.add(p);
      }
      double[] jvmCpu = new double[seconds];
      double[] sampleMs = new double[seconds];
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      long cpuPrev = ProcWatch.cpuNanos(self);
      long wallPrev = System.nanoTime();
      long cpuStart = cpuPrev, wallStart = wallPrev;
      long next = wallPrev;
      for (int sec = 0; sec < seconds; sec++) {
        long c0 = mx.getCurrentThreadCpuTime();
        long sum = 0;
        for (Process p : children) {
          sum += p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        }
        sampleMs[sec] = (mx.getCurrentThreadCpuTime() - c0) / 1e6;
        if (sum < 0) {
          throw new IllegalStateException();
        }
        next += TimeUnit.SECONDS.toNanos(1);
        long sleep = next - System.nanoTime();
        if (sleep > 0) {
          TimeUnit.NANOSECONDS.sleep(sleep);
        }
        long cpu = ProcWatch.cpuNanos(self);
        long wall = System.nanoTime();
        jvmCpu[sec] = 100.0 * (cpu - cpuPrev) / (wall - wallPrev);
        cpuPrev = cpu;
        wallPrev = wall;
      }
      int threads = jvmThreads() - baseline;
      double heap = heapAfterGcMb();
      double rssMb = ProcWatch.status(self, "VmRSS") / 1024.0;
      String n = count + " children, " + seconds + " s";
      return List.of(
          new Row(COMPARISON, "jdk-threads", "threads", "threads", Stats.single(threads),
              n + "; ProcessBuilder + onExit(): the JDK's \"process reaper\" thread per child"),
          new Row(COMPARISON, "jdk-threads", "heap-after-gc", "MB", Stats.single(heap), n),
          new Row(COMPARISON, "jdk-threads", "rss", "MB", Stats.single(rssMb), n),
          new Row(COMPARISON, "jdk-threads", "cpu", "% of one core", Stats.of(jvmCpu), n + "; whole JVM, per second"),
          new Row(COMPARISON, "jdk-threads", "cpu-mean", "% of one core", Stats.single(100.0 * (cpuPrev - cpuStart) / (wallPrev - wallStart)),
              n + "; whole JVM, CPU time over the whole window / its wall time"),
          new Row(COMPARISON, "jdk-threads", "sampling-cpu", "% of one core", Stats.of(scale(sampleMs, 0.1)),
              n + "; ProcessHandle.info().totalCpuDuration() of every child once a second (CPU only)"));
    } finally {
      for (Process p : children) {
        p.destroyForcibly();
      }
      for (Process p : children) {
        p.waitFor();
      }
    }
  }

  static List<Row> supervisord(int count, int seconds) throws Exception {
    try (Supervisord sd = Supervisord.start("/bin/sleep 100000", count)) {
      ProcWatch w = new ProcWatch(sd.pid());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
      while (w.children("sleep").size() < count) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("supervisord started " + w.children("sleep").size() + " of " + count + " in 300 s");
        }
        Thread.sleep(200);
      }
      double[] cpu = new double[seconds];
      long cpuPrev = ProcWatch.cpuNanos(sd.pid());
      long wallPrev = System.nanoTime();
      long cpuStart = cpuPrev, wallStart = wallPrev;
      for (int sec = 0; sec < seconds; sec++) {
        Thread.sleep(1000);
        long c = ProcWatch.cpuNanos(sd.pid());
        long wall = System.nanoTime();
        cpu[sec] = 100.0 * (c - cpuPrev) / (wall - wallPrev);
        cpuPrev = c;
        wallPrev = wall;
      }
      String n = count + " children, " + seconds + " s";
      return List.of(
          new Row(COMPARISON, "supervisord", "threads", "threads", Stats.single(ProcWatch.status(sd.pid(), "Threads")),
              n + "; supervisord's threads (it is single-threaded)"),
          new Row(COMPARISON, "supervisord", "rss", "MB", Stats.single(ProcWatch.status(sd.pid(), "VmRSS") / 1024.0),
              n + "; VmRSS of supervisord"),
          new Row(COMPARISON, "supervisord", "cpu", "% of one core", Stats.of(cpu),
              n + "; supervisord, per second (10 ms ticks: 1% steps); it samples nothing (no resource figures)"),
          new Row(COMPARISON, "supervisord", "cpu-mean", "% of one core", Stats.single(100.0 * (cpuPrev - cpuStart) / (wallPrev - wallStart)),
              n + "; supervisord, CPU time over the whole window / its wall time"));
    }
  }
}
