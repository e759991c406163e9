package io.github.vigil.examples.gateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in market-data recorder that the gateway does not start: someone runs it beside the
 * application (a cron job, another team's script), and the application attaches to it by its
 * command line to watch it. It records the quote feed (its port is the first argument), counting
 * quotes, and reconnects every second while the feed is away.
 */
public final class MarketDataRecorder {
  private MarketDataRecorder() {}

  public static void main(String[] args) throws InterruptedException {
    int port = Integer.parseInt(args[0]);
    long recorded = 0;
    while (true) {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
          BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
        for (String quote = in.readLine(); quote != null; quote = in.readLine()) {
          if (++recorded % 100 == 0) {
            System.out.println("recorded " + recorded + " quotes, last: " + quote);
          }
        }
      } catch (IOException e) {
        // the feed is not up (yet): try again
      }
      Thread.sleep(1000);
    }
  }
}
