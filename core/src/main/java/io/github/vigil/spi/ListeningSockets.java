package io.github.vigil.spi;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Who holds a listening TCP socket: the kernel's socket tables tell which sockets listen on a port
 * (by inode), and the processes' descriptors tell which process holds each. Behind the health checks
 * that verify a port belongs to the supervised process ({@code HealthCheck.tcp}, {@code http}), and
 * meant for diagnosing a start that failed with {@code Address already in use}.
 *
 * <p>Offered by a backend through {@link ProcessBackend#listeningSockets()}: the Linux backend reads
 * {@code /proc/net/tcp}, {@code /proc/net/tcp6} and {@code /proc/PID/fd}; the JDK backend has none
 * (the JDK cannot tell who holds a socket), so its checks accept any listener. Only the caller's
 * network namespace is seen, and the descriptors of processes of other users are readable only with
 * the privileges to read them; such holders are not listed.
 *
 * <p>Implementations are thread-safe and read the operating system on the calling thread (file reads,
 * no blocking on the network).
 */
public interface ListeningSockets {

  /**
   * The TCP sockets (IPv4 and IPv6) listening on {@code port}, on any local address.
   *
   * @throws IOException when the socket tables cannot be read
   */
  List<Listener> listeners(int port) throws IOException;

  /**
   * The TCP sockets (IPv4 and IPv6) bound to {@code port} on this host that are not listening: connections
   * accepted on it, and those the kernel keeps in {@code TIME_WAIT} after a close (for 60 s on Linux). While one
   * remains, a {@code bind} of the port without {@code SO_REUSEADDR} fails with {@code Address already in use},
   * also after the process that held them is gone: a quote feed killed with connected clients cannot listen
   * again at once. The default knows none (a backend that cannot read the socket tables).
   *
   * @throws IOException when the socket tables cannot be read
   */
  default List<Connection> connections(int port) throws IOException {
    return List.of();
  }

  /**
   * The first of {@code pids} that holds one of {@code socketInodes}, reading only those processes'
   * descriptors: the cheap question "is it one of ours?". Processes that are gone or unreadable are
   * skipped.
   */
  OptionalLong holderAmong(Collection<Long> pids, Set<Long> socketInodes);

  /**
   * Every process holding one of {@code socketInodes}, with its command line, reading every
   * process's descriptors: slower, for when the answer to {@link #holderAmong} was no. Processes
   * whose descriptors cannot be read are skipped.
   */
  List<Holder> holders(Set<Long> socketInodes);

  /**
   * Who listens on {@code port} on {@code address} or on a wildcard address: the processes holding
   * the listening sockets.
   *
   * @throws IOException when the socket tables cannot be read
   */
  default List<Holder> whoListensOn(InetAddress address, int port) throws IOException {
    Set<Long> inodes = new LinkedHashSet<>();
    for (Listener l : listeners(port)) {
      if (l.accepts(address)) {
        inodes.add(l.inode());
      }
    }
    return inodes.isEmpty() ? List.of() : new ArrayList<>(holders(inodes));
  }

  /**
   * One listening socket.
   *
   * @param local the address and port it is bound to ({@code 0.0.0.0} or {@code ::} for all)
   * @param inode the kernel's socket inode, as in {@code socket:[inode]} of a descriptor
   */
  record Listener(InetSocketAddress local, long inode) {
    public Listener {
      requireNonNull(local, "local");
    }

    /**
     * Whether a connection to {@code address} on this port reaches this socket: it is bound to that
     * address (an IPv4-mapped IPv6 address counts as its IPv4 one) or to a wildcard. A wildcard IPv6
     * socket is taken to accept IPv4 too (the Linux default, {@code net.ipv6.bindv6only=0}).
     */
    public boolean accepts(InetAddress address) {
      InetAddress bound = local.getAddress();
      return bound.isAnyLocalAddress() || unmapped(bound).equals(unmapped(address));
    }

    private static InetAddress unmapped(InetAddress a) {
      byte[] b = a.getAddress();
      if (b.length == 16) {
        boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
        for (int i = 0; i < 10 && mapped; i++) {
          mapped = b[i] == 0;
        }
        if (mapped) {
          try {
            return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
          } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("cannot happen for 4 bytes", e);
          }
        }
      }
      return a;
    }
  }

  /**
   * A TCP socket bound to a port that is not listening.
   *
   * @param local its local address and port
   * @param remote the address and port of its peer
   * @param state the kernel's name of its state ({@code TIME_WAIT}, {@code ESTABLISHED}, ...)
   * @param inode the kernel's socket inode, as in {@code socket:[inode]} of a descriptor; 0 for a socket no process
   *     holds any more ({@code TIME_WAIT})
   */
  record Connection(InetSocketAddress local, InetSocketAddress remote, String state, long inode) {
    public Connection {
      requireNonNull(local, "local");
      requireNonNull(remote, "remote");
      requireNonNull(state, "state");
    }

    @Override
    public String toString() {
      return local.getAddress().getHostAddress() + ":" + local.getPort() + " <-> " + remote.getAddress().getHostAddress() + ":"
          + remote.getPort() + " " + state;
    }
  }

  /**
   * A process holding a listening socket.
   *
   * @param pid its pid
   * @param commandLine its arguments joined by spaces (its name in brackets when it has none, as
   *     {@code ps} shows kernel threads)
   * @param inode the socket it holds
   */
  record Holder(long pid, String commandLine, long inode) {
    public Holder {
      requireNonNull(commandLine, "commandLine");
    }

    @Override
    public String toString() {
      return "pid " + pid + " (" + commandLine + ")";
    }
  }
}
