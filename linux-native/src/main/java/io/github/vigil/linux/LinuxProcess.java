package io.github.vigil.linux;

import io.github.vigil.Signal;
import io.github.vigil.linux.proc.ProcFs;
import io.github.vigil.linux.proc.ProcStat;
import io.github.vigil.spi.ProcessListener;
import io.github.vigil.spi.RunningProcess;
import java.util.HashSet;
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
    if (!groupReached && !isTreeAlive()) {
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
