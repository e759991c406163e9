package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessOperationException;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Signal;
import io.github.vigil.SupervisorEvent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stop's blocking work throws on its I/O thread: the check of the stopped run's tree ({@code isTreeAlive}) or a signal
 * to it ({@code signalTree}), as a backend that cannot read {@code /proc} does. The stop must not stay STOPPING for good
 * with its caller waiting: it goes on to SIGKILL, as its timeout would, and ends STOPPED once the run is gone, or its
 * caller is told why it could not, with the state as it is. Said at ERROR under the process's name.
 */
@Timeout(60)
class StopTaskFailureTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String MP = "ERROR io.github.vigil.internal.ManagedProcess - process=feed ";

  private static ProcessSpec feed() {
    return ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO).restartPolicy(RestartPolicy.never()).build();
  }

  @Test
  void aStopWhoseTreeCheckThrowsKillsTheTreeAndEndsStopped() throws Exception {
    FakeBackend fake = new FakeBackend();
    ThrowingBackend backend = new ThrowingBackend(fake);
    try (StderrCapture err = new StderrCapture(); SupervisorTestKit kit = SupervisorTestKit.create(fake, b -> b.backend(backend))) {
      ProcessController feed = kit.supervisor().register(feed());
      backend.leaveDescendants = true; // its tree lives on after it until SIGKILL
      feed.start();
      kit.events().awaitState("feed", ProcessState.RUNNING, 1, WAIT);
      backend.treeCheckFailures.set(1);
      CompletableFuture<ProcessStatus> stopped = feed.stop().toCompletableFuture(); // SIGTERM: the fake ends by it
      kit.awaitIdle();
      assertThat(backend.leftoversKilled).as("SIGKILL of its tree at once, not at the stop timeout").hasValue(1);
      kit.advance(Duration.ofMillis(20)); // the tree is checked again
      kit.events().awaitState("feed", ProcessState.STOPPED, 1, WAIT);
      assertThat(stopped.get(1, TimeUnit.SECONDS).state()).isEqualTo(ProcessState.STOPPED);
      assertThat(kit.events().states("feed")).containsExactly(ProcessState.STARTING, ProcessState.RUNNING, ProcessState.STOPPING,
          ProcessState.STOPPED);
      assertThat(fake.alive()).isEmpty();
      assertThat(err.text()).as("the log").contains(MP + "Process feed: checking for its descendants after its exit failed")
          .contains("java.lang.IllegalStateException: /proc unreadable: tree not checked");
    }
  }

  @Test
  void aStopWhoseTreeCanNeverBeCheckedGivesUpOnItAndEndsStopped() throws Exception {
    FakeBackend fake = new FakeBackend();
    ThrowingBackend backend = new ThrowingBackend(fake);
    try (StderrCapture err = new StderrCapture(); SupervisorTestKit kit = SupervisorTestKit.create(fake, b -> b.backend(backend))) {
      ProcessController feed = kit.supervisor().register(feed());
      feed.start();
      kit.events().awaitState("feed", ProcessState.RUNNING, 1, WAIT);
      backend.treeCheckFailures.set(Integer.MAX_VALUE);
      CompletableFuture<ProcessStatus> stopped = feed.stop().toCompletableFuture();
      kit.awaitIdle();
      kit.advance(Duration.ofSeconds(5)); // checked every 20 ms, failing, for the 5 s a tree has after its SIGKILL
      kit.events().awaitState("feed", ProcessState.STOPPED, 1, WAIT);
      backend.treeCheckFailures.set(0);
      assertThat(stopped.get(1, TimeUnit.SECONDS).state()).isEqualTo(ProcessState.STOPPED);
      assertThat(fake.alive()).isEmpty();
      assertThat(err.text()).as("the log").contains(MP + "Process feed: checking for its descendants after its exit failed")
          .contains(MP + "Descendants of feed could not be checked for 5.00 s (java.lang.IllegalStateException: /proc unreadable: tree not "
              + "checked); giving up on them");
    }
  }

  @Test
  void aStopWhoseSignalCannotBeSentKillsAtOnce() throws Exception {
    FakeBackend fake = new FakeBackend();
    ThrowingBackend backend = new ThrowingBackend(fake);
    try (StderrCapture err = new StderrCapture(); SupervisorTestKit kit = SupervisorTestKit.create(fake, b -> b.backend(backend))) {
      ProcessController feed = kit.supervisor().register(feed());
      feed.start();
      kit.events().awaitState("feed", ProcessState.RUNNING, 1, WAIT);
      backend.signalFailures.set(1); // its SIGTERM
      CompletableFuture<ProcessStatus> stopped = feed.stop().toCompletableFuture();
      kit.events().awaitState("feed", ProcessState.STOPPED, 1, WAIT); // no time passes: not at its stop timeout
      kit.awaitIdle();
      assertThat(stopped.get(1, TimeUnit.SECONDS).state()).isEqualTo(ProcessState.STOPPED);
      assertThat(fake.last("feed").signals()).containsExactly(Signal.SIGKILL);
      assertThat(kit.events().of(SupervisorEvent.Exited.class, "feed")).singleElement()
          .satisfies(x -> assertThat(x.exit().message()).isEqualTo("stopped on request (killed: SIGTERM could not be sent)"));
      assertThat(err.text()).as("the log").contains(MP + "Process feed: sending SIGTERM to stop it failed");
    }
  }

  @Test
  void aStopWhoseSignalsCannotBeSentFailsItsCallerAndIsDoneByItsTimeout() throws Exception {
    FakeBackend fake = new FakeBackend();
    ThrowingBackend backend = new ThrowingBackend(fake);
    try (StderrCapture err = new StderrCapture(); SupervisorTestKit kit = SupervisorTestKit.create(fake, b -> b.backend(backend))) {
      ProcessController feed = kit.supervisor().register(feed());
      feed.start();
      kit.events().awaitState("feed", ProcessState.RUNNING, 1, WAIT);
      backend.signalFailures.set(2); // its SIGTERM, then the SIGKILL that follows at once
      CompletableFuture<ProcessStatus> stopped = feed.stop().toCompletableFuture();
      kit.awaitIdle();
      ExecutionException e = assertThrows(ExecutionException.class, () -> stopped.get(1, TimeUnit.SECONDS));
      assertThat(e.getCause()).isInstanceOf(ProcessOperationException.class).hasMessageContaining("STOPPING")
          .hasRootCauseMessage("/proc unreadable: SIGKILL not sent");
      assertThat(feed.status().state()).as("it runs still, being stopped").isEqualTo(ProcessState.STOPPING);
      assertThat(fake.alive()).hasSize(1);
      assertThat(err.text()).as("the log").contains(MP + "Process feed: sending SIGTERM to stop it failed")
          .contains(MP + "Process feed: sending SIGKILL to it and its descendants failed; it may be running still (STOPPING)");
      kit.advance(Duration.ofSeconds(10)); // the stop timeout sends SIGKILL again
      kit.events().awaitState("feed", ProcessState.STOPPED, 1, WAIT);
      assertThat(fake.last("feed").signals()).contains(Signal.SIGKILL);
      assertThat(fake.alive()).isEmpty();
      assertThat(feed.status().state()).isEqualTo(ProcessState.STOPPED);
    }
  }

  @Test
  void blockingWorkThatFailsIsLoggedUnderTheProcessName() throws Exception {
    FakeBackend fake = new FakeBackend();
    ThrowingBackend backend = new ThrowingBackend(fake);
    try (StderrCapture err = new StderrCapture(); SupervisorTestKit kit = SupervisorTestKit.create(fake, b -> b.backend(backend))) {
      ProcessController feed = kit.supervisor().register(feed());
      feed.start();
      kit.events().awaitState("feed", ProcessState.RUNNING, 1, WAIT);
      backend.treeCheckFailures.set(1); // the look for what the dead run left, on its I/O queue, throws
      fake.last("feed").exit(3);
      kit.events().awaitState("feed", ProcessState.CRASHED, 1, WAIT);
      feed.stop().toCompletableFuture().get(10, TimeUnit.SECONDS); // hands the dead run's work to the I/O queue now
      kit.awaitIdle();
      assertThat(err.text()).as("the log").contains(
          "ERROR io.github.vigil.internal.DefaultSupervisor - process=feed Blocking supervision work of feed failed");
    }
  }
}
