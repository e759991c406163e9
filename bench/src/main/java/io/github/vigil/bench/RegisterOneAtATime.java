package io.github.vigil.bench;

import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The cost of registering processes one at a time: {@code count} specs, each depending on up to two earlier ones (drawn
 * from a fixed seed), registered by {@code Supervisor.register} one by one on a fresh supervisor, the wall time of the
 * whole loop and the CPU time of the calling thread (which runs the checks) taken per round; then the same specs in one {@code registerAll} for reference. Registering spawns nothing
 * (a process is spawned by a start), and the JDK backend is named so no native library is loaded. Run the same class on
 * two builds of vigil-core for an A/B. Prints a Markdown table row per count: one-at-a-time wall ms median, min, max,
 * caller CPU ms median, µs per register (median), and the registerAll wall ms median.
 *
 * <pre>
 * java -cp bench/target/classes:vigil-core.jar:slf4j-api.jar:slf4j-nop.jar:jspecify.jar \
 *     io.github.vigil.bench.RegisterOneAtATime [label] [rounds] [count...]
 * </pre>
 */
public final class RegisterOneAtATime {
  private RegisterOneAtATime() {}

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  /** CPU milliseconds of the calling thread in the last loop timed: what the registers cost it, whatever else runs. */
  private static double lastCpuMillis;

  public static void main(String[] args) throws Exception {
    String label = args.length > 0 ? args[0] : "this build";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    int[] counts = args.length > 2 ? Arrays.stream(args, 2, args.length).mapToInt(Integer::parseInt).toArray() : new int[] {1000, 5000};
    // warm-up: the code paths compiled before the first measured round
    for (int i = 0; i < 3; i++) {
      oneAtATime(specs(2000));
      all(specs(2000));
    }
    for (int count : counts) {
      List<ProcessSpec> specs = specs(count);
      double[] one = new double[rounds];
      double[] oneCpu = new double[rounds];
      double[] batch = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        one[r] = oneAtATime(specs);
        oneCpu[r] = lastCpuMillis;
        settle();
        batch[r] = all(specs);
        settle();
      }
      Arrays.sort(one);
      Arrays.sort(oneCpu);
      Arrays.sort(batch);
      System.out.println(String.format(Locale.ROOT, "| %s | %,d | %.1f | %.1f | %.1f | %.1f | %.2f | %.1f |", label, count, one[rounds / 2],
          one[0], one[rounds - 1], oneCpu[rounds / 2], one[rounds / 2] * 1000 / count, batch[rounds / 2]));
    }
  }

  /** Lets the closed supervisor's threads end and its garbage go, so that a round does not pay for the one before. */
  private static void settle() throws InterruptedException {
    System.gc();
    Thread.sleep(200);
  }

  /** {@code count} specs in registration order, each naming up to two earlier ones. */
  static List<ProcessSpec> specs(int count) {
    SplittableRandom random = new SplittableRandom(42);
    List<ProcessSpec> specs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ProcessSpec.Builder b = ProcessSpec.builder("p" + i).command("true");
      for (int d = random.nextInt(3); d > 0 && i > 0; d--) {
        int other = random.nextInt(i);
        b.dependsOn("p" + other);
      }
      specs.add(b.build());
    }
    return specs;
  }

  /** Milliseconds to register {@code specs} one by one. */
  private static double oneAtATime(List<ProcessSpec> specs) {
    try (Supervisor sup = Supervisor.builder().name("register-bench").backend("jdk").build()) {
      long cpu = THREADS.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      for (ProcessSpec s : specs) {
        sup.register(s);
      }
      long end = System.nanoTime();
      lastCpuMillis = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6;
      return (end - start) / 1e6;
    }
  }

  /** Milliseconds to register {@code specs} in one call. */
  private static double all(List<ProcessSpec> specs) {
    try (Supervisor sup = Supervisor.builder().name("register-bench").backend("jdk").build()) {
      long start = System.nanoTime();
      sup.registerAll(specs);
      return (System.nanoTime() - start) / 1e6;
    }
  }
}
