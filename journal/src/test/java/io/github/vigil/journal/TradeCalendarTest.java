package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.calendar.TradingCalendar;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link TradeCalendar#of(TradingCalendar)} and {@link TradeCalendar#weekdays} as a calendar without holidays. */
class TradeCalendarTest {
  /** A night session from 21:00, the trade day moving on at 21:00, and the October holidays. */
  static final TradingCalendar SHANGHAI = TradingCalendar.parse(List.of(
      "name = night",
      "zone = Asia/Shanghai",
      "cut-over = 21:00",
      "session = night 21:00-02:30 previous-trading-day not-after-holiday",
      "session = day 09:00-15:00",
      "holidays = 2026-10-01..2026-10-07"), "test");

  @Test
  void anExchangeCalendarsTradeDaysKnowItsHolidaysAndCutOver() {
    TradeCalendar c = TradeCalendar.of(SHANGHAI);
    assertThat(c.tradeDay(Instant.parse("2026-09-30T12:59:59Z"))).as("Wednesday 20:59:59 before the holidays").isEqualTo("2026-09-30");
    assertThat(c.tradeDay(Instant.parse("2026-09-30T13:00:00Z"))).as("Wednesday 21:00 before the holidays").isEqualTo("2026-10-08");
    assertThat(c.tradeDay(Instant.parse("2026-10-03T02:00:00Z"))).as("a holiday").isEqualTo("2026-10-08");
    assertThat(c.tradeDay(Instant.parse("2026-10-08T13:30:00Z"))).as("Thursday 21:30, night session").isEqualTo("2026-10-09");
    assertThat(c.tradeDay(Instant.parse("2026-10-09T18:00:00Z"))).as("Saturday 02:00 after Friday's night").isEqualTo("2026-10-12");
  }

  @Test
  void weekdaysAreTheTradeDaysOfAWeekdayCalendarWithoutHolidays() {
    TradeCalendar c = TradeCalendar.weekdays(ZoneOffset.ofHours(8), LocalTime.of(21, 0));
    assertThat(c.tradeDay(Instant.parse("2026-09-30T13:00:00Z"))).as("no holidays: Wednesday 21:00 is Thursday's").isEqualTo("2026-10-01");
    assertThat(c.tradeDay(Instant.parse("2026-11-27T12:59:59Z"))).as("Friday 20:59:59").isEqualTo("2026-11-27");
    assertThat(c.tradeDay(Instant.parse("2026-11-27T13:00:00Z"))).as("Friday 21:00").isEqualTo("2026-11-30");
    TradeCalendar midnight = TradeCalendar.weekdays(ZoneOffset.UTC, LocalTime.MIDNIGHT);
    assertThat(midnight.tradeDay(Instant.parse("2026-11-27T23:59:59Z"))).as("rollover at midnight: Friday").isEqualTo("2026-11-27");
    assertThat(midnight.tradeDay(Instant.parse("2026-11-28T00:00:00Z"))).as("Saturday is Monday's").isEqualTo("2026-11-30");
  }

  /**
   * Cairo's clocks go back from Friday 00:00 to Thursday 23:00 (2026-10-29): a rollover at 23:30 happens twice. The trade
   * day moves on at the first and stays (it went back to Thursday at the second, as weekdays compared local times).
   */
  @Test
  void aRolloverInADaylightSavingOverlapDoesNotTakeTheTradeDayBack() {
    TradeCalendar c = TradeCalendar.weekdays(ZoneId.of("Africa/Cairo"), LocalTime.of(23, 30));
    assertThat(c.tradeDay(Instant.parse("2026-10-29T20:29:00Z"))).as("23:29 summer time").isEqualTo("2026-10-29");
    assertThat(c.tradeDay(Instant.parse("2026-10-29T20:40:00Z"))).as("23:40 summer time").isEqualTo("2026-10-30");
    assertThat(c.tradeDay(Instant.parse("2026-10-29T21:10:00Z"))).as("23:10 winter time, after the clocks went back")
        .isEqualTo("2026-10-30");
  }
}
