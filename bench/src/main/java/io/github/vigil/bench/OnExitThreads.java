package io.github.vigil.bench;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * Issue 18, target 2 on the JDK backend: how soon a {@code ProcessBuilder} child's SIGKILL is seen by a callback, the
 * JDK's way ({@link Process#onExit()}, whose future completes on {@code CompletableFuture}'s default executor) against a
 * thread blocked in {@link Process#waitFor()} (woken by the JDK's reaper thread), and, where the JDK has them, a virtual
 * thread doing the same. The ways alternate trial by trial. No Vigil code: the floor under {@code JdkProcessBackend}'s
 * choice between them.
 *
 * <pre>java -cp "bench/target/classes:$(cat bench/target/run/classpath.txt)" io.github.vigil.bench.OnExitThreads 200</pre>
 */
public final class OnExitThreads {
  private OnExitThreads() {
  }

  public static void main(String[] args) throws Exception {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    boolean virtual = Runtime.version().feature() >= 21;
    String[] names = {"onExit()", "waitFor(), platform thread", "waitFor(), virtual thread"};
    int ways = virtual ? 3 : 2;
    long[][] nanos = new long[ways][trials];
    for (int k = -10; k < trials; k++) { // 10 warm-up rounds
      for (int m = 0; m < ways; m++) {
        int way = (m + Math.max(k, 0)) % ways;
        Process p = new ProcessBuilder("/bin/sleep", "1000").start();
        CompletableFuture<Long> seen = new CompletableFuture<>();
        Runnable waiter = () -> {
          try {
            p.waitFor();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          seen.complete(System.nanoTime());
        };
        if (way == 0) {
          p.onExit().whenComplete((x, e) -> seen.complete(System.nanoTime()));
        } else if (way == 1) {
          Thread t = new Thread(waiter, "waiter");
          t.setDaemon(true);
          t.start();
        } else {
          Thread.class.getMethod("startVirtualThread", Runnable.class).invoke(null, waiter);
        }
        Thread.sleep(5); // the child runs sleep, its waiter waits
        long killed = System.nanoTime();
        p.destroyForcibly(); // SIGKILL
        long at = seen.get(10, TimeUnit.SECONDS);
        if (k >= 0) {
          nanos[way][k] = at - killed;
        }
      }
    }
    System.out.printf("java %s, %d CPUs, common pool parallelism %d, CompletableFuture's default executor a pool: %s; %d trials each%n",
        Runtime.version(), Runtime.getRuntime().availableProcessors(), ForkJoinPool.getCommonPoolParallelism(),
        new CompletableFuture<Void>().defaultExecutor() instanceof ForkJoinPool, trials);
    System.out.println("| SIGKILL to the callback | median ms | p90 ms | p99 ms |");
    System.out.println("|---|---|---|---|");
    for (int m = 0; m < ways; m++) {
      long[] x = nanos[m].clone();
      Arrays.sort(x);
      System.out.printf("| %s | %.3f | %.3f | %.3f |%n", names[m], x[trials / 2] / 1e6, x[trials * 9 / 10] / 1e6, x[Math.min(trials - 1, trials * 99 / 100)] / 1e6);
    }
  }
}
