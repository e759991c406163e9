package io.github.vigil.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.Closeable;
import java.util.Locale;

/**
 * An {@code epoll(7)} instance: descriptors are {@linkplain #add added} once and {@linkplain #remove removed}
 * before they are closed, and {@link #await} returns only those with events. The event loop used {@code poll}
 * on a set rebuilt on every wake-up, which charges every descriptor on every call: with 100 idle children (301
 * descriptors) the loop took about 0.3 ms more CPU a wake-up with {@code poll} than it does now
 * ({@code bench/results/idle-loop-ab.md}), and a death's wake-up paid it too. Level-triggered, like {@code poll}:
 * a descriptor still readable is returned again.
 *
 * <p>{@code struct epoll_event} is {@code uint32_t events; uint64_t data} packed to 12 bytes on x86-64 and
 * 16 bytes (data at 8) elsewhere; the data is the descriptor itself.
 *
 * <p>Not thread-safe: owned by one event-loop thread.
 */
final class Epoll implements Closeable {
  static final int IN = 0x001;
  private static final int CTL_ADD = 1;
  private static final int CTL_DEL = 2;
  private static final int EPOLL_CLOEXEC = 0x80000;
  private static final int ENOENT = 2;
  private static final int EBADF = 9;
  private static final boolean PACKED = isX86_64(System.getProperty("os.arch", ""));
  private static final int EVENT_SIZE = PACKED ? 12 : 16;
  private static final int DATA_OFFSET = PACKED ? 4 : 8;

  private final int fd;
  private final int capacity;
  private final Memory events;
  private final Memory one = new Memory(16);

  /** An epoll instance that returns at most {@code capacity} events a call. */
  Epoll(int capacity) {
    try {
      this.fd = DirectLibC.epoll_create1(EPOLL_CLOEXEC);
    } catch (LastErrorException e) {
      throw new NativeCallException("epoll_create1", e.getErrorCode());
    }
    this.capacity = capacity;
    this.events = new Memory((long) capacity * EVENT_SIZE);
  }

  static boolean isX86_64(String osArch) {
    String a = osArch.toLowerCase(Locale.ROOT);
    return a.equals("amd64") || a.equals("x86_64");
  }

  /** Watches {@code watched} for {@code events} ({@link #IN}; errors and hang-ups are always reported). */
  void add(int watched, int eventMask) {
    one.clear();
    one.setInt(0, eventMask);
    one.setLong(DATA_OFFSET, watched);
    try {
      DirectLibC.epoll_ctl(fd, CTL_ADD, watched, one);
    } catch (LastErrorException e) {
      throw new NativeCallException("epoll_ctl(ADD, " + watched + ")", e.getErrorCode());
    }
  }

  /** Stops watching {@code watched}; call it before closing that descriptor. Quiet if it was not watched. */
  void remove(int watched) {
    try {
      DirectLibC.epoll_ctl(fd, CTL_DEL, watched, null);
    } catch (LastErrorException e) {
      if (e.getErrorCode() != ENOENT && e.getErrorCode() != EBADF) {
        throw new NativeCallException("epoll_ctl(DEL, " + watched + ")", e.getErrorCode());
      }
    }
  }

  /**
   * Waits for events.
   *
   * @param timeoutMillis -1 to wait without limit
   * @return how many descriptors have events (read them with {@link #fd(int)} and {@link #events(int)}); 0 on
   *     timeout or interruption by a signal
   */
  int await(int timeoutMillis) {
    try {
      return DirectLibC.epoll_wait(fd, events, capacity, timeoutMillis);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == LinuxLibC.EINTR) {
        return 0;
      }
      throw new NativeCallException("epoll_wait", e.getErrorCode());
    }
  }

  /** The descriptor of the {@code i}th event of the last {@link #await}. */
  int fd(int i) {
    return (int) events.getLong((long) i * EVENT_SIZE + DATA_OFFSET);
  }

  /** The events of the {@code i}th event of the last {@link #await}. */
  int events(int i) {
    return events.getInt((long) i * EVENT_SIZE);
  }

  @Override
  public void close() {
    Fds.close(fd);
  }
}
