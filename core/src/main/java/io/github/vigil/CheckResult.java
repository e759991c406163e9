package io.github.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/**
 * The result of one attempt of a {@link HealthCheck}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param status passed, failed, or abandoned at its timeout
 * @param message what was seen, e.g. {@code "HTTP 500"}, {@code "connection refused"}, {@code "exit 1: no quotes"}
 * @param duration from the start of the attempt to its result (the timeout, when it timed out)
 * @param at wall-clock time of the result
 * @param counted whether it counted towards a threshold; a failure within the start period does not
 */
public record CheckResult(Status status, String message, Duration duration, Instant at, boolean counted) {

  /** How an attempt ended. */
  public enum Status {
    PASSED,
    FAILED,
    /** Abandoned at its timeout: a failure. */
    TIMED_OUT
  }

  public CheckResult {
    requireNonNull(status, "status");
    requireNonNull(message, "message");
    requireNonNull(duration, "duration");
    requireNonNull(at, "at");
  }

  public boolean passed() {
    return status == Status.PASSED;
  }

  @Override
  public String toString() {
    return status + " in " + HumanFormat.duration(duration) + (message.isEmpty() ? "" : ": " + message) + (counted ? "" : " (not counted)");
  }
}
