package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ExitCause;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.RestartPolicy;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Termination;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The task deciding a run's exit throws: here the backend reports the exit without its termination (it could not read
 * the exit status), which the exit's record cannot take. The run is over all the same: the process must not stay
 * RUNNING (or STOPPING, when a stop was asked) for good with a dead run, no Exited, nothing restarting it. It ends as a
 * failure naming what failed (the restart policy decides), or STOPPED when a stop was asked, logged at ERROR under the
 * process's name.
 */
@Timeout(60)
class ExitDecisionFailureTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String WHY = "deciding its exit failed: java.lang.NullPointerException: termination";

  private static ProcessSpec feed(RestartPolicy policy) {
    return ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO).restartPolicy(policy).build();
  }

  @Test
  void aRunWhoseExitCannotBeDecidedEndsAsACrash() throws Exception {
    FakeBackend fake = new FakeBackend();
    ThrowingBackend backend = new ThrowingBackend(fake);
    try (StderrCapture err = new StderrCapture(); SupervisorTestKit kit = SupervisorTestKit.create(fake, b -> b.backend(backend))) {
      ProcessController feed = kit.supervisor().register(feed(RestartPolicy.never()));
      feed.start();
      kit.events().awaitState("feed", ProcessState.RUNNING, 1, WAIT);
      backend.unreadableExits.set(1);
      fake.last("feed").exit(3);
      kit.events().awaitState("feed", ProcessState.CRASHED, 1, WAIT);
      kit.awaitIdle();
      assertThat(kit.events().of(SupervisorEvent.Exited.class, "feed")).singleElement().satisfies(x -> {
        assertThat(x.run()).isEqualTo(1);
        assertThat(x.exit().cause()).isEqualTo(ExitCause.ERROR_EXIT);
        assertThat(x.exit().termination()).isEqualTo(new Termination.Unknown("not reported by backend throwing-fake"));
        assertThat(x.exit().message()).isEqualTo(WHY);
      });
      assertThat(kit.events().states("feed")).containsExactly(ProcessState.STARTING, ProcessState.RUNNING, ProcessState.CRASHED);
      ProcessStatus s = feed.status();
      assertThat(s.state()).isEqualTo(ProcessState.CRASHED);
      assertThat(s.pid()).isEqualTo(-1);
      assertThat(s.lastExit()).isNotNull();
      assertThat(err.text()).as("the log").contains("ERROR io.github.vigil.internal.ManagedProcess - process=feed Process feed: " + WHY
          + "; run 1 ends as ERROR_EXIT");
      // the process goes on as after any crash
      CompletableFuture<ProcessStatus> again = feed.start().toCompletableFuture();
      kit.awaitIdle();
      assertThat(again.get(1, TimeUnit.SECONDS).state()).isEqualTo(ProcessState.RUNNING);
      assertThat(fake.runs("feed")).hasSize(2);
    }
  }

  @Test
  void aRunWhoseExitCannotBeDecidedIsRestartedByThePolicy() throws Exception {
    FakeBackend fake = new FakeBackend();
    ThrowingBackend backend = new ThrowingBackend(fake);
    try (SupervisorTestKit kit = SupervisorTestKit.create(fake, b -> b.backend(backend))) {
      ProcessController feed = kit.supervisor().register(feed(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(1)))));
      feed.start();
      kit.events().awaitState("feed", ProcessState.RUNNING, 1, WAIT);
      backend.unreadableExits.set(1);
      fake.last("feed").exit(0); // a clean exit, but nobody could tell: a failure for the policy
      kit.events().awaitState("feed", ProcessState.BACKOFF, 1, WAIT);
      kit.awaitIdle();
      kit.advance(Duration.ofSeconds(1));
      kit.events().awaitState("feed", ProcessState.RUNNING, 2, WAIT);
      assertThat(kit.events().states("feed")).containsExactly(ProcessState.STARTING, ProcessState.RUNNING, ProcessState.CRASHED,
          ProcessState.BACKOFF, ProcessState.STARTING, ProcessState.RUNNING);
      assertThat(kit.events().of(SupervisorEvent.RestartScheduled.class, "feed")).singleElement()
          .satisfies(r -> assertThat(r.after().message()).isEqualTo(WHY));
      assertThat(fake.runs("feed")).hasSize(2);
      assertThat(feed.status().pid()).isEqualTo(fake.last("feed").pid());
    }
  }

  @Test
  void aStopWhoseExitCannotBeDecidedEndsStopped() throws Exception {
    FakeBackend fake = new FakeBackend();
    ThrowingBackend backend = new ThrowingBackend(fake);
    try (SupervisorTestKit kit = SupervisorTestKit.create(fake, b -> b.backend(backend))) {
      ProcessController feed = kit.supervisor().register(feed(RestartPolicy.always().withBackoff(Backoff.fixed(Duration.ofSeconds(1)))));
      feed.start();
      kit.events().awaitState("feed", ProcessState.RUNNING, 1, WAIT);
      backend.unreadableExits.set(1);
      CompletableFuture<ProcessStatus> stopped = feed.stop().toCompletableFuture(); // SIGTERM: the fake ends by it
      kit.events().awaitState("feed", ProcessState.STOPPED, 1, WAIT);
      kit.awaitIdle();
      assertThat(stopped.get(1, TimeUnit.SECONDS).state()).isEqualTo(ProcessState.STOPPED);
      assertThat(kit.events().of(SupervisorEvent.Exited.class, "feed")).singleElement().satisfies(x -> {
        assertThat(x.exit().cause()).isEqualTo(ExitCause.KILLED_BY_SUPERVISOR);
        assertThat(x.exit().message()).isEqualTo("stopped on request; " + WHY);
      });
      assertThat(kit.events().states("feed")).containsExactly(ProcessState.STARTING, ProcessState.RUNNING, ProcessState.STOPPING,
          ProcessState.STOPPED);
      assertThat(fake.alive()).isEmpty();
      kit.advance(Duration.ofSeconds(30)); // past the stop timeout: nothing of the dead run comes back
      kit.awaitIdle();
      assertThat(feed.status().state()).isEqualTo(ProcessState.STOPPED);
      assertThat(fake.runs("feed")).hasSize(1);
      assertThat(kit.events().states("feed")).hasSize(4);
    }
  }
}
