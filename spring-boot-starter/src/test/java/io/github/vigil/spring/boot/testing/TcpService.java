package io.github.vigil.spring.boot.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A child for tests: listens on a loopback port (first argument) until a file (second argument)
 * appears, then closes its listening socket and stays alive, so a TCP health check on it fails
 * while the process runs.
 */
public final class TcpService {
  private TcpService() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    ServerSocket server = new ServerSocket(Integer.parseInt(args[0]), 50, InetAddress.getLoopbackAddress());
    Path stopListening = Path.of(args[1]);
    Thread acceptor = new Thread(() -> {
      while (true) {
        try (Socket s = server.accept()) {
          // a health check only connects
        } catch (IOException e) {
          return;
        }
      }
    }, "acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
    while (!Files.exists(stopListening)) {
      Thread.sleep(20);
    }
    server.close();
    Thread.sleep(Long.MAX_VALUE);
  }
}
