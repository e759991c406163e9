package io.github.vigil.bench;

import io.github.vigil.spi.ProcFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Watches processes from the outside through {@code /proc}, the same way for every contender: the
 * children of a supervisor process (from {@code /proc/PID/task/TID/children}), their names and states,
 * and a process's CPU time, RSS and threads. Not thread-safe (one watcher per thread).
 */
final class ProcWatch {
  private static final long CLK_TCK = 100; // LINUX-NOTES: CLK_TCK 100 on these machines; checked in BenchSmokeTest
  private final byte[] buf = new byte[64 * 1024];
  private final long supervisorPid;
  private long hotTask;

  ProcWatch(long supervisorPid) {
    this.supervisorPid = supervisorPid;
    this.hotTask = supervisorPid;
  }

  /**
   * Waits until a child of the supervisor other than {@code exclude} runs {@code comm} (exec done, not a
   * zombie), polling every {@code pollMicros}; returns its pid, or -1 after the timeout.
   */
  long awaitChild(String comm, long exclude, long timeoutNanos, long pollMicros) throws IOException {
    long deadline = System.nanoTime() + timeoutNanos;
    for (int round = 0; ; round++) {
      long pid = find(hotTask, comm, exclude);
      if (pid < 0 && round % 16 == 15) {
        for (long tid : tasks(supervisorPid)) {
          if (tid != hotTask && (pid = find(tid, comm, exclude)) > 0) {
            hotTask = tid;
            break;
          }
        }
      }
      if (pid > 0) {
        return pid;
      }
      if (System.nanoTime() > deadline) {
        return -1;
      }
      LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(pollMicros));
    }
  }

  /** Every child of the supervisor (all its threads) running {@code comm}, not zombies. */
  List<Long> children(String comm) throws IOException {
    List<Long> out = new ArrayList<>();
    for (long tid : tasks(supervisorPid)) {
      for (long pid : parsePids(read("/proc/" + supervisorPid + "/task/" + tid + "/children"))) {
        if (runs(pid, comm)) {
          out.add(pid);
        }
      }
    }
    return out;
  }

  private long find(long tid, String comm, long exclude) {
    String children = read("/proc/" + supervisorPid + "/task/" + tid + "/children");
    for (long pid : parsePids(children)) {
      if (pid != exclude && runs(pid, comm)) {
        return pid;
      }
    }
    return -1;
  }

  /**
   * Waits until {@code pid} runs {@code comm} (its {@code /proc} stat names it, not ended: {@link ProcFiles#isEndedState}), polling every 100 µs: the
   * program has been exec'd, so whatever ran before it in the same pid (a wrapper joining cgroups) is over.
   */
  static void awaitRunning(long pid, String comm, long timeoutNanos) throws InterruptedException {
    long end = System.nanoTime() + timeoutNanos;
    ProcWatch self = new ProcWatch(ProcessHandle.current().pid());
    while (!self.runs(pid, comm)) {
      if (System.nanoTime() - end > 0) {
        throw new IllegalStateException(pid + " does not run " + comm + " within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
      }
      TimeUnit.MICROSECONDS.sleep(100);
    }
  }

  private boolean runs(long pid, String comm) {
    String stat = read("/proc/" + pid + "/stat");
    int open = stat.indexOf('('), close = stat.lastIndexOf(')');
    if (open < 0 || close < 0 || close + 2 >= stat.length()) {
      return false;
    }
    return stat.substring(open + 1, close).equals(comm) && !ProcFiles.isEndedState(stat.charAt(close + 2));
  }

  static List<Long> tasks(long pid) throws IOException {
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path p : ds) {
        out.add(Long.parseLong(p.getFileName().toString()));
      }
    }
    return out;
  }

  private static List<Long> parsePids(String s) {
    List<Long> out = new ArrayList<>();
    for (String t : s.trim().split("\\s+")) {
      if (!t.isEmpty()) {
        out.add(Long.parseLong(t));
      }
    }
    return out;
  }

  /** The file's text, or "" when it cannot be read (the process is gone). */
  String read(String path) {
    try (RandomAccessFile f = new RandomAccessFile(path, "r")) {
      int n = 0, r;
      while (n < buf.length && (r = f.read(buf, n, buf.length - n)) > 0) {
        n += r;
      }
      return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return "";
    }
  }

  /** User plus system CPU time of a process, in nanoseconds (clock-tick resolution). */
  static long cpuNanos(long pid) {
    String stat = new ProcWatch(pid).read("/proc/" + pid + "/stat");
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    long ticks = Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]);
    return ticks * (1_000_000_000L / CLK_TCK);
  }

  /** A {@code /proc/PID/status} value in kB (e.g. VmRSS) or count (Threads); -1 if absent. */
  static long status(long pid, String key) {
    for (String line : new ProcWatch(pid).read("/proc/" + pid + "/status").split("\n")) {
      if (line.startsWith(key + ":")) {
        return Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]);
      }
    }
    return -1;
  }

  /** Sends SIGKILL by pid (kill(2) through the JDK), the same call for every contender. */
  static void kill(ProcessHandle h) {
    h.destroyForcibly();
  }

  /**
   * SIGKILLs the child {@code current} and waits (30 s at most) until another child of the supervisor runs
   * {@code comm}, polling every {@code pollMicros}: the restart's pid and its time from the kill.
   */
  Replaced killAndAwaitNext(long current, String comm, long pollMicros) throws IOException {
    ProcessHandle h = ProcessHandle.of(current).orElseThrow(() -> new IllegalStateException("child vanished before the kill"));
    long t0 = System.nanoTime();
    kill(h);
    long next = awaitChild(comm, current, TimeUnit.SECONDS.toNanos(30), pollMicros);
    long t1 = System.nanoTime();
    if (next < 0) {
      throw new IllegalStateException("no new " + comm + " child of " + supervisorPid + " within 30 s of killing " + current);
    }
    return new Replaced(next, t1 - t0);
  }

  /** A restarted child: its pid and the nanoseconds from the kill until it ran the program. */
  record Replaced(long pid, long nanos) {}
}
