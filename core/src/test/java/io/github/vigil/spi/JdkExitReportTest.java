package io.github.vigil.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.StdStream;
import io.github.vigil.Termination;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Issue 18, target 2 on the JDK backend: an exit whose pipes hold nothing more is reported on the thread
 * that completed {@link Process#onExit()}, without waking the output thread; an exit with output left is
 * still reported by the output thread after every byte of it.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class JdkExitReportTest {

  /** Counts output bytes and notes, at the exit report, how many had arrived and on which thread. */
  static final class Listener implements ProcessListener {
    final AtomicLong bytes = new AtomicLong();
    final CompletableFuture<Termination> exit = new CompletableFuture<>();
    volatile long bytesAtExit = -1;
    volatile String exitThread = "";

    @Override
    public void onOutput(StdStream stream, byte[] buffer, int offset, int length) {
      bytes.addAndGet(length);
    }

    @Override
    public void onExit(Termination termination) {
      bytesAtExit = bytes.get();
      exitThread = Thread.currentThread().getName();
      exit.complete(termination);
    }
  }

  private static SpawnRequest sh(String name, String script) {
    return new SpawnRequest(name, List.of("/bin/sh", "-c", script), null, Map.of("PATH", System.getenv("PATH")), Path.of("/bin/sh"));
  }

  /** The JDK's thread that completes {@code onExit()}, with its numbers dropped ("Thread-#", "ForkJoinPool.commonPool-worker-#"). */
  private static String onExitThreadShape() throws Exception {
    Process p = new ProcessBuilder("true").start();
    return shape(p.onExit().thenApply(x -> Thread.currentThread().getName()).get(10, TimeUnit.SECONDS));
  }

  private static String shape(String threadName) {
    return threadName.replaceAll("\\d+", "#");
  }

  @Test
  void aQuietChildsDeathIsReportedOnTheThreadThatCompletedOnExit() throws Exception {
    String expected = onExitThreadShape();
    JdkProcessBackend backend = new JdkProcessBackend(new BackendContext("exit-report", null));
    try {
      for (int i = 0; i < 5; i++) {
        Listener l = new Listener();
        RunningProcess p = backend.spawn(sh("quiet-" + i, "exec sleep 300"), l);
        assertThat(ProcessHandle.of(p.pid()).orElseThrow().destroyForcibly()).isTrue(); // SIGKILL from outside
        assertThat(l.exit.get(10, TimeUnit.SECONDS)).isEqualTo(new Termination.Signaled(9, "SIGKILL", false, false));
        assertThat(l.exitThread).as("the thread that reported the exit").isNotEqualTo("vigil-exit-report-output");
        assertThat(shape(l.exitThread)).as("the thread that reported the exit").isEqualTo(expected);
      }
    } finally {
      backend.close();
    }
  }

  @Test
  void anExitWithOutputLeftIsReportedAfterAllOfIt() throws Exception {
    JdkProcessBackend backend = new JdkProcessBackend(new BackendContext("exit-after-output", null));
    try {
      // more than a pipe holds, written right up to the exit: at the exit the pipe still holds the tail of it
      for (int i = 0; i < 20; i++) {
        Listener l = new Listener();
        backend.spawn(sh("writer-" + i, "head -c 300000 /dev/zero; head -c 70000 /dev/zero >&2; exit 7"), l);
        assertThat(l.exit.get(10, TimeUnit.SECONDS)).isEqualTo(new Termination.Exited(7));
        assertThat(l.bytesAtExit).as("output delivered before the exit report, run %d", i).isEqualTo(370_000);
      }
    } finally {
      backend.close();
    }
  }
}
