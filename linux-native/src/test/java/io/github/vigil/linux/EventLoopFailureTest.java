package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vigil.Signal;
import io.github.vigil.StdStream;
import io.github.vigil.Termination;
import io.github.vigil.spi.ProcessListener;
import io.github.vigil.spi.RunningProcess;
import io.github.vigil.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The event loop failing (here: a listener throwing an {@link Error} at it, which nothing of the loop's own catches) ends
 * it and kills its runs: each is also reaped, so that none stays a zombie of this JVM, and reported to its listener as
 * ended, so that the supervisor does not take it for running. They were left unreaped and unreported: in a black-box
 * run under load, a supervisor's 100 children stayed zombies and its close then waited five seconds for each.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class EventLoopFailureTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void aFailedLoopKillsReapsAndReportsEveryRun() throws Exception {
    try (LinuxProcessBackend backend = Backends.create("t-loop-fails", null)) {
      RecordingListener sleeper = new RecordingListener();
      RunningProcess quiet = backend.spawn(Backends.sh("sleeper", "exec sleep 60"), sleeper);
      ProcessListener breaking = new ProcessListener() {
        @Override
        public void onOutput(StdStream stream, byte[] buffer, int offset, int length) {
          throw new AssertionError("a listener that breaks the event loop");
        }

        @Override
        public void onExit(Termination termination) {}
      };
      backend.spawn(Backends.sh("breaker", "echo boom; exec sleep 60"), breaking);
      assertThat(Processes.eventually(WAIT, () -> !backend.eventLoopThread().isAlive())).as("the loop ended").isTrue();

      assertEquals(Termination.Signaled.of(Signal.SIGKILL.number(), false), sleeper.awaitExit(WAIT));
      Path proc = Path.of("/proc/" + quiet.pid());
      assertThat(Processes.eventually(WAIT, () -> !Files.exists(proc)))
          .as("pid %d reaped, not a zombie of this JVM (zombie now: %s)", quiet.pid(), Processes.isZombie(quiet.pid())).isTrue();
      assertThat(quiet.isTreeAlive()).isFalse();
    }
  }
}
