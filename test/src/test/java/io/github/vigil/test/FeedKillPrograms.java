package io.github.vigil.test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The Spring example's quote feed and order gateway, reduced to what the feed-kill regression needs. */
final class FeedKillPrograms {
  private FeedKillPrograms() {}

  /**
   * A quote feed: listens on an ephemeral port (written to the file in args[0] once it accepts), streams quotes to every
   * client.
   */
  static final class Feed {
    public static void main(String[] args) throws Exception {
      Thread.sleep(300); // a JVM's start-up: the port opens a while after the process starts
      try (ServerSocket server = new ServerSocket()) {
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Path file = Path.of(args[0]);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, Integer.toString(server.getLocalPort()));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        while (true) {
          Socket client = server.accept();
          Thread t = new Thread(() -> {
            try (OutputStream out = client.getOutputStream()) {
              while (true) {
                out.write("EURUSD 1.0842\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(100);
              }
            } catch (Exception gone) {
              // the client left
            }
          });
          t.setDaemon(true);
          t.start();
        }
      }
    }
  }

  /**
   * An order gateway: connects to the feed whose port is in the file args[0], then writes the file args[0] +
   * {@code .gateway}; exits 1 when the feed's connection is lost.
   */
  static final class Gateway {
    public static void main(String[] args) throws Exception {
      Path file = Path.of(args[0]);
      int port = Integer.parseInt(Files.readString(file).trim());
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port); InputStream in = s.getInputStream()) {
        Files.writeString(file.resolveSibling(file.getFileName() + ".gateway"), "connected"); // it has the feed
        byte[] buf = new byte[256];
        while (in.read(buf) >= 0) {
          // consume quotes
        }
      }
      System.exit(1); // lost the feed
    }
  }

  /** The health check's probe: connects to the feed's current port. */
  static boolean feedAccepts(Path portFile) {
    try (Socket s = new Socket()) {
      int port = Integer.parseInt(Files.readString(portFile).trim());
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
