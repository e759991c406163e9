package io.github.vigil.bench;

import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The cost of telling dependents of their dependencies' state changes: {@code count} processes {@code h0..} that
 * others depend on, each with one dependent {@code d0..} (not started), so 2 × count registered; every {@code h} is
 * started at once, and each start fails without a fork (its program does not exist: the lookup on an I/O thread says so),
 * each {@code h} going {@code STOPPED -> STARTING -> FAILED}: state changes of a depended-on process, each of which looks
 * up its dependents on the supervision thread. The wall time from the first start to an idle supervisor, and the CPU
 * time of the supervision thread ({@code vigil-<name>}) over it, per round. The JDK backend is named so no native
 * library is loaded. Run the same class on two builds of vigil-core for an A/B. Prints a Markdown table row per count:
 * wall ms median, min, max, supervision thread CPU ms median, µs of it per depended-on process.
 *
 * <pre>
 * java -cp bench/target/classes:vigil-core.jar:slf4j-api.jar:slf4j-nop.jar:jspecify.jar \
 *     io.github.vigil.bench.DependentsOfScale [label] [rounds] [count...]
 * </pre>
 */
public final class DependentsOfScale {
  private DependentsOfScale() {}

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static double lastLoopCpuMillis;

  public static void main(String[] args) throws Exception {
    String label = args.length > 0 ? args[0] : "this build";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int[] counts = args.length > 2 ? Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt).toArray() : new int[] {1000, 4000};
    for (int i = 0; i < 3; i++) { // warm-up: the code paths compiled before the first measured round
      round(1000);
    }
    for (int count : counts) {
      double[] wall = new double[rounds];
      double[] cpu = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        wall[r] = round(count);
        cpu[r] = lastLoopCpuMillis;
        System.gc();
        Thread.sleep(200);
      }
      Arrays.sort(wall);
      Arrays.sort(cpu);
      System.out.println(String.format(Locale.ROOT, "| %s | %,d | %.1f | %.1f | %.1f | %.1f | %.2f |", label, count, wall[rounds / 2], wall[0],
          wall[rounds - 1], cpu[rounds / 2], cpu[rounds / 2] * 1000 / count));
    }
  }

  /** Milliseconds from the first start to an idle supervisor; {@link #lastLoopCpuMillis} the supervision thread's CPU. */
  private static double round(int count) throws Exception {
    String name = "dependents-bench";
    try (Supervisor sup = Supervisor.builder().name(name).backend("jdk").build()) {
      List<ProcessSpec> specs = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        specs.add(ProcessSpec.builder("h" + i).command("/nonexistent/vigil-bench-h" + i).restartPolicy(RestartPolicy.never()).build());
      }
      for (int i = 0; i < count; i++) {
        specs.add(ProcessSpec.builder("d" + i).command("true").dependsOn("h" + i).autoStart(false).build());
      }
      sup.registerAll(specs);
      sup.controller("d0").orElseThrow().stop().toCompletableFuture().get(1, TimeUnit.MINUTES); // the supervision thread begins
      long loopThread = loopThreadId("vigil-" + name);
      long cpu = THREADS.getThreadCpuTime(loopThread);
      long start = System.nanoTime();
      List<CompletableFuture<?>> starts = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        starts.add(sup.controller("h" + i).orElseThrow().start().toCompletableFuture().handle((v, e) -> null));
      }
      CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
      if (!sup.awaitIdle(Duration.ofMinutes(10))) {
        throw new IllegalStateException("not idle after 10 min");
      }
      long end = System.nanoTime();
      lastLoopCpuMillis = (THREADS.getThreadCpuTime(loopThread) - cpu) / 1e6;
      return (end - start) / 1e6;
    }
  }

  private static long loopThreadId(String threadName) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(threadName)).findFirst()
        .orElseThrow(() -> new IllegalStateException("no thread " + threadName)).getId();
  }
}
