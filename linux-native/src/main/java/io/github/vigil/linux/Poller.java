package io.github.vigil.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A reusable {@code struct pollfd} array for {@code poll(2)}: {@link #clear()}, {@link #add} each
 * descriptor, {@link #poll}, then read {@link #revents}. {@code struct pollfd} is 8 bytes on every
 * Linux architecture: {@code int fd; short events; short revents}.
 *
 * <p>The set is built in a Java array and copied to the native one in one call, only when it differs
 * from what the native array holds; the results are copied back in one call, only when {@code poll}
 * reported events. An event loop that rebuilds the same set of a few hundred descriptors on every
 * wake-up (its timer, once a second) then makes one native call instead of one per field.
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
  // a pollfd as two ints: the fd, then events and revents as the two shorts of one int in the native byte order
  private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  private Memory fds = new Memory(64L * POLLFD_SIZE);
  private int[] wanted = new int[128]; // the set being built, revents 0
  private int[] inNative = new int[128]; // what the native array was last given
  private int inNativeCount = -1;
  private int[] results = new int[128]; // the native array after the last poll that reported events
  private int count;
  private int ready;

  /** Forgets every descriptor added. */
  public void clear() {
    count = 0;
    ready = 0;
  }

  /** Adds a descriptor to watch for {@code events}; returns its index. */
  public int add(int fd, short events) {
    if (2 * (count + 1) > wanted.length) {
      wanted = Arrays.copyOf(wanted, wanted.length * 2);
    }
    wanted[2 * count] = fd;
    wanted[2 * count + 1] = LITTLE_ENDIAN ? events & 0xffff : events << 16;
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
    int ints = 2 * count;
    if (count != inNativeCount || !Arrays.equals(wanted, 0, ints, inNative, 0, ints)) {
      if ((long) count * POLLFD_SIZE > fds.size()) {
        fds = new Memory(Math.max(fds.size() * 2, (long) count * POLLFD_SIZE));
      }
      if (ints > 0) {
        fds.write(0, wanted, 0, ints);
      }
      if (inNative.length < ints) {
        inNative = new int[wanted.length];
      }
      System.arraycopy(wanted, 0, inNative, 0, ints);
      inNativeCount = count;
    }
    int n;
    try {
      n = DirectLibC.poll(fds, count, timeoutMillis);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == LinuxLibC.EINTR) {
        n = 0;
      } else {
        throw new NativeCallException("poll(" + count + " descriptors)", e.getErrorCode());
      }
    }
    ready = n;
    if (n > 0) {
      if (results.length < ints) {
        results = new int[wanted.length];
      }
      fds.read(0, results, 0, ints);
    }
    return n;
  }

  /** The events that happened on the descriptor at {@code index} in the last {@link #poll}. */
  public short revents(int index) {
    if (ready == 0) {
      return 0;
    }
    int eventsAndRevents = results[2 * index + 1];
    return (short) (LITTLE_ENDIAN ? eventsAndRevents >>> 16 : eventsAndRevents);
  }
}
