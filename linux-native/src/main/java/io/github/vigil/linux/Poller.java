package io.github.vigil.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

/**
 * A reusable {@code struct pollfd} array for {@code poll(2)}: {@link #clear()}, {@link #add} each
 * descriptor, {@link #poll}, then read {@link #revents}. {@code struct pollfd} is 8 bytes on every
 * Linux architecture: {@code int fd; short events; short revents}.
 *
 * <p>Not thread-safe: owned by one event-loop thread.
 */
final class Poller {
  /** Data to read. */
  public static final short IN = LinuxLibC.POLLIN;
  /** Priority data, e.g. a change of a cgroup's {@code cgroup.events}. */
  public static final short PRI = LinuxLibC.POLLPRI;
  /** Error, hang-up, or invalid descriptor. */
  public static final short ERR_HUP_NVAL = LinuxLibC.POLLERR | LinuxLibC.POLLHUP | LinuxLibC.POLLNVAL;

  static final int POLLFD_SIZE = 8;

  private Memory fds = new Memory(64L * POLLFD_SIZE);
  private int count;

  /** Forgets every descriptor added. */
  public void clear() {
    count = 0;
  }

  /** Adds a descriptor to watch for {@code events}; returns its index. */
  public int add(int fd, short events) {
    if ((long) (count + 1) * POLLFD_SIZE > fds.size()) {
      Memory bigger = new Memory(fds.size() * 2);
      bigger.write(0, fds.getByteArray(0, count * POLLFD_SIZE), 0, count * POLLFD_SIZE);
      fds = bigger;
    }
    long at = (long) count * POLLFD_SIZE;
    fds.setInt(at, fd);
    fds.setShort(at + 4, events);
    fds.setShort(at + 6, (short) 0);
    return count++;
  }

  /** How many descriptors are in the set. */
  public int size() {
    return count;
  }

  /**
   * Waits for an event on any descriptor.
   *
   * @param timeoutMillis -1 to wait without limit
   * @return the number of descriptors with events; 0 on timeout or interruption by a signal
   */
  public int poll(int timeoutMillis) {
    try {
      return DirectLibC.poll(fds, count, timeoutMillis);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == LinuxLibC.EINTR) {
        return 0;
      }
      throw new NativeCallException("poll(" + count + " descriptors)", e.getErrorCode());
    }
  }

  /** The events that happened on the descriptor at {@code index}. */
  public short revents(int index) {
    return fds.getShort((long) index * POLLFD_SIZE + 6);
  }
}
