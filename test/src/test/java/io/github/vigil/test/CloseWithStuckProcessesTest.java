package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessSpec;
import io.github.vigil.Signal;
import io.github.vigil.Supervisor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A close whose processes survive SIGKILL (in uninterruptible sleep, or left unreaped by a backend whose loop failed)
 * kills them all first and then waits its grace once: it waited five seconds for each in turn, 500 s for 100 such in a
 * black-box run.
 */
@Timeout(120)
class CloseWithStuckProcessesTest {

  @Test
  void processesThatSurviveSigkillAreAllKilledBeforeTheCloseWaitsOnce() throws Exception {
    FakeBackend backend = new FakeBackend();
    int n = 4;
    long took;
    try (SupervisorTestKit kit = SupervisorTestKit.create(backend, b -> b.closeTimeout(Duration.ofMillis(100)))) {
      Supervisor sup = kit.supervisor();
      for (int i = 0; i < n; i++) {
        backend.unkillable("stuck-" + i);
        sup.register(ProcessSpec.builder("stuck-" + i).command("stuck").startupGrace(Duration.ZERO).build()).start();
      }
      kit.awaitIdle();
      long t0 = System.nanoTime();
      sup.close();
      took = System.nanoTime() - t0;
    }
    for (int i = 0; i < n; i++) {
      assertThat(backend.last("stuck-" + i).signals()).as("stuck-%d", i).contains(Signal.SIGTERM, Signal.SIGKILL);
    }
    // the kill grace is 5 s: one wait for all four is about 5 s, one after another 20 s
    assertThat(TimeUnit.NANOSECONDS.toSeconds(took)).as("seconds the close took").isLessThan(12);
  }
}
