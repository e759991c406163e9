package io.github.vigil.linux.bench;

import io.github.vigil.AttachSpec;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.spi.BackendContext;
import io.github.vigil.spi.ProcessBackend;
import io.github.vigil.spi.ProcessBackendProvider;
import io.github.vigil.spi.ProcessEntry;
import io.github.vigil.spi.ProcessTable;
import io.github.vigil.testing.Outsider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Whole-process harness: exit detection for attached processes that are not children of this JVM.
 * Each trial starts {@code sleep} under a unique name through a shell child (so the sleep's parent is
 * that shell), waits until two attachments by command-line pattern have found it (one on a Linux
 * backend supervisor, through pidfds; one on a JDK backend supervisor, polling every 250 ms), calls
 * {@code ProcessHandle.of(pid).onExit()} on it, waits a random 5 to 300 ms, sends SIGKILL, and
 * times from just before the kill to each {@code AttachedLost} event reaching a listener and to the
 * {@code onExit()} stage completing. The same process, the same kill, in the same run. Then times one
 * listing of the process table (what a name or pattern rescan costs) for both tables.
 *
 * <p>Run: see linux-native/bench/README.md.
 */
public final class AttachLatencyHarness {
  private AttachLatencyHarness() {}

  public static void main(String[] args) throws Exception {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    boolean alone = args.length > 1 && args[1].equals("linux-only"); // no JDK poller or onExit() competing for the CPU
    Path dir = Files.createTempDirectory("vigil-attach-bench");
    String token = "attachbench" + Long.toHexString(System.nanoTime());
    Path program = Outsider.sleepAs(dir, token + "/target");
    SplittableRandom random = new SplittableRandom(42);
    Map<Long, CompletableFuture<Long>> linuxLost = new ConcurrentHashMap<>();
    Map<Long, CompletableFuture<Long>> jdkLost = new ConcurrentHashMap<>();
    Map<Long, CompletableFuture<Long>> linuxFound = new ConcurrentHashMap<>();
    Map<Long, CompletableFuture<Long>> jdkFound = new ConcurrentHashMap<>();
    long[] vigilLinux = new long[trials];
    long[] vigilJdk = new long[trials];
    long[] handle = new long[trials];
    try (Supervisor linux = Supervisor.builder().name("bench-linux").backend("linux").build();
        Supervisor jdk = Supervisor.builder().name("bench-jdk").backend("jdk").build()) {
      linux.subscribe(e -> record(e, linuxFound, linuxLost));
      jdk.subscribe(e -> record(e, jdkFound, jdkLost));
      String regex = Pattern.quote(token + "/target");
      linux.attach(AttachSpec.builder("target").commandLine(regex).build());
      if (!alone) {
        jdk.attach(AttachSpec.builder("target").commandLine(regex).build());
      }
      for (int i = -10; i < trials; i++) { // 10 warm-up trials
        try (Outsider o = Outsider.start(program)) {
          long pid = o.pid();
          future(linuxFound, pid).get(30, TimeUnit.SECONDS);
          if (!alone) {
            future(jdkFound, pid).get(30, TimeUnit.SECONDS);
          }
          CompletableFuture<Long> handleExit = new CompletableFuture<>();
          ProcessHandle h = ProcessHandle.of(pid).orElseThrow();
          if (!alone) {
            h.onExit().thenRun(() -> handleExit.complete(System.nanoTime()));
          }
          Thread.sleep(5 + random.nextInt(296));
          long t0 = System.nanoTime();
          if (!h.destroyForcibly()) {
            throw new IllegalStateException("could not kill " + pid);
          }
          long a = future(linuxLost, pid).get(30, TimeUnit.SECONDS) - t0;
          long b = alone ? 0 : future(jdkLost, pid).get(30, TimeUnit.SECONDS) - t0;
          long c = alone ? 0 : handleExit.get(30, TimeUnit.SECONDS) - t0;
          if (i >= 0) {
            vigilLinux[i] = a;
            vigilJdk[i] = b;
            handle[i] = c;
          }
          linuxFound.remove(pid);
          jdkFound.remove(pid);
          linuxLost.remove(pid);
          jdkLost.remove(pid);
        }
      }
    }
    System.out.println("| watcher | trials | median µs | p90 µs | p99 µs | min µs | max µs |");
    System.out.println("|---|---|---|---|---|---|---|");
    row("Vigil, Linux backend (pidfd): SIGKILL → AttachedLost", vigilLinux);
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    if (alone) {
      return;
    }
    row("Vigil, JDK backend (poll every 250 ms): SIGKILL → AttachedLost", vigilJdk);
    row("ProcessHandle.of(pid).onExit(): SIGKILL → stage completes", handle);
    double ratio = (double) median(handle) / median(vigilLinux);
    double ratio99 = (double) percentile(handle, 0.99) / percentile(vigilLinux, 0.99);
    System.out.printf(Locale.ROOT, "%nProcessHandle.onExit() / Vigil Linux: median %.0fx, p99 %.0fx%n", ratio, ratio99);

    try (ProcessBackend backend = provider("linux").create(new BackendContext("bench-table", null));
        ProcessBackend jdk = provider("jdk").create(new BackendContext("bench-table-jdk", null))) {
      System.out.println();
      System.out.println("| process table | processes listed | median µs per listing | p90 µs | max µs |");
      System.out.println("|---|---|---|---|---|");
      table("/proc (Linux backend)", backend.processTable());
      table("ProcessHandle (JDK)", jdk.processTable());
    }
  }

  private static ProcessBackendProvider provider(String name) {
    return ServiceLoader.load(ProcessBackendProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals(name)).findFirst().orElseThrow();
  }

  private static void record(SupervisorEvent e, Map<Long, CompletableFuture<Long>> found, Map<Long, CompletableFuture<Long>> lost) {
    long now = System.nanoTime();
    if (e instanceof SupervisorEvent.AttachedFound f) {
      future(found, f.found().pid()).complete(now);
    } else if (e instanceof SupervisorEvent.AttachedLost l) {
      future(lost, l.lost().pid()).complete(now);
    }
  }

  private static CompletableFuture<Long> future(Map<Long, CompletableFuture<Long>> m, long pid) {
    return m.computeIfAbsent(pid, k -> new CompletableFuture<>());
  }

  private static void table(String name, ProcessTable t) {
    int n = 0;
    long[] times = new long[100];
    for (int i = -10; i < times.length; i++) {
      long t0 = System.nanoTime();
      List<ProcessEntry> all = t.list();
      long t1 = System.nanoTime();
      if (i >= 0) {
        times[i] = t1 - t0;
        n = all.size();
      }
    }
    long[] s = times.clone();
    Arrays.sort(s);
    System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f |%n", name, n, s[s.length / 2] / 1e3, s[(int) (s.length * 0.9)] / 1e3,
        s[s.length - 1] / 1e3);
  }

  private static long median(long[] v) {
    return percentile(v, 0.5);
  }

  private static long percentile(long[] v, double p) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) (s.length * p))];
  }

  private static void row(String what, long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f |%n", what, s.length, s[s.length / 2] / 1e3,
        s[(int) (s.length * 0.9)] / 1e3, s[(int) (s.length * 0.99)] / 1e3, s[0] / 1e3, s[s.length - 1] / 1e3);
  }

}
