package io.github.vigil;

import java.util.Arrays;

/**
 * What a restart decision needs to remember about earlier restarts: when they happened (on the
 * supervisor's monotonic ticker) and how many followed one another without a stable run.
 *
 * <p>Immutable and thread-safe; each method returns a new history. Only the restarts that can still
 * fall inside a window are kept, so the size stays bounded by the start limit.
 */
public final class RestartHistory {

  private static final RestartHistory EMPTY = new RestartHistory(new long[0], 0);

  private final long[] restartTimes; // ascending ticker nanos
  private final int consecutive;

  private RestartHistory(long[] restartTimes, int consecutive) {
    this.restartTimes = restartTimes;
    this.consecutive = consecutive;
  }

  /** No restarts yet. */
  public static RestartHistory empty() {
    return EMPTY;
  }

  /** Restarts since the last run that stayed up for the policy's stable period. */
  public int consecutiveRestarts() {
    return consecutive;
  }

  /** The ticker time of the last restart, or {@link Long#MIN_VALUE} when there was none. */
  public long lastRestartNanos() {
    return restartTimes.length == 0 ? Long.MIN_VALUE : restartTimes[restartTimes.length - 1];
  }

  /** How many restarts happened at ticker times in {@code (now - window, now]}. */
  public int restartsWithin(long windowNanos, long nowNanos) {
    int n = 0;
    for (int i = restartTimes.length - 1; i >= 0; i--) {
      long t = restartTimes[i];
      if (t > nowNanos) {
        continue;
      }
      if (nowNanos - t >= windowNanos) {
        break;
      }
      n++;
    }
    return n;
  }

  /**
   * This history plus a restart at {@code atNanos} that was attempt {@code attempt}; restarts older
   * than {@code windowNanos} before it, and beyond {@code keep} entries, are forgotten.
   */
  public RestartHistory withRestart(long atNanos, int attempt, long windowNanos, int keep) {
    int from = 0;
    while (from < restartTimes.length && atNanos - restartTimes[from] >= windowNanos) {
      from++;
    }
    int kept = Math.min(restartTimes.length - from, Math.max(0, keep - 1));
    long[] next = new long[kept + 1];
    System.arraycopy(restartTimes, restartTimes.length - kept, next, 0, kept);
    next[kept] = atNanos;
    return new RestartHistory(next, attempt);
  }

  /** This history with the consecutive count reset, after a stable run. */
  public RestartHistory stable() {
    return consecutive == 0 ? this : new RestartHistory(restartTimes, 0);
  }

  @Override
  public String toString() {
    return "RestartHistory{restarts=" + Arrays.toString(restartTimes) + ", consecutive=" + consecutive + "}";
  }
}
