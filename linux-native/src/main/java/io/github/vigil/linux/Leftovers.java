package io.github.vigil.linux;

import io.github.vigil.HumanFormat;
import io.github.vigil.linux.proc.ProcFs;
import io.github.vigil.linux.proc.ProcStat;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and kills what an earlier supervisor on the same state directory left running when its JVM
 * died without closing: processes in its cgroups, the sessions of the runs in its state file, and any
 * process whose environment carries its marker {@code VIGIL_SUPERVISOR_ID=<id>}. Runs before the new
 * backend starts anything, and waits (up to a few seconds) until they are gone.
 *
 * <p>Not thread-safe: used once, by the constructor of the backend.
 */
final class Leftovers {
  private static final Logger log = LoggerFactory.getLogger(Leftovers.class);
  private static final int SIGKILL = 9;

  private final ProcFs proc;
  private final int self;

  Leftovers(ProcFs proc, int self) {
    this.proc = proc;
    this.self = self;
  }

  /**
   * Kills the leftovers.
   *
   * @param bases the cgroup base directories to empty and remove (recorded and derived)
   * @param runs runs recorded in the state file
   * @param marker the environment entry, {@code VIGIL_SUPERVISOR_ID=<id>}
   * @return how many processes were killed
   */
  int sweep(String supervisor, Set<Path> bases, List<StateFile.Run> runs, String marker) {
    Map<Integer, ProcStat> victims = new LinkedHashMap<>();
    for (Path base : bases) {
      for (Path dir : runDirs(base)) {
        for (int pid : Cgroups.pids(dir)) {
          proc.stat(pid).ifPresent(s -> victims.put(pid, s));
        }
      }
    }
    Set<Integer> sessions = new LinkedHashSet<>();
    for (StateFile.Run r : runs) {
      // a recorded run whose pid still names the same process (by start time), even as a zombie
      proc.stat(r.pid()).filter(s -> s.startTicks() == r.startTicks()).ifPresent(s -> sessions.add(r.pid()));
    }
    List<ProcStat> all = proc.all();
    for (ProcStat s : all) {
      if (s.pid() == self || s.ended()) {
        continue;
      }
      if (sessions.contains(s.session()) || sessions.contains(s.pgrp()) || proc.environContains(s.pid(), marker)) {
        victims.put(s.pid(), s);
      }
    }
    victims.remove(self);
    int killed = 0;
    for (ProcStat s : victims.values()) {
      String process = proc.environValue(s.pid(), LinuxProcessBackend.NAME_VARIABLE).orElse("?");
      if (kill(s)) {
        killed++;
        log.atWarn().addKeyValue("process", process).addKeyValue("pid", s.pid())
            .log("Killed leftover process {} ({}) of supervised process {}, left by an earlier run of supervisor {} on this state directory",
                s.pid(), HumanFormat.commandLine(s.comm()), process, supervisor);
      }
    }
    // cgroup.kill reaches what a task-by-task kill may miss (a fork in between)
    for (Path base : bases) {
      for (Path dir : runDirs(base)) {
        Cgroups.killAll(dir, pid -> proc.stat(pid).map(this::kill).orElse(false));
      }
    }
    awaitGone(victims.values(), Duration.ofSeconds(5));
    reapAdopted(victims.keySet(), sessions);
    for (Path base : bases) {
      long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (Files.exists(base) && !Cgroups.removeTree(base) && System.nanoTime() < deadline) {
        sleep(20);
      }
    }
    return killed;
  }

  private boolean kill(ProcStat s) {
    Optional<Pidfd> opened;
    try {
      opened = Pidfd.open(s.pid());
    } catch (NativeCallException e) {
      return false;
    }
    if (opened.isEmpty()) {
      return false;
    }
    try (Pidfd fd = opened.get()) {
      Optional<ProcStat> now = proc.stat(s.pid());
      if (now.isEmpty() || now.get().startTicks() != s.startTicks()) {
        return false; // gone, or the pid now names another process
      }
      return fd.sendSignal(SIGKILL);
    } catch (NativeCallException e) {
      log.warn("Cannot kill leftover process {} ({}): {}", s.pid(), HumanFormat.commandLine(s.comm()), e.getMessage());
      return false;
    }
  }

  private void awaitGone(Iterable<ProcStat> victims, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<ProcStat> left = new ArrayList<>();
    victims.forEach(left::add);
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      left.removeIf(s -> proc.stat(s.pid()).map(now -> now.startTicks() != s.startTicks() || !proc.running(now)).orElse(true));
      if (!left.isEmpty()) {
        sleep(10);
      }
    }
    for (ProcStat s : left) {
      log.error("Leftover process {} ({}) survives SIGKILL", s.pid(), HumanFormat.commandLine(s.comm()));
    }
  }

  /**
   * Reaps leftovers that are this JVM's children: when this JVM (a child subreaper) is an ancestor of
   * the crashed one, the crashed one's children were re-parented here. Only the victims and members of
   * the recorded sessions, never another child of this JVM.
   */
  private void reapAdopted(Set<Integer> victims, Set<Integer> sessions) {
    for (ProcStat s : proc.all()) {
      if (s.ppid() == self && s.zombie() && (victims.contains(s.pid()) || sessions.contains(s.session()) || sessions.contains(s.pid()))) {
        try {
          Kernel.reapChild(s.pid());
        } catch (NativeCallException e) {
          log.debug("Cannot reap leftover {}: {}", s.pid(), e.getMessage());
        }
      }
    }
  }

  private static List<Path> runDirs(Path base) {
    List<Path> dirs = new ArrayList<>();
    if (!Files.isDirectory(base)) {
      return dirs;
    }
    dirs.add(base);
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(base, Files::isDirectory)) {
      ds.forEach(dirs::add);
    } catch (java.io.IOException e) {
      // vanished meanwhile
    }
    return dirs;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
