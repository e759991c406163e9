package io.github.vigil.internal;

import io.github.vigil.spi.ListeningSockets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether the socket a TCP or HTTP health check reached belongs to the supervised process: after a
 * check connected to a local address, the listening socket on that port must be held by the run's
 * process or one of its descendants. Otherwise another process holds the port (the supervised one
 * probably failed to bind it) and the check fails naming the holder.
 *
 * <p>Stateless; runs on a health-check thread.
 */
final class PortOwnership {
  private PortOwnership() {}

  /**
   * What a check that reached {@code address}:{@code port} says, given that it connected and found
   * {@code passed}: {@code passed} with the holder added when the socket is the process tree's (or
   * cannot be told), otherwise a failure naming the holder.
   */
  static HealthExecutor.Result verify(ListeningSockets sockets, String process, long pid, InetAddress address, int port,
      HealthExecutor.Result passed) {
    if (!isLocal(address) || pid <= 0) {
      return passed; // another machine's port: nothing to compare
    }
    List<ListeningSockets.Listener> listeners;
    try {
      listeners = sockets.listeners(port);
    } catch (IOException | RuntimeException e) {
      return passed; // the tables cannot be read: the check says what it saw, as without a lookup
    }
    Set<Long> inodes = new LinkedHashSet<>();
    for (ListeningSockets.Listener l : listeners) {
      if (l.accepts(address)) {
        inodes.add(l.inode());
      }
    }
    if (inodes.isEmpty()) {
      return passed; // not in this network namespace's tables (e.g. a container's port): cannot be told
    }
    List<Long> tree = new ArrayList<>();
    tree.add(pid);
    ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> tree.add(d.pid())));
    OptionalLong ours = sockets.holderAmong(tree, inodes);
    if (ours.isPresent()) {
      return HealthExecutor.Result.pass(passed.message() + "; port " + port + " held by "
          + (ours.getAsLong() == pid ? "the process (pid " + pid + ")" : "its descendant pid " + ours.getAsLong()));
    }
    List<ListeningSockets.Holder> holders = sockets.holders(inodes);
    String who = holders.isEmpty()
        ? "a process whose descriptors cannot be read (socket inode " + inodes.stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")"
        : holders.stream().map(ListeningSockets.Holder::toString).distinct().collect(Collectors.joining(", "));
    return HealthExecutor.Result.fail("port " + port + " on " + address.getHostAddress() + " is held by " + who + ", not by " + process
        + " (pid " + pid + ") or its descendants");
  }

  /** Whether {@code address} is this machine's: loopback, wildcard, or one of its interfaces' addresses. */
  static boolean isLocal(InetAddress address) {
    if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
      return true;
    }
    try {
      return NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return false;
    }
  }
}
