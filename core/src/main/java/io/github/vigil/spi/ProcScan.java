package io.github.vigil.spi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code /proc} tells beyond {@link ProcessHandle}: processes found by a variable in their
 * environment (how the portable backend finds descendants that outlived their parent and were
 * re-parented), members of a session, and whether a process has ended (a zombie, or dead). Where there is no
 * {@code /proc} (macOS), or a process's environment is not readable, nothing is found. What it reads of
 * one process ({@code stat}, its state letter) is {@link ProcFiles}'s, which the engine shares.
 * The JDK backend's own: package-private, not part of the SPI.
 */
final class ProcScan {
  /** Passes over every process in {@code /proc} so far, in this JVM: what a test counts. */
  static final java.util.concurrent.atomic.AtomicLong PASSES = new java.util.concurrent.atomic.AtomicLong();

  private ProcScan() {}

  /**
   * One pass over {@code /proc}, taken at {@code began} ({@link System#nanoTime()}, before the directory is listed): every
   * process's parent, session, start and whether it has ended ({@link ProcFiles#isEndedState}), and the values of {@code variable} in the environments
   * of those that started at or after {@code envFromTicks} ({@code /proc/PID/stat} field 22; 0 reads them all). Empty
   * without {@code /proc}. What a run's tree is (its descendants by parent, its session's members and what carries its id)
   * is then read from it by {@link Table#runTree} for as many runs as ask: the JDK backend's stops of many runs at once
   * share one pass.
   */
  static Table table(String variable, long envFromTicks, long began) {
    java.util.Map<Long, Table.Entry> entries = new java.util.HashMap<>();
    if (!ProcFiles.available()) {
      return new Table(began, envFromTicks, entries);
    }
    byte[] prefix = (variable + "=").getBytes(StandardCharsets.UTF_8);
    PASSES.incrementAndGet();
    String[] names = new java.io.File("/proc").list(); // one call for the whole listing: no Path for each entry
    if (names == null) {
      return new Table(began, envFromTicks, entries);
    }
    StatLine stat = new StatLine();
    for (String name : names) {
      long pid = ProcFiles.pid(name);
      if (pid < 0) {
        continue; // self, net, ...
      }
      String dir = "/proc/" + name;
      if (!stat.read(dir + "/stat")) {
        continue; // gone, or not Linux's format
      }
      List<String> values = List.of();
      if (!stat.ended && stat.startTicks >= envFromTicks) {
        try {
          values = values(Files.readAllBytes(java.nio.file.Path.of(dir, "environ")), prefix);
        } catch (IOException | RuntimeException e) {
          // gone, or another user's: carries nothing that can be read
        }
      }
      entries.put(pid, new Table.Entry(stat.ppid, stat.session, stat.startTicks, stat.ended, values));
    }
    return new Table(began, envFromTicks, entries);
  }

  /**
   * One {@code /proc/PID/stat} at a time, read into a buffer it keeps and parsed in place: the parent, session, start
   * and state that {@link #table} needs of every process, without a string or an array of fields for each (the pass
   * reads every process on the machine, on the JDK backend's way to each restart). Not thread-safe: one per pass.
   */
  private static final class StatLine {
    private final byte[] buffer = new byte[2048];
    long ppid;
    long session;
    long startTicks;
    boolean ended;

    /** Whether {@code path} was read and holds Linux's format; the fields are its then. */
    boolean read(String path) {
      int n;
      try (java.io.FileInputStream in = new java.io.FileInputStream(path)) {
        n = in.read(buffer); // the kernel gives the whole line in one read
      } catch (IOException | SecurityException e) {
        return false; // gone, or not ours to read
      }
      if (n <= 0 || n == buffer.length) {
        return false; // empty, or longer than any stat line
      }
      int close = n - 1;
      while (close > 0 && buffer[close] != ')') { // the name may hold ')' and spaces: the last one ends it
        close--;
      }
      int i = close + 2; // field 3, the state
      if (close <= 0 || i >= n) {
        return false;
      }
      ended = ProcFiles.isEndedState(buffer[i]);
      int field = 3;
      long value = 0;
      boolean digits = false;
      for (i = i + 1; i < n; i++) {
        byte b = buffer[i];
        if (b == ' ' || b == '\n') {
          if (field == 4 || field == 6 || field == 22) {
            if (!digits) {
              return false;
            }
            if (field == 4) {
              ppid = value;
            } else if (field == 6) {
              session = value;
            } else {
              startTicks = value;
              return true;
            }
          }
          field++;
          value = 0;
          digits = false;
        } else if (b >= '0' && b <= '9') {
          value = value * 10 + (b - '0');
          digits = true;
        } else if (field == 4 || field == 6 || field == 22) {
          return false; // a sign or a letter where a number of these is due: not Linux's format
        }
      }
      return false; // no field 22
    }
  }

  /** The values of the entries of {@code env} (NUL-separated) that start with {@code prefix} ({@code NAME=}). */
  private static List<String> values(byte[] env, byte[] prefix) {
    List<String> found = List.of();
    for (int i = 0; i < env.length; ) {
      int end = i;
      while (end < env.length && env[end] != 0) {
        end++;
      }
      if (end - i >= prefix.length && java.util.Arrays.equals(env, i, i + prefix.length, prefix, 0, prefix.length)) {
        if (found.isEmpty()) {
          found = new ArrayList<>(1);
        }
        found.add(new String(env, i + prefix.length, end - i - prefix.length, StandardCharsets.UTF_8));
      }
      i = end + 1;
    }
    return found;
  }

  /** What {@link #table} read: immutable, so any thread can read a run's tree from it. */
  static final class Table {
    /** One process: its parent, session and start ({@code /proc/PID/stat} fields 4, 6 and 22), and what it carries. */
    record Entry(long ppid, long session, long startTicks, boolean ended, List<String> values) {}

    private final long began;
    private final long envFromTicks;
    private final java.util.Map<Long, Entry> entries;
    private final java.util.Map<Long, List<Long>> children = new java.util.HashMap<>();
    private final java.util.Map<Long, List<Long>> sessions = new java.util.HashMap<>();
    private final java.util.Map<String, List<Long>> carriers = new java.util.HashMap<>();

    Table(long began, long envFromTicks, java.util.Map<Long, Entry> entries) {
      this.began = began;
      this.envFromTicks = envFromTicks;
      this.entries = entries;
      entries.forEach((pid, e) -> {
        if (!e.ended()) {
          children.computeIfAbsent(e.ppid(), k -> new ArrayList<>()).add(pid);
          sessions.computeIfAbsent(e.session(), k -> new ArrayList<>()).add(pid);
          e.values().forEach(v -> carriers.computeIfAbsent(v, k -> new ArrayList<>()).add(pid));
        }
      });
    }

    /** When the pass began ({@link System#nanoTime()}): every process that lived then and still does is in it. */
    long began() {
      return began;
    }

    /** Whether the environments of the processes that started at or after {@code startTicks} (-1: unknown) were read. */
    boolean readEnvironmentsFrom(long startTicks) {
      return envFromTicks <= Math.max(0, startTicks);
    }

    /**
     * The live processes (not ended, not this JVM) of a run, as the pass saw them: the descendants of {@code root} by
     * parent (while it is the process that started at {@code rootStartTicks}), the members of session {@code sid}
     * (none when {@code sid <= 1}, or the session's number is someone else's now), and
     * those that started at or after {@code runStartTicks} and carry {@code value}. Each as a handle of the process the
     * pass saw: a pid given to another process since is left out.
     */
    List<ProcessHandle> runTree(long root, long rootStartTicks, long sid, long sidStartTicks, String value, long runStartTicks) {
      java.util.Set<Long> pids = new java.util.LinkedHashSet<>();
      Entry r = entries.get(root);
      if (r != null && !r.ended() && r.startTicks() == rootStartTicks && rootStartTicks >= 0) {
        java.util.ArrayDeque<Long> next = new java.util.ArrayDeque<>();
        next.add(root);
        while (!next.isEmpty()) {
          long parent = next.poll();
          long parentStart = entries.get(parent).startTicks();
          for (long child : children.getOrDefault(parent, List.of())) {
            // a child starts no earlier than its parent: one that did names a parent whose pid was reused (as the JDK checks)
            if (entries.get(child).startTicks() >= parentStart && pids.add(child)) {
              next.add(child);
            }
          }
        }
      }
      addSession(sid, sidStartTicks, pids);
      addCarriers(value, runStartTicks, pids);
      return handles(pids);
    }

    /**
     * The live members (not ended, not this JVM) of session {@code sid}, whose leader started at
     * {@code leaderStartTicks}. A session's id is its leader's pid, and the kernel does not give that pid
     * to a new process while any member lives: if a process with pid {@code sid} runs but started at another
     * time, the session recorded is empty and the one found now is someone else's, so nothing is returned.
     * A member can leave the session only with {@code setsid()}; it cannot rewrite its session as it can its
     * environment.
     */
    List<ProcessHandle> sessionMembers(long sid, long leaderStartTicks) {
      java.util.Set<Long> pids = new java.util.LinkedHashSet<>();
      addSession(sid, leaderStartTicks, pids);
      return handles(pids);
    }

    /** The live processes (not this JVM) whose environment holds the variable as {@code value}, of those whose environment the pass read. */
    List<ProcessHandle> carrying(String value) {
      java.util.Set<Long> pids = new java.util.LinkedHashSet<>();
      addCarriers(value, -1, pids);
      return handles(pids);
    }

    private void addSession(long sid, long sidStartTicks, java.util.Set<Long> pids) {
      if (sid > 1) {
        Entry leader = entries.get(sid);
        if (leader == null || leader.startTicks() == sidStartTicks) { // else the number names someone else's session now
          pids.addAll(sessions.getOrDefault(sid, List.of()));
        }
      }
    }

    private void addCarriers(String value, long runStartTicks, java.util.Set<Long> pids) {
      for (long pid : carriers.getOrDefault(value, List.of())) {
        if (runStartTicks < 0 || entries.get(pid).startTicks() >= runStartTicks) {
          pids.add(pid);
        }
      }
    }

    /** Handles of {@code pids} but this JVM, each kept only if its pid still names the process the pass saw. */
    private List<ProcessHandle> handles(java.util.Set<Long> pids) {
      pids.remove(ProcessHandle.current().pid());
      List<ProcessHandle> found = new ArrayList<>(pids.size());
      for (long pid : pids) {
        long seen = entries.get(pid).startTicks();
        // the handle names whoever has the pid now; kept only if that is still the process the pass saw
        ProcessHandle.of(pid).filter(h -> ProcFiles.startTicks(pid) == seen).ifPresent(found::add);
      }
      return found;
    }
  }
}
