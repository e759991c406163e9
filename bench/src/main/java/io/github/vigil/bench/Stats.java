package io.github.vigil.bench;

import java.util.Arrays;

/**
 * Order statistics of one measured figure: trial count, median, p99 (nearest rank), min and max.
 * Immutable and thread-safe.
 */
public record Stats(int n, double median, double p99, double min, double max) {

  public Stats {
    if (n < 1) {
      throw new IllegalArgumentException("n must be positive: " + n);
    }
  }

  /** The statistics of these values (at least one). */
  public static Stats of(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    double p99 = v[Math.max(0, (int) Math.ceil(0.99 * n) - 1)];
    return new Stats(n, median, p99, v[0], v[n - 1]);
  }

  /** One value measured once. */
  public static Stats single(double value) {
    return new Stats(1, value, value, value, value);
  }

  /** Nanosecond durations as milliseconds. */
  public static Stats millis(long[] nanos) {
    double[] v = new double[nanos.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = nanos[i] / 1e6;
    }
    return of(v);
  }

  /** Whether the figures are finite, non-negative and ordered min ≤ median ≤ p99 ≤ max. */
  public boolean wellFormed() {
    return Double.isFinite(min) && Double.isFinite(max) && min >= 0 && min <= median && median <= p99 && p99 <= max;
  }
}
