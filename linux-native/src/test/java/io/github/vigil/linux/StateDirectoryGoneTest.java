package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.testing.Processes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The state directory removed while the supervisor runs (a cleanup of /var/lib), then replaced by a file so that it
 * cannot be made again, then freed: supervision goes on throughout (a crashing process keeps being restarted, a steady
 * one keeps running); the Linux backend's state file is made again where it can be, and where it cannot, one warning
 * names its path, not one per start and exit.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class StateDirectoryGoneTest {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;

  @Test
  void aStateDirectoryRemovedAtRunTimeIsMadeAgainOrNamedOnce() throws Exception {
    Path state = tmp.resolve("state");
    Path file = state.resolve(StateFile.NAME);
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    AtomicLong starts = new AtomicLong();
    try (Supervisor sup = Supervisor.builder().name("state-gone").backend("linux").stateDirectory(state).build()) {
      sup.subscribe(e -> {
        if (e instanceof SupervisorEvent.Started) {
          starts.incrementAndGet();
        }
      });
      ProcessController steady = sup.register(ProcessSpec.builder("steady").command("/bin/sleep", "1000").build());
      ProcessController crasher = sup.register(ProcessSpec.builder("crasher").command("/bin/sh", "-c", "sleep 0.1; exit 1")
          .restartPolicy(RestartPolicy.always().withBackoff(Backoff.fixed(Duration.ofMillis(50))).withStartLimit(100_000, Duration.ofMinutes(1)))
          .startupGrace(Duration.ZERO).build());
      steady.start(WAIT);
      crasher.start(WAIT);
      long steadyPid = steady.status().pid();
      awaitStarts(starts, 3);

      // removed: made again at the next write, with the runs
      delete(state);
      awaitStarts(starts, 5);
      assertThat(Processes.eventually(WAIT, () -> Files.exists(file) && read(file).contains("run " + steadyPid + " ")))
          .as("the state file made again with the steady run").isTrue();

      // replaced by a file: cannot be made again; said once while starts and exits go on
      delete(state);
      Files.writeString(state, "not a directory");
      awaitStarts(starts, 10);
      assertThat(steady.status().state()).isEqualTo(ProcessState.RUNNING);
      assertThat(steady.status().pid()).isEqualTo(steadyPid);

      // freed: written again
      Files.delete(state);
      awaitStarts(starts, 3);
      assertThat(Processes.eventually(WAIT, () -> Files.exists(file) && read(file).contains("run " + steadyPid + " ")))
          .as("the state file written again once it can be").isTrue();
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    long warnings = Pattern.compile("Cannot write the Linux backend's state file").matcher(log).results().count();
    assertThat(warnings).as("one warning while it could not be written, not one per start and exit:\n%s", log).isEqualTo(1);
    assertThat(log).contains("Cannot write the Linux backend's state file " + file);
  }

  private static void awaitStarts(AtomicLong starts, int more) throws InterruptedException {
    long target = starts.get() + more;
    assertThat(Processes.eventually(WAIT, () -> starts.get() >= target)).as("%d more starts (at %d)", more, starts.get()).isTrue();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static void delete(Path dir) throws Exception {
    Process rm = new ProcessBuilder("rm", "-rf", dir.toString()).start();
    assertThat(rm.waitFor()).isZero();
  }
}
