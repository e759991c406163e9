package io.github.vigil.bench;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Comparison 1: SIGKILL a supervised {@code sleep} (zero backoff) and time until the new child runs
 * {@code sleep}, seen from outside through {@code /proc} in the same way for every contender
 * ({@link ProcWatch#awaitChild}: the supervisor's {@code task/TID/children}, polled every 250 µs: a tighter poll took enough of the 2 CPUs here to slow the contender it watched).
 */
final class CrashRestart {
  static final String COMPARISON = "1";
  static final String METRIC = "crash-to-restart";
  private static final int WARMUP = 5;
  private static final long POLL_MICROS = 250;

  private CrashRestart() {}

  static List<Row> run(int trials, List<String> contenders) throws Exception {
    List<Row> rows = new ArrayList<>();
    for (String c : contenders) {
      switch (c) {
        // the standby on (opt-in since it slows exit detection beside it): the next run prepared ahead
        case "vigil-linux" -> rows.add(linux(trials, c, Map.of("vigil.linux.standby", "true"), ""));
        // the standby off: setpriv, the wrapper and its cgroup joins on the restart's path, as before issue 18
        case "vigil-linux-inline" -> rows.add(linux(trials, c, Map.of("vigil.linux.standby", "false"),
            "; -Dvigil.linux.standby=false: no next run prepared, the cgroup joins on the restart's path"));
        // no standby of the name: the restart takes a spare (a wrapper started ahead for any start), as a first
        // restart, or the restart of a process whose name has no standby, would
        case "vigil-linux-spare" -> rows.add(linux(trials, c, Map.of("vigil.linux.standby", "false", "vigil.linux.spares", "1"),
            "; -Dvigil.linux.standby=false -Dvigil.linux.spares=1: each restart takes a spare"));
        case "vigil-jdk" -> rows.add(vigil("jdk", trials));
        case "supervisord" -> rows.add(supervisord(trials));
        default -> throw new IllegalArgumentException("unknown contender for comparison 1: " + c);
      }
    }
    return rows;
  }

  /** The Linux backend's restart with these system properties set while its supervisor runs, as {@code who}. */
  private static Row linux(int trials, String who, Map<String, String> properties, String note) throws Exception {
    properties.forEach(System::setProperty);
    try {
      Row r = vigil("linux", trials);
      return new Row(r.comparison(), who, r.metric(), r.unit(), r.stats(), r.note() + note);
    } finally {
      properties.keySet().forEach(System::clearProperty);
    }
  }

  static Row vigil(String backend, int trials) throws Exception {
    RestartPolicy policy = RestartPolicy.always().withBackoff(Backoff.none())
        .withStartLimit(Integer.MAX_VALUE, Duration.ofSeconds(1));
    try (Supervisor s = Supervisor.builder().name("bench").backend(backend).build()) {
      ProcessController c = s.register(ProcessSpec.builder("sleeper").command("/bin/sleep", "100000")
          .restartPolicy(policy).startupGrace(Duration.ZERO).build());
      c.start(Duration.ofSeconds(30));
      boolean[] early = new boolean[trials];
      long[] times = measure(ProcessHandle.current().pid(), trials, early);
      return new Row(COMPARISON, "vigil-" + backend, METRIC, "ms", Stats.millis(times),
          "Supervisor.builder().backend(\"" + backend + "\"), RestartPolicy.always() with Backoff.none(), startupGrace 0"
              + bySpawnTime(times, early));
    }
  }

  static Row supervisord(int trials) throws Exception {
    try (Supervisord sd = Supervisord.start("/bin/sleep 100000", 1)) {
      long[] times = measure(sd.pid(), trials, new boolean[trials]);
      return new Row(COMPARISON, "supervisord", METRIC, "ms", Stats.millis(times),
          "supervisord " + Supervisord.version() + " -n, autorestart=true, startsecs=0, unix socket in a temp dir");
    }
  }

  /**
   * The trials split by whether the new child already existed when the old one was killed (a standby released) or
   * was spawned after the kill: the cause of a slow trial, measured from outside.
   */
  static String bySpawnTime(long[] times, boolean[] early) {
    List<Long> before = new ArrayList<>();
    List<Long> after = new ArrayList<>();
    for (int i = 0; i < times.length; i++) {
      (early[i] ? before : after).add(times[i]);
    }
    return "; new child spawned before the kill (a standby) in " + before.size() + " of " + times.length + " trials"
        + part(before) + ", after it in " + after.size() + part(after);
  }

  private static String part(List<Long> nanos) {
    if (nanos.isEmpty()) {
      return "";
    }
    Stats s = Stats.millis(nanos.stream().mapToLong(Long::longValue).toArray());
    return String.format(java.util.Locale.ROOT, " (median %.2f ms, p99 %.1f ms, max %.1f ms)", s.median(), s.p99(), s.max());
  }

  /** The last pid the kernel gave out in this pid namespace: a child with a pid up to it existed before this read. */
  private static long lastPid() throws IOException {
    // one read(2) with room for the whole number: a sysctl file answers a read at a non-zero offset with end of
    // file, and Files.readString (size 0 here) would read its first byte alone
    try (var in = new java.io.FileInputStream("/proc/sys/kernel/ns_last_pid")) {
      byte[] b = new byte[32];
      int n = in.read(b);
      return Long.parseLong(new String(b, 0, Math.max(n, 0), java.nio.charset.StandardCharsets.US_ASCII).trim());
    }
  }

  /**
   * Kill the current {@code sleep} child, time until another child runs {@code sleep}; warm-up rounds not counted.
   * {@code early[i]} says whether trial {@code i}'s new child had its pid before the kill (pids are handed out in
   * order; a wrap-around in between counts as after).
   */
  private static long[] measure(long supervisorPid, int trials, boolean[] early) throws IOException, InterruptedException {
    ProcWatch watch = new ProcWatch(supervisorPid);
    long current = watch.awaitChild("sleep", -1, TimeUnit.SECONDS.toNanos(60), 1000);
    if (current < 0) {
      throw new IllegalStateException("no sleep child of " + supervisorPid + " within 60 s");
    }
    long[] times = new long[trials];
    for (int i = -WARMUP; i < trials; i++) {
      Thread.sleep(20); // let the supervisor settle after the last restart
      long lastPid = lastPid();
      ProcWatch.Replaced next = watch.killAndAwaitNext(current, "sleep", POLL_MICROS);
      if (i >= 0) {
        times[i] = next.nanos();
        early[i] = next.pid() <= lastPid && lastPid - next.pid() < 1 << 20;
      }
      current = next.pid();
    }
    return times;
  }
}
