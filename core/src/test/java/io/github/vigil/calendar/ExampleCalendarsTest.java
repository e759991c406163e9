package io.github.vigil.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The example calendars over every minute of 2026, against an oracle written from the exchanges'
 * rules in local time (not through {@link TradingCalendar}'s own logic), plus the weeks that matter:
 * holidays, the night before them, and daylight-saving changes.
 */
class ExampleCalendarsTest {
  private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant TO = Instant.parse("2027-01-01T00:00:00Z");

  private static boolean weekday(LocalDate d) {
    return d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY;
  }

  private static LocalDate onOrAfter(LocalDate d, Predicate<LocalDate> trading) {
    while (!trading.test(d)) {
      d = d.plusDays(1);
    }
    return d;
  }

  private static boolean in(LocalTime t, String from, String to) {
    return !t.isBefore(LocalTime.parse(from)) && t.isBefore(LocalTime.parse(to));
  }

  /** Walks every minute of 2026 and compares trade day and open-ness with the oracle. */
  private static void everyMinute(TradingCalendar cal, java.util.function.Function<ZonedDateTime, LocalDate> tradeDay,
      Predicate<ZonedDateTime> open) {
    int opens = 0;
    boolean was = false;
    for (Instant t = FROM; t.isBefore(TO); t = t.plusSeconds(60)) {
      ZonedDateTime z = t.atZone(cal.zone());
      LocalDate expectedDay = tradeDay.apply(z);
      boolean expectedOpen = open.test(z);
      Instant at = t;
      assertEquals(expectedDay, cal.tradeDay(t), () -> cal.name() + " trade day at " + z);
      assertEquals(expectedOpen, cal.isOpen(t), () -> cal.name() + " open at " + z);
      if (expectedOpen) {
        Session s = cal.sessionAt(t).orElseThrow();
        assertEquals(expectedDay, s.tradeDay(), () -> cal.name() + " session at " + at);
        if (!was) {
          opens++;
          assertEquals(t, s.open(), () -> cal.name() + " opened at " + at + " but the session says " + s);
        }
      } else {
        Session next = cal.nextSession(t);
        assertThat(next.open()).isAfter(t);
      }
      was = expectedOpen;
    }
    assertThat(opens).as("%s sessions opened in 2026", cal.name()).isGreaterThan(240);
  }

  @Test
  void shanghaiFuturesOverAYear() {
    TradingCalendar cal = ExampleCalendars.shfe();
    Set<LocalDate> holidays = cal.holidays();
    Predicate<LocalDate> trading = d -> weekday(d) && !holidays.contains(d);
    // night session on the evening of trading day e, for the next trading day, unless a holiday lies between
    Predicate<LocalDate> nightAfter = e -> {
      if (!trading.test(e)) {
        return false;
      }
      for (LocalDate d = e.plusDays(1); !trading.test(d); d = d.plusDays(1)) {
        if (holidays.contains(d)) {
          return false;
        }
      }
      return true;
    };
    everyMinute(cal, z -> onOrAfter(z.getHour() >= 18 ? z.toLocalDate().plusDays(1) : z.toLocalDate(), trading), z -> {
      LocalDate d = z.toLocalDate();
      LocalTime t = z.toLocalTime();
      boolean day = trading.test(d) && (in(t, "09:00", "10:15") || in(t, "10:30", "11:30") || in(t, "13:30", "15:00"));
      boolean night = (!t.isBefore(LocalTime.of(21, 0)) && nightAfter.test(d)) || (t.isBefore(LocalTime.of(2, 30)) && nightAfter.test(d.minusDays(1)));
      return day || night;
    });
  }

  @Test
  void shanghaiNightSessionBelongsToTheNextTradeDayAndIsNotHeldBeforeAHoliday() {
    TradingCalendar cal = ExampleCalendars.shfe();
    ZoneId sh = cal.zone();
    Instant fridayNight = ZonedDateTime.of(2026, 3, 13, 22, 0, 0, 0, sh).toInstant();
    assertThat(cal.tradeDay(fridayNight)).isEqualTo(LocalDate.of(2026, 3, 16));
    Session night = cal.sessionAt(fridayNight).orElseThrow();
    assertThat(night.name()).isEqualTo("night");
    assertThat(night.close()).isEqualTo(ZonedDateTime.of(2026, 3, 14, 2, 30, 0, 0, sh).toInstant()); // Saturday 02:30
    // Wednesday 30 September: no night session (National Day follows); Thursday 8 October has no night session
    List<Session> oct8 = cal.sessions(LocalDate.of(2026, 10, 8));
    assertThat(oct8).extracting(Session::name).containsExactly("morning-1", "morning-2", "afternoon");
    assertThat(cal.isOpen(ZonedDateTime.of(2026, 9, 30, 22, 0, 0, 0, sh).toInstant())).isFalse();
    assertThat(cal.tradeDay(ZonedDateTime.of(2026, 9, 30, 22, 0, 0, 0, sh).toInstant())).isEqualTo(LocalDate.of(2026, 10, 8));
    assertThat(cal.nextOpen(ZonedDateTime.of(2026, 9, 30, 15, 0, 0, 0, sh).toInstant()))
        .isEqualTo(ZonedDateTime.of(2026, 10, 8, 9, 0, 0, 0, sh).toInstant());
    // the day sessions have a break: 10:15 closes, 10:30 opens
    Instant tenTwenty = ZonedDateTime.of(2026, 3, 16, 10, 20, 0, 0, sh).toInstant();
    assertThat(cal.isOpen(tenTwenty)).isFalse();
    assertThat(cal.currentOrNextSession(tenTwenty).name()).isEqualTo("morning-2");
    assertThat(cal.nextClose(tenTwenty)).isEqualTo(ZonedDateTime.of(2026, 3, 16, 11, 30, 0, 0, sh).toInstant());
  }

  @Test
  void cmeGlobexOverAYear() {
    TradingCalendar cal = ExampleCalendars.cme();
    Set<LocalDate> holidays = cal.holidays();
    Predicate<LocalDate> trading = d -> weekday(d) && !holidays.contains(d);
    everyMinute(cal, z -> onOrAfter(z.getHour() >= 17 ? z.toLocalDate().plusDays(1) : z.toLocalDate(), trading), z -> {
      LocalDate d = z.toLocalDate();
      LocalTime t = z.toLocalTime();
      return (trading.test(d) && t.isBefore(LocalTime.of(16, 0))) || (!t.isBefore(LocalTime.of(17, 0)) && trading.test(d.plusDays(1)));
    });
  }

  @Test
  void cmeGlobexAcrossTheSpringDstChangeWeek() {
    TradingCalendar cal = ExampleCalendars.cme();
    // US clocks go forward on Sunday 8 March 2026 at 02:00; the week's sessions open at 17:00 CDT = 22:00Z
    assertThat(cal.sessions(LocalDate.of(2026, 3, 6))).singleElement().satisfies(s -> {
      assertThat(s.open()).isEqualTo(Instant.parse("2026-03-05T23:00:00Z")); // Thursday 17:00 CST
      assertThat(s.close()).isEqualTo(Instant.parse("2026-03-06T22:00:00Z")); // Friday 16:00 CST
    });
    assertThat(cal.sessions(LocalDate.of(2026, 3, 9))).singleElement().satisfies(s -> {
      assertThat(s.open()).isEqualTo(Instant.parse("2026-03-08T22:00:00Z")); // Sunday 17:00 CDT
      assertThat(s.close()).isEqualTo(Instant.parse("2026-03-09T21:00:00Z")); // Monday 16:00 CDT
      assertThat(s.duration()).isEqualTo(Duration.ofHours(23));
    });
    // Friday 16:00 to Sunday 17:00 is closed and belongs to Monday
    Instant saturday = Instant.parse("2026-03-07T18:00:00Z");
    assertThat(cal.isOpen(saturday)).isFalse();
    assertThat(cal.tradeDay(saturday)).isEqualTo(LocalDate.of(2026, 3, 9));
    assertThat(cal.nextOpen(saturday)).isEqualTo(Instant.parse("2026-03-08T22:00:00Z"));
    // Good Friday 3 April: Thursday closes at 16:00 with no evening session; Monday's opens Sunday
    assertThat(cal.sessions(LocalDate.of(2026, 4, 3))).isEmpty();
    assertThat(cal.nextOpen(Instant.parse("2026-04-02T21:00:00Z"))).isEqualTo(Instant.parse("2026-04-05T22:00:00Z"));
  }

  @Test
  void londonCashEquitiesOverAYear() {
    TradingCalendar cal = ExampleCalendars.lse();
    Set<LocalDate> holidays = cal.holidays();
    Predicate<LocalDate> trading = d -> weekday(d) && !holidays.contains(d);
    everyMinute(cal, z -> onOrAfter(z.toLocalDate(), trading), z -> trading.test(z.toLocalDate()) && in(z.toLocalTime(), "08:00", "16:30"));
  }

  @Test
  void londonOpensAtEightLocalTimeOnBothSidesOfTheDstChanges() {
    TradingCalendar cal = ExampleCalendars.lse();
    assertThat(cal.sessions(LocalDate.of(2026, 3, 27)).get(0).open()).isEqualTo(Instant.parse("2026-03-27T08:00:00Z"));
    assertThat(cal.sessions(LocalDate.of(2026, 3, 30)).get(0).open()).isEqualTo(Instant.parse("2026-03-30T07:00:00Z"));
    assertThat(cal.sessions(LocalDate.of(2026, 10, 23)).get(0).close()).isEqualTo(Instant.parse("2026-10-23T15:30:00Z"));
    assertThat(cal.sessions(LocalDate.of(2026, 10, 26)).get(0).close()).isEqualTo(Instant.parse("2026-10-26T16:30:00Z"));
    assertThat(cal.tradeDay(LocalDateTime.of(2026, 3, 29, 1, 30).toInstant(java.time.ZoneOffset.UTC))).isEqualTo(LocalDate.of(2026, 3, 30));
  }

  @Test
  void theFilesRoundTripThroughFormat() {
    for (TradingCalendar cal : List.of(ExampleCalendars.shfe(), ExampleCalendars.cme(), ExampleCalendars.lse())) {
      assertThat(TradingCalendar.parse(cal.format().lines().toList(), cal.name() + " (formatted)")).isEqualTo(cal);
    }
  }
}
