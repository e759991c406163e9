package io.github.vigil.internal;

import io.github.vigil.HealthCheck;
import io.github.vigil.HealthState;

/**
 * The counting rules of one check in one run, apart from any clock or thread: thresholds, start
 * period (ended early by the first pass) and success threshold. Times are the ticker's nanoseconds.
 *
 * <p>Not thread-safe: used on the supervision thread only.
 */
final class CheckTracker {
  private final int failureThreshold;
  private final int successThreshold;
  private final long startPeriodNanos;
  private final long runStartNanos;
  private HealthState state = HealthState.STARTING;
  private int failures;
  private int passes;
  private boolean passedOnce;
  private boolean lastCounted;

  CheckTracker(HealthCheck check, long runStartNanos) {
    this(check.failureThreshold(), check.successThreshold(), check.startPeriod().toNanos(), runStartNanos);
  }

  CheckTracker(int failureThreshold, int successThreshold, long startPeriodNanos, long runStartNanos) {
    this.failureThreshold = failureThreshold;
    this.successThreshold = successThreshold;
    this.startPeriodNanos = startPeriodNanos;
    this.runStartNanos = runStartNanos;
  }

  /**
   * Takes the result of an attempt begun at {@code attemptStartNanos}.
   *
   * @return the state after it
   */
  HealthState record(boolean passed, long attemptStartNanos) {
    if (passed) {
      passedOnce = true;
      lastCounted = true;
      passes++;
      failures = 0;
      if (state != HealthState.HEALTHY && passes >= successThreshold) {
        state = HealthState.HEALTHY;
      }
      return state;
    }
    passes = 0;
    boolean inStartPeriod = !passedOnce && attemptStartNanos - runStartNanos < startPeriodNanos;
    lastCounted = !inStartPeriod;
    if (inStartPeriod) {
      return state;
    }
    failures++;
    if (state != HealthState.UNHEALTHY && failures >= failureThreshold) {
      state = HealthState.UNHEALTHY;
    }
    return state;
  }

  HealthState state() {
    return state;
  }

  int consecutiveFailures() {
    return failures;
  }

  int consecutivePasses() {
    return passes;
  }

  /** Whether the last result counted towards a threshold. */
  boolean lastCounted() {
    return lastCounted;
  }
}
