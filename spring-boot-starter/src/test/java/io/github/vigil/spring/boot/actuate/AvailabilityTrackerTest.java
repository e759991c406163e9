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
    move(to, Origin.POLICY);
  }

  private void move(ProcessState to, Origin origin) {
    tracker.onEvent(new SupervisorEvent.StateChanged("feed", now, state, to, origin, "test"));
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

  @Test
  void aFirstRunShorterThanDownAfterThenOneCrashIsNotBackFromALoop() {
    // the application's start: the process is started, runs 8.5 s (less than down-after), is killed once and is back in 1.5 s
    move(ProcessState.STARTING);
    after(1);
    move(ProcessState.RUNNING);
    after(8.5);
    move(ProcessState.CRASHED);
    move(ProcessState.BACKOFF);
    after(1);
    move(ProcessState.STARTING);
    assertThat(health()).as("1 s after its one crash, not 10.5 s since the application started").isEqualTo(Status.UNKNOWN);
    after(0.5);
    move(ProcessState.RUNNING);
    assertThat(health()).as("back after a 1.5 s outage, not from a loop").isEqualTo(Status.UP);
  }

  @Test
  void aProcessStartedAgainAfterAStopOnRequestIsNotBackFromALoop() {
    // stopped on request (or by its schedule at a session's close) for a minute, then started again on request
    move(ProcessState.STARTING);
    after(1);
    move(ProcessState.RUNNING);
    after(60);
    move(ProcessState.STOPPING, Origin.API);
    move(ProcessState.STOPPED, Origin.PROCESS);
    after(60);
    assertThat(health()).isEqualTo(Status.OUT_OF_SERVICE);
    move(ProcessState.STARTING, Origin.API);
    assertThat(health()).as("starting on request, not unavailable since the stop a minute ago").isEqualTo(Status.UNKNOWN);
    after(1);
    move(ProcessState.RUNNING, Origin.PROCESS);
    assertThat(health()).as("running again: the stop on request was out of service, not a crash loop").isEqualTo(Status.UP);
    // and a crash loop after it is still one: from its first exit on
    after(60);
    for (int i = 0; i < 3; i++) {
      move(ProcessState.CRASHED);
      move(ProcessState.BACKOFF);
      after(1);
      move(ProcessState.STARTING);
      after(1);
      move(ProcessState.RUNNING);
      after(3);
    }
    assertThat(health()).as("15 s of a loop of short runs").isEqualTo(Status.DOWN);
  }

  @Test
  void aShortRunStoppedOnRequestAndStartedAgainIsNotBackFromALoop() {
    move(ProcessState.STARTING);
    after(1);
    move(ProcessState.RUNNING);
    after(5); // shorter than down-after
    move(ProcessState.STOPPING, Origin.API);
    move(ProcessState.STOPPED, Origin.PROCESS);
    after(30);
    move(ProcessState.STARTING, Origin.API);
    after(1);
    move(ProcessState.RUNNING, Origin.PROCESS);
    assertThat(health()).isEqualTo(Status.UP);
  }

  @Test
  void aLoopOfRestartsByAFailingLivenessCheckIsStillOneStretch() {
    move(ProcessState.STARTING);
    after(1);
    move(ProcessState.RUNNING);
    after(60);
    for (int i = 0; i < 4; i++) { // unhealthy, restarted by its check: not a stop anyone asked for
      tracker.onEvent(new SupervisorEvent.HealthChanged("feed", now, HealthState.HEALTHY, HealthState.UNHEALTHY, "test"));
      move(ProcessState.STOPPING, Origin.HEALTH_CHECK);
      move(ProcessState.BACKOFF, Origin.PROCESS);
      after(1);
      move(ProcessState.STARTING);
      tracker.onEvent(new SupervisorEvent.HealthChanged("feed", now, HealthState.UNHEALTHY, HealthState.STARTING, "test"));
      after(1);
      move(ProcessState.RUNNING);
      after(3);
    }
    assertThat(health()).as("20 s of restarts by the check: one stretch from the first").isEqualTo(Status.DOWN);
  }
}
