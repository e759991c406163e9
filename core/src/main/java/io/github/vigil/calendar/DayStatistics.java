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
 * @param deferredRestarts restarts deferred by a freeze window
 * @param outsideWindow exits, losses and missing processes recorded outside their window
 * @param recoveries crashes followed by a run that reached {@code RUNNING}
 * @param meanTimeToRecover mean time from a crash to the next {@code RUNNING}, over the recoveries; zero when none
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
