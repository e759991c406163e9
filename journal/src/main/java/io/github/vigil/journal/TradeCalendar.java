package io.github.vigil.journal;

import static java.util.Objects.requireNonNull;

import io.github.vigil.calendar.SessionRule;
import io.github.vigil.calendar.TradingCalendar;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;

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
   * The trade days of an exchange's {@link TradingCalendar}: an instant belongs to
   * {@link TradingCalendar#tradeDay(Instant) calendar.tradeDay(at)}, so holidays, extra trading days and the
   * cut-over are the calendar's (with an 18:00 cut-over, Friday 21:00 belongs to Monday, and the evening
   * before a holiday to the trading day after the holiday). The trade day is found in the calendar's own zone,
   * whatever zone times are shown in.
   *
   * <pre>{@code
   * TradeCalendar days = TradeCalendar.of(TradingCalendar.load(Path.of("shfe.calendar")));
   * days.tradeDay(Instant.parse("2026-09-30T13:30:00Z")); // Wednesday 21:30 before the October holidays: "2026-10-08"
   * }</pre>
   *
   * <p>Thread-safe, as the calendar is.
   */
  static TradeCalendar of(TradingCalendar calendar) {
    requireNonNull(calendar, "calendar");
    return at -> calendar.tradeDay(at).toString();
  }

  /**
   * Trade days of an exchange in {@code zone} whose next trade day begins at {@code rollover} (e.g. 21:00
   * with a night session): from then on the instant belongs to the next weekday; Saturday and Sunday
   * belong to Monday. Holidays are not known: {@link #of(TradingCalendar)} knows them.
   *
   * <p>This is {@link #of(TradingCalendar)} of a Monday-to-Friday calendar without holidays whose cut-over is
   * {@code rollover}, so a rollover that falls in a daylight-saving gap or overlap resolves as
   * {@link TradingCalendar} resolves it (to the gap's end; to the first occurrence) and trade days never go
   * back as time advances.
   *
   * @throws IllegalArgumentException when {@code rollover} is not whole seconds
   */
  static TradeCalendar weekdays(ZoneId zone, LocalTime rollover) {
    requireNonNull(zone, "zone");
    requireNonNull(rollover, "rollover");
    // the calendar needs a session inside each trade day's span, which its tradeDay() does not read: one from
    // midnight up to the rollover (an evening cut-over), or the whole day for a rollover at midnight
    LocalTime close = rollover.equals(LocalTime.MIDNIGHT) ? LocalTime.MAX.withNano(0) : rollover;
    return of(TradingCalendar.builder("weekdays").zone(zone).cutOver(rollover)
        .session(SessionRule.of("day", LocalTime.MIDNIGHT, close)).build());
  }
}
