package io.github.vigil.linux.proc;

import static java.util.Objects.requireNonNull;

import io.github.vigil.ProcessSample.Protocol;
import io.github.vigil.spi.ListeningSockets;
import io.github.vigil.spi.ProcFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@link ListeningSockets} from {@code /proc}: listening sockets from {@code net/tcp} and
 * {@code net/tcp6} (state {@code 0A}), holders from the {@code socket:[inode]} links of each
 * process's {@code fd/} directory, command lines from {@code cmdline} (or {@code [comm]}).
 *
 * <p>Stateless apart from the root it reads; thread-safe.
 */
public final class ProcListeningSockets implements ListeningSockets {

  private static final int LISTEN = 0x0A;

  private final Path proc;

  /** @param proc the proc file system's root, {@code /proc} (another root in tests) */
  public ProcListeningSockets(Path proc) {
    this.proc = requireNonNull(proc, "proc");
  }

  @Override
  public List<Listener> listeners(int port) throws IOException {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be in [0, 65535]: " + port);
    }
    List<Listener> out = new ArrayList<>();
    read(Protocol.TCP, port, out, true);
    read(Protocol.TCP6, port, out, false); // absent when IPv6 is off
    return out;
  }

  @Override
  public List<Connection> connections(int port) throws IOException {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be in [0, 65535]: " + port);
    }
    List<Connection> out = new ArrayList<>();
    String tcp = table(Protocol.TCP, true);
    parseConnections(tcp, Protocol.TCP, port, out);
    String tcp6 = table(Protocol.TCP6, false); // absent when IPv6 is off
    if (tcp6 != null) {
      parseConnections(tcp6, Protocol.TCP6, port, out);
    }
    return out;
  }

  private void read(Protocol protocol, int port, List<Listener> out, boolean required) throws IOException {
    String text = table(protocol, required);
    if (text != null) {
      parse(text, protocol, port, out);
    }
  }

  /** The text of {@code net/tcp} or {@code net/tcp6}; null when it is absent and not required. */
  private @Nullable String table(Protocol protocol, boolean required) throws IOException {
    Path table = proc.resolve("net").resolve(NetTables.table(protocol));
    try {
      return new String(Files.readAllBytes(table), StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      if (required) {
        throw e;
      }
      return null;
    }
  }

  /** Adds the sockets of one table ({@code net/tcp} or {@code net/tcp6} text) bound to {@code port} and not listening. */
  static void parseConnections(String table, Protocol protocol, int port, List<Connection> out) {
    String[] lines = table.split("\n");
    for (int i = 1; i < lines.length; i++) { // the first is the header
      String[] f = lines[i].trim().split("\\s+");
      if (f.length < 10) {
        continue;
      }
      int colon = f[1].indexOf(':');
      int state = Integer.parseInt(f[3], 16);
      if (colon < 0 || Integer.parseInt(f[1].substring(colon + 1), 16) != port || state == LISTEN) {
        continue;
      }
      byte[] local = f[1].getBytes(StandardCharsets.US_ASCII);
      byte[] remote = f[2].getBytes(StandardCharsets.US_ASCII);
      out.add(new Connection(NetTables.address(local, 0, local.length, protocol), NetTables.address(remote, 0, remote.length, protocol),
          NetTables.stateName(state), Long.parseLong(f[9])));
    }
  }

  /** Adds the sockets of one table ({@code net/tcp} or {@code net/tcp6} text) listening on {@code port}. */
  static void parse(String table, Protocol protocol, int port, List<Listener> out) {
    String[] lines = table.split("\n");
    for (int i = 1; i < lines.length; i++) { // the first is the header
      String[] f = lines[i].trim().split("\\s+");
      if (f.length < 10) {
        continue;
      }
      int colon = f[1].indexOf(':');
      if (colon < 0 || Integer.parseInt(f[1].substring(colon + 1), 16) != port || Integer.parseInt(f[3], 16) != LISTEN) {
        continue;
      }
      byte[] address = f[1].getBytes(StandardCharsets.US_ASCII);
      InetSocketAddress local = NetTables.address(address, 0, address.length, protocol);
      out.add(new Listener(local, Long.parseLong(f[9])));
    }
  }

  @Override
  public OptionalLong holderAmong(Collection<Long> pids, Set<Long> socketInodes) {
    for (long pid : pids) {
      if (holds(pid, socketInodes) != 0) {
        return OptionalLong.of(pid);
      }
    }
    return OptionalLong.empty();
  }

  @Override
  public List<Holder> holders(Set<Long> socketInodes) {
    List<Holder> out = new ArrayList<>();
    try (DirectoryStream<Path> all = Files.newDirectoryStream(proc)) {
      for (Path dir : all) {
        long pid = ProcFiles.pid(dir.getFileName().toString());
        if (pid < 0) {
          continue;
        }
        long inode = holds(pid, socketInodes);
        if (inode != 0) {
          out.add(new Holder(pid, commandLine(pid), inode));
        }
      }
    } catch (IOException e) {
      // /proc itself unreadable: nobody to name
    }
    return out;
  }

  /** The first of {@code inodes} process {@code pid} holds, or 0; 0 too when it is gone or its descriptors are unreadable. */
  private long holds(long pid, Set<Long> inodes) {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve(Long.toString(pid)).resolve("fd"))) {
      for (Path fd : fds) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException | UnsupportedOperationException e) {
          continue; // closed meanwhile
        }
        if (target.startsWith("socket:[") && target.endsWith("]")) {
          try {
            long inode = Long.parseLong(target.substring(8, target.length() - 1));
            if (inodes.contains(inode)) {
              return inode;
            }
          } catch (NumberFormatException e) {
            // not a socket inode
          }
        }
      }
    } catch (IOException | SecurityException e) {
      return 0; // gone, or another user's
    }
    return 0;
  }

  /** The command line of {@code pid}, arguments joined by spaces; {@code [comm]} when it has none; {@code ?} when gone. */
  String commandLine(long pid) {
    Path dir = proc.resolve(Long.toString(pid));
    try {
      byte[] b = Files.readAllBytes(dir.resolve("cmdline"));
      int end = b.length;
      while (end > 0 && b[end - 1] == 0) {
        end--;
      }
      if (end > 0) {
        return new String(b, 0, end, StandardCharsets.UTF_8).replace('\0', ' ');
      }
      return "[" + Files.readString(dir.resolve("comm"), StandardCharsets.UTF_8).trim() + "]";
    } catch (IOException e) {
      return "?";
    }
  }
}
