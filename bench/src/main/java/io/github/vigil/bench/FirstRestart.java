package io.github.vigil.bench;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Comparison 1's crash to restart (SIGKILL a supervised {@code sleep} with zero backoff, time until a new child
 * runs {@code sleep}, seen through {@code /proc} every 250 µs) for the first restarts of a JVM: each JVM is new,
 * so the code on the restart's path runs for its first, second and third time, as it does where restarts are rare.
 * Comparison 1 warms up five restarts and then times 200. The Linux backend with its standby: the first restart
 * spawns inline (a standby is prepared only for a process that was restarted once), the second and later release
 * the standby prepared after the one before (each kill waits 1.5 s for it). With {@code -Dvigil.linux.standby=from-start}
 * given to this JVM (its children get its options) the first restart releases a standby too.
 *
 * <pre>
 * FirstRestart [jvms] [restarts] [label]     defaults 10 3 vigil-linux
 * </pre>
 * Prints, for each restart number, the median, minimum and maximum over the JVMs, in milliseconds.
 */
public final class FirstRestart {
  private FirstRestart() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--child")) {
      child(Integer.parseInt(args[1]));
      return;
    }
    int jvms = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int restarts = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    String label = args.length > 2 ? args[2] : "vigil-linux";
    String java = ProcessHandle.current().info().command().orElse("java");
    long[][] nanos = new long[restarts][jvms];
    for (int j = 0; j < jvms; j++) {
      List<String> cmd = new ArrayList<>(List.of(java));
      cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FirstRestart.class.getName(), "--child", Integer.toString(restarts)));
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      int k = 0;
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
        for (String line; (line = in.readLine()) != null; ) {
          if (line.startsWith("restart\t") && k < restarts) {
            nanos[k++][j] = Long.parseLong(line.split("\t")[2]);
          }
        }
      }
      if (p.waitFor() != 0 || k != restarts) {
        throw new IllegalStateException("JVM " + j + " ended with " + p.exitValue() + " after " + k + " of " + restarts + " restarts");
      }
    }
    for (int k = 0; k < restarts; k++) {
      long[] t = nanos[k].clone();
      Arrays.sort(t);
      double median = t.length % 2 == 1 ? t[t.length / 2] : (t[t.length / 2 - 1] + t[t.length / 2]) / 2.0;
      System.out.printf(Locale.ROOT, "%s\trestart %d of a new JVM\t%d JVMs\tmedian %.2f ms\tmin %.2f\tmax %.2f%n", label, k + 1, jvms,
          median / 1e6, t[0] / 1e6, t[t.length - 1] / 1e6);
    }
  }

  private static void child(int restarts) throws Exception {
    if (System.getProperty("vigil.linux.standby") == null) {
      System.setProperty("vigil.linux.standby", "true"); // -Dvigil.linux.standby=from-start on the command line: a standby from the first start
    }
    RestartPolicy policy = RestartPolicy.always().withBackoff(Backoff.none()).withStartLimit(Integer.MAX_VALUE, Duration.ofSeconds(1));
    try (Supervisor s = Supervisor.builder().name("bench").backend("linux").build()) {
      ProcessController c = s.register(ProcessSpec.builder("sleeper").command("/bin/sleep", "100000")
          .restartPolicy(policy).startupGrace(Duration.ZERO).build());
      c.start(Duration.ofSeconds(30));
      ProcWatch watch = new ProcWatch(ProcessHandle.current().pid());
      long current = watch.awaitChild("sleep", -1, TimeUnit.SECONDS.toNanos(60), 1000);
      for (int k = 1; k <= restarts; k++) {
        Thread.sleep(1500); // the standby is prepared once the loop is idle after a restart
        ProcWatch.Replaced next = watch.killAndAwaitNext(current, "sleep", 250);
        System.out.println("restart\t" + k + "\t" + next.nanos());
        current = next.pid();
      }
    }
    System.exit(0);
  }
}
