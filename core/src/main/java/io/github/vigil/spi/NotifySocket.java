package io.github.vigil.spi;

/**
 * A receiving end of systemd's notify protocol ({@code sd_notify(3)}) for one supervised process: a
 * Unix datagram socket whose address a child finds in {@code NOTIFY_SOCKET}. Each datagram it receives
 * goes to the {@link Listener} given when it was opened.
 *
 * <p>Implementations must be thread-safe; {@link #close()} is idempotent and removes the socket.
 */
public interface NotifySocket extends AutoCloseable {

  /** The value for the child's {@code NOTIFY_SOCKET}: a file system path, or {@code @name} for the abstract namespace. */
  String address();

  /** Stops receiving and removes the socket. */
  @Override
  void close();

  /** Receives the datagrams of one socket, on a thread of the backend's. Must not block. */
  @FunctionalInterface
  interface Listener {
    /** One datagram: newline-separated {@code KEY=VALUE} assignments such as {@code READY=1}. */
    void onDatagram(String text);
  }
}
