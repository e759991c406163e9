package io.github.vigil.bench;

import com.sun.management.OperatingSystemMXBean;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.micrometer.VigilMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Comparison 6 (issue 18): {@code count} supervised {@code sleep} processes left alone for {@code seconds}, with
 * the Micrometer binding bound to a registry that is scraped (every meter read) every 15 s, as Prometheus would;
 * supervisord with the same children in the same window, beside it. Figures: the whole JVM's CPU over the window
 * ({@code getProcessCpuTime}, nanoseconds), the same JVM's CPU in a window of the same harness before the
 * supervisor was built (its floor: JIT, GC and the harness), heap after GC against that baseline, threads;
 * supervisord's CPU (10 ms ticks) and RSS.
 */
final class Idle {
  static final String COMPARISON = "6";
  private static final long SCRAPE_NANOS = TimeUnit.SECONDS.toNanos(15);

  private Idle() {}

  /** Registers and starts {@code count} supervised {@code sleep}s that are restarted if they die ({@code idle-0}...). */
  static void startSleepers(Supervisor s, int count) throws Exception {
    List<ProcessSpec> specs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      specs.add(ProcessSpec.builder("idle-" + i).command("/bin/sleep", "1000000").restartPolicy(RestartPolicy.always())
          .startupGrace(Duration.ZERO).build());
    }
    s.registerAll(specs);
    s.startAll().toCompletableFuture().get(300, TimeUnit.SECONDS);
  }

  static List<Row> run(int count, int seconds, int baselineSeconds, boolean withSupervisord) throws Exception {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    List<Row> rows = new ArrayList<>();
    String n = count + " sleeping children, " + seconds + " s";
    Optional<Supervisord> sd = withSupervisord && Supervisord.binary().isPresent()
        ? Optional.of(Supervisord.start("/bin/sleep 1000000", count)) : Optional.empty();
    try {
      // the harness's floor: this JVM doing only what the loop below does, with nothing supervised
      double heapBefore = heapAfterGcMb();
      int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
      double floor = window(os, baselineSeconds, () -> { });
      try (Supervisor s = Supervisor.builder().name("bench-idle").backend("linux").build();
          VigilMetrics metrics = VigilMetrics.of(s)) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        metrics.bindTo(registry);
        startSleepers(s, count);
        long[] sdCpu0 = {0};
        long[] sdWall0 = {0};
        TimeUnit.SECONDS.sleep(10); // settle after the starts
        int meters = registry.getMeters().size();
        long[] nan = {0};
        Runnable scrape = () -> {
          for (Meter m : registry.getMeters()) {
            for (Measurement x : m.measure()) {
              if (Double.isNaN(x.getValue())) {
                nan[0]++;
              }
            }
          }
        };
        scrape.run();
        if (sd.isPresent()) {
          sdCpu0[0] = ProcWatch.cpuNanos(sd.get().pid());
          sdWall0[0] = System.nanoTime();
        }
        double cpu = window(os, seconds, scrape);
        if (sd.isPresent()) {
          double sdCpu = 100.0 * (ProcWatch.cpuNanos(sd.get().pid()) - sdCpu0[0]) / (System.nanoTime() - sdWall0[0]);
          rows.add(new Row(COMPARISON, "supervisord", "idle-cpu", "% of one core", Stats.single(sdCpu),
              n + "; supervisord " + Supervisord.version() + " in the same window (10 ms ticks), no metrics"));
          rows.add(new Row(COMPARISON, "supervisord", "rss", "MB", Stats.single(ProcWatch.status(sd.get().pid(), "VmRSS") / 1024.0),
              n + "; VmRSS of supervisord"));
        }
        double heap = heapAfterGcMb();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore;
        String how = n + "; Supervisor (linux backend) + VigilMetrics.of(s) bound to a SimpleMeterRegistry of " + meters
            + " meters, all read every 15 s (sample interval 5 s); " + classPath();
        rows.add(new Row(COMPARISON, "vigil-linux", "idle-cpu", "% of one core", Stats.single(cpu),
            how + "; whole JVM, getProcessCpuTime over the window / wall time"));
        rows.add(new Row(COMPARISON, "vigil-linux", "idle-cpu-above-floor", "% of one core", Stats.single(cpu - floor),
            how + "; minus the same JVM's CPU over " + baselineSeconds + " s before the supervisor was built (" + Report.num(floor) + " %)"));
        rows.add(new Row(COMPARISON, "vigil-linux", "heap-above-baseline", "MB", Stats.single(heap - heapBefore),
            how + "; heap used after System.gc() minus the same before the supervisor was built (" + Report.num(heapBefore) + " MB)"));
        rows.add(new Row(COMPARISON, "vigil-linux", "heap-after-gc", "MB", Stats.single(heap), how + "; whole JVM"));
        rows.add(new Row(COMPARISON, "vigil-linux", "threads", "threads", Stats.single(threads), how + "; JVM threads added"));
        if (nan[0] > 0) {
          System.err.println("comparison 6: " + nan[0] + " NaN measurements over the window");
        }
      }
    } finally {
      if (sd.isPresent()) {
        sd.get().close();
      }
    }
    return rows;
  }

  /** This JVM's CPU over {@code seconds} of wall time in percent of one core; {@code scrape} runs every 15 s. */
  private static double window(OperatingSystemMXBean os, int seconds, Runnable scrape) throws InterruptedException {
    long cpu0 = os.getProcessCpuTime();
    long wall0 = System.nanoTime();
    long end = wall0 + TimeUnit.SECONDS.toNanos(seconds);
    long next = wall0 + SCRAPE_NANOS;
    while (true) {
      long now = System.nanoTime();
      if (now >= end) {
        break;
      }
      if (now >= next) {
        scrape.run();
        next += SCRAPE_NANOS;
      }
      TimeUnit.NANOSECONDS.sleep(Math.min(next, end) - now);
    }
    return 100.0 * (os.getProcessCpuTime() - cpu0) / (System.nanoTime() - wall0);
  }

  /** What the JVM's class path holds: bench/run gives comparison 6 an application's (Vigil, Micrometer, their dependencies). */
  private static String classPath() {
    String[] entries = System.getProperty("java.class.path", "").split(java.io.File.pathSeparator);
    long jars = java.util.Arrays.stream(entries).filter(e -> e.endsWith(".jar")).count();
    boolean harness = java.util.Arrays.stream(entries).anyMatch(e -> e.contains("/oshi-core-") || e.contains("/jmh-core-"));
    return "class path of " + jars + " jars" + (harness ? ", the other comparisons' (OSHI, JMH...) included"
        : ": Vigil's core, Linux backend and Micrometer binding with their runtime dependencies, and slf4j-nop");
  }

  private static double heapAfterGcMb() {
    System.gc();
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024);
  }
}
