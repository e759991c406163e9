package io.github.vigil.alerts;

/**
 * Finds a steady growth (a leak) with a robust slope. Values are gathered in buckets of
 * {@code bucketSize}; each bucket contributes its <em>minimum</em> (robust against upward spikes, and
 * the floor of a garbage-collected heap's sawtooth) at its mean time. Over the last {@code buckets}
 * bucket points, when a bucket closes: the Theil–Sen slope (the median of all pairwise slopes) and
 * Kendall's tau (the share of rising pairs minus falling pairs). A leak starts when tau is at least
 * {@code minTau} and the slope over the window's span adds at least
 * {@code max(minGrowth, relativeGrowth · median level)}; it ends when tau falls below half of
 * {@code minTau} or the slope is not positive.
 *
 * <p>Memory is constant: three arrays of {@code buckets} values and one of their pairs. The pairwise
 * work (buckets² / 2) runs once per bucket, so the cost per value is a comparison plus
 * buckets² / (2 · bucketSize). Not thread-safe: one detector per series, fed by one thread.
 */
public final class TrendDetector {
  private final int bucketSize;
  private final double[] times;
  private final double[] mins;
  private final double[] pairs;
  private final int minPoints;
  private final double minTau;
  private final double minGrowth;
  private final double relativeGrowth;
  private int head;
  private int size;
  private int inBucket;
  private double bucketMin;
  private double bucketTimeSum;
  private boolean active;
  private double slope = Double.NaN;   // per second
  private double tau;
  private double level = Double.NaN;

  /**
   * A detector.
   *
   * @param bucketSize values per bucket (e.g. 30: 5 min at one value per 10 s)
   * @param buckets bucket points in the window (e.g. 24: 2 h)
   * @param minPoints bucket points needed before it judges (warm-up)
   * @param minTau Kendall's tau needed, in (0, 1] (e.g. 0.6)
   * @param minGrowth least growth over the window, in the series' unit
   * @param relativeGrowth least growth over the window as a fraction of the median level
   */
  public TrendDetector(int bucketSize, int buckets, int minPoints, double minTau, double minGrowth, double relativeGrowth) {
    if (bucketSize < 1 || buckets < 4 || minPoints < 4 || minPoints > buckets) {
      throw new IllegalArgumentException("need bucketSize >= 1, buckets >= 4, 4 <= minPoints <= buckets: " + bucketSize + ", "
          + buckets + ", " + minPoints);
    }
    if (!(minTau > 0 && minTau <= 1) || minGrowth < 0 || relativeGrowth < 0) {
      throw new IllegalArgumentException("need 0 < minTau <= 1, minGrowth >= 0, relativeGrowth >= 0: " + minTau + ", "
          + minGrowth + ", " + relativeGrowth);
    }
    this.bucketSize = bucketSize;
    this.times = new double[buckets];
    this.mins = new double[buckets];
    this.pairs = new double[buckets * (buckets - 1) / 2];
    this.minPoints = minPoints;
    this.minTau = minTau;
    this.minGrowth = minGrowth;
    this.relativeGrowth = relativeGrowth;
  }

  /** Adds a value read at {@code seconds} (any origin); says whether a leak started or ended. NaN is ignored. */
  public SpikeDetector.Change add(double seconds, double x) {
    if (Double.isNaN(x)) {
      return SpikeDetector.Change.NONE;
    }
    if (inBucket == 0 || x < bucketMin) {
      bucketMin = x;
    }
    bucketTimeSum += seconds;
    if (++inBucket < bucketSize) {
      return SpikeDetector.Change.NONE;
    }
    times[head] = bucketTimeSum / inBucket;
    mins[head] = bucketMin;
    head = head + 1 == times.length ? 0 : head + 1;
    if (size < times.length) {
      size++;
    }
    inBucket = 0;
    bucketTimeSum = 0;
    return size >= minPoints ? judge() : SpikeDetector.Change.NONE;
  }

  private SpikeDetector.Change judge() {
    int n = 0;
    int rising = 0;
    int falling = 0;
    double tMin = Double.MAX_VALUE;
    double tMax = -Double.MAX_VALUE;
    for (int i = 0; i < size; i++) {
      tMin = Math.min(tMin, times[i]);
      tMax = Math.max(tMax, times[i]);
      for (int j = i + 1; j < size; j++) {
        double dt = times[j] - times[i];
        if (dt == 0) {
          continue;
        }
        double s = (mins[j] - mins[i]) / dt;
        pairs[n++] = s;
        if (s > 0) {
          rising++;
        } else if (s < 0) {
          falling++;
        }
      }
    }
    if (n == 0) {
      return SpikeDetector.Change.NONE;
    }
    tau = (rising - falling) / (double) n;
    slope = RobustStats.median(pairs, n);
    System.arraycopy(mins, 0, pairs, 0, size);
    level = RobustStats.median(pairs, size);
    double growth = slope * (tMax - tMin);
    double needed = Math.max(minGrowth, relativeGrowth * Math.abs(level));
    if (!active && tau >= minTau && slope > 0 && growth >= needed) {
      active = true;
      return SpikeDetector.Change.STARTED;
    }
    if (active && (tau < minTau / 2 || slope <= 0)) {
      active = false;
      return SpikeDetector.Change.ENDED;
    }
    return SpikeDetector.Change.NONE;
  }

  /** Whether a leak is on. */
  public boolean isActive() {
    return active;
  }

  /** The robust slope, in the series' unit per second (NaN before the first judgement). */
  public double slopePerSecond() {
    return slope;
  }

  /** Kendall's tau of the window. */
  public double tau() {
    return tau;
  }

  /** The latest bucket minimum. */
  public double latest() {
    return size == 0 ? Double.NaN : mins[(head - 1 + mins.length) % mins.length];
  }
}
