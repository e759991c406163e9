package io.github.vigil.spi;

import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.ProcessSample.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The portable sampler, on {@link ProcessHandle.Info}: CPU time (user and system together), CPU
 * percent, start time, uptime, the number of processes and the user, on every operating system the
 * JDK supports. What the JDK does not know (memory, I/O, descriptors, threads, sockets, …) is
 * absent; the Linux sampler of {@code vigil-linux-native} reads those from {@code /proc}.
 *
 * <p>Thread-safe and stateless.
 */
final class JdkProcessSampler implements ProcessSampler {
  private static final Set<Field> SUPPORTED = Collections.unmodifiableSet(EnumSet.of(
      Field.CPU_TOTAL, Field.CPU_PERCENT, Field.START_TIME, Field.UPTIME, Field.PROCESSES, Field.USER));
  /**
   * On Linux the JDK adds a process's start ticks to {@code btime}, the boot time in whole seconds, so every start
   * it gives is early by the boot time's fraction of a second (0.42 s on one machine): a child started within that
   * much after a sample was taken for older than the sample, and left out of the next CPU percent. The fraction, from
   * {@code /proc/uptime} as the Linux sampler's boot time; 0 where there is no {@code /proc}.
   */
  static final long BOOT_FRACTION_MILLIS = bootFractionMillis();

  static long bootFractionMillis() {
    try {
      long btime = -1;
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat"))) {
        if (line.startsWith("btime ")) {
          btime = Long.parseLong(line.substring(6).trim());
        }
      }
      String uptime = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/uptime"));
      long uptimeMillis = Math.round(Double.parseDouble(uptime.substring(0, uptime.indexOf(' '))) * 1000);
      long fraction = System.currentTimeMillis() - uptimeMillis - btime * 1000;
      return btime <= 0 || fraction < -50 || fraction > 1_050 ? 0 : Math.max(0, Math.min(999, fraction)); // else they disagree: no guess
    } catch (java.io.IOException | RuntimeException e) {
      return 0; // no /proc (macOS, Windows)
    }
  }

  @Override
  public Set<Field> supportedFields() {
    return SUPPORTED;
  }

  @Override
  public ProcessSample sample(long pid, Set<Field> fields, @Nullable ProcessSample previous) {
    ProcessSampleBuilder b = ProcessSampleBuilder.of(Scope.PROCESS, pid).request(fields);
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty() || !h.get().isAlive()) {
      return b.vanished("no process " + pid).build(previous);
    }
    member(b, h.get());
    return b.build(previous);
  }

  @Override
  public ProcessSample sampleTree(long pid, Set<Field> fields, @Nullable ProcessSample previous) {
    ProcessSampleBuilder b = ProcessSampleBuilder.of(Scope.TREE, pid).request(fields);
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty() || !h.get().isAlive()) {
      return b.vanished("no process " + pid).build(previous);
    }
    member(b, h.get());
    for (Iterator<ProcessHandle> it = h.get().descendants().iterator(); it.hasNext(); ) {
      member(b, it.next());
    }
    return b.build(previous);
  }

  @Override
  public ProcessSample sampleGroup(long[] pids, Set<Field> fields, @Nullable ProcessSample previous) {
    ProcessSampleBuilder b = ProcessSampleBuilder.of(Scope.GROUP, pids.length == 0 ? -1 : pids[0]).request(fields);
    int found = 0;
    for (long pid : pids) {
      Optional<ProcessHandle> h = ProcessHandle.of(pid);
      if (h.isPresent() && h.get().isAlive()) {
        member(b, h.get());
        found++;
      }
    }
    if (found == 0) {
      b.vanished(pids.length == 0 ? "empty group" : "none of the group's processes is alive");
    }
    return b.build(previous);
  }

  private static void member(ProcessSampleBuilder b, ProcessHandle h) {
    b.beginMember();
    ProcessHandle.Info info = h.info();
    Optional<Duration> cpu = info.totalCpuDuration();
    cpu.ifPresent(d -> b.add(Field.CPU_TOTAL, d.toNanos()));
    Optional<Instant> start = info.startInstant();
    start.ifPresent(s -> b.add(Field.START_TIME, s.toEpochMilli() + BOOT_FRACTION_MILLIS));
    info.user().ifPresent(b::user);
    b.endMember(h.pid());
  }

  @Override
  public String toString() {
    return "JdkProcessSampler";
  }
}
