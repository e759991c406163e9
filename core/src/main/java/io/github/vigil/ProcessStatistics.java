package io.github.vigil;

import java.time.Duration;

/**
 * Counters and means for one process, or summed over a supervisor.
 *
 * <p>Immutable and thread-safe.
 *
 * @param starts runs spawned, whatever asked for them
 * @param restarts restarts by the policy
 * @param restartsSucceeded restarts whose run reached {@code RUNNING}
 * @param restartsFailed restarts whose run ended before {@code RUNNING}, or could not start
 * @param restartsPerHour restarts per hour over the time observed once that is at least an hour; before,
 *     the restarts so far (never extrapolated from less than the hour it is per)
 * @param meanTimeToRecover mean time from a crash to the next {@code RUNNING}; zero when none
 * @param meanUptime mean duration of ended runs; zero when none
 * @param observed how long the statistics cover
 */
public record ProcessStatistics(
    long starts, long restarts, long restartsSucceeded, long restartsFailed, double restartsPerHour,
    Duration meanTimeToRecover, Duration meanUptime, Duration observed) {

  /**
   * The restart rate as a person reads it, with its window: {@code 6 per hour over the last 2 h},
   * or before an hour is observed {@code 3 restarts in 35.0 s}.
   */
  public String restartRate() {
    if (observed.compareTo(Duration.ofHours(1)) >= 0) {
      return HumanFormat.rate(restarts, observed);
    }
    return HumanFormat.count(restarts, "restart", "restarts") + " in " + HumanFormat.duration(observed);
  }

  /** E.g. {@code 5 starts, 4 restarts (4 restarts in 35.0 s; 3 came up, 1 did not), mean time to recover 1.02 s, mean uptime 8.40 s}. */
  @Override
  public String toString() {
    return HumanFormat.count(starts, "start", "starts") + ", " + HumanFormat.count(restarts, "restart", "restarts") + " (" + restartRate() + "; " + restartsSucceeded + " came up, "
        + restartsFailed + " did not), mean time to recover " + HumanFormat.duration(meanTimeToRecover) + ", mean uptime "
        + HumanFormat.duration(meanUptime);
  }
}
