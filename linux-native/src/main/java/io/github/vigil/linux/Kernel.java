package io.github.vigil.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.util.Optional;

/**
 * Process-wide calls: {@code getpid}, {@code kill} to a process group, {@code prctl} child subreaper,
 * reaping an adopted orphan by pid, {@code sysconf}, {@code getrlimit}.
 *
 * <p>Thread-safe: stateless.
 */
final class Kernel {
  private Kernel() {}

  /** Loads libc and checks that {@code pidfd_open} works on this kernel (5.3+). */
  public static void checkAvailable() {
    int self = pid();
    try (Pidfd p = Pidfd.open(self).orElseThrow(() -> new IllegalStateException("pidfd_open of this JVM found no process"))) {
      if (p.fd() < 0) {
        throw new IllegalStateException("pidfd_open returned no descriptor");
      }
    }
  }

  /** This JVM's process id. */
  public static int pid() {
    return LinuxLibC.INSTANCE.getpid();
  }

  /**
   * Sends {@code signal} to every member of process group {@code pgid} ({@code kill(-pgid, signal)}).
   *
   * @return false if the group has no member
   */
  public static boolean killGroup(int pgid, int signal) {
    if (pgid <= 1) {
      throw new IllegalArgumentException("process group must be above 1: " + pgid);
    }
    try {
      LinuxLibC.INSTANCE.kill(-pgid, signal);
      return true;
    } catch (LastErrorException e) {
      if (e.getErrorCode() == LinuxLibC.ESRCH) {
        return false;
      }
      throw new NativeCallException("kill(-" + pgid + ", " + signal + ")", e.getErrorCode());
    }
  }

  /** Makes this JVM the reaper of orphaned descendants ({@code PR_SET_CHILD_SUBREAPER}). */
  public static void becomeChildSubreaper() {
    setChildSubreaper(true);
  }

  /** Makes this JVM the reaper of orphaned descendants, or no longer ({@code PR_SET_CHILD_SUBREAPER}). */
  public static void setChildSubreaper(boolean on) {
    try {
      LinuxLibC.INSTANCE.prctl(LinuxLibC.PR_SET_CHILD_SUBREAPER, on ? 1L : 0L, 0L, 0L, 0L);
    } catch (LastErrorException e) {
      throw new NativeCallException("prctl(PR_SET_CHILD_SUBREAPER)", e.getErrorCode());
    }
  }

  /** Whether this JVM is a child subreaper. */
  public static boolean isChildSubreaper() {
    Memory flag = new Memory(4);
    flag.setInt(0, 0);
    try {
      LinuxLibC.INSTANCE.prctl(LinuxLibC.PR_GET_CHILD_SUBREAPER, flag, 0L, 0L, 0L);
    } catch (LastErrorException e) {
      throw new NativeCallException("prctl(PR_GET_CHILD_SUBREAPER)", e.getErrorCode());
    }
    return flag.getInt(0) != 0;
  }

  /**
   * Reaps child {@code pid} if it has exited ({@code waitid(P_PID, pid, WEXITED | WNOHANG)}): for
   * orphans adopted as child subreaper, which the backend did not spawn and has no pidfd for.
   *
   * @return its status, or empty while it runs or when it is not a child of this JVM
   */
  public static Optional<WaitStatus> reapChild(int pid) {
    try {
      return waitid(LinuxLibC.P_PID, pid);
    } catch (NativeCallException e) {
      if (e.errno() == LinuxLibC.ECHILD) {
        return Optional.empty();
      }
      throw e;
    }
  }

  // one siginfo_t (128 bytes) per thread that reaps (the event loop, mostly), as an int array: a JNA Memory per
  // call costs a malloc and a cleaner registration, and each of a Memory's reads is a native call of its own,
  // on the path from a death to its event
  private static final ThreadLocal<int[]> SIGINFO = ThreadLocal.withInitial(() -> new int[32]);

  /**
   * {@code waitid(idType, id, WEXITED | WNOHANG)}.
   *
   * @return the status, or empty while the process runs
   * @throws NativeCallException naming the call, with its errno
   */
  static Optional<WaitStatus> waitid(int idType, int id) {
    int[] info = SIGINFO.get();
    info[4] = 0; // si_pid stays 0 when nothing has exited (WNOHANG)
    while (true) {
      try {
        DirectLibC.waitid(idType, id, info, LinuxLibC.WEXITED | LinuxLibC.WNOHANG);
        break;
      } catch (LastErrorException e) {
        if (e.getErrorCode() != LinuxLibC.EINTR) {
          throw new NativeCallException(idType == LinuxLibC.P_PIDFD ? "waitid(P_PIDFD, " + id + ")" : "waitid(P_PID, " + id + ")",
              e.getErrorCode());
        }
      }
    }
    // x86-64 and aarch64 siginfo_t: si_signo +0, si_errno +4, si_code +8, si_pid +16, si_uid +20, si_status +24
    int pid = info[4];
    if (pid == 0) {
      return Optional.empty();
    }
    return Optional.of(new WaitStatus(pid, info[2], info[6]));
  }

  /** Clock ticks per second ({@code sysconf(_SC_CLK_TCK)}), the unit of times in {@code /proc/PID/stat}. */
  public static long clockTicksPerSecond() {
    return LinuxLibC.INSTANCE.sysconf(LinuxLibC._SC_CLK_TCK);
  }

  /** The page size in bytes. */
  public static long pageSize() {
    return LinuxLibC.INSTANCE.sysconf(LinuxLibC._SC_PAGESIZE);
  }

  /** This JVM's core-file size limits {@code [soft, hard]} in bytes; -1 means unlimited. */
  public static long[] coreLimit() {
    Memory rlim = new Memory(16);
    try {
      LinuxLibC.INSTANCE.getrlimit(LinuxLibC.RLIMIT_CORE, rlim);
    } catch (LastErrorException e) {
      throw new NativeCallException("getrlimit(RLIMIT_CORE)", e.getErrorCode());
    }
    return new long[] {rlim.getLong(0), rlim.getLong(8)};
  }

  /** This JVM's descriptor limits {@code [soft, hard]} ({@code RLIMIT_NOFILE}). */
  public static long[] descriptorLimit() {
    Memory rlim = new Memory(16);
    try {
      LinuxLibC.INSTANCE.getrlimit(LinuxLibC.RLIMIT_NOFILE, rlim);
    } catch (LastErrorException e) {
      throw new NativeCallException("getrlimit(RLIMIT_NOFILE)", e.getErrorCode());
    }
    return new long[] {rlim.getLong(0), rlim.getLong(8)};
  }

  /** Sets this JVM's soft descriptor limit (the hard one is kept); for tests of what happens at the limit. */
  public static void setDescriptorSoftLimit(long soft) {
    long hard = descriptorLimit()[1];
    Memory rlim = new Memory(16);
    rlim.setLong(0, soft);
    rlim.setLong(8, hard);
    try {
      LinuxLibC.INSTANCE.setrlimit(LinuxLibC.RLIMIT_NOFILE, rlim);
    } catch (LastErrorException e) {
      throw new NativeCallException("setrlimit(RLIMIT_NOFILE, " + soft + ")", e.getErrorCode());
    }
  }

  /**
   * SIGKILLs a child of this JVM that is not reaped yet, and its process group, then reaps it (blocking
   * until it has died, which SIGKILL makes prompt). Safe by pid only because the caller spawned it and
   * nobody else reaps it: until reaped, its pid (and group id) cannot name another process.
   */
  public static void killAndReapChild(int pid) {
    try {
      LinuxLibC.INSTANCE.kill(-pid, 9);
    } catch (LastErrorException e) {
      // not a group leader yet (or already gone): the pid alone below
    }
    try {
      LinuxLibC.INSTANCE.kill(pid, 9);
    } catch (LastErrorException e) {
      // ESRCH cannot happen for an unreaped child; nothing more to do either way
    }
    Memory info = Pidfd.siginfo();
    while (true) {
      try {
        LinuxLibC.INSTANCE.waitid(LinuxLibC.P_PID, pid, info, LinuxLibC.WEXITED);
        return;
      } catch (LastErrorException e) {
        if (e.getErrorCode() != LinuxLibC.EINTR) {
          throw new NativeCallException("waitid(P_PID, " + pid + ", WEXITED)", e.getErrorCode());
        }
      }
    }
  }
}
