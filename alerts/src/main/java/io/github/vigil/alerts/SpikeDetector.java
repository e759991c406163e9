package io.github.vigil.alerts;

/**
 * Finds values far above a series' own recent behaviour, robustly: the median and the MAD (median
 * absolute deviation) of the last {@code window} values are the baseline, so outliers in the window
 * hardly move it. A value is high when its robust z-score {@code (x - median) / max(1.4826 · MAD, floor)}
 * exceeds {@code threshold}, the floor being {@code max(minDeviation, relativeFloor · |median|)} so that
 * a flat series does not alarm on tiny steps. A spike starts after {@code confirm} high values in a
 * row and ends after {@code clear} values in a row below half the threshold. Nothing is reported
 * before the window is full (warm-up).
 *
 * <p>Memory is constant (two arrays of {@code window} doubles); the median and MAD are recomputed
 * every {@code refresh} values by quickselect, so the cost per value is a few comparisons plus
 * O(window / refresh). Not thread-safe: one detector per series, fed by one thread.
 */
public final class SpikeDetector {
  private final double[] ring;
  private final double[] scratch;
  private final double threshold;
  private final double minDeviation;
  private final double relativeFloor;
  private final int confirm;
  private final int clear;
  private final int refresh;
  private int head;
  private int size;
  private int sinceRefresh;
  private double median = Double.NaN;
  private double scale = Double.NaN;
  private int high;
  private int low;
  private boolean active;
  private double lastScore;

  /**
   * A detector.
   *
   * @param window values in the baseline (at least 8)
   * @param threshold robust z-score above which a value is high (e.g. 6)
   * @param minDeviation least deviation counted as one unit of scale (in the series' unit)
   * @param relativeFloor least scale as a fraction of the median (e.g. 0.02)
   * @param confirm high values in a row that make a spike
   * @param clear values in a row below half the threshold that end it
   */
  public SpikeDetector(int window, double threshold, double minDeviation, double relativeFloor, int confirm, int clear) {
    if (window < 8) {
      throw new IllegalArgumentException("window must be at least 8: " + window);
    }
    if (!(threshold > 0) || minDeviation < 0 || relativeFloor < 0 || confirm < 1 || clear < 1) {
      throw new IllegalArgumentException("need threshold > 0, minDeviation >= 0, relativeFloor >= 0, confirm >= 1, clear >= 1: "
          + threshold + ", " + minDeviation + ", " + relativeFloor + ", " + confirm + ", " + clear);
    }
    this.ring = new double[window];
    this.scratch = new double[window];
    this.threshold = threshold;
    this.minDeviation = minDeviation;
    this.relativeFloor = relativeFloor;
    this.confirm = confirm;
    this.clear = clear;
    this.refresh = Math.max(1, window / 4);
  }

  /** What a value changed. */
  public enum Change { NONE, STARTED, ENDED }

  /** Adds a value; says whether a spike started or ended with it. NaN values are ignored. */
  public Change add(double x) {
    if (Double.isNaN(x)) {
      return Change.NONE;
    }
    Change change = Change.NONE;
    if (size == ring.length) {
      if (sinceRefresh >= refresh || Double.isNaN(median)) {
        recompute();
      }
      double floor = Math.max(minDeviation, relativeFloor * Math.abs(median));
      double z = (x - median) / Math.max(scale, floor);
      lastScore = z;
      if (z > threshold) {
        high++;
        low = 0;
        if (!active && high >= confirm) {
          active = true;
          change = Change.STARTED;
        }
      } else {
        high = 0;
        if (z < threshold / 2) {
          low++;
          if (active && low >= clear) {
            active = false;
            change = Change.ENDED;
          }
        }
      }
    }
    ring[head] = x;
    head = head + 1 == ring.length ? 0 : head + 1;
    if (size < ring.length) {
      size++;
    }
    sinceRefresh++;
    return change;
  }

  private void recompute() {
    System.arraycopy(ring, 0, scratch, 0, size);
    median = RobustStats.median(scratch, size);
    for (int i = 0; i < size; i++) {
      scratch[i] = Math.abs(ring[i] - median);
    }
    scale = 1.4826 * RobustStats.median(scratch, size);
    sinceRefresh = 0;
  }

  /** Whether a spike is on. */
  public boolean isActive() {
    return active;
  }

  /** The baseline median (NaN during warm-up). */
  public double median() {
    return median;
  }

  /** The last robust z-score (0 during warm-up). */
  public double lastScore() {
    return lastScore;
  }
}
