package io.github.vigil.calendar;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where one process's or attachment's schedule stands now, as {@link TradingSupervision#states()}
 * and {@link TradingSupervision#state(String)} report it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the process, group or attachment (a process in a scheduled group: the process, with its group's schedule)
 * @param attachment whether it is an attachment (a watch window) rather than a supervised process
 * @param schedule its schedule (of a process in a scheduled group, the group's)
 * @param phase where the schedule is now
 * @param frozenBy the freeze window in force now, or {@code null}
 * @param tradeDay the current trade day by the schedule's calendar, or {@code null} without one
 * @param nextChange when the phase or freeze next changes, or {@code null} for never
 */
public record ScheduleState(String name, boolean attachment, Schedule schedule, Schedule.Phase phase, @Nullable String frozenBy,
    @Nullable LocalDate tradeDay, @Nullable Instant nextChange) {

  public ScheduleState {
    requireNonNull(name, "name");
    requireNonNull(schedule, "schedule");
    requireNonNull(phase, "phase");
  }

  /** The freeze window in force now. */
  public Optional<String> freeze() {
    return Optional.ofNullable(frozenBy);
  }

  /** When the phase or freeze next changes. */
  public Optional<Instant> next() {
    return Optional.ofNullable(nextChange);
  }
}
