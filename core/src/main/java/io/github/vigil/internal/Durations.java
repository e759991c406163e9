package io.github.vigil.internal;

import java.time.Duration;

/** Saturating time arithmetic for the supervision thread: no sum of a clock and a delay can overflow. */
final class Durations {
  private Durations() {}

  /** {@code a + b}, clamped to {@code [Long.MIN_VALUE, Long.MAX_VALUE]}. */
  public static long saturatedAdd(long a, long b) {
    long r = a + b;
    if (((a ^ r) & (b ^ r)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }

  /** {@code a - b}, clamped. */
  public static long saturatedSub(long a, long b) {
    long r = a - b;
    if (((a ^ b) & (a ^ r)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }

  /** The duration in nanoseconds, {@code Long.MAX_VALUE} (or MIN) past what a long holds. */
  public static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }
}
