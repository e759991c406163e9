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
 * @param restartsPerHour restarts per hour over the time observed
 * @param meanTimeToRecover mean time from a crash to the next {@code RUNNING}; zero when none
 * @param meanUptime mean duration of ended runs; zero when none
 * @param observed how long the statistics cover
 */
public record ProcessStatistics(
    long starts, long restarts, long restartsSucceeded, long restartsFailed, double restartsPerHour,
    Duration meanTimeToRecover, Duration meanUptime, Duration observed) {}
