package io.github.vigil.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A process that is not a child of this JVM: {@code /bin/sh} (a child) starts the program in the
 * background and waits for it, so the program's parent is that shell, and the shell reaps it when it
 * dies (no zombie, no orphan adopted by this JVM even when the JVM is a child subreaper). The
 * program's path reaches the shell through the environment, so the shell's own command line never
 * matches a pattern meant for the program.
 *
 * <p>Neither outlives this JVM, however it ends: a second shell (a fork of the first, so also no child of this JVM)
 * reads the first one's standard input, a pipe whose other end only this JVM holds, and kills the program at its end
 * of file, which comes when this JVM dies (a test JVM killed mid-run left its outsiders for 1,000 s, and one of them
 * failed another build's {@code AttachNamesPropertyTest}); the first shell then ends, as it does when the program
 * ends for any other reason, after reaping it and the reader.
 *
 * <p>{@link #close()} kills both; tests use it in try-with-resources.
 */
public final class Outsider implements AutoCloseable {
  private final Process shell;
  private final long pid;

  private Outsider(Process shell, long pid) {
    this.shell = shell;
    this.pid = pid;
  }

  /**
   * The launcher: starts the program (without the pipe), prints its pid, starts the reader of the pipe (an
   * asynchronous list's standard input is {@code /dev/null}, so the pipe goes to it as descriptor 3), waits for the
   * program, then ends the reader and reaps it.
   */
  static final String SCRIPT = "\"$VIGIL_TEST_PROGRAM\" 1000 </dev/null >/dev/null 2>&1 & p=$!; echo $p;"
      + " exec 3<&0; { read -r _ <&3; kill -KILL $p; } >/dev/null 2>&1 & r=$!; exec 3<&-;"
      + " wait $p; kill -KILL $r 2>/dev/null; wait $r";

  /** Starts {@code program 1000} (a sleep under some name) as a grandchild; returns once it runs the program (on Linux). */
  public static Outsider start(Path program) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", SCRIPT);
    pb.environment().put("VIGIL_TEST_PROGRAM", program.toString());
    pb.redirectErrorStream(true);
    Process sh = pb.start();
    String line = new BufferedReader(new InputStreamReader(sh.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    if (line == null) {
      sh.destroyForcibly();
      throw new IOException("the launcher shell printed no pid");
    }
    Outsider o = new Outsider(sh, Long.parseLong(line.trim()));
    // the shell prints the pid right after its fork: until the exec, that process is a copy of the shell, and an
    // attach by command line would miss the program until its next rescan (CI on 3d8e51f, JDK 25, waited 20 s)
    Path real = program.toRealPath();
    Path exe = Path.of("/proc/" + o.pid + "/exe");
    boolean started;
    try {
      started = !Files.isDirectory(Path.of("/proc/self")) || Processes.eventually(Duration.ofSeconds(10), () -> {
        try {
          return Files.readSymbolicLink(exe).equals(real); // by path: names of every kind are tested (comm keeps 15 bytes)
        } catch (IOException e) {
          return false;
        }
      });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      started = false;
    }
    if (!started) {
      try {
        o.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IOException(program + " (pid " + o.pid + ") was not running it within 10 s");
    }
    return o;
  }

  /**
   * A copy of {@code sleep} at {@code dir/relative}, so a sleep runs under a name or command line
   * of the test's choosing (its {@code comm} is the file name, at most 15 bytes).
   */
  public static Path sleepAs(Path dir, String relative) throws IOException {
    Path copy = dir.resolve(relative);
    Files.createDirectories(copy.getParent());
    Path sleep = Files.isExecutable(Path.of("/bin/sleep")) ? Path.of("/bin/sleep") : Path.of("/usr/bin/sleep");
    Files.copy(sleep, copy);
    if (!copy.toFile().setExecutable(true)) {
      throw new IOException("cannot make " + copy + " executable");
    }
    return copy;
  }

  /** The program's pid. */
  public long pid() {
    return pid;
  }

  /** The program's parent pid from {@code /proc}, if it still runs. */
  public Optional<Long> parentPid() {
    return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid);
  }

  /** SIGKILL to the program (after checking, as the JDK does, that the pid still names it). */
  public boolean kill() {
    return ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false);
  }

  /** Waits until the launcher shell, which waits for the program, has ended. */
  public boolean awaitGone(Duration timeout) throws InterruptedException {
    return shell.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    kill();
    if (!shell.waitFor(10, TimeUnit.SECONDS)) {
      shell.destroyForcibly();
      shell.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
