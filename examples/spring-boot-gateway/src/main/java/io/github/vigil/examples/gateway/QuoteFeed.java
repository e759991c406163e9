package io.github.vigil.examples.gateway;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in quote feed: listens on a loopback TCP port (the first argument) and sends every
 * connected client a quote five times a second.
 */
public final class QuoteFeed {
  private QuoteFeed() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    int port = Integer.parseInt(args[0]);
    List<PrintWriter> clients = new CopyOnWriteArrayList<>();
    ServerSocket server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
    System.out.println("quote feed listening on " + server.getLocalSocketAddress());
    Thread acceptor = new Thread(() -> {
      while (true) {
        try {
          Socket s = server.accept();
          clients.add(new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8));
          System.out.println("client connected from " + s.getRemoteSocketAddress());
        } catch (IOException e) {
          return;
        }
      }
    }, "acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
    SplittableRandom random = new SplittableRandom();
    double price = 101.25;
    while (true) {
      price += (random.nextDouble() - 0.5) / 10;
      String quote = String.format(java.util.Locale.ROOT, "XLON VOD bid %.2f ask %.2f", price, price + 0.02);
      for (PrintWriter client : clients) {
        client.println(quote);
        if (client.checkError()) {
          clients.remove(client);
        }
      }
      Thread.sleep(200);
    }
  }
}
