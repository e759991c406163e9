package io.github.vigil.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.StdStream;
import io.github.vigil.Termination;
import io.github.vigil.testing.Processes;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK backend reads a run's output until no writer in its tree is left, from read ends of its own ({@link OwnPipes}),
 * as the Linux backend reads its pipes until their end: the JDK closes a child's pipes once the child exits, and a
 * descendant that wrote after that died of {@code SIGPIPE} and its lines were lost. Its own read ends are closed once
 * the tree is gone: none is left open.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class JdkLateOutputTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** Records the output and the exit, and what had come when the exit came. */
  static final class Listener implements ProcessListener {
    final StringBuffer out = new StringBuffer();
    final StringBuffer err = new StringBuffer();
    final CompletableFuture<Termination> exit = new CompletableFuture<>();

    @Override
    public void onOutput(StdStream stream, byte[] buffer, int offset, int length) {
      (stream == StdStream.STDOUT ? out : err).append(new String(buffer, offset, length, StandardCharsets.UTF_8));
    }

    @Override
    public void onExit(Termination termination) {
      exit.complete(termination);
    }
  }

  private static SpawnRequest sh(String name, String script) {
    return new SpawnRequest(name, List.of("/bin/sh", "-c", script), null, Map.of("PATH", System.getenv("PATH")), Path.of("/bin/sh"));
  }

  @Test
  void aDescendantWritingAfterTheRootExitedIsReadAndItsPipesAreClosedOnceTheTreeIsGone(@TempDir Path dir) throws Exception {
    Path go = dir.resolve("go");
    Path end = dir.resolve("end");
    assertThat(new ProcessBuilder("mkfifo", go.toString(), end.toString()).inheritIO().start().waitFor()).isZero();
    // the descendant names the run's pipes (its descriptors 1 and 2, by readlink's 3 and 4), waits for the test on a
    // fifo, which lets it go once the root's exit is reported, and writes to both. The root ends when the test says
    String script = "d='" + dir + "'; ( exec 3>&1 4>&2; readlink /proc/self/fd/3 /proc/self/fd/4 > \"$d/pipes\"; "
        + "read x < \"$d/go\"; echo late; echo later >&2; : > \"$d/done\" ) & read y < \"$d/end\"; exit 0";
    JdkProcessBackend backend = new JdkProcessBackend(new BackendContext("late-output", null));
    try {
      Listener l = new Listener();
      RunningProcess run = backend.spawn(sh("leaver", script), l);
      try (RandomAccessFile f = release(end)) {
        assertThat(l.exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(new Termination.Exited(0));
      }
      assertThat(Processes.eventually(WAIT, () -> Files.exists(dir.resolve("pipes")) && lines(dir.resolve("pipes")).size() == 2)).isTrue();
      List<String> pipes = lines(dir.resolve("pipes"));
      try (RandomAccessFile f = release(go)) {
        assertThat(Processes.eventually(WAIT, () -> Files.exists(dir.resolve("done"))))
            .as("the descendant wrote after the root's exit and went on (it died of SIGPIPE when the JDK's pipes were all)").isTrue();
      }
      assertThat(Processes.eventually(WAIT, () -> l.out.toString().equals("late\n") && l.err.toString().equals("later\n")))
          .as("read after the exit: stdout %s, stderr %s", l.out, l.err).isTrue();
      assertThat(Processes.eventually(WAIT, () -> !run.isTreeAlive())).as("the run's tree is gone").isTrue();
      assertThat(Processes.eventually(WAIT, () -> heldOpen(pipes).isEmpty()))
          .as("descriptors of this JVM still open on the run's pipes %s: %s", pipes, heldOpen(pipes)).isTrue();
    } finally {
      backend.close();
    }
  }

  /**
   * Runs that end, with or without output, leave no descriptor of this JVM open on a pipe once their trees are gone:
   * their own read ends are closed then, or at the backend's close.
   */
  @Test
  void runsLeaveNoPipeOpen() throws Exception {
    long pipesBefore = pipesHeld();
    JdkProcessBackend backend = new JdkProcessBackend(new BackendContext("late-pipes", null));
    List<RunningProcess> runs = new ArrayList<>();
    try {
      for (int i = 0; i < 40; i++) {
        Listener l = new Listener();
        // some end at once, some after a while (their own read ends opened), some leave a short-lived writer behind
        String script = switch (i % 3) {
          case 0 -> "exit 0";
          case 1 -> "sleep 0.05; echo out; echo err >&2";
          default -> "(sleep 0.2; echo late) & sleep 0.05; exit 3";
        };
        runs.add(backend.spawn(sh("run-" + i, script), l));
        l.exit.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      }
      assertThat(Processes.eventually(WAIT, () -> runs.stream().noneMatch(RunningProcess::isTreeAlive))).isTrue();
      assertThat(Processes.eventually(WAIT, () -> pipesHeld() <= pipesBefore))
          .as("pipes held open: %s before, %s after the trees are gone", pipesBefore, pipesHeld()).isTrue();
    } finally {
      backend.close();
    }
  }

  /** A run that outlives the backend's close: its read ends are closed once it ends, as the JDK's were. */
  @Test
  void aRunThatOutlivesTheCloseLeavesNoPipeOpenOnceItEnds(@TempDir Path dir) throws Exception {
    long pipesBefore = pipesHeld();
    JdkProcessBackend backend = new JdkProcessBackend(new BackendContext("late-close", null));
    Listener l = new Listener();
    RunningProcess run;
    try {
      run = backend.spawn(sh("lives-on", "echo up; exec sleep 30"), l);
      assertThat(Processes.eventually(WAIT, () -> l.out.toString().equals("up\n"))).isTrue();
    } finally {
      backend.close();
    }
    assertThat(run.signalTree(io.github.vigil.Signal.SIGKILL)).isTrue();
    assertThat(l.exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNotNull();
    assertThat(Processes.eventually(WAIT, () -> pipesHeld() <= pipesBefore))
        .as("pipes held open: %s before, %s after the run's end", pipesBefore, pipesHeld()).isTrue();
  }

  /**
   * Writes a line to fifo {@code fifo}, which a shell waits to read: opened read-write, which never waits. To be closed
   * once the shell has read it (the line goes with the last close of the fifo).
   */
  private static RandomAccessFile release(Path fifo) throws IOException {
    RandomAccessFile f = new RandomAccessFile(fifo.toFile(), "rw");
    f.write("go\n".getBytes(StandardCharsets.US_ASCII));
    return f;
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      return List.of();
    }
  }

  /** This JVM's descriptors open on any of {@code pipes} ({@code pipe:[inode]}). */
  private static List<String> heldOpen(List<String> pipes) {
    return selfFds().stream().filter(pipes::contains).toList();
  }

  private static long pipesHeld() {
    return selfFds().stream().filter(t -> t.startsWith("pipe:")).count();
  }

  private static List<String> selfFds() {
    List<String> targets = new ArrayList<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          targets.add(Files.readSymbolicLink(fd).toString());
        } catch (IOException closedMeanwhile) {
          // the listing's own, or one closed since
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return targets;
  }
}
