package io.github.vigil.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;

/**
 * Pipes, non-blocking reads and an event counter ({@code eventfd}) for the backend's event loop.
 *
 * <p>Thread-safe: stateless.
 */
final class Fds {
  /** What {@link #read} returns when nothing is available yet ({@code EAGAIN}). */
  public static final int AGAIN = -1;

  private Fds() {}

  /** A pipe {@code [read end, write end]}, both close-on-exec. */
  public static int[] pipe() {
    int[] fds = new int[2];
    try {
      LinuxLibC.INSTANCE.pipe2(fds, LinuxLibC.O_CLOEXEC);
    } catch (LastErrorException e) {
      throw new NativeCallException("pipe2", e.getErrorCode());
    }
    return fds;
  }

  /** Makes reads from {@code fd} return at once when nothing is there. */
  public static void setNonBlocking(int fd) {
    try {
      int flags = LinuxLibC.INSTANCE.fcntl(fd, LinuxLibC.F_GETFL);
      LinuxLibC.INSTANCE.fcntl(fd, LinuxLibC.F_SETFL, flags | LinuxLibC.O_NONBLOCK);
    } catch (LastErrorException e) {
      throw new NativeCallException("fcntl(" + fd + ", O_NONBLOCK)", e.getErrorCode());
    }
  }

  /**
   * Reads at most {@code buffer.size()} bytes into native {@code buffer}.
   *
   * @return the number read, 0 at end of file, or {@link #AGAIN} when a non-blocking read finds nothing
   */
  public static int read(int fd, Memory buffer) {
    while (true) {
      try {
        return (int) DirectLibC.read(fd, buffer, buffer.size());
      } catch (LastErrorException e) {
        if (e.getErrorCode() == LinuxLibC.EAGAIN) {
          return AGAIN;
        }
        if (e.getErrorCode() != LinuxLibC.EINTR) {
          throw new NativeCallException("read(" + fd + ")", e.getErrorCode());
        }
      }
    }
  }

  /**
   * Reads and drops what a non-blocking pipe holds.
   *
   * @return true at end of file (every writer has closed it), false when it is empty and still open
   * @throws NativeCallException when a read fails otherwise
   */
  public static boolean drainToEnd(int fd) {
    Memory small = SMALL_BUFFER.get();
    while (true) {
      int got = read(fd, small);
      if (got == 0) {
        return true;
      }
      if (got == AGAIN) {
        return false;
      }
    }
  }

  /**
   * Writes one byte ({@code \n}) to a pipe: the word a prepared run waits for.
   *
   * @return false when no one reads the pipe any more ({@code EPIPE}) or it is full
   */
  public static boolean writeNewline(int fd) {
    Memory one = SMALL_BUFFER.get(); // on the way to a standby's release: no Memory of its own, no proxy call
    one.setByte(0, (byte) '\n');
    while (true) {
      try {
        return DirectLibC.write(fd, one, 1) == 1;
      } catch (LastErrorException e) {
        if (e.getErrorCode() != LinuxLibC.EINTR) {
          return false;
        }
      }
    }
  }

  /**
   * Writes the first {@code length} bytes of {@code buffer} to a pipe, all of them (a pipe takes up to its capacity,
   * 64 KiB, at once).
   *
   * @return false when no one reads the pipe any more ({@code EPIPE})
   */
  public static boolean writeAll(int fd, Memory buffer, int length) {
    int done = 0;
    while (done < length) {
      try {
        done += (int) DirectLibC.write(fd, buffer.share(done), length - done);
      } catch (LastErrorException e) {
        if (e.getErrorCode() != LinuxLibC.EINTR) {
          return false;
        }
      }
    }
    return true;
  }

  /** Opens {@code path} read-only, close-on-exec, optionally non-blocking. */
  public static int openReadOnly(String path, boolean nonBlocking) {
    return openReadOnly(Native.toByteArray(path), path, nonBlocking);
  }

  /** As {@link #openReadOnly(String, boolean)}, the path given as NUL-terminated bytes ({@link Native#toByteArray(String)}) made once. */
  static int openReadOnly(byte[] cPath, Object shown, boolean nonBlocking) {
    try {
      return DirectLibC.open(cPath, LinuxLibC.O_RDONLY | LinuxLibC.O_CLOEXEC | (nonBlocking ? LinuxLibC.O_NONBLOCK : 0));
    } catch (LastErrorException e) {
      throw new NativeCallException("open(" + shown + ")", e.getErrorCode());
    }
  }

  /** Moves {@code fd} to its end ({@code lseek(fd, 0, SEEK_END)}); for {@code /dev/kmsg}: skip the records logged so far. */
  public static void seekToEnd(int fd) {
    try {
      LinuxLibC.INSTANCE.lseek(fd, 0, 2);
    } catch (LastErrorException e) {
      throw new NativeCallException("lseek(" + fd + ", SEEK_END)", e.getErrorCode());
    }
  }

  /** Closes {@code fd}; an error is not reported (the descriptor is gone either way on Linux). */
  public static void close(int fd) {
    try {
      DirectLibC.close(fd);
    } catch (LastErrorException e) {
      // Linux releases the descriptor even when close reports an error
    }
  }

  /** A non-blocking, close-on-exec eventfd for waking a poll loop. */
  public static int eventfd() {
    try {
      return LinuxLibC.INSTANCE.eventfd(0, LinuxLibC.EFD_NONBLOCK | LinuxLibC.EFD_CLOEXEC);
    } catch (LastErrorException e) {
      throw new NativeCallException("eventfd", e.getErrorCode());
    }
  }

  // 8 bytes per thread for a small read or write (an eventfd's counter, a standby's newline): a JNA Memory per call costs a
  // malloc and a cleaner registration
  private static final ThreadLocal<Memory> SMALL_BUFFER = ThreadLocal.withInitial(() -> new Memory(8));

  /** Adds one to an eventfd, waking whoever polls it. */
  public static void signalEventfd(int fd) {
    Memory one = SMALL_BUFFER.get();
    one.setLong(0, 1);
    try {
      DirectLibC.write(fd, one, 8);
    } catch (LastErrorException e) {
      if (e.getErrorCode() != LinuxLibC.EAGAIN) {
        throw new NativeCallException("write(eventfd " + fd + ")", e.getErrorCode());
      }
    }
  }

  /** Resets an eventfd to zero. */
  public static void clearEventfd(int fd) {
    try {
      DirectLibC.read(fd, SMALL_BUFFER.get(), 8);
    } catch (LastErrorException e) {
      if (e.getErrorCode() != LinuxLibC.EAGAIN) {
        throw new NativeCallException("read(eventfd " + fd + ")", e.getErrorCode());
      }
    }
  }
}
