package io.github.vigil.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.util.Optional;

/**
 * A file descriptor that names one process for as long as it is open ({@code pidfd_open}), so a
 * signal sent through it never reaches a later process that reused the pid. It becomes readable
 * ({@code POLLIN}) once the process has exited.
 *
 * <p>Thread-safe: every method holds the instance's lock, so a signal never races the close.
 */
final class Pidfd implements AutoCloseable {
  private final int pid;
  private int fd;

  private Pidfd(int pid, int fd) {
    this.pid = pid;
    this.fd = fd;
  }

  /**
   * Opens a pidfd for {@code pid}.
   *
   * @return empty if no such process exists (it was already reaped)
   * @throws NativeCallException for any other failure, e.g. {@code ENOSYS} on kernels before 5.3
   */
  public static Optional<Pidfd> open(int pid) {
    try {
      int fd = (int) LinuxLibC.INSTANCE.syscall(LinuxLibC.SYS_PIDFD_OPEN, (long) pid, 0L);
      return Optional.of(new Pidfd(pid, fd));
    } catch (LastErrorException e) {
      if (e.getErrorCode() == LinuxLibC.ESRCH) {
        return Optional.empty();
      }
      throw new NativeCallException("pidfd_open(" + pid + ")", e.getErrorCode());
    }
  }

  /** The process id this pidfd was opened for. */
  public int pid() {
    return pid;
  }

  /** The descriptor, for polling; -1 once closed. */
  public synchronized int fd() {
    return fd;
  }

  /**
   * Sends {@code signal} through the pidfd.
   *
   * @return false if the process has been reaped (or this pidfd is closed)
   * @throws NativeCallException on any other failure (e.g. {@code EPERM})
   */
  public synchronized boolean sendSignal(int signal) {
    if (fd < 0) {
      return false;
    }
    try {
      LinuxLibC.INSTANCE.syscall(LinuxLibC.SYS_PIDFD_SEND_SIGNAL, (long) fd, (long) signal, 0L, 0L);
      return true;
    } catch (LastErrorException e) {
      if (e.getErrorCode() == LinuxLibC.ESRCH) {
        return false;
      }
      throw new NativeCallException("pidfd_send_signal(pid " + pid + ", " + signal + ")", e.getErrorCode());
    }
  }

  /**
   * Reaps the process if it has exited ({@code waitid(P_PIDFD, fd, WEXITED | WNOHANG)}).
   *
   * @return its status, or empty while it still runs
   * @throws NativeCallException with {@code ECHILD} when it is not a child of this JVM or was reaped already
   */
  public synchronized Optional<WaitStatus> reap() {
    if (fd < 0) {
      throw new IllegalStateException("pidfd of " + pid + " is closed");
    }
    try {
      return Kernel.waitid(LinuxLibC.P_PIDFD, fd);
    } catch (NativeCallException e) {
      throw new NativeCallException("waitid(P_PIDFD, pid " + pid + ")", e.errno());
    }
  }

  @Override
  public synchronized void close() {
    if (fd >= 0) {
      Fds.close(fd);
      fd = -1;
    }
  }

  @Override
  public String toString() {
    return "Pidfd{pid " + pid + ", fd " + fd + "}";
  }

  static Memory siginfo() {
    Memory m = new Memory(128);
    m.clear();
    return m;
  }
}
