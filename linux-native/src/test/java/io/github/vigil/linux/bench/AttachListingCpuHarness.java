package io.github.vigil.linux.bench;

import io.github.vigil.AttachSpec;
import io.github.vigil.AttachState;
import io.github.vigil.AttachedProcess;
import io.github.vigil.Supervisor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Whole-process harness: the CPU time a supervisor's threads spend on attachments' looks by command-line pattern.
 * Starts one {@code sleep} per attachment (distinct arguments), attaches to each by its own pattern at one rescan
 * interval, waits until all are found and one more interval, then measures for the given time the CPU of the
 * supervisor's threads ({@code vigil-<name>*}, from {@link ThreadMXBean}) and of the whole JVM. Only the public API:
 * the same class runs against an older build's jars (bench/attach-shared-listing-ab alternates two builds).
 *
 * <p>Arguments: seconds (60), attachments (20), rescan interval in ms (1000), backend (linux). Prints one line.
 */
public final class AttachListingCpuHarness {
  private AttachListingCpuHarness() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int attachments = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Duration interval = Duration.ofMillis(args.length > 2 ? Long.parseLong(args[2]) : 1000);
    String backend = args.length > 3 ? args[3] : "linux";
    String label = System.getProperty("bench.label", "build");
    String name = "cpubench";
    List<Process> targets = new ArrayList<>();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (Supervisor supervisor = Supervisor.builder().name(name).backend(backend).build()) {
      long base = 7_000_000 + ProcessHandle.current().pid() * 100; // arguments no other process has
      for (int i = 0; i < attachments; i++) {
        targets.add(new ProcessBuilder("sleep", Long.toString(base + i)).start());
      }
      List<AttachedProcess> attached = new ArrayList<>();
      for (int i = 0; i < attachments; i++) {
        attached.add(supervisor.attach(AttachSpec.builder("t" + i).commandLine("^sleep " + Pattern.quote(Long.toString(base + i)) + "$")
            .rescanInterval(interval).build()));
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (attached.stream().anyMatch(a -> a.status().state() != AttachState.RUNNING)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("not all found: " + attached);
        }
        Thread.sleep(20);
      }
      Thread.sleep(interval.toMillis() * 2); // past the first looks, into the steady ones
      long[] listings0 = listings(supervisor);
      long threads0 = supervisorCpu(threads, name);
      long process0 = os.getProcessCpuTime();
      long wall0 = System.nanoTime();
      Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
      long wall = System.nanoTime() - wall0;
      long threadsCpu = supervisorCpu(threads, name) - threads0;
      long processCpu = os.getProcessCpuTime() - process0;
      long[] listings1 = listings(supervisor);
      String shared = listings0 == null ? "n/a" : (listings1[1] - listings0[1]) + "/" + (listings1[0] - listings0[0]);
      long found = attached.stream().filter(a -> a.status().state() == AttachState.RUNNING).count();
      System.out.printf(Locale.ROOT, "%s processes=%d attachments=%d interval_ms=%d backend=%s seconds=%.1f supervisor_threads_cpu_ms=%.1f"
          + " jvm_cpu_ms=%.1f supervisor_cpu_percent_of_core=%.3f listings_taken/asked=%s still_running=%d%n",
          label, processCount(), attachments, interval.toMillis(), backend, wall / 1e9, threadsCpu / 1e6, processCpu / 1e6,
          100.0 * threadsCpu / wall, shared, found);
    } finally {
      for (Process p : targets) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * The counts of listings asked for and taken by the supervisor's attachments, through reflection (they are
   * package-private, for tests and this harness), or null on a build without shared listings.
   */
  private static long @org.jspecify.annotations.Nullable [] listings(Supervisor supervisor) {
    try {
      java.lang.reflect.Method m = supervisor.getClass().getDeclaredMethod("listings");
      m.setAccessible(true);
      Object l = m.invoke(supervisor);
      java.lang.reflect.Method asked = l.getClass().getDeclaredMethod("asked");
      java.lang.reflect.Method taken = l.getClass().getDeclaredMethod("taken");
      asked.setAccessible(true);
      taken.setAccessible(true);
      return new long[] {(long) asked.invoke(l), (long) taken.invoke(l)};
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }

  /** The CPU time of the live threads named {@code vigil-<name>} and {@code vigil-<name>-*}, in ns. */
  private static long supervisorCpu(ThreadMXBean threads, String name) {
    long sum = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String n = t.getName();
      if (n.equals("vigil-" + name) || n.startsWith("vigil-" + name + "-")) {
        long cpu = threads.getThreadCpuTime(t.getId());
        if (cpu > 0) {
          sum += cpu;
        }
      }
    }
    return sum;
  }

  private static long processCount() throws java.io.IOException {
    try (Stream<Path> s = Files.list(Path.of("/proc"))) {
      return s.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).count();
    }
  }
}
