package io.github.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The delay before a restart: fixed or exponential, capped, with optional jitter.
 *
 * <p>The delay for attempt {@code n} (1-based) is {@code min(cap, initial * multiplier^(n-1))}; with
 * jitter {@code j} it is then drawn uniformly from {@code [d * (1 - j), d]}, so jitter only ever
 * shortens a delay and the cap always holds.
 *
 * <p>Immutable and thread-safe.
 *
 * @param initial the delay before the first restart
 * @param multiplier growth per attempt; 1 for a fixed delay
 * @param cap the largest delay
 * @param jitter fraction in [0, 1] of the delay that is randomised away
 */
public record Backoff(Duration initial, double multiplier, Duration cap, double jitter) {

  public Backoff {
    requireNonNull(initial, "initial");
    requireNonNull(cap, "cap");
    if (initial.isNegative()) {
      throw new IllegalArgumentException("backoff.initial must not be negative: " + HumanFormat.duration(initial));
    }
    if (cap.isNegative()) {
      throw new IllegalArgumentException("backoff.cap must not be negative: " + HumanFormat.duration(cap));
    }
    Limits.atMostMax("backoff.initial", initial);
    Limits.atMostMax("backoff.cap", cap);
    if (cap.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff.cap " + HumanFormat.duration(cap) + " must not be below backoff.initial "
          + HumanFormat.duration(initial));
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("backoff.multiplier must be a finite number >= 1: " + multiplier);
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("backoff.jitter must be in [0, 1]: " + jitter);
    }
  }

  /** Restart at once. */
  public static Backoff none() {
    return new Backoff(Duration.ZERO, 1.0, Duration.ZERO, 0.0);
  }

  /** The same delay before every restart. */
  public static Backoff fixed(Duration delay) {
    return new Backoff(delay, 1.0, delay, 0.0);
  }

  /** {@code initial}, then multiplied by {@code multiplier} per attempt up to {@code cap}. */
  public static Backoff exponential(Duration initial, double multiplier, Duration cap) {
    return new Backoff(initial, multiplier, cap, 0.0);
  }

  /** This backoff with jitter {@code j} in [0, 1]. */
  public Backoff withJitter(double j) {
    return new Backoff(initial, multiplier, cap, j);
  }

  /** The smallest delay this backoff can give for {@code attempt}. */
  public Duration floor(int attempt) {
    long nominal = nominalNanos(attempt);
    return Duration.ofNanos(nominal - (long) (nominal * jitter));
  }

  /**
   * The delay before restart number {@code attempt} (1-based).
   *
   * @param random the source of jitter; not used when jitter is 0
   */
  public Duration delay(int attempt, RandomGenerator random) {
    long nominal = nominalNanos(attempt);
    if (jitter == 0.0 || nominal == 0) {
      return Duration.ofNanos(nominal);
    }
    long spread = (long) (nominal * jitter);
    return Duration.ofNanos(nominal - (spread == 0 ? 0 : random.nextLong(spread + 1)));
  }

  private long nominalNanos(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt is 1-based: " + attempt);
    }
    long capNanos = cap.toNanos();
    double value = initial.toNanos() * Math.pow(multiplier, attempt - 1);
    return value >= capNanos ? capNanos : (long) value;
  }
}
