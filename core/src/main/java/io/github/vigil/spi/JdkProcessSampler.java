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
    start.ifPresent(s -> b.add(Field.START_TIME, s.toEpochMilli()));
    info.user().ifPresent(b::user);
    b.endMember(h.pid());
  }

  @Override
  public String toString() {
    return "JdkProcessSampler";
  }
}
