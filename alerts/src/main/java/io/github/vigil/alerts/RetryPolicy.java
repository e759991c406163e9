package io.github.vigil.alerts;

import static java.util.Objects.requireNonNull;

import io.github.vigil.HumanFormat;
import java.time.Duration;

/**
 * How a failed delivery is tried again: at most {@code maxAttempts} attempts in all, waiting
 * {@code initialBackoff}, then {@code multiplier} times longer each time, never more than {@code maxBackoff}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxAttempts attempts in all, at least 1 (1 = no retry)
 * @param initialBackoff the wait before the second attempt
 * @param multiplier growth of the wait, at least 1
 * @param maxBackoff the longest wait
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
    requireNonNull(initialBackoff, "initialBackoff");
    requireNonNull(maxBackoff, "maxBackoff");
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff: "
          + HumanFormat.duration(initialBackoff) + ", " + HumanFormat.duration(maxBackoff));
    }
    if (!(multiplier >= 1)) {
      throw new IllegalArgumentException("multiplier must be at least 1: " + multiplier);
    }
  }

  /** 4 attempts, 1 s, 2 s, 4 s apart (at most 1 min). */
  public static RetryPolicy defaults() {
    return new RetryPolicy(4, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1));
  }

  /** One attempt only. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO);
  }

  /** The wait after failed attempt {@code attempt} (1-based). */
  public Duration delay(int attempt) {
    double nanos = initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, attempt - 1));
    return nanos >= maxBackoff.toNanos() ? maxBackoff : Duration.ofNanos((long) nanos);
  }
}
