package io.github.vigil.linux;

import io.github.vigil.Signal;
import io.github.vigil.linux.proc.ProcFs;
import io.github.vigil.linux.proc.ProcStat;
import io.github.vigil.spi.ProcessListener;
import io.github.vigil.spi.RunningProcess;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run spawned by the {@link LinuxProcessBackend}: the leader of its own session and process
 * group (both ids equal its pid), watched through a pidfd, optionally in its own cgroups.
 *
 * <p>Its tree is what a stop must reach: the process group while the leader is unreaped (its pid,
 * and so the group id, cannot be reused meanwhile), the run's cgroup (which also holds members that
 * left the group with {@code setsid}), and, without a cgroup, the processes whose session or group is
 * the run's. Once the tree has been seen empty it is never signalled again, so a later process that
 * took over the numbers is safe.
 *
 * <p>A catchable signal to the tree (a stop's) is remembered with who got it ({@link TreeSignalRecord}): each later
 * look at the tree once the leader is reaped ({@link #isTreeAlive()}, which the engine repeats until the tree is gone)
 * sends it to a member forked after it, and again to one that got it before its exec. A SIGKILL needs none of it.
 *
 * <p>Thread-safe: signals and the reaping on the event loop hold the instance's lock.
 */
final class LinuxProcess implements RunningProcess {
  private static final Logger log = LoggerFactory.getLogger(LinuxProcess.class);

  final String name;
  final int pid;
  final long startTicks;
  final Pidfd pidfd;
  final ProcessListener listener;
  final Cgroups.@Nullable Run cgroups;
  private final ProcFs proc;

  // owned by the event loop
  int outFd;
  int errFd;
  boolean reported;
  boolean lingering;
  boolean removingCgroups; // its empty cgroups are with the remover's thread
  int startedFd = -1; // the start's pipe until the wrapper's exec closes it
  @Nullable Runnable onProgramRuns; // completes the caller's start then

  private boolean reaped; // guarded by this
  private boolean treeGone; // guarded by this
  // who got the tree's last catchable signal; its lock is taken before this one, and held by one look at a time
  private final TreeSignalRecord signalled = new TreeSignalRecord();

  LinuxProcess(String name, int pid, long startTicks, Pidfd pidfd, int outFd, int errFd, ProcessListener listener,
      Cgroups.@Nullable Run cgroups, ProcFs proc) {
    this.name = name;
    this.pid = pid;
    this.startTicks = startTicks;
    this.pidfd = pidfd;
    this.outFd = outFd;
    this.errFd = errFd;
    this.listener = listener;
    this.cgroups = cgroups;
    this.proc = proc;
  }

  @Override
  public long pid() {
    return pid;
  }

  @Override
  public boolean signal(Signal signal) {
    synchronized (this) {
      if (reaped) {
        return false;
      }
      return send(pidfd, signal);
    }
  }

  @Override
  public boolean signalTree(Signal signal) {
    if (!TreeSignalRecord.catchable(signal)) {
      signalled.forget(); // restarts, the stop timeout, close: SIGKILL lists and reads nothing more than it did
      return signalTreeOnce(signal);
    }
    synchronized (signalled) {
      return signalTreeRemembered(signal);
    }
  }

  /** Signals the tree once: each member it finds gets {@code signal}, and no record is kept. */
  private boolean signalTreeOnce(Signal signal) {
    boolean any = false;
    boolean groupReached;
    synchronized (this) {
      if (treeGone) {
        return false;
      }
      groupReached = !reaped;
      if (!reaped) {
        // the leader cannot leave its group (it leads its session), and its unreaped pid keeps the group id
        // from being reused: one kill(-pgid) reaches it and every member still in the group, exactly once
        any |= groupKill(signal);
      }
    }
    if (!groupReached && !treeAlive()) {
      return false; // seen empty: from now on nothing is signalled, whoever takes over the numbers
    }
    Set<Integer> reached = new HashSet<>();
    if (cgroups != null) {
      if (signal == Signal.SIGKILL && cgroups.populated() && cgroups.kill()) {
        return true;
      }
      for (int member : cgroups.pids()) {
        reached.add(member);
        any |= sendTo(member, signal, st -> !(groupReached && st.pgrp() == pid)
            && proc.read(member, "cgroup").map(cgroups::contains).orElse(false));
      }
    }
    if (cgroups == null || !cgroups.hasV2()) {
      // no cgroup holds the whole tree: reach members of the session that changed group, and the group after the leader
      for (ProcStat s : proc.all()) {
        if (!reached.contains(s.pid()) && (s.session() == pid || s.pgrp() == pid) && s.startTicks() >= startTicks && proc.running(s)
            && !(groupReached && s.pgrp() == pid)) {
          any |= sendTo(s.pid(), signal, st -> (st.session() == pid || st.pgrp() == pid) && !(groupReached && st.pgrp() == pid));
        }
      }
    }
    return any;
  }

  /**
   * Signals the tree and records who got {@code signal}. The members are listed, each with its program, BEFORE the
   * group kill: kill(-pgid) reaches the whole group at once but does not say whom, and a list taken after it would
   * count as reached a trap's child forked in between, which never got it. One forked between the list and the kill
   * (the listing's time: microseconds for a cgroup's few members, up to a scan of {@code /proc} without cgroup v2) gets
   * the signal twice, from the kill and from the sends below; one listed in the group that left it in that window
   * (setsid) is counted as reached though it was not.
   */
  private boolean signalTreeRemembered(Signal signal) {
    synchronized (this) {
      if (treeGone) {
        return false;
      }
    }
    List<TreeSignalRecord.Member> tree = members();
    if (tree.isEmpty() && !treeAlive()) {
      return false; // seen empty: from now on nothing is signalled, whoever takes over the numbers
    }
    boolean groupReached = false;
    synchronized (this) {
      if (!reaped) {
        // the leader cannot leave its group (it leads its session), and its unreaped pid keeps the group id
        // from being reused: one kill(-pgid) reaches it and every member still in the group, exactly once
        groupReached = groupKill(signal);
      }
    }
    signalled.begin(signal);
    if (groupReached) {
      for (TreeSignalRecord.Member m : tree) {
        if (m.pgrp() == pid) {
          signalled.reached(m);
        }
      }
    }
    return sendOwed(tree) | groupReached; // the members outside the group (a setsid daemon), one by one
  }

  /**
   * Whether the tree lives. Once the leader is reaped and a catchable signal was sent to the tree, each look also sends
   * it to the members owed it ({@link TreeSignalRecord#owes}). While the leader lives the answer is true at once, with
   * no look: the engine waits for the leader's exit before it looks (a member forked meanwhile is seen then), and a
   * leader's trap may run programs to do its stop's work, which the stop's signal sent again would cut short.
   */
  @Override
  public boolean isTreeAlive() {
    synchronized (this) {
      if (!reaped) {
        return true;
      }
      if (treeGone) {
        return false;
      }
    }
    if (signalled.signal() == null) {
      return treeAlive(); // a crash, a SIGKILL: as cheap as ever
    }
    synchronized (signalled) {
      List<TreeSignalRecord.Member> tree = members();
      sendOwed(tree);
      return !tree.isEmpty() || treeAlive();
    }
  }

  /**
   * Whether the tree lives, and nothing more (the event loop's look at a run that ended): true while the leader is
   * unreaped, then the cgroup populated or, without cgroup v2, a running member of the session or group.
   */
  boolean treeAlive() {
    synchronized (this) {
      if (!reaped) {
        return true;
      }
      if (treeGone) {
        return false;
      }
    }
    boolean alive = false;
    if (cgroups != null) {
      alive = cgroups.populated();
    }
    if (!alive && (cgroups == null || !cgroups.hasV2())) {
      for (ProcStat s : proc.all()) {
        if ((s.session() == pid || s.pgrp() == pid) && s.startTicks() >= startTicks && proc.running(s)) {
          alive = true;
          break;
        }
      }
    }
    if (!alive) {
      synchronized (this) {
        treeGone = true;
      }
    }
    return alive;
  }

  /**
   * The tree's live members, each with its program: the cgroup's and, without cgroup v2, the session's and the
   * group's (none started before the run). Read before any signal that depends on it is sent.
   */
  private List<TreeSignalRecord.Member> members() {
    Map<Integer, TreeSignalRecord.Member> found = new LinkedHashMap<>();
    if (cgroups != null) {
      for (int member : cgroups.pids()) {
        proc.stat(member).filter(this::startedInRun).ifPresent(s -> found.put(member, member(s)));
      }
    }
    if (cgroups == null || !cgroups.hasV2()) {
      for (ProcStat s : proc.all()) {
        if (!found.containsKey(s.pid()) && (s.session() == pid || s.pgrp() == pid) && startedInRun(s)) {
          found.put(s.pid(), member(s));
        }
      }
    }
    return new ArrayList<>(found.values());
  }

  private boolean startedInRun(ProcStat s) {
    return s.startTicks() >= startTicks && proc.running(s);
  }

  private TreeSignalRecord.Member member(ProcStat s) {
    byte[] line = proc.readBytes(s.pid(), "cmdline").orElse(null);
    return new TreeSignalRecord.Member(s.pid(), s.startTicks(), s.pgrp(), line == null || line.length == 0 ? null : line);
  }

  /**
   * Sends the tree's recorded signal to each of {@code tree} it owes it (not reached yet, or reached while running
   * another program), each checked by pidfd as the same process the look found, and records them.
   */
  private boolean sendOwed(List<TreeSignalRecord.Member> tree) {
    Signal signal = signalled.signal();
    if (signal == null) {
      return false; // a SIGKILL went to the tree meanwhile
    }
    boolean any = false;
    for (TreeSignalRecord.Member m : tree) {
      if (signalled.owes(m)) {
        signalled.reached(m);
        any |= sendTo(m.pid(), signal, st -> st.startTicks() == m.startTicks() && (st.session() == pid || st.pgrp() == pid
            || cgroups != null && proc.read(m.pid(), "cgroup").map(cgroups::contains).orElse(false)));
      }
    }
    return any;
  }

  /** Marks the leader reaped; from now on the group id may be reused and is not signalled. */
  synchronized void markReaped() {
    reaped = true;
  }

  synchronized boolean reaped() {
    return reaped;
  }

  /** The session id, shared by every descendant that did not call {@code setsid}: the leader's pid. */
  int session() {
    return pid;
  }

  private boolean groupKill(Signal signal) {
    try {
      return Kernel.killGroup(pid, signal.number());
    } catch (NativeCallException e) {
      log.atWarn().addKeyValue("process", name).log("Cannot send {} to the process group of {} (pid {}): {}", signal, name, pid,
          e.getMessage());
      return false;
    }
  }

  private boolean send(Pidfd fd, Signal signal) {
    try {
      return fd.sendSignal(signal.number());
    } catch (NativeCallException e) {
      log.atWarn().addKeyValue("process", name).log("Cannot send {} to {} (pid {}): {}", signal, name, fd.pid(), e.getMessage());
      return false;
    }
  }

  /** Opens a pidfd for {@code member}, checks it is still the process we mean, and signals through it. */
  private boolean sendTo(int member, Signal signal, java.util.function.Predicate<ProcStat> stillOurs) {
    Optional<Pidfd> opened;
    try {
      opened = Pidfd.open(member);
    } catch (NativeCallException e) {
      return false;
    }
    if (opened.isEmpty()) {
      return false;
    }
    try (Pidfd fd = opened.get()) {
      // the pidfd pins the process now; check that the pid still names a member of this tree
      Optional<ProcStat> s = proc.stat(member);
      if (s.isEmpty() || s.get().startTicks() < startTicks || !stillOurs.test(s.get())) {
        return false;
      }
      return send(fd, signal);
    }
  }

  @Override
  public String toString() {
    return "LinuxProcess{" + name + ", pid " + pid + "}";
  }
}
