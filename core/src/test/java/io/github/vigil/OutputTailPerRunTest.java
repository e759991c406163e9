package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.testing.EventRecorder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's output is told apart from the runs' before it: a crash loop's third run reports its own standard error,
 * not three runs' lines. Each run of a real shell writes a numbered line and an unfinished one, then exits 3.
 */
@Timeout(60)
class OutputTailPerRunTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;

  @Test
  void eachRunHasItsOwnLines() throws Exception {
    Path counter = dir.resolve("runs");
    String script = "n=$(cat '" + counter + "' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '" + counter + "';"
        + " echo \"run $n starts\"; echo \"run $n dies\" >&2; printf \"last words of $n\" >&2; exit 3";
    try (Supervisor sup = Supervisor.builder().backend("jdk").build()) {
      EventRecorder rec = new EventRecorder();
      sup.subscribe(rec);
      ProcessController c = sup.register(ProcessSpec.builder("loop").command("sh", "-c", script).startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.always().withBackoff(Backoff.none()).withStartLimit(2, Duration.ofHours(1))).build());
      c.start();
      List<SupervisorEvent.Exited> exits = rec.await(SupervisorEvent.Exited.class, e -> true, 3, WAIT);
      rec.awaitState("loop", ProcessState.FAILED, 1, WAIT);
      for (int i = 0; i < 3; i++) {
        int run = exits.get(i).run();
        int n = i + 1;
        assertThat(c.outputTail(StdStream.STDERR, run)).as("run %s", run).containsExactly("run " + n + " dies", "last words of " + n);
        assertThat(c.outputTail(StdStream.STDOUT, run)).as("run %s", run).containsExactly("run " + n + " starts");
      }
      // the tail of every run keeps each unfinished line as a line of its own run, the last run's too (flushed on the
      // process's I/O queue after the exit, and the newest line before that)
      assertThat(c.outputTail(StdStream.STDERR))
          .containsExactly("run 1 dies", "last words of 1", "run 2 dies", "last words of 2", "run 3 dies", "last words of 3");
      assertThat(c.outputTail(StdStream.STDERR, 99)).isEmpty();
    }
  }
}
