package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Scheduler;
import io.github.vigil.SupervisorEvent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The injected {@link Scheduler} throws when the engine asks it for the timer of a restart's backoff. Nothing would ever
 * end that BACKOFF: the process must not stay in it for good, restarting never. It gives up as at its start limit:
 * FAILED naming the cause, said at ERROR under the process's name; a start runs it again.
 */
@Timeout(60)
class RestartNotScheduledTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String MP = "ERROR io.github.vigil.internal.ManagedProcess - process=feed ";

  /** The kit's virtual clock, but throwing while {@link #refusing} is set. */
  private static final class RefusingScheduler implements Scheduler {
    final AtomicReference<VirtualClock> clock = new AtomicReference<>();
    volatile boolean refusing;

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
      if (refusing) {
        throw new java.util.concurrent.RejectedExecutionException("scheduler shut down");
      }
      return clock.get().schedule(delay, task);
    }
  }

  @Test
  void aRestartWhoseTimerTheSchedulerRefusesFailsTheProcess() throws Exception {
    RefusingScheduler scheduler = new RefusingScheduler();
    try (StderrCapture err = new StderrCapture(); SupervisorTestKit kit = SupervisorTestKit.create(b -> b.scheduler(scheduler))) {
      scheduler.clock.set(kit.clock());
      ProcessController feed = kit.supervisor().register(ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(1)))).build());
      feed.start();
      kit.events().awaitState("feed", ProcessState.RUNNING, 1, WAIT);
      scheduler.refusing = true;
      kit.backend().last("feed").exit(3);
      kit.events().awaitState("feed", ProcessState.FAILED, 1, WAIT);
      kit.awaitIdle();
      scheduler.refusing = false;
      String why = "restart attempt 1 in 1.00 s could not be scheduled: "
          + "java.util.concurrent.RejectedExecutionException: scheduler shut down";
      assertThat(kit.events().states("feed")).containsExactly(ProcessState.STARTING, ProcessState.RUNNING, ProcessState.CRASHED,
          ProcessState.BACKOFF, ProcessState.FAILED);
      assertThat(kit.events().of(SupervisorEvent.Failed.class, "feed")).singleElement()
          .satisfies(f -> assertThat(f.reason()).isEqualTo(why));
      ProcessStatus s = feed.status();
      assertThat(s.state()).isEqualTo(ProcessState.FAILED);
      assertThat(err.text()).as("the log")
          .contains(MP + "Process feed: the scheduler refused the timer of its restart")
          .contains(MP + "Process feed failed: " + why);
      // a start runs it again
      CompletableFuture<ProcessStatus> again = feed.start().toCompletableFuture();
      kit.awaitIdle();
      assertThat(again.get(1, TimeUnit.SECONDS).state()).isEqualTo(ProcessState.RUNNING);
      assertThat(kit.backend().runs("feed")).hasSize(2);
    }
  }
}
