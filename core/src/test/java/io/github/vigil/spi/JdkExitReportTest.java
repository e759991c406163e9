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
 * The JDK backend reports an exit only after the output the child left in its pipes: a child that writes
 * more than a pipe holds right up to its exit has every byte delivered before its exit report.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class JdkExitReportTest {

  /** Counts output bytes and notes, at the exit report, how many had arrived. */
  static final class Listener implements ProcessListener {
    final AtomicLong bytes = new AtomicLong();
    final CompletableFuture<Termination> exit = new CompletableFuture<>();
    volatile long bytesAtExit = -1;

    @Override
    public void onOutput(StdStream stream, byte[] buffer, int offset, int length) {
      bytes.addAndGet(length);
    }

    @Override
    public void onExit(Termination termination) {
      bytesAtExit = bytes.get();
      exit.complete(termination);
    }
  }

  private static SpawnRequest sh(String name, String script) {
    return new SpawnRequest(name, List.of("/bin/sh", "-c", script), null, Map.of("PATH", System.getenv("PATH")), Path.of("/bin/sh"));
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
