package io.github.vigil.bench;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Comparison 5: start and reap {@code count} {@code /bin/true}, one after another: each from the start call
 * to the moment its exit is known (Vigil's {@code Exited} event; {@code Process.waitFor()} returning).
 */
final class Spawn {
  static final String COMPARISON = "5";
  private static final int WARMUP = 20;
  /** The spaced contenders: a start every 10 ms or so, as on a machine where starts are rare, 300 of them. */
  private static final long SPACED_GAP_MILLIS = 10;
  private static final int SPACED_COUNT = 300;

  private Spawn() {}

  static List<Row> run(int count, List<String> contenders) throws Exception {
    List<Row> rows = new ArrayList<>();
    for (String c : contenders) {
      switch (c) {
        case "vigil-linux" -> rows.addAll(vigil("linux", count));
        case "vigil-linux-fresh" -> rows.addAll(fresh(count));
        case "vigil-linux-spare" -> rows.addAll(spare(count, 0));
        case "vigil-linux-spare-spaced" -> rows.addAll(spare(Math.min(count, SPACED_COUNT), SPACED_GAP_MILLIS));
        case "processbuilder-spaced" -> rows.addAll(processBuilder(Math.min(count, SPACED_COUNT), SPACED_GAP_MILLIS));
        case "vigil-jdk" -> rows.addAll(vigil("jdk", count));
        case "processbuilder" -> rows.addAll(processBuilder(count, 0));
        default -> throw new IllegalArgumentException("unknown contender for comparison 5: " + c);
      }
    }
    return rows;
  }

  static List<Row> vigil(String backend, int count) throws Exception {
    return vigil(Supervisor.builder().name("bench").backend(backend).build(), "vigil-" + backend, count, 0, "");
  }

  /**
   * As {@code vigil-linux}, with {@code -Dvigil.linux.spares=1} (opt-in): each start takes the wrapper the backend
   * started ahead (setpriv's and the shell's execs done before the start), and the next one is started after it.
   * With {@code gapMillis}, each start waits that long after the previous exit (a quiet machine between starts).
   */
  static List<Row> spare(int count, long gapMillis) throws Exception {
    Supervisor s = Supervisors.build("bench", "linux", Map.of("vigil.linux.spares", "1"));
    return vigil(s, gapMillis == 0 ? "vigil-linux-spare" : "vigil-linux-spare-spaced", count, gapMillis,
        "; -Dvigil.linux.spares=1: a wrapper started ahead for each start");
  }

  private static List<Row> vigil(Supervisor supervisor, String who, int count, long gapMillis, String note) throws Exception {
    BlockingQueue<SupervisorEvent.Exited> exits = new ArrayBlockingQueue<>(16);
    try (Supervisor s = supervisor;
        AutoCloseable sub = s.subscribe(e -> {
          if (e instanceof SupervisorEvent.Exited x) {
            exits.add(x);
          }
        })) {
      ProcessController c = s.register(ProcessSpec.builder("true").command("/bin/true")
          .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ZERO).build());
      long[] times = new long[count];
      long total0 = 0;
      for (int i = -WARMUP; i < count; i++) {
        if (i == 0) {
          total0 = System.nanoTime();
        }
        Thread.sleep(gapMillis);
        long took = startAndReap(c, exits);
        if (i >= 0) {
          times[i] = took;
        }
      }
      double totalMs = (System.nanoTime() - total0) / 1e6;
      return List.of(new Row(COMPARISON, who, "spawn-and-reap", "ms", Stats.millis(times),
              "ProcessController.start() to SupervisorEvent.Exited, RestartPolicy.never(), " + count + inARow(gapMillis) + note),
          new Row(COMPARISON, who, "spawn-and-reap-total", "s", Stats.single(totalMs / 1000), count + " in a row, wall time"));
    }
  }

  /**
   * Every start a process never started before (a name of its own, registered before its timer starts): no next
   * run prepared ahead, so each start goes through setpriv, the wrapper and its cgroup joins, as a first start does.
   */
  static List<Row> fresh(int count) throws Exception {
    BlockingQueue<SupervisorEvent.Exited> exits = new ArrayBlockingQueue<>(16);
    try (Supervisor s = Supervisor.builder().name("bench").backend("linux").build();
        AutoCloseable sub = s.subscribe(e -> {
          if (e instanceof SupervisorEvent.Exited x) {
            exits.add(x);
          }
        })) {
      long[] times = new long[count];
      for (int i = -WARMUP; i < count; i++) {
        ProcessController c = s.register(ProcessSpec.builder("true-" + (i + WARMUP)).command("/bin/true")
            .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ZERO).build());
        long took = startAndReap(c, exits);
        if (i >= 0) {
          times[i] = took;
        }
        s.remove(c.name()).toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      return List.of(new Row(COMPARISON, "vigil-linux-fresh", "spawn-and-reap", "ms", Stats.millis(times),
          "ProcessController.start() to SupervisorEvent.Exited, a new process name each time (first starts: no next run prepared), "
              + count + " in a row"));
    }
  }

  private static String inARow(long gapMillis) {
    return gapMillis == 0 ? " in a row" : ", each " + gapMillis + " ms after the previous exit";
  }

  static List<Row> processBuilder(int count, long gapMillis) throws Exception {
    long[] times = new long[count];
    ProcessBuilder pb = new ProcessBuilder("/bin/true");
    long total0 = 0;
    for (int i = -WARMUP; i < count; i++) {
      if (i == 0) {
        total0 = System.nanoTime();
      }
      Thread.sleep(gapMillis);
      long t0 = System.nanoTime();
      Process p = pb.start();
      int code = p.waitFor();
      long t1 = System.nanoTime();
      if (code != 0) {
        throw new IllegalStateException("/bin/true exited with " + code);
      }
      if (i >= 0) {
        times[i] = t1 - t0;
      }
    }
    double totalMs = (System.nanoTime() - total0) / 1e6;
    String who = gapMillis == 0 ? "processbuilder" : "processbuilder-spaced";
    return List.of(new Row(COMPARISON, who, "spawn-and-reap", "ms", Stats.millis(times),
            "ProcessBuilder.start() then waitFor(), " + count + inARow(gapMillis)),
        new Row(COMPARISON, who, "spawn-and-reap-total", "s", Stats.single(totalMs / 1000), count + inARow(gapMillis) + ", wall time"));
  }

  /** Starts {@code c} (a {@code /bin/true}) and waits for its clean exit. @return the nanoseconds from start() to Exited */
  private static long startAndReap(ProcessController c, BlockingQueue<SupervisorEvent.Exited> exits) throws InterruptedException {
    long t0 = System.nanoTime();
    c.start();
    SupervisorEvent.Exited x = exits.poll(30, TimeUnit.SECONDS);
    long t1 = System.nanoTime();
    if (x == null) {
      throw new IllegalStateException("/bin/true: no Exited event within 30 s");
    }
    if (x.exit().termination() instanceof io.github.vigil.Termination.Exited e && e.code() != 0) {
      throw new IllegalStateException("/bin/true exited with " + e.code());
    }
    return t1 - t0;
  }
}
