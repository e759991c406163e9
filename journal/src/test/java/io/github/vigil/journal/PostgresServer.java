package io.github.vigil.journal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: {@code initdb} in a temporary directory, {@code postgres} on a free
 * loopback port, run as the {@code postgres} user when the tests run as root (PostgreSQL refuses root).
 * {@link #stop()} and {@link #start()} again keep the data. {@link #close()} stops it and deletes everything.
 * Debian's package ({@code .ci/install.d/postgresql}) provides the binaries; {@link #unavailableReason()} says
 * why a test must skip.
 */
public final class PostgresServer implements AutoCloseable {
  private final Path bin;
  private final Path dir;
  private final int port;
  private final boolean asPostgresUser;
  private Process server;

  private PostgresServer(Path bin, Path dir, int port, boolean asPostgresUser) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  /** Why no server can be started here, or empty when one can. */
  public static Optional<String> unavailableReason() {
    if (findBin().isEmpty()) {
      return Optional.of("PostgreSQL is not installed (no initdb/postgres; run .ci/install.d/postgresql)");
    }
    if (isRoot() && !Files.isExecutable(Path.of("/usr/bin/setpriv"))) {
      return Optional.of("running as root and no setpriv to run PostgreSQL as the postgres user");
    }
    return Optional.empty();
  }

  /** Creates a cluster and starts it. */
  public static PostgresServer start(String name) throws Exception {
    Path bin = findBin().orElseThrow(() -> new IllegalStateException(unavailableReason().orElse("no PostgreSQL")));
    Path dir = Files.createTempDirectory("vigil-pg-" + name + "-");
    boolean root = isRoot();
    if (root) {
      run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
      run(List.of("chmod", "755", dir.toString()));
    }
    PostgresServer s = new PostgresServer(bin, dir, freePort(), root);
    s.exec(List.of(bin.resolve("initdb").toString(), "-D", s.data().toString(), "-U", "vigil", "--auth=trust", "-E", "UTF8", "--no-sync",
        "--no-instructions"), true);
    s.start();
    return s;
  }

  private Path data() {
    return dir.resolve("data");
  }

  /** Starts the server (again) and waits until it accepts connections. */
  public synchronized void start() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(bin.resolve("postgres").toString(), "-D", data().toString(), "-p", Integer.toString(port),
        "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=30"));
    server = new ProcessBuilder(wrap(cmd)).redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!server.isAlive()) {
        throw new IllegalStateException("postgres exited with " + server.exitValue() + ": " + log());
      }
      try (Connection c = DriverManager.getConnection(url(), "vigil", "")) {
        return;
      } catch (SQLException e) {
        last = e;
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("postgres did not accept connections within 60 s: " + last + "\n" + log());
  }

  /** Stops the server with a fast shutdown (SIGINT: clients disconnected, data kept) and waits for it. */
  public synchronized void stop() throws Exception {
    if (server != null && server.isAlive()) {
      new ProcessBuilder("kill", "-INT", Long.toString(server.pid())).inheritIO().start().waitFor();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor();
      }
    }
  }

  /** The JDBC URL of the {@code postgres} database. */
  public String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=vigil&connectTimeout=2&socketTimeout=10";
  }

  public int port() {
    return port;
  }

  public String log() {
    try {
      return Files.readString(dir.resolve("server.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws Exception {
    try {
      stop();
    } finally {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private List<String> wrap(List<String> cmd) {
    if (!asPostgresUser) {
      return cmd;
    }
    List<String> w = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"));
    w.addAll(cmd);
    return w;
  }

  private void exec(List<String> cmd, boolean wrap) throws Exception {
    Process p = new ProcessBuilder(wrap ? wrap(cmd) : cmd).redirectErrorStream(true).directory(dir.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
  }

  private static void run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
    }
  }

  private static Optional<Path> findBin() {
    List<Path> candidates = new ArrayList<>();
    try {
      Process p = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() == 0) {
        candidates.add(Path.of(out));
      }
    } catch (IOException | InterruptedException e) {
      // not installed
    }
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      versions.sorted(Comparator.reverseOrder()).forEach(v -> candidates.add(v.resolve("bin")));
    } catch (IOException e) {
      // not installed
    }
    return candidates.stream().filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("postgres"))).findFirst();
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
