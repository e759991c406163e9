package io.github.vigil.alerts;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** com.sun.net.httpserver on 127.0.0.1, an ephemeral port: records every request, answers what it is told. */
final class LocalHttpServer implements AutoCloseable {
  record Request(String method, String path, String query, Map<String, List<String>> headers, String body) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newSingleThreadExecutor();
  private final List<Request> requests = new ArrayList<>();
  private volatile int status = 200;
  private volatile String answer = "{\"errcode\":0,\"errmsg\":\"ok\"}";

  LocalHttpServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      synchronized (requests) {
        requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), ex.getRequestURI().getRawQuery(),
            Map.copyOf(ex.getRequestHeaders()), body));
        requests.notifyAll();
      }
      byte[] out = answer.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status, out.length);
      ex.getResponseBody().write(out);
      ex.close();
    });
    server.setExecutor(executor);
    server.start();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  void answer(int httpStatus, String body) {
    this.status = httpStatus;
    this.answer = body;
  }

  List<Request> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  /** The requests heard, once {@code until} accepts them; an AssertionError naming them after {@code timeout}. */
  List<Request> await(java.util.function.Predicate<List<Request>> until, java.time.Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (requests) {
      while (!until.test(List.copyOf(requests))) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("not heard within " + timeout + ": " + requests);
        }
        requests.wait(Math.max(1, left / 1_000_000));
      }
      return List.copyOf(requests);
    }
  }

  Request last() {
    List<Request> r = requests();
    return r.get(r.size() - 1);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
