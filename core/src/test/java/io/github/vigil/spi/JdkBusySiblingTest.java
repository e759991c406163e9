package io.github.vigil.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Signal;
import io.github.vigil.StdStream;
import io.github.vigil.Termination;
import java.nio.charset.StandardCharsets;
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
 * Issue #12 item 3: with a {@code yes} sibling whose output consumer takes 5 ms per 64 KiB, another
 * child's exit was not reported until the sibling died. Now each child's report depends on its own pipes
 * only, and an exit waits for a bounded drain of the child's remaining output. A child that writes more
 * than a pipe holds right up to its exit has every byte delivered before its exit report.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class JdkBusySiblingTest {

  /** Records output bytes and the moment of the exit report. */
  static final class Listener implements ProcessListener {
    final long consumerNanosPerChunk;
    final AtomicLong bytes = new AtomicLong();
    final StringBuffer text = new StringBuffer();
    final CompletableFuture<Termination> exit = new CompletableFuture<>();
    volatile long reportedAt;
    volatile long bytesAtExit = -1;

    Listener(long consumerMillisPerChunk) {
      this.consumerNanosPerChunk = TimeUnit.MILLISECONDS.toNanos(consumerMillisPerChunk);
    }

    @Override
    public void onOutput(StdStream stream, byte[] buffer, int offset, int length) {
      bytes.addAndGet(length);
      if (consumerNanosPerChunk > 0) {
        long until = System.nanoTime() + consumerNanosPerChunk * length / 65536;
        while (System.nanoTime() < until) {
          Thread.onSpinWait(); // a slow consumer: 5 ms per 64 KiB
        }
      } else {
        text.append(new String(buffer, offset, length, StandardCharsets.UTF_8));
      }
    }

    @Override
    public void onExit(Termination termination) {
      reportedAt = System.nanoTime();
      bytesAtExit = bytes.get();
      exit.complete(termination);
    }
  }

  private static SpawnRequest sh(String name, String script) {
    return new SpawnRequest(name, List.of("/bin/sh", "-c", script), null, Map.of("PATH", System.getenv("PATH")), Path.of("/bin/sh"));
  }

  @Test
  void aBusySiblingDoesNotDelayAnotherChildsExitReport() throws Exception {
    JdkProcessBackend backend = new JdkProcessBackend(new BackendContext("busy-sibling", null));
    Listener yesListener = new Listener(5);
    RunningProcess yes = backend.spawn(sh("yes", "exec yes"), yesListener);
    try {
      for (int i = 0; i < 5; i++) {
        Listener quick = new Listener(0);
        RunningProcess p = backend.spawn(sh("quick-" + i, "sleep 0.2; echo bye; exit 3"), quick);
        Listener laterListener = new Listener(5); // a busy sibling on each side of it in the output thread's list
        RunningProcess later = backend.spawn(sh("yes-" + i, "exec yes"), laterListener);
        Termination t = quick.exit.get(10, TimeUnit.SECONDS); // before the fix: never, while yes runs
        assertThat(t).isEqualTo(new Termination.Exited(3));
        assertThat(quick.text.toString()).as("its output came before its exit").isEqualTo("bye\n");
        // a zombie counts as alive for ProcessHandle: gone means reaped (another ProcessHandle.onExit() future may not
        // have run yet: its stage runs on its own thread once the JDK reaps the child, as the one the report came from)
        assertThat(ProcessHandle.of(p.pid()).filter(ProcessHandle::isAlive)).as("reaped by the time the exit is reported").isEmpty();
        later.signal(Signal.SIGKILL);
        laterListener.exit.get(10, TimeUnit.SECONDS);
      }
      assertThat(yesListener.bytes.get()).as("the sibling's output was being drained all along").isPositive();
      assertThat(yesListener.exit).isNotDone();
    } finally {
      yes.signal(Signal.SIGKILL);
      yesListener.exit.get(10, TimeUnit.SECONDS);
      backend.close();
    }
  }

  @Test
  void aDescendantThatKeepsWritingToTheInheritedPipeDoesNotHoldTheExitBack() throws Exception {
    JdkProcessBackend backend = new JdkProcessBackend(new BackendContext("chatty-orphan", null));
    Listener l = new Listener(0);
    RunningProcess p = backend.spawn(sh("chatty", "yes & echo started; exit 5"), l);
    try {
      assertThat(l.exit.get(10, TimeUnit.SECONDS)).isEqualTo(new Termination.Exited(5));
    } finally {
      p.signalTree(Signal.SIGKILL);
      backend.close();
    }
  }

  @Test
  void anExitWithOutputLeftIsReportedAfterAllOfIt() throws Exception {
    JdkProcessBackend backend = new JdkProcessBackend(new BackendContext("exit-after-output", null));
    try {
      // more than a pipe holds, written right up to the exit: at the exit the pipe still holds the tail of it
      for (int i = 0; i < 20; i++) {
        Listener l = new Listener(0);
        backend.spawn(sh("writer-" + i, "head -c 300000 /dev/zero; head -c 70000 /dev/zero >&2; exit 7"), l);
        assertThat(l.exit.get(10, TimeUnit.SECONDS)).isEqualTo(new Termination.Exited(7));
        assertThat(l.bytesAtExit).as("output delivered before the exit report, run %d", i).isEqualTo(370_000);
      }
    } finally {
      backend.close();
    }
  }
}
