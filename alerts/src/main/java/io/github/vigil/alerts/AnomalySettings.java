package io.github.vigil.alerts;

/**
 * How the anomaly detectors judge, with defaults for one sample every 10 s (Alerting's default).
 * The measured quality of these defaults is in the module's README (detection rate, false alarms
 * per process-week, delay).
 *
 * <p>Immutable and thread-safe.
 *
 * @param spikeWindow samples in a spike baseline (default 90: 15 min)
 * @param spikeThreshold robust z-score of a spike (default 8)
 * @param spikeConfirm high samples in a row that make a spike (default 2)
 * @param spikeClear samples in a row back under half the threshold that end it (default 6)
 * @param trendBucket samples per leak bucket (default 30: 5 min)
 * @param trendBuckets buckets in a leak window (default 24: 2 h)
 * @param trendMinBuckets buckets before a leak is judged (default 12: 1 h)
 * @param trendMinTau Kendall's tau of a leak (default 0.7)
 * @param relativeGrowth least memory growth over the leak window as a fraction of the level (default 0.05;
 *     descriptors and threads, being exact counts, need 2 %)
 * @param memoryMinGrowth least memory growth over the window, bytes (default 16 MiB)
 * @param countMinGrowth least descriptor or thread growth over the window (default 16)
 * @param zombieThreshold zombies that start counting (default 5)
 * @param zombieSamples samples in a row at or above the threshold without a fall (default 6)
 * @param restartMin restarts in the last hour needed for an unusual rate (default 3)
 * @param restartFactor how many times the usual hourly rate is unusual (default 5)
 */
public record AnomalySettings(int spikeWindow, double spikeThreshold, int spikeConfirm, int spikeClear, int trendBucket,
    int trendBuckets, int trendMinBuckets, double trendMinTau, double relativeGrowth, double memoryMinGrowth,
    double countMinGrowth, int zombieThreshold, int zombieSamples, int restartMin, double restartFactor) {

  public AnomalySettings {
    // the detectors check their own arguments; these are the ones they do not see
    if (zombieThreshold < 1 || zombieSamples < 1 || restartMin < 1 || !(restartFactor >= 1)) {
      throw new IllegalArgumentException("need zombieThreshold >= 1, zombieSamples >= 1, restartMin >= 1, restartFactor >= 1: "
          + zombieThreshold + ", " + zombieSamples + ", " + restartMin + ", " + restartFactor);
    }
    new SpikeDetector(spikeWindow, spikeThreshold, 0, 0, spikeConfirm, spikeClear);
    new TrendDetector(trendBucket, trendBuckets, trendMinBuckets, trendMinTau, memoryMinGrowth, relativeGrowth);
  }

  /** The defaults, for a sample every 10 s. */
  public static AnomalySettings defaults() {
    return new AnomalySettings(90, 8, 2, 6, 30, 24, 12, 0.7, 0.05, 16 * 1024 * 1024, 16, 5, 6, 3, 5);
  }

  SpikeDetector spike(double minDeviation, double relativeFloor) {
    return new SpikeDetector(spikeWindow, spikeThreshold, minDeviation, relativeFloor, spikeConfirm, spikeClear);
  }

  TrendDetector trend(double minGrowth, double relative) {
    return new TrendDetector(trendBucket, trendBuckets, trendMinBuckets, trendMinTau, minGrowth, relative);
  }
}
