package io.github.vigil.warm;

import io.github.vigil.CheckResult;
import io.github.vigil.HealthCheck;
import io.github.vigil.HealthReport;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Run in a fresh JVM by {@code FirstCheckWarmUpTest}: a supervisor with one process that has a TCP
 * and an HTTP check against loopback servers of this JVM, registered and started at once, as a plain
 * Java application does. Prints, per check, the duration of each of its first attempts in
 * microseconds: {@code tcp 8123 410 388 ...}.
 */
public final class FirstCheckProbe {
  private FirstCheckProbe() {}

  public static void main(String[] args) throws Exception {
    ServerSocket tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    ServerSocket http = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    serve(tcp, false);
    serve(http, true);
    try (Supervisor supervisor = Supervisor.builder().name("warm").backend("jdk").build()) {
      ProcessController p = supervisor.register(ProcessSpec.builder("feed").command("sleep", args[0]).startupGrace(Duration.ZERO)
          .healthCheck(HealthCheck.tcp("localhost", tcp.getLocalPort()).name("tcp").interval(Duration.ofMillis(200)).build())
          .healthCheck(HealthCheck.http("http://localhost:" + http.getLocalPort() + "/health").name("http")
              .interval(Duration.ofMillis(200)).build())
          .build());
      p.start(Duration.ofSeconds(20));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (System.nanoTime() < deadline && (attempts(p.health(), "tcp") < 8 || attempts(p.health(), "http") < 8)) {
        Thread.sleep(50);
      }
      for (String check : List.of("tcp", "http")) {
        StringBuilder line = new StringBuilder(check);
        for (CheckResult r : p.health().check(check).orElseThrow().recent()) {
          line.append(' ').append(r.passed() ? r.duration().toNanos() / 1000 : -1);
          if (!r.passed()) {
            System.err.println(check + ": " + r);
          }
        }
        System.out.println(line);
      }
    }
  }

  private static long attempts(HealthReport report, String check) {
    return report.check(check).orElseThrow().attempts();
  }

  /** Accepts connections; for HTTP reads the request head and answers 200. */
  private static void serve(ServerSocket server, boolean http) {
    Thread t = new Thread(() -> {
      while (true) {
        try (Socket s = server.accept()) {
          if (http) {
            InputStream in = s.getInputStream();
            int matched = 0;
            int b;
            while (matched < 4 && (b = in.read()) >= 0) {
              matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
            }
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
          }
        } catch (Exception e) {
          return;
        }
      }
    }, "probe-server");
    t.setDaemon(true);
    t.start();
  }
}
