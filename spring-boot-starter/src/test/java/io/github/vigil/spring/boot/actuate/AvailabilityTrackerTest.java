package io.github.vigil.spring.boot.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.HealthState;
import io.github.vigil.Origin;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.SupervisorEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

/**
 * Unavailable stretches from the events, on a clock moved by hand: a crash loop whose runs outlive their startup
 * grace is one stretch (it read UP and UNKNOWN by turns, never DOWN; found by a black-box run), and a critical
 * process back from a loop that was DOWN is UP only once it has held for down-after.
 */
class AvailabilityTrackerTest {
  private static final Duration DOWN_AFTER = Duration.ofSeconds(10);
  private Instant now = Instant.parse("2026-12-07T01:00:00Z");
  private final AvailabilityTracker tracker = new AvailabilityTracker(() -> now, DOWN_AFTER);
  private ProcessState state = ProcessState.STOPPED;

  private void move(ProcessState to) {
    tracker.onEvent(new SupervisorEvent.StateChanged("feed", now, state, to, Origin.POLICY, "test"));
    state = to;
  }

  private void after(double seconds) {
    now = now.plusMillis((long) (seconds * 1000));
  }

  private Status health() {
    ProcessStatus s = new ProcessStatus("feed", state, state.isActive() ? 42 : -1, null, Duration.ZERO, 0, null, HealthState.UNKNOWN, true, "");
    Duration unavailable = tracker.unavailableSince(s).map(since -> Duration.between(since, now)).orElse(null);
    return ProcessHealthIndicator.status(s, true, unavailable, DOWN_AFTER, false);
  }

  @Test
  void aCrashLoopWhoseRunsOutliveTheirGraceIsDownAndStaysDownUntilARunHolds() {
    move(ProcessState.STARTING);
    after(1);
    move(ProcessState.RUNNING);
    assertThat(health()).isEqualTo(Status.UP);
    after(60); // a good run
    // the loop: each run 3 s past a 1 s grace, 1 s of backoff
    for (int i = 0; i < 4; i++) {
      move(ProcessState.CRASHED);
      move(ProcessState.BACKOFF);
      after(1);
      move(ProcessState.STARTING);
      after(1);
      move(ProcessState.RUNNING);
      after(3);
    }
    // 20 s since the first exit, 5 of them down at a time: one stretch, longer than down-after
    assertThat(state).isEqualTo(ProcessState.RUNNING);
    assertThat(health()).as("running, but back from a loop that was DOWN and up for 3 s only").isEqualTo(Status.DOWN);
    move(ProcessState.CRASHED);
    move(ProcessState.BACKOFF);
    assertThat(health()).isEqualTo(Status.DOWN);
    after(1);
    move(ProcessState.STARTING);
    after(1);
    move(ProcessState.RUNNING);
    after(9.9);
    assertThat(health()).as("up 9.9 s of the 10 it must hold").isEqualTo(Status.DOWN);
    after(0.2);
    assertThat(health()).as("held for down-after").isEqualTo(Status.UP);
    // a crash after a run that held is a stretch of its own
    move(ProcessState.CRASHED);
    move(ProcessState.BACKOFF);
    assertThat(health()).isEqualTo(Status.UNKNOWN);
  }

  @Test
  void aFewShortRunsThatNeverAddUpToDownAfterStayUpWhileRunning() {
    move(ProcessState.STARTING);
    after(1);
    move(ProcessState.RUNNING);
    after(60);
    move(ProcessState.CRASHED); // one crash, back within 2 s: not DOWN at any moment
    move(ProcessState.BACKOFF);
    after(1);
    move(ProcessState.STARTING);
    assertThat(health()).isEqualTo(Status.UNKNOWN);
    after(1);
    move(ProcessState.RUNNING);
    assertThat(health()).isEqualTo(Status.UP);
  }
}
