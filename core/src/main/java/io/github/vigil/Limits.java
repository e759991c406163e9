package io.github.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The largest values Vigil accepts, checked when a value is built (a {@link Backoff}, a
 * {@link RestartPolicy}, a {@link ProcessSpec}, a {@link HealthCheck}, a {@link ResourceRule}, an
 * {@link AttachSpec}, a {@link Supervisor.Builder}): a bad value fails there, with a message naming
 * the field and the value, and never later inside supervision. Past these, no arithmetic of the
 * supervisor on times and counts can overflow (its clock sums also saturate).
 *
 * <p>Thread-safe: constants only.
 */
public final class Limits {
  /** The longest duration any setting takes: 36,500 days (100 years). "Never" is spelled by a mode, not a duration. */
  public static final Duration MAX_DURATION = Duration.ofDays(36_500);

  /**
   * The largest count a setting takes (health check thresholds, resource rule samples, a group's
   * intensity): 1,000,000. A start limit's restarts take any int; {@code Integer.MAX_VALUE} means none.
   */
  public static final int MAX_COUNT = 1_000_000;

  private Limits() {}

  /** {@code d} if it is at most {@link #MAX_DURATION}; else an exception naming {@code field} and {@code d}. */
  static Duration atMostMax(String field, Duration d) {
    requireNonNull(d, field);
    if (d.compareTo(MAX_DURATION) > 0) {
      throw new IllegalArgumentException(field + " must be at most " + MAX_DURATION.toDays() + " days: " + HumanFormat.duration(d));
    }
    return d;
  }

  /** {@code n} if it is at most {@link #MAX_COUNT}; else an exception naming {@code field} and {@code n}. */
  static int atMostMax(String field, int n) {
    if (n > MAX_COUNT) {
      throw new IllegalArgumentException(field + " must be at most " + MAX_COUNT + ": " + n);
    }
    return n;
  }
}
