package io.github.vigil.spring.boot.autoconfigure;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A webhook on loopback that keeps the body of every POST to {@code /hook}, for tests of the alerts' sinks. */
final class WebhookReceiver implements AutoCloseable {
  private final List<String> bodies = new ArrayList<>();
  private final HttpServer server;

  WebhookReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/hook", ex -> {
      synchronized (bodies) {
        bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        bodies.notifyAll();
      }
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    server.start();
  }

  /** The address to give the webhook sink. */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  /** The bodies received once there is at least one, or none when {@code timeout} passed without any. */
  List<String> awaitBodies(Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    synchronized (bodies) {
      while (bodies.isEmpty() && System.nanoTime() < end) {
        bodies.wait(200);
      }
      return List.copyOf(bodies);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
