package io.github.vigil.linux;

import com.sun.jna.Native;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cgroups of one backend: a base directory {@code vigil-<id>} under this JVM's own cgroup in
 * each hierarchy it may write (v2 tree, v1 memory, v1 pids), and one directory per run below it.
 * What could not be created is left out and said in {@link #describe()}.
 *
 * <p>Thread-safe: the bases are fixed after construction; runs are independent directories.
 */
final class Cgroups {
  private static final Logger log = LoggerFactory.getLogger(Cgroups.class);

  private final @Nullable Path v2Base;
  private final boolean v2Kill;
  private final boolean v2Memory;
  private final boolean v2Pids;
  private final @Nullable Path v1MemoryBase;
  private final @Nullable Path v1PidsBase;
  private final List<String> notes = new ArrayList<>();

  Cgroups(CgroupLayout layout, String baseName) {
    this(layout, baseName, null);
  }

  /**
   * Creates the base directories. With a {@code shell}, it checks that a child can join a run
   * directory under each base (a pure-v2 host can refuse, e.g. where the JVM's own cgroup has
   * controllers enabled); a base it cannot join is dropped and said in {@link #describe()}.
   */
  Cgroups(CgroupLayout layout, String baseName, @Nullable String shell) {
    Path v2 = layout.v2() == null ? null : createBase(layout.v2().resolve(baseName), "v2");
    boolean kill = false;
    boolean memory = false;
    boolean pids = false;
    if (v2 != null) {
      kill = Files.exists(v2.resolve("cgroup.kill"));
      if (!kill) {
        notes.add("no cgroup.kill (kernel before 5.14): trees are killed task by task");
      }
      String controllers = readOr(v2.resolve("cgroup.controllers"), "");
      for (String c : controllers.trim().split(" ")) {
        if (c.equals("memory") || c.equals("pids")) {
          try {
            Files.writeString(v2.resolve("cgroup.subtree_control"), "+" + c);
            memory |= c.equals("memory");
            pids |= c.equals("pids");
          } catch (IOException e) {
            notes.add("cannot enable v2 " + c + " controller: " + e.getMessage());
          }
        }
      }
      v2 = joinable(v2, "v2", shell);
    }
    v2Base = v2;
    v2Kill = v2 != null && kill;
    v2Memory = v2 != null && memory;
    v2Pids = v2 != null && pids;
    v1MemoryBase = layout.v1Memory() == null ? null : joinable(createBase(layout.v1Memory().resolve(baseName), "v1 memory"), "v1 memory", shell);
    v1PidsBase = layout.v1Pids() == null ? null : joinable(createBase(layout.v1Pids().resolve(baseName), "v1 pids"), "v1 pids", shell);
  }

  private @Nullable Path createBase(Path dir, String what) {
    try {
      Files.createDirectories(dir);
      return dir;
    } catch (IOException | SecurityException e) {
      notes.add("cannot create " + what + " cgroup " + dir + " (" + e.getMessage() + ")");
      return null;
    }
  }

  /** {@code base} if a child process can join a run directory below it; else removes it and returns null. */
  private @Nullable Path joinable(@Nullable Path base, String what, @Nullable String shell) {
    if (base == null || shell == null) {
      return base;
    }
    Path probe = base.resolve("probe");
    String failure;
    try {
      Files.createDirectories(probe);
      failure = JoinProbe.run(shell, probe);
    } catch (IOException | RuntimeException e) {
      failure = e.toString();
    }
    removeTree(probe);
    if (failure == null) {
      return base;
    }
    notes.add("a child cannot join a " + what + " cgroup under " + base + " (" + failure + "): not used");
    removeTree(base);
    return null;
  }

  /** The base directories that exist, for the state file. */
  List<Path> bases() {
    List<Path> b = new ArrayList<>();
    for (Path p : new Path[] {v2Base, v1MemoryBase, v1PidsBase}) {
      if (p != null) {
        b.add(p);
      }
    }
    return b;
  }

  boolean canLimitMemory() {
    return v2Memory || v1MemoryBase != null;
  }

  boolean canLimitPids() {
    return v2Pids || v1PidsBase != null;
  }

  boolean hasV2() {
    return v2Base != null;
  }

  String describe() {
    List<String> parts = new ArrayList<>();
    parts.add(v2Base != null ? "per-run v2 cgroup" + (v2Kill ? " with cgroup.kill" : "") : "no v2 cgroup");
    parts.add("memory limits " + (v2Memory ? "v2" : v1MemoryBase != null ? "v1" : "unavailable"));
    parts.add("pids limits " + (v2Pids ? "v2" : v1PidsBase != null ? "v1" : "unavailable"));
    parts.add("OOM detection " + (v2Memory ? "memory.events" : v1MemoryBase != null ? "memory.oom_control" : "kernel log only"));
    String s = String.join(", ", parts);
    return notes.isEmpty() ? s : s + "; " + String.join("; ", notes);
  }

  /**
   * Creates the cgroups of one run.
   *
   * @throws IllegalArgumentException when a limit is asked for that no writable controller can enforce, naming it
   * @throws IOException when a directory or limit cannot be written
   */
  Run create(String runName, OptionalLong memoryMax, OptionalLong pidsMax) throws IOException {
    checkEnforceable(memoryMax, pidsMax);
    Run run = new Run(runName);
    try {
      if (v2Base != null) {
        run.v2 = mkdir(v2Base.resolve(runName));
        run.v2Events = run.v2.resolve("cgroup.events");
        run.v2EventsBytes = Native.toByteArray(run.v2Events.toString());
      }
      if (!v2Memory && v1MemoryBase != null) {
        run.v1Memory = mkdir(v1MemoryBase.resolve(runName)); // also without a limit: its oom_kill counter tells OOM kills apart
      }
      writeLimits(run, memoryMax, pidsMax);
    } catch (IOException | RuntimeException e) {
      run.remove();
      throw e;
    }
    return run;
  }

  /**
   * Writes a run's limits into cgroups created without them, ahead of the run (a spare's, which a task has joined
   * already); a v1 pids cgroup, made only for a limit, is created here.
   *
   * @return the directories created here, which the run's task must still join
   * @throws IllegalArgumentException when a limit is asked for that no writable controller can enforce, naming it
   * @throws IOException when a directory or limit cannot be written (such as a memory limit below what the task uses)
   */
  List<Path> limit(Run run, OptionalLong memoryMax, OptionalLong pidsMax) throws IOException {
    checkEnforceable(memoryMax, pidsMax);
    Path pidsBefore = run.v1Pids;
    writeLimits(run, memoryMax, pidsMax);
    return run.v1Pids != null && pidsBefore == null ? List.of(run.v1Pids) : List.of();
  }

  private void checkEnforceable(OptionalLong memoryMax, OptionalLong pidsMax) {
    if (memoryMax.isPresent() && !canLimitMemory()) {
      throw new IllegalArgumentException("label " + LinuxLimits.MEMORY_MAX + "=" + memoryMax.getAsLong()
          + " cannot be enforced: no writable memory cgroup controller here");
    }
    if (pidsMax.isPresent() && !canLimitPids()) {
      throw new IllegalArgumentException("label " + LinuxLimits.PIDS_MAX + "=" + pidsMax.getAsLong()
          + " cannot be enforced: no writable pids cgroup controller here");
    }
  }

  private void writeLimits(Run run, OptionalLong memoryMax, OptionalLong pidsMax) throws IOException {
    if (run.v2 != null && v2Memory && memoryMax.isPresent()) {
      Files.writeString(run.v2.resolve("memory.max"), Long.toString(memoryMax.getAsLong()));
      try {
        Files.writeString(run.v2.resolve("memory.swap.max"), "0");
      } catch (IOException e) {
        // no swap accounting: nothing to limit
      }
    }
    if (run.v2 != null && v2Pids && pidsMax.isPresent()) {
      Files.writeString(run.v2.resolve("pids.max"), Long.toString(pidsMax.getAsLong()));
    }
    if (run.v1Memory != null && memoryMax.isPresent()) {
      Files.writeString(run.v1Memory.resolve("memory.limit_in_bytes"), Long.toString(memoryMax.getAsLong()));
    }
    if (!v2Pids && v1PidsBase != null && pidsMax.isPresent()) {
      if (run.v1Pids == null) {
        run.v1Pids = mkdir(v1PidsBase.resolve(run.name));
      }
      Files.writeString(run.v1Pids.resolve("pids.max"), Long.toString(pidsMax.getAsLong()));
    }
  }

  private static Path mkdir(Path dir) throws IOException {
    try {
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      removeTree(dir); // a leftover of an earlier run with the same name: empty by now
      Files.createDirectory(dir);
    }
    return dir;
  }

  /** Removes the base directories (and any empty run directories left in them). */
  void close() {
    for (Path base : bases()) {
      removeTree(base);
    }
  }

  /** Removes a cgroup directory and its (empty) children, deepest first; false if one is still in use. */
  static boolean removeTree(Path dir) {
    try {
      // as nearly always, no child cgroup: one rmdir. Listing first would stat each of the directory's 10 to 35
      // control files to find the children, about 50 calls for a run's two directories on each exit
      Files.deleteIfExists(dir);
      return true;
    } catch (IOException e) {
      // EBUSY: a task is left, or a child cgroup (made by a task of the run); remove the children and try again
    }
    boolean ok = true;
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir, Files::isDirectory)) {
      for (Path c : children) {
        ok &= removeTree(c);
      }
    } catch (IOException e) {
      return !Files.exists(dir);
    }
    try {
      Files.deleteIfExists(dir); // rmdir: cgroupfs allows it once no task is left
    } catch (IOException e) {
      log.debug("Cannot remove cgroup {}: {}", dir, e.toString());
      return false;
    }
    return ok;
  }

  /** Kills everything in a cgroup directory: {@code cgroup.kill} in v2 where present, else SIGKILL to each task. */
  static int killAll(Path dir, java.util.function.IntPredicate killPid) {
    int n = 0;
    Path kill = dir.resolve("cgroup.kill");
    List<Integer> pids = pids(dir);
    if (Files.exists(kill)) {
      try {
        Files.writeString(kill, "1");
        return pids.size();
      } catch (IOException e) {
        log.debug("Writing {} failed: {}", kill, e.toString());
      }
    }
    for (int pid : pids) {
      if (killPid.test(pid)) {
        n++;
      }
    }
    return n;
  }

  /** The pids listed in {@code dir/cgroup.procs}; empty if it is gone. */
  static List<Integer> pids(Path dir) {
    List<Integer> pids = new ArrayList<>();
    String s = readOr(dir.resolve("cgroup.procs"), "");
    for (String line : s.split("\n")) {
      if (!line.isBlank()) {
        pids.add(Integer.parseInt(line.trim()));
      }
    }
    return pids;
  }

  /** A cgroup or {@code /proc} file's text (ASCII), or {@code fallback} where it cannot be read. */
  static String readOr(Path file, String fallback) {
    try {
      return KeptFile.readOnce(file);
    } catch (IOException e) {
      return fallback;
    }
  }

  /** A {@code key value} line of a cgroup file such as {@code memory.oom_control}, or -1. */
  static long keyed(Path file, String key) {
    return keyed(readOr(file, ""), key);
  }

  /** A {@code key value} line of a cgroup file's text, or -1. */
  static long keyed(String text, String key) {
    // scanned by hand, no regular expression: this runs on the exit path (memory.oom_control, memory.events)
    int at = 0;
    while (at < text.length()) {
      int end = text.indexOf('\n', at);
      if (end < 0) {
        end = text.length();
      }
      int after = at + key.length();
      if (after < end && text.startsWith(key, at) && Character.isWhitespace(text.charAt(after))) {
        try {
          return Long.parseLong(text.substring(after, end).trim());
        } catch (NumberFormatException e) {
          return -1;
        }
      }
      at = end + 1;
    }
    return -1;
  }

  /** OOM counter files kept open in this JVM ({@link Run#keepOomCounterOpen}); past the cap they are read by path. */
  private static final java.util.concurrent.atomic.AtomicInteger OOM_COUNTERS_OPEN = new java.util.concurrent.atomic.AtomicInteger();
  static final int OOM_COUNTERS_MAX = 1024;

  /**
   * The cgroup directories of one run. Thread-safe once handed out with its run (the event loop sets the fields
   * before that: at creation, and a spare's pids directory when a run takes it), but for the OOM counter's
   * descriptor, which only the backend's event loop opens, reads and closes.
   */
  static final class Run {
    final String name;
    @Nullable Path v2;
    // v2 cgroup.events, read once a run has died (is its tree empty?) on the way to its restart: the path resolved
    // and encoded once, not on that way
    private @Nullable Path v2Events;
    private byte @Nullable [] v2EventsBytes;
    @Nullable Path v1Memory;
    @Nullable Path v1Pids;
    /** The memory cgroup's OOM counter file, kept open from when the loop was first idle after the spawn. */
    private @Nullable KeptFile oomCounter;
    private boolean oomCounterTried;

    Run(String name) {
      this.name = name;
    }

    /** The file that counts the run's OOM kills: v1 {@code memory.oom_control}, else v2 {@code memory.events}; null if none. */
    private @Nullable Path oomCounterFile() {
      return v1Memory != null ? v1Memory.resolve("memory.oom_control") : v2 != null ? v2.resolve("memory.events") : null;
    }

    /**
     * Opens the OOM counter file to keep (event loop, once idle after the spawn): a death by
     * {@code SIGKILL} then reads it with one {@code pread} instead of an open, read and close, on the
     * path from the death to its event and its restart. Closed by {@link #remove()}.
     */
    void keepOomCounterOpen() {
      if (oomCounterTried) {
        return;
      }
      oomCounterTried = true;
      Path f = oomCounterFile();
      if (f == null) {
        return;
      }
      if (OOM_COUNTERS_OPEN.incrementAndGet() > OOM_COUNTERS_MAX) {
        OOM_COUNTERS_OPEN.decrementAndGet(); // past the budget: read by path when the run dies
        return;
      }
      try {
        oomCounter = KeptFile.open(f, 512);
      } catch (IOException | SecurityException | UnsupportedOperationException e) {
        OOM_COUNTERS_OPEN.decrementAndGet();
        log.debug("Cannot keep {} open: {}", f, e.toString()); // read by path on the exit path instead
      }
    }

    /** Closes the kept OOM counter (the event loop's descriptor). */
    void closeOomCounter() {
      KeptFile kept = oomCounter;
      oomCounter = null;
      if (kept != null) {
        OOM_COUNTERS_OPEN.decrementAndGet();
        kept.close();
      }
    }

    /** The directories the child must join before it runs the target. */
    List<Path> dirs() {
      List<Path> d = new ArrayList<>();
      for (Path p : new Path[] {v2, v1Memory, v1Pids}) {
        if (p != null) {
          d.add(p);
        }
      }
      return d;
    }

    boolean hasV2() {
      return v2 != null;
    }

    /** Whether a {@code /proc/PID/cgroup} text places the process in one of the run's cgroups. */
    boolean contains(String procCgroup) {
      for (Path p : dirs()) {
        if (procCgroup.contains("/" + p.getParent().getFileName() + "/" + p.getFileName() + "\n")) {
          return true;
        }
      }
      return false;
    }

    /** Whether any task is left: v2 {@code populated}, else any pid in the v1 memory or pids cgroup. */
    boolean populated() {
      if (v2 != null) {
        Path file = v2Events != null ? v2Events : v2.resolve("cgroup.events"); // set by create(), which made v2
        byte[] bytes = v2EventsBytes != null ? v2EventsBytes : Native.toByteArray(file.toString());
        String events;
        try {
          events = KeptFile.readOnce(bytes, file);
        } catch (IOException e) {
          events = ""; // the cgroup is gone: nothing is left in it
        }
        return keyed(events, "populated") == 1;
      }
      for (Path p : new Path[] {v1Memory, v1Pids}) {
        if (p != null && !Cgroups.pids(p).isEmpty()) {
          return true;
        }
      }
      return false;
    }

    /** Every pid in the run's cgroups. */
    List<Integer> pids() {
      List<Integer> all = new ArrayList<>();
      for (Path p : dirs()) {
        for (int pid : Cgroups.pids(p)) {
          if (!all.contains(pid)) {
            all.add(pid);
          }
        }
      }
      return all;
    }

    /** Writes {@code 1} to the v2 {@code cgroup.kill}; false where there is none. */
    boolean kill() {
      if (v2 == null || !Files.exists(v2.resolve("cgroup.kill"))) {
        return false;
      }
      try {
        Files.writeString(v2.resolve("cgroup.kill"), "1");
        return true;
      } catch (IOException e) {
        log.debug("cgroup.kill of {} failed: {}", v2, e.toString());
        return false;
      }
    }

    /** OOM kills counted in the run's memory cgroup, or -1 where it has none. */
    long oomKills() {
      KeptFile kept = oomCounter;
      if (kept != null) {
        try {
          String text = kept.read();
          if (!text.isEmpty()) {
            return keyed(text, "oom_kill");
          }
        } catch (IOException e) {
          log.debug("Reading the kept OOM counter of {} failed: {}; reading it by path", this, e.toString());
        }
      }
      Path f = oomCounterFile();
      return f == null ? -1 : keyed(f, "oom_kill"); // -1 too where the file is missing (v2 without the memory controller)
    }

    /** The peak memory use of the run's memory cgroup in bytes, or -1. */
    long peakMemory() {
      Path f = v1Memory != null ? v1Memory.resolve("memory.max_usage_in_bytes") : v2 != null ? v2.resolve("memory.peak") : null;
      if (f == null) {
        return -1;
      }
      try {
        return Long.parseLong(readOr(f, "-1").trim());
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    /** Removes the run's directories; false if one still holds a task. */
    boolean remove() {
      closeOomCounter(); // an open file would not keep the directory, but the run is over
      return removeDirs();
    }

    /** Removes the run's directories, not its OOM counter's descriptor; false if one still holds a task. Any thread. */
    boolean removeDirs() {
      boolean ok = true;
      for (Path p : dirs()) {
        ok &= removeTree(p);
      }
      return ok;
    }

    @Override
    public String toString() {
      return "cgroups " + dirs();
    }
  }
}
