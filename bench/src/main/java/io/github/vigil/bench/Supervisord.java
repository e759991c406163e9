package io.github.vigil.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A supervisord of our own: a config in a temporary directory, its control socket a unix socket in that
 * directory (no TCP listener), run in the foreground as our child and stopped by {@link #close()}.
 * Not thread-safe.
 */
final class Supervisord implements AutoCloseable {
  private final Path dir;
  private final Process process;

  private Supervisord(Path dir, Process process) {
    this.dir = dir;
    this.process = process;
  }

  /** The supervisord on the PATH, if any. */
  static Optional<Path> binary() {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path p = Path.of(d, "supervisord");
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** supervisord's version ("4.2.5"), or "absent". */
  static String version() {
    return binary().map(b -> {
      try {
        Process p = new ProcessBuilder(b.toString(), "--version").redirectErrorStream(true).start();
        String v = new String(p.getInputStream().readAllBytes()).trim();
        p.waitFor();
        return v;
      } catch (IOException e) {
        return "unknown";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "unknown";
      }
    }).orElse("absent");
  }

  /**
   * Starts supervisord supervising {@code count} copies of {@code command} with {@code autorestart=true},
   * {@code startsecs=0} (and no start-retry limit that 200 crashes could reach), output discarded.
   */
  static Supervisord start(String command, int count) throws IOException {
    Path bin = binary().orElseThrow(() -> new IllegalStateException("supervisord is not installed (.ci/install.d/supervisor)"));
    Path dir = Files.createTempDirectory("vigil-bench-supervisord");
    String conf = String.join("\n",
        "[unix_http_server]",
        "file=" + dir.resolve("supervisor.sock"),
        "chmod=0700",
        "",
        "[supervisord]",
        "nodaemon=true",
        "logfile=" + dir.resolve("supervisord.log"),
        "pidfile=" + dir.resolve("supervisord.pid"),
        "childlogdir=" + dir,
        "minfds=8192",
        "minprocs=2048",
        "loglevel=warn",
        "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
        "",
        "[supervisorctl]",
        "serverurl=unix://" + dir.resolve("supervisor.sock"),
        "",
        "[program:sleeper]",
        "command=" + command,
        "process_name=%(program_name)s_%(process_num)d",
        "numprocs=" + count,
        "autostart=true",
        "autorestart=true",
        "startsecs=0",
        "startretries=1000000",
        "stdout_logfile=NONE",
        "stderr_logfile=NONE",
        "");
    Path file = dir.resolve("supervisord.conf");
    Files.writeString(file, conf);
    Process p = new ProcessBuilder(bin.toString(), "-n", "-c", file.toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("stdout.txt").toFile()).start();
    return new Supervisord(dir, p);
  }

  long pid() {
    return process.pid();
  }

  /** Stops supervisord (SIGTERM: it stops its children first), then removes the directory. */
  @Override
  public void close() throws IOException, InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
