package io.github.vigil.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A bound, non-blocking Unix datagram socket ({@code AF_UNIX}, {@code SOCK_DGRAM}) at a file system
 * path: the receiving end of systemd's notify protocol. {@code struct sockaddr_un} is a 2-byte
 * family followed by a 108-byte path on every Linux architecture.
 *
 * <p>{@link #receive} is for one thread at a time; {@link #close()} may be called from any thread and
 * removes the socket file.
 */
final class UnixDatagram implements AutoCloseable {
  private static final int SOCKADDR_UN_SIZE = 2 + LinuxLibC.UNIX_PATH_MAX;

  private final int fd;
  private final String path;
  private boolean closed; // guarded by this

  private UnixDatagram(int fd, String path) {
    this.fd = fd;
    this.path = path;
  }

  /**
   * Creates a socket bound to {@code path}, which must not exist.
   *
   * @throws NativeCallException naming the call that failed, e.g. {@code bind(/run/x.sock)}
   * @throws IllegalArgumentException when the path is longer than a socket address holds (107 bytes)
   */
  public static UnixDatagram bind(String path) {
    Memory address = address(path);
    int fd;
    try {
      fd = LinuxLibC.INSTANCE.socket(LinuxLibC.AF_UNIX, LinuxLibC.SOCK_DGRAM | LinuxLibC.SOCK_NONBLOCK | LinuxLibC.SOCK_CLOEXEC, 0);
    } catch (LastErrorException e) {
      throw new NativeCallException("socket(AF_UNIX, SOCK_DGRAM)", e.getErrorCode());
    }
    try {
      LinuxLibC.INSTANCE.bind(fd, address, SOCKADDR_UN_SIZE);
    } catch (LastErrorException e) {
      Fds.close(fd);
      throw new NativeCallException("bind(" + path + ")", e.getErrorCode());
    }
    return new UnixDatagram(fd, path);
  }

  /** Sends one datagram to the socket at {@code path}, as {@code sd_notify(3)} does. */
  public static void send(String path, String text) {
    Memory address = address(path);
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    Memory data = new Memory(Math.max(1, bytes.length));
    data.write(0, bytes, 0, bytes.length);
    int fd;
    try {
      fd = LinuxLibC.INSTANCE.socket(LinuxLibC.AF_UNIX, LinuxLibC.SOCK_DGRAM | LinuxLibC.SOCK_CLOEXEC, 0);
    } catch (LastErrorException e) {
      throw new NativeCallException("socket(AF_UNIX, SOCK_DGRAM)", e.getErrorCode());
    }
    try {
      LinuxLibC.INSTANCE.sendto(fd, data, bytes.length, 0, address, SOCKADDR_UN_SIZE);
    } catch (LastErrorException e) {
      throw new NativeCallException("sendto(" + path + ")", e.getErrorCode());
    } finally {
      Fds.close(fd);
    }
  }

  private static Memory address(String path) {
    byte[] p = path.getBytes(StandardCharsets.UTF_8);
    if (p.length == 0 || p.length >= LinuxLibC.UNIX_PATH_MAX) {
      throw new IllegalArgumentException("unix socket path must be 1 to " + (LinuxLibC.UNIX_PATH_MAX - 1) + " bytes: '" + path + "'");
    }
    Memory address = new Memory(SOCKADDR_UN_SIZE);
    address.clear();
    address.setShort(0, (short) LinuxLibC.AF_UNIX);
    address.write(2, p, 0, p.length);
    return address;
  }

  /** The descriptor, to poll for {@link Poller#IN}. */
  public int fd() {
    return fd;
  }

  public String path() {
    return path;
  }

  /** One waiting datagram as text, or {@code null} when none is waiting. */
  public @Nullable String receive(Memory buffer) {
    while (true) {
      try {
        long n = LinuxLibC.INSTANCE.recv(fd, buffer, buffer.size(), LinuxLibC.MSG_DONTWAIT);
        return new String(buffer.getByteArray(0, (int) n), StandardCharsets.UTF_8);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == LinuxLibC.EAGAIN) {
          return null;
        }
        if (e.getErrorCode() != LinuxLibC.EINTR) {
          throw new NativeCallException("recv(" + path + ")", e.getErrorCode());
        }
      }
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Fds.close(fd);
    try {
      LinuxLibC.INSTANCE.unlink(path);
    } catch (LastErrorException e) {
      // already gone
    }
  }

  @Override
  public String toString() {
    return "UnixDatagram{" + path + ", fd " + fd + "}";
  }
}
