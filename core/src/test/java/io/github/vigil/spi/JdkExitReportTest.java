package io.github.vigil.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.StdStream;
import io.github.vigil.Termination;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Issue 18, target 2 (exit to event on the JDK backend): an exit whose pipes hold nothing is reported from the
 * thread that completes {@link Process#onExit()}, not after a wake-up of the output thread, one thread hand-over
 * fewer. The exit report still comes exactly once and after every byte the run wrote, whichever thread makes it.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class JdkExitReportTest {

  /** Records the output, the exit, the thread that reported it and how many reports came. */
  static final class Listener implements ProcessListener {
    final StringBuffer text = new StringBuffer();
    final CompletableFuture<Termination> exit = new CompletableFuture<>();
    final AtomicInteger exits = new AtomicInteger();
    volatile String textAtExit = "";
    volatile String exitThread = "";

    @Override
    public void onOutput(StdStream stream, byte[] buffer, int offset, int length) {
      text.append(new String(buffer, offset, length, StandardCharsets.UTF_8));
    }

    @Override
    public void onExit(Termination termination) {
      textAtExit = text.toString();
      exitThread = Thread.currentThread().getName();
      exits.incrementAndGet();
      exit.complete(termination);
    }
  }

  private static SpawnRequest sh(String name, String script) {
    return new SpawnRequest(name, List.of("/bin/sh", "-c", script), null, Map.of("PATH", System.getenv("PATH")), Path.of("/bin/sh"));
  }

  @Test
  void anExitWithNothingInItsPipesIsReportedWithoutTheOutputThread() throws Exception {
    JdkProcessBackend backend = new JdkProcessBackend(new BackendContext("exit-report", null));
    List<Listener> listeners = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        Listener l = new Listener();
        listeners.add(l);
        backend.spawn(sh("quiet-" + i, "exit 7"), l);
        assertThat(l.exit.get(10, TimeUnit.SECONDS)).isEqualTo(new Termination.Exited(7));
      }
    } finally {
      backend.close(); // joins the output thread: a second report, if any, came before this returns
    }
    // before: every report came from vigil-exit-report-output, woken by the exit callback
    long offOutputThread = listeners.stream().filter(l -> !l.exitThread.equals("vigil-exit-report-output")).count();
    assertThat(offOutputThread).as("exits reported by the exit callback's thread").isGreaterThanOrEqualTo(15);
    assertThat(listeners).allSatisfy(l -> assertThat(l.exits.get()).as("reports of one exit").isEqualTo(1));
  }

  @Test
  void everyByteComesBeforeTheExitAndTheExitOnceWhicheverThreadReportsIt() throws Exception {
    Random random = new Random(1805); // seeded: a failure names its case
    JdkProcessBackend backend = new JdkProcessBackend(new BackendContext("exit-order", null));
    List<Listener> listeners = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    try {
      for (int i = 0; i < 150; i++) {
        int lines = random.nextInt(4); // 0: nothing to drain, the callback reports; else the output thread may
        StringBuilder script = new StringBuilder();
        StringBuilder want = new StringBuilder();
        for (int k = 0; k < lines; k++) {
          String word = "run" + i + "-line" + k;
          script.append("echo ").append(word).append(k % 2 == 0 ? "; " : " >&2; ");
          want.append(word).append('\n');
        }
        script.append("exit ").append(i % 5);
        Listener l = new Listener();
        listeners.add(l);
        expected.add(want.toString());
        backend.spawn(sh("run-" + i, script.toString()), l);
        if (i % 3 == 0) {
          l.exit.get(10, TimeUnit.SECONDS); // some one after another, the rest overlapping
        }
      }
      for (Listener l : listeners) {
        l.exit.get(10, TimeUnit.SECONDS);
      }
    } finally {
      backend.close();
    }
    for (int i = 0; i < listeners.size(); i++) {
      Listener l = listeners.get(i);
      assertThat(l.exits.get()).as("reports of run %d's exit", i).isEqualTo(1);
      assertThat(sortedLines(l.textAtExit)).as("run %d's output when its exit was reported", i).isEqualTo(sortedLines(expected.get(i)));
      assertThat(l.exit.get()).isEqualTo(new Termination.Exited(i % 5));
    }
  }

  /** stdout and stderr are two pipes: their lines may interleave either way. */
  private static List<String> sortedLines(String text) {
    List<String> lines = new ArrayList<>(List.of(text.split("\n")));
    lines.removeIf(String::isEmpty);
    lines.sort(null);
    return lines;
  }
}
