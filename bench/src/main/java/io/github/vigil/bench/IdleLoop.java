package io.github.vigil.bench;

import io.github.vigil.Supervisor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Where an idle supervisor's own threads spend CPU (issue 18, target 4), finer than comparison 6's whole JVM:
 * {@code count} supervised {@code sleep}s on the Linux backend, left alone; after {@code settle} seconds each
 * {@code vigil-bench-loop…} thread's CPU time ({@link ThreadMXBean#getThreadCpuTime}, nanoseconds) is read at the
 * start and end of a {@code window}-second stretch. Its figure is microseconds of CPU per second of wall time
 * (10 µs/s is 0.001 % of a core). No metrics are bound: this is the supervisor and its backend alone.
 *
 * <pre>
 * IdleLoop [count] [settleSeconds] [windowSeconds] [label]     defaults 100 60 60 vigil-linux
 * </pre>
 * Prints one line per thread ({@code label thread µs/s}) and one for all of them.
 */
public final class IdleLoop {
  private IdleLoop() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int settle = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    int window = args.length > 2 ? Integer.parseInt(args[2]) : 60;
    String label = args.length > 3 ? args[3] : "vigil-linux";
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (Supervisor s = Supervisor.builder().name("bench-loop").backend("linux").build()) {
      Idle.startSleepers(s, count);
      TimeUnit.SECONDS.sleep(settle);
      long[] ids = threads.getAllThreadIds();
      long[] before = new long[ids.length];
      for (int i = 0; i < ids.length; i++) {
        before[i] = threads.getThreadCpuTime(ids[i]);
      }
      long wall0 = System.nanoTime();
      TimeUnit.SECONDS.sleep(window);
      double seconds = (System.nanoTime() - wall0) / 1e9;
      double all = 0;
      for (int i = 0; i < ids.length; i++) {
        ThreadInfo info = threads.getThreadInfo(ids[i]);
        long after = threads.getThreadCpuTime(ids[i]);
        if (info == null || after < 0 || before[i] < 0 || !info.getThreadName().startsWith("vigil-bench-loop")) {
          continue;
        }
        double usPerS = (after - before[i]) / 1e3 / seconds;
        all += usPerS;
        System.out.printf(Locale.ROOT, "%s\t%s\t%.1f%n", label, info.getThreadName(), usPerS);
      }
      System.out.printf(Locale.ROOT, "%s\tall vigil-bench-loop threads\t%.1f%n", label, all);
    }
  }
}
