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
 * <p>On Linux it reads each member's {@code /proc/PID/stat} itself, once, in place of
 * {@link ProcessHandle#info()} (which reads that file too, and the command line besides): the CPU time, the
 * start time as the JDK computes it, the parent, and the CPU time of reaped children ({@code cutime},
 * {@code cstime}), which the JDK does not give and which a tree counts ({@link Field#CPU_TOTAL}), and the page faults
 * ({@link Field#MINOR_FAULTS}, {@link Field#MAJOR_FAULTS}, a tree's with its members' reaped children's); the user then
 * comes from the owner of {@code /proc/PID}, as the JDK finds it. Elsewhere a tree counts its living members
 * only.
 *
 * <p>Thread-safe and stateless.
 */
final class JdkProcessSampler implements ProcessSampler {
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

  /** Reads members from {@code /proc/PID/stat} where the JVM runs on Linux with {@code /proc} (see the class javadoc). */
  private static final @Nullable ProcStat PROC = ProcStat.probe();
  /** The JDK's fields; on Linux also the page faults of {@code /proc/PID/stat}, read with the rest. */
  private static final Set<Field> SUPPORTED = Collections.unmodifiableSet(PROC == null
      ? EnumSet.of(Field.CPU_TOTAL, Field.CPU_PERCENT, Field.START_TIME, Field.UPTIME, Field.PROCESSES, Field.USER)
      : EnumSet.of(Field.CPU_TOTAL, Field.CPU_PERCENT, Field.START_TIME, Field.UPTIME, Field.PROCESSES, Field.USER,
          Field.MINOR_FAULTS, Field.MAJOR_FAULTS));

  /** {@code /proc/PID/stat} as the JDK reads it for {@link ProcessHandle.Info}, with the fields it leaves out. */
  private record ProcStat(long bootMillis, long ticksPerSecond) {
    static @Nullable ProcStat probe() {
      try {
        java.nio.file.Path self = java.nio.file.Path.of("/proc/self/stat");
        if (!System.getProperty("os.name", "").startsWith("Linux") || !java.nio.file.Files.isReadable(self)) {
          return null;
        }
        long btime = -1;
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat"))) {
          if (line.startsWith("btime ")) {
            btime = Long.parseLong(line.substring(6).trim());
          }
        }
        ProcStat p = new ProcStat(btime * 1000, clockTicks());
        return btime > 0 && p.read(ProcessHandle.current().pid()) != null ? p : null;
      } catch (java.io.IOException | RuntimeException e) {
        return null; // not Linux's /proc as expected: ProcessHandle.Info, as elsewhere
      }
    }

    /** {@code USER_HZ} from the JVM's auxiliary vector ({@code AT_CLKTCK}, what {@code sysconf} answers); 100 if not found. */
    private static long clockTicks() throws java.io.IOException {
      java.nio.ByteBuffer auxv = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/self/auxv")))
          .order(java.nio.ByteOrder.nativeOrder());
      boolean wide = !"32".equals(System.getProperty("sun.arch.data.model"));
      while (auxv.remaining() >= (wide ? 16 : 8)) {
        long type = wide ? auxv.getLong() : auxv.getInt();
        long value = wide ? auxv.getLong() : auxv.getInt() & 0xFFFF_FFFFL;
        if (type == 0) {
          break;
        }
        if (type == 17 && value > 0 && value <= 1_000_000) { // AT_CLKTCK
          return value;
        }
      }
      return 100;
    }

    /**
     * (utime, stime, cutime, cstime, starttime, ppid, minflt, cminflt, majflt, cmajflt) of {@code pid}, or null if it is gone or unreadable.
     *
     * @throws IllegalStateException for a malformed line (counted by the caller as a failed sample, never read as 0)
     */
    long @Nullable [] read(long pid) {
      byte[] b;
      try {
        b = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
      } catch (java.io.IOException e) {
        return null;
      }
      int p = b.length - 1;
      while (p >= 0 && b[p] != ')') {
        p--; // the command name may hold ") ": fields count from the last one
      }
      if (p < 0) {
        throw new IllegalStateException("/proc/" + pid + "/stat: no command name in parentheses");
      }
      long[] out = new long[10];
      p++;
      for (int field = 3; field <= 22; field++) {
        while (p < b.length && b[p] == ' ') {
          p++;
        }
        int start = p;
        long v = 0;
        boolean negative = p < b.length && b[p] == '-';
        if (negative) {
          p++;
        }
        while (p < b.length && b[p] >= '0' && b[p] <= '9') {
          v = v * 10 + (b[p++] - '0');
        }
        if (field > 3 && (p == start || p < b.length && b[p] != ' ' && b[p] != '\n')) {
          throw new IllegalStateException("/proc/" + pid + "/stat: field " + field + " is not a number: '"
              + new String(b, start, Math.min(b.length, start + 20) - start, java.nio.charset.StandardCharsets.US_ASCII) + "'");
        }
        while (p < b.length && b[p] != ' ' && b[p] != '\n') {
          p++; // field 3, the state letter
        }
        v = negative ? -v : v;
        switch (field) {
          case 4: out[5] = v; break;
          case 10: out[6] = v; break;
          case 11: out[7] = Math.max(0, v); break;
          case 12: out[8] = v; break;
          case 13: out[9] = Math.max(0, v); break;
          case 14: out[0] = v; break;
          case 15: out[1] = v; break;
          case 16: out[2] = Math.max(0, v); break;
          case 17: out[3] = Math.max(0, v); break;
          case 22: out[4] = v; break;
          default: break;
        }
      }
      return out;
    }

    long nanos(long ticks) {
      return ticks * (1_000_000_000L / ticksPerSecond);
    }

    /** A start in epoch milliseconds, as the JDK's {@code startInstant()} gives it: {@code btime} plus the ticks. */
    long startMillis(long ticks) {
      return bootMillis + ticks * 1000 / ticksPerSecond;
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
    if (!member(b, h.get())) {
      return b.vanished("no process " + pid).build(previous);
    }
    return b.build(previous);
  }

  @Override
  public ProcessSample sampleTree(long pid, Set<Field> fields, @Nullable ProcessSample previous) {
    ProcessSampleBuilder b = ProcessSampleBuilder.of(Scope.TREE, pid).request(fields);
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty() || !h.get().isAlive()) {
      return b.vanished("no process " + pid).build(previous);
    }
    if (!member(b, h.get())) {
      return b.vanished("no process " + pid).build(previous);
    }
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
      if (h.isPresent() && h.get().isAlive() && member(b, h.get())) {
        found++;
      }
    }
    if (found == 0) {
      b.vanished(pids.length == 0 ? "empty group" : "none of the group's processes is alive");
    }
    return b.build(previous);
  }

  /** Adds {@code h} as a member; false, adding nothing, if it ended before its {@code /proc/PID/stat} was read. */
  private static boolean member(ProcessSampleBuilder b, ProcessHandle h) {
    ProcStat proc = PROC;
    if (proc != null) {
      long[] stat = proc.read(h.pid());
      if (stat == null) {
        return false;
      }
      b.beginMember().parentPid(stat[5]);
      b.add(Field.CPU_TOTAL, proc.nanos(stat[0] + stat[1])).addReapedCpu(proc.nanos(stat[2]), proc.nanos(stat[3]));
      b.add(Field.START_TIME, proc.startMillis(stat[4]) + BOOT_FRACTION_MILLIS);
      if (b.wants(Field.MINOR_FAULTS)) {
        b.add(Field.MINOR_FAULTS, stat[6]).addReaped(Field.MINOR_FAULTS, stat[7]);
      }
      if (b.wants(Field.MAJOR_FAULTS)) {
        b.add(Field.MAJOR_FAULTS, stat[8]).addReaped(Field.MAJOR_FAULTS, stat[9]);
      }
      if (b.wants(Field.USER)) {
        try {
          b.user(java.nio.file.Files.getOwner(java.nio.file.Path.of("/proc", Long.toString(h.pid()))).getName());
        } catch (java.io.IOException | RuntimeException e) {
          // gone since, or refused: the user stays absent
        }
      }
      b.endMember(h.pid());
      return true;
    }
    b.beginMember();
    ProcessHandle.Info info = h.info();
    Optional<Duration> cpu = info.totalCpuDuration();
    cpu.ifPresent(d -> b.add(Field.CPU_TOTAL, d.toNanos()));
    Optional<Instant> start = info.startInstant();
    start.ifPresent(s -> b.add(Field.START_TIME, s.toEpochMilli() + BOOT_FRACTION_MILLIS));
    info.user().ifPresent(b::user);
    b.endMember(h.pid());
    return true;
  }

  @Override
  public String toString() {
    return "JdkProcessSampler";
  }
}
