package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessOperationException;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Signal;
import io.github.vigil.spi.ProcessBackend;
import io.github.vigil.spi.ProcessListener;
import io.github.vigil.spi.RunningProcess;
import io.github.vigil.spi.SpawnException;
import io.github.vigil.spi.SpawnRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A supervision task that throws is logged at ERROR and the supervision thread goes on; what the task was to complete
 * must not be left waiting for good. Here the backend throws on the supervision thread: the first {@code pid()} of a
 * run, read when its spawn is handed over (the task that takes the process to STARTING's end). The caller of
 * {@code start()} heard nothing, ever: it waited for a transition the failed task was to make.
 */
@Timeout(60)
class SupervisionTaskFailureTest {

  /** The fake backend, whose runs throw at their first {@code pid()} while {@link #failures} is above zero. */
  private static final class PidFailingBackend implements ProcessBackend {
    final FakeBackend fake;
    final AtomicInteger failures = new AtomicInteger();

    PidFailingBackend(FakeBackend fake) {
      this.fake = fake;
    }

    @Override
    public String name() {
      return "pid-failing";
    }

    @Override
    public boolean hostStartChecks() {
      return fake.hostStartChecks();
    }

    @Override
    public RunningProcess spawn(SpawnRequest request, ProcessListener listener) throws SpawnException {
      RunningProcess run = fake.spawn(request, listener);
      boolean fail = failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
      return new RunningProcess() {
        private boolean failed;

        @Override
        public long pid() {
          if (fail && !failed) {
            failed = true;
            throw new IllegalStateException("pid of " + request.name() + " unreadable");
          }
          return run.pid();
        }

        @Override
        public boolean signal(Signal signal) {
          return run.signal(signal);
        }

        @Override
        public boolean signalTree(Signal signal) {
          return run.signalTree(signal);
        }

        @Override
        public boolean isTreeAlive() {
          return run.isTreeAlive();
        }
      };
    }

    @Override
    public void close() {
      fake.close();
    }
  }

  @Test
  void aStartWhoseSpawnsHandOverThrowsFailsItsCaller() throws Exception {
    FakeBackend fake = new FakeBackend();
    PidFailingBackend backend = new PidFailingBackend(fake);
    try (SupervisorTestKit kit = SupervisorTestKit.create(fake, b -> b.backend(backend))) {
      ProcessController feed = kit.supervisor().register(ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.never()).build());
      backend.failures.set(1);
      CompletableFuture<?> started = feed.start().toCompletableFuture();
      kit.awaitIdle(); // the spawn handed over, its task failed, every event and completion delivered
      assertThat(started).as("start() of a run whose hand-over failed").isCompletedExceptionally();
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> started.get(1, TimeUnit.SECONDS));
      assertThat(e.getCause()).isInstanceOf(ProcessOperationException.class).hasMessageContaining("a supervision task failed")
          .hasMessageContaining("pid of feed unreadable").hasRootCauseMessage("pid of feed unreadable");
    }
  }
}
