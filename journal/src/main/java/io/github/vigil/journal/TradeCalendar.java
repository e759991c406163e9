package io.github.vigil.journal;

import static java.util.Objects.requireNonNull;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * Which trade day an instant belongs to, for the trade-day column of snapshots and the per-trade-day table
 * of a restart report. A night session that opens in the evening usually belongs to the next trade day.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface TradeCalendar {

  /** The trade day of {@code at}, as {@code yyyy-MM-dd}. */
  String tradeDay(Instant at);

  /** The calendar date in {@code zone}: every day is its own trade day. */
  static TradeCalendar calendarDays(ZoneId zone) {
    requireNonNull(zone, "zone");
    return at -> LocalDate.ofInstant(at, zone).toString();
  }

  /**
   * Trade days of an exchange in {@code zone} whose next trade day begins at {@code rollover} (e.g. 21:00
   * with a night session): from then on the instant belongs to the next weekday; Saturday and Sunday
   * belong to Monday. Holidays are not known.
   */
  static TradeCalendar weekdays(ZoneId zone, LocalTime rollover) {
    requireNonNull(zone, "zone");
    requireNonNull(rollover, "rollover");
    return at -> {
      ZonedDateTime t = at.atZone(zone);
      LocalDate d = t.toLocalDate();
      if (!t.toLocalTime().isBefore(rollover) && !rollover.equals(LocalTime.MIDNIGHT)) {
        d = d.plusDays(1);
      }
      while (d.getDayOfWeek() == DayOfWeek.SATURDAY || d.getDayOfWeek() == DayOfWeek.SUNDAY) {
        d = d.plusDays(1);
      }
      return d.toString();
    };
  }
}
