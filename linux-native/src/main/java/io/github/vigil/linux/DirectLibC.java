package io.github.vigil.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The libc calls on the path from a child's death to its event (and the event loop's every wake-up), bound by JNA's direct mapping
 * ({@link Native#register(String)}): a native method each, where {@link LinuxLibC}'s interface
 * mapping goes through a {@link java.lang.reflect.Proxy} and boxes every argument. That path runs
 * a few hundred times in a JVM's life, so it is mostly interpreted, where the proxy costs most.
 * Errno arrives as {@link LastErrorException}, as in {@link LinuxLibC}.
 */
final class DirectLibC {
  static {
    Native.register("c");
  }

  private DirectLibC() {
  }

  static native int poll(Pointer fds, long nfds, int timeout) throws LastErrorException;

  /** {@code siginfo} is a {@code siginfo_t} as 32 ints: read as an array, not through a {@link Pointer}'s calls. */
  static native int waitid(int idtype, int id, int[] siginfo, int options) throws LastErrorException;

  static native long read(int fd, Pointer buffer, long count) throws LastErrorException;

  static native long write(int fd, Pointer buffer, long count) throws LastErrorException;

  static native long pread(int fd, byte[] buffer, long count, long offset) throws LastErrorException;

  /**
   * {@code open} without its optional mode: C declares it variadic, which direct mapping does not bind, and the
   * mode is read only with {@code O_CREAT} or {@code O_TMPFILE}, never passed here. The path is NUL-terminated
   * bytes ({@link Native#toByteArray(String)}): a {@code String} argument is copied into a new native
   * {@code Memory} on every call, which cost more than the open itself (13 against 6 µs a call interpreted).
   */
  static native int open(byte[] path, int flags) throws LastErrorException;

  static native int close(int fd) throws LastErrorException;

  static native int epoll_create1(int flags) throws LastErrorException;

  static native int epoll_ctl(int epfd, int op, int fd, Pointer event) throws LastErrorException;

  static native int epoll_wait(int epfd, Pointer events, int maxevents, int timeout) throws LastErrorException;
}
