package io.github.vigil.linux.proc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Starts real processes for tests, reads /proc the plain way to check the sampler, and cleans up. */
final class RealProcs implements AutoCloseable {
  private final List<Process> started = new ArrayList<>();
  private final List<Path> dirs = new ArrayList<>(); // the workloads' directories, deleted at close

  Process start(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    started.add(p);
    return p;
  }

  /** Starts {@link Workload} in a new JVM and waits for its "ready" line; returns it and the line's numbers. */
  Process workload(int files, int threads, int[] ports, String... extraArgs) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path dir = Files.createTempDirectory("vigil-workload");
    dirs.add(dir);
    List<String> cmd = new ArrayList<>(List.of(java, "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-Xmx64m", "-XX:TieredStopAtLevel=1", "-Dworkload.dir=" + dir, "-cp",
        System.getProperty("java.class.path"), Workload.class.getName(), Integer.toString(files), Integer.toString(threads)));
    cmd.addAll(List.of(extraArgs));
    Process p = start(cmd.toArray(new String[0]));
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    StringBuilder chatter = new StringBuilder();
    while ((line = r.readLine()) != null && !line.startsWith("ready ")) {
      chatter.append(line).append('\n'); // JVM chatter, or why it could not start
    }
    if (line == null) {
      boolean ended = waitQuietly(p);
      throw new IOException("workload ended before it was ready (" + (ended ? "exit code " + p.exitValue() : "still running")
          + "); its output:\n" + chatter);
    }
    String[] f = line.split(" ");
    ports[0] = Integer.parseInt(f[1]);
    ports[1] = Integer.parseInt(f[2]);
    return p;
  }

  private static boolean waitQuietly(Process p) {
    try {
      return p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() throws Exception {
    for (Process p : started) {
      // stopped first, so that it forks nothing between the look for its children and its end (a frozen
      // `sh` resumed by SIGCONT here used to start its `sleep 600` just before the kill, an orphan)
      signal(p.pid(), "STOP");
      List<ProcessHandle> children = p.descendants().toList();
      p.destroyForcibly(); // SIGKILL ends a stopped process too
      children.forEach(ProcessHandle::destroyForcibly);
      p.waitFor();
    }
    for (Path dir : dirs) { // a workload's files: one directory per workload was left in the temporary directory
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  static void signal(long pid, String sig) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-s", sig, Long.toString(pid)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
  }

  /** Stops the process with SIGSTOP and waits until every thread shows it, so its numbers hold still. */
  static void freeze(long pid) throws Exception {
    signal(pid, "STOP");
    if (!eventually(Duration.ofSeconds(10), () -> allThreadsStopped(pid))) {
      throw new AssertionError("process " + pid + " did not stop");
    }
  }

  private static boolean allThreadsStopped(long pid) {
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      return tasks.allMatch(t -> statField(t.resolve("stat"), 3).equals("T"));
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  static boolean eventually(Duration timeout, java.util.function.BooleanSupplier check) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (check.getAsBoolean()) {
        return true;
      }
      Thread.sleep(20);
    }
    return check.getAsBoolean();
  }

  /** Field {@code n} (1-based, as in proc(5)) of a stat file, read the plain way. */
  static String statField(Path stat, int n) {
    try {
      String s = Files.readString(stat);
      if (n == 2) {
        return s.substring(s.indexOf('(') + 1, s.lastIndexOf(')'));
      }
      String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
      return f[n - 3];
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static long stat(long pid, int n) {
    return Long.parseLong(statField(Path.of("/proc", Long.toString(pid), "stat"), n));
  }

  /** A {@code Key:} line's first number from a /proc file. */
  static long line(long pid, String file, String key) throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), file))) {
      if (l.startsWith(key)) {
        return Long.parseLong(l.substring(key.length()).trim().split("\\s+")[0]);
      }
    }
    throw new AssertionError("no " + key + " in /proc/" + pid + "/" + file);
  }

  /** What {@code ps -o FORMAT= -p PID} prints, trimmed. */
  static String ps(long pid, String format) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("ps", "-o", format + "=", "-p", Long.toString(pid)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    p.waitFor();
    return out;
  }

  static boolean hasPs() {
    try {
      return new ProcessBuilder("ps", "--version").redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
