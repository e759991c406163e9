package io.github.vigil.examples.gateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in order gateway: connects to the quote feed's loopback port (the first argument), and
 * prints every tenth quote it prices orders on. Exits with status 1 when it cannot connect or the
 * feed goes away, so its restart policy brings it back once the feed is up again.
 */
public final class OrderGateway {
  private OrderGateway() {}

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
      System.out.println("order gateway connected to the quote feed on port " + port);
      long n = 0;
      for (String quote = in.readLine(); quote != null; quote = in.readLine()) {
        if (n++ % 10 == 0) {
          System.out.println("pricing orders on: " + quote);
        }
      }
      System.err.println("quote feed closed the connection");
    } catch (IOException e) {
      System.err.println("quote feed unreachable: " + e);
    }
    System.exit(1);
  }
}
