package io.github.vigil.calendar;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.LocalDate;

/**
 * Counters of one trade day, for one process or summed over all: "restarts today", "MTTR today".
 *
 * <p>Immutable and thread-safe.
 *
 * @param tradeDay the trade day
 * @param starts runs spawned
 * @param restarts restarts by the restart policy
 * @param crashes runs that ended in failure inside their window (exits after the close are not counted here)
 * @param deferredRestarts restarts deferred to the end of a freeze window and done there (a part of {@code restarts}); a
 *     deferral called off before (a stop, the close, a removal, a give-up, another start) or left for a person is none
 * @param outsideWindow exits, losses and missing processes recorded outside their window
 * @param recoveries crashes followed by a run that reached {@code RUNNING} and stayed up for its restart policy's {@link
 *     io.github.vigil.RestartPolicy#stableAfter() stableAfter} (the run after which the policy's backoff starts again from
 *     its first delay), or that ended before without failing (a stop); a run that failed within it recovered nothing, and
 *     the crashes of such a loop are one recovery, from the first of them, once a run stays up
 * @param meanTimeToRecover mean time from a crash (the first of a loop) to the {@code RUNNING} of the run that recovered
 *     it, over the recoveries; zero when none
 */
public record DayStatistics(LocalDate tradeDay, long starts, long restarts, long crashes, long deferredRestarts, long outsideWindow,
    long recoveries, Duration meanTimeToRecover) {

  public DayStatistics {
    requireNonNull(tradeDay, "tradeDay");
    requireNonNull(meanTimeToRecover, "meanTimeToRecover");
  }

  /** Nothing counted yet on {@code tradeDay}. */
  public static DayStatistics empty(LocalDate tradeDay) {
    return new DayStatistics(tradeDay, 0, 0, 0, 0, 0, 0, Duration.ZERO);
  }
}
