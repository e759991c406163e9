package io.github.vigil.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builder and file errors, the cut-over, and DST gaps and overlaps. */
class TradingCalendarTest {
  private static final ZoneId NY = ZoneId.of("America/New_York");

  @Test
  void badLinesNameTheFileTheLineAndTheValue(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("bad.holidays"), "# comment\n2026-01-01\n\n2026-13-01  # typo\n");
    assertThatThrownBy(() -> Holidays.read(dir.resolve("bad.holidays")))
        .hasMessage("line 4 of " + dir.resolve("bad.holidays") + ": '2026-13-01' is not a date (expected yyyy-mm-dd)");
    Files.writeString(dir.resolve("shfe.calendar"), "name = shfe\nzone = Asia/Shanghai\nsession = day 09:00-15:00\n\n\n\nholidays = 2026-01-01, 2026-13-01\n");
    assertThatThrownBy(() -> TradingCalendar.load(dir.resolve("shfe.calendar")))
        .hasMessage("line 7 of " + dir.resolve("shfe.calendar") + ": '2026-13-01' is not a date (expected yyyy-mm-dd)");
    assertThatThrownBy(() -> parse("name = x", "zone = Mars/Olympus", "session = a 09:00-10:00"))
        .hasMessage("line 2 of t.calendar: 'Mars/Olympus' is not a time zone (e.g. Asia/Shanghai)");
    assertThatThrownBy(() -> parse("name = x", "zon = UTC"))
        .hasMessageStartingWith("line 2 of t.calendar: unknown key 'zon' (known: name, zone,");
    // a key a calendar has one of, given twice: the second silently won
    assertThatThrownBy(() -> parse("name = x", "zone = Asia/Shanghai", "session = a 09:00-10:00", "zone = America/New_York"))
        .hasMessage("line 4 of t.calendar: zone given twice (first on line 2)");
    assertThatThrownBy(() -> parse("name = x", "zone = UTC", "weekdays = MON-FRI", "weekdays = MON-SAT", "session = a 09:00-10:00"))
        .hasMessage("line 4 of t.calendar: weekdays given twice (first on line 3)");
    assertThatThrownBy(() -> parse("name = x", "zone = UTC", "name = y"))
        .hasMessage("line 3 of t.calendar: name given twice (first on line 1)");
    assertThatThrownBy(() -> parse("name = x", "zone = UTC", "session = a 09:00-25:00"))
        .hasMessage("line 3 of t.calendar: '25:00' is not a session close time (expected hh:mm)");
    assertThatThrownBy(() -> parse("name = x", "zone = UTC", "session = a 09:00-10:00 evening"))
        .hasMessageStartingWith("line 3 of t.calendar: unknown session option 'evening'");
    assertThatThrownBy(() -> parse("name = x", "zone = UTC", "weekdays = MON-FRY", "session = a 09:00-10:00"))
        .hasMessage("line 3 of t.calendar: 'FRY' is not a weekday (MON, TUE, ... SUN)");
    assertThatThrownBy(() -> parse("zone = UTC")).hasMessage("t.calendar: no 'name = ...' line");
    assertThatThrownBy(() -> parse("name = x", "zone = UTC", "session = a 09:00-11:00", "session = b 10:00-12:00"))
        .hasMessage("t.calendar: calendar 'x': sessions 'a 09:00-11:00' and 'b 10:00-12:00' overlap");
    assertThatThrownBy(() -> parse("name = x", "zone = UTC", "session = a 09:00-11:00", "session = a 12:00-13:00"))
        .hasMessage("line 4 of t.calendar: calendar 'x' has two sessions named 'a'");
  }

  /**
   * A file that is not there: the message said "cannot read calendar file /x/none.calendar: /x/none.calendar" (the
   * exception's message is the path alone), and a missing holidays-file did not name the calendar's line that named
   * it (found by a black-box run).
   */
  @Test
  void aMissingFileIsSaidToBeMissingAndTheLineNamingItIsNamed(@TempDir Path dir) throws Exception {
    Path none = dir.resolve("none.calendar");
    assertThatThrownBy(() -> TradingCalendar.load(none)).isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessage("cannot read calendar file " + none + ": it does not exist");
    assertThatThrownBy(() -> Holidays.read(dir.resolve("none.holidays"))).isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessage("cannot read holiday file " + dir.resolve("none.holidays") + ": it does not exist");
    Files.writeString(dir.resolve("x.calendar"), "name = x\nzone = UTC\nholidays-file = nope.holidays\nsession = a 09:00-11:00\n");
    assertThatThrownBy(() -> TradingCalendar.load(dir.resolve("x.calendar"))).isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessage("line 3 of " + dir.resolve("x.calendar") + ": cannot read holiday file " + dir.resolve("nope.holidays") + ": it does not exist");
  }

  /**
   * A calendar file's errors name its full path once, with the line and the bad value: they named the file by its name
   * alone ("line 7 of shfe.calendar"), so a caller added the path, and a file under a plain file ("Not a directory") was
   * named twice ("cannot read calendar file /d/plain/x.calendar: /d/plain/x.calendar: Not a directory").
   */
  @Test
  void loadErrorsNameTheFullPathOnce(@TempDir Path dir) throws Exception {
    Path sub = Files.createDirectories(dir.resolve("desk"));
    Files.writeString(sub.resolve("shfe.calendar"), "name = shfe\nzone = Asia/Shanghai\nsession = day 09:00-15:00\nweekdays = MON-FRY\n");
    Path untidy = dir.resolve("desk/../desk/./shfe.calendar");
    assertThatThrownBy(() -> TradingCalendar.load(untidy))
        .hasMessage("line 4 of " + sub.resolve("shfe.calendar") + ": 'FRY' is not a weekday (MON, TUE, ... SUN)");
    // a relative path is named in full, from the working directory
    Path relative = Path.of("no-such-folder-" + ProcessHandle.current().pid(), "shfe.calendar");
    assertThatThrownBy(() -> TradingCalendar.load(relative)).isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessage("cannot read calendar file " + relative.toAbsolutePath() + ": it does not exist");
    Path plain = Files.writeString(dir.resolve("plain"), "not a folder\n");
    assertThatThrownBy(() -> TradingCalendar.load(plain.resolve("x.calendar"))).isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessage("cannot read calendar file " + plain.resolve("x.calendar") + ": Not a directory");
    // a bad line of its holidays-file: that file's line, and the calendar's line naming the file
    Files.writeString(sub.resolve("shfe.holidays"), "2026-01-01\n2026-02-30\n");
    Files.writeString(sub.resolve("h.calendar"), "name = shfe\nzone = Asia/Shanghai\nholidays-file = shfe.holidays\nsession = day 09:00-15:00\n");
    assertThatThrownBy(() -> TradingCalendar.load(sub.resolve("h.calendar")))
        .hasMessage("line 3 of " + sub.resolve("h.calendar") + ": line 2 of " + sub.resolve("shfe.holidays")
            + ": '2026-02-30' is not a date (expected yyyy-mm-dd)");
  }

  @Test
  void aSessionOutsideItsTradeDayIsRefusedNamingTheCutOver() {
    assertThatThrownBy(() -> TradingCalendar.builder("x").zone(NY).cutOver(LocalTime.of(18, 0))
        .session(new SessionRule("night", LocalTime.of(17, 0), LocalTime.of(2, 0), SessionRule.Opens.PREVIOUS_TRADING_DAY, SessionRule.Held.ALWAYS))
        .build())
        .hasMessage("calendar 'x': session 'night 17:00-02:00 previous-trading-day' is not inside its trade day, "
            + "which runs from the cut-over 18:00 the day before to the cut-over 18:00 on the day");
    assertThatThrownBy(() -> TradingCalendar.builder("x").zone(NY).session(SessionRule.of("late", LocalTime.of(22, 0), LocalTime.of(1, 0))).build())
        .hasMessageContaining("session 'late 22:00-01:00' is not inside its trade day");
    assertThatThrownBy(() -> TradingCalendar.builder("x").build()).hasMessage("calendar 'x' needs a zone");
    assertThatThrownBy(() -> TradingCalendar.builder("x").zone(NY).cutOver(LocalTime.of(17, 0))
        .session(new SessionRule("a", LocalTime.of(17, 0), LocalTime.of(18, 0), SessionRule.Opens.PREVIOUS_CALENDAR_DAY, SessionRule.Held.ALWAYS))
        .session(new SessionRule("b", LocalTime.of(19, 0), LocalTime.of(20, 0), SessionRule.Opens.PREVIOUS_TRADING_DAY, SessionRule.Held.ALWAYS))
        .build()).hasMessageStartingWith("calendar 'x': sessions opening the day before must all open on the previous calendar day");
    assertThatThrownBy(() -> TradingCalendar.builder("x y")).hasMessageContaining("'x y'");
    assertThatThrownBy(() -> SessionRule.of("a", LocalTime.NOON, LocalTime.NOON)).hasMessage("session 'a' opens and closes at the same time: 12:00");
  }

  @Test
  void theCutOverFilesEveningsAndHolidaysUnderTheNextTradingDay() {
    TradingCalendar cal = TradingCalendar.builder("x").zone(NY).cutOver(LocalTime.of(18, 0))
        .session(SessionRule.of("day", LocalTime.of(9, 30), LocalTime.of(16, 0))).holiday(LocalDate.of(2026, 7, 3)).build();
    assertThat(cal.tradeDay(Instant.parse("2026-07-01T21:59:59Z"))).isEqualTo(LocalDate.of(2026, 7, 1)); // 17:59:59 EDT
    assertThat(cal.tradeDay(Instant.parse("2026-07-01T22:00:00Z"))).isEqualTo(LocalDate.of(2026, 7, 2)); // 18:00 EDT
    assertThat(cal.tradeDay(Instant.parse("2026-07-02T22:00:00Z"))).isEqualTo(LocalDate.of(2026, 7, 6)); // Thursday evening: Monday
    assertThat(cal.tradeDayStart(LocalDate.of(2026, 7, 6))).isEqualTo(Instant.parse("2026-07-02T22:00:00Z"));
    assertThat(cal.tradeDayEnd(LocalDate.of(2026, 7, 6))).isEqualTo(Instant.parse("2026-07-06T22:00:00Z"));
    assertThat(cal.nextCutOver(Instant.parse("2026-07-04T12:00:00Z"))).isEqualTo(Instant.parse("2026-07-06T22:00:00Z"));
    assertThat(cal.sessions(LocalDate.of(2026, 7, 3))).isEmpty();
    assertThat(cal.isHoliday(LocalDate.of(2026, 7, 3))).isTrue();
    assertThat(cal.isHoliday(LocalDate.of(2026, 7, 4))).isFalse(); // a Saturday is a weekend, not a holiday
    assertThatThrownBy(() -> cal.tradeDayStart(LocalDate.of(2026, 7, 4))).hasMessage("calendar 'x': 2026-07-04 is not a trading day");
  }

  @Test
  void extraTradingDaysTradeOnAWeekendAndWinOverHolidays() {
    TradingCalendar cal = TradingCalendar.builder("x").zone(NY).session(SessionRule.of("day", LocalTime.of(9, 30), LocalTime.of(16, 0)))
        .extraTradingDays(List.of(LocalDate.of(2026, 7, 4))).holiday(LocalDate.of(2026, 7, 4)).build();
    assertThat(cal.isTradingDay(LocalDate.of(2026, 7, 4))).isTrue();
    assertThat(cal.sessions(LocalDate.of(2026, 7, 4))).hasSize(1);
  }

  @Test
  void localTimesInAGapResolveToTheGapsEndAndInAnOverlapToTheFirstOccurrence() {
    // New York: 8 March 2026 02:00 EST -> 03:00 EDT; 1 November 2026 02:00 EDT -> 01:00 EST
    TradingCalendar cal = TradingCalendar.builder("x").zone(NY).tradingWeekdays(java.util.EnumSet.allOf(java.time.DayOfWeek.class))
        .cutOver(LocalTime.of(1, 0))
        .session(SessionRule.of("early", LocalTime.of(1, 30), LocalTime.of(2, 15)))
        .session(SessionRule.of("late", LocalTime.of(2, 30), LocalTime.of(4, 0)))
        .build();
    // early closes in the gap, so at its end, 03:00 EDT; late opens in the gap, so at 03:00 EDT too
    assertThat(cal.sessions(LocalDate.of(2026, 3, 8))).extracting(Session::name).containsExactly("early", "late");
    Session early = cal.sessions(LocalDate.of(2026, 3, 8)).get(0);
    assertThat(early.open()).isEqualTo(Instant.parse("2026-03-08T06:30:00Z")); // 01:30 EST
    assertThat(early.close()).isEqualTo(Instant.parse("2026-03-08T07:00:00Z")); // 02:15 is in the gap: 03:00 EDT
    assertThat(cal.sessions(LocalDate.of(2026, 3, 8)).get(1).open()).isEqualTo(Instant.parse("2026-03-08T07:00:00Z"));
    // overlap: 01:30 occurs twice; the session opens at the first
    Session nov = cal.sessions(LocalDate.of(2026, 11, 1)).get(0);
    assertThat(nov.open()).isEqualTo(Instant.parse("2026-11-01T05:30:00Z")); // 01:30 EDT
    assertThat(nov.close()).isEqualTo(Instant.parse("2026-11-01T07:15:00Z")); // 02:15 EST: 1 h 45 min long
    // a (morning) cut-over inside the overlap and the gap: trade days never decrease, and change once a day
    TradingCalendar cutInOverlap = TradingCalendar.builder("z").zone(NY).tradingWeekdays(java.util.EnumSet.allOf(java.time.DayOfWeek.class))
        .cutOver(LocalTime.of(1, 30)).session(SessionRule.of("day", LocalTime.of(9, 0), LocalTime.of(10, 0))).build();
    for (String day : List.of("2026-11-01", "2026-03-08")) {
      Instant from = Instant.parse(day + "T00:00:00Z");
      LocalDate last = cutInOverlap.tradeDay(from);
      int changes = 0;
      for (Instant t = from; t.isBefore(from.plusSeconds(12 * 3600)); t = t.plusSeconds(60)) {
        LocalDate d = cutInOverlap.tradeDay(t);
        assertThat(d).as("at %s", t).isAfterOrEqualTo(last);
        changes += d.equals(last) ? 0 : 1;
        last = d;
      }
      assertThat(changes).as(day).isEqualTo(1);
    }
    assertThat(cutInOverlap.nextCutOver(Instant.parse("2026-11-01T04:00:00Z"))).isEqualTo(Instant.parse("2026-11-01T05:30:00Z")); // 01:30 EDT
    assertThat(cutInOverlap.nextCutOver(Instant.parse("2026-03-08T05:00:00Z"))).isEqualTo(Instant.parse("2026-03-08T06:30:00Z")); // 01:30 EST
    TradingCalendar wholeGap = TradingCalendar.builder("y").zone(NY).tradingWeekdays(java.util.EnumSet.allOf(java.time.DayOfWeek.class))
        .session(SessionRule.of("gap", LocalTime.of(2, 10), LocalTime.of(2, 50))).build();
    assertThat(wholeGap.sessions(LocalDate.of(2026, 3, 8))).isEmpty();
    assertThat(wholeGap.sessions(LocalDate.of(2026, 3, 9))).hasSize(1);
  }

  @Test
  void holidayListsFromPropertiesTakeRanges() {
    assertThat(Holidays.parseList("2026-10-01..2026-10-03, 2026-12-25", "vigil.calendars.x.holidays"))
        .containsExactly(LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 2), LocalDate.of(2026, 10, 3), LocalDate.of(2026, 12, 25));
    assertThatThrownBy(() -> Holidays.parseList("2026-10-03..2026-10-01", "vigil.calendars.x.holidays"))
        .hasMessage("vigil.calendars.x.holidays: range '2026-10-03..2026-10-01' ends before it begins");
    assertThat(Holidays.parseList(" ", "p")).isEmpty();
  }

  /** An empty item in a list was skipped without a word: a date left out by mistake went unnoticed (found by a black-box run). */
  @Test
  void anEmptyItemInAHolidayListIsRefusedNamingItsPositionAndTheList() {
    assertThatThrownBy(() -> Holidays.parseList("2026-01-01,,2026-01-02", "vigil.calendars.x.holidays"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("vigil.calendars.x.holidays: item 2 of '2026-01-01,,2026-01-02' is empty (a date left out, or a comma too many)");
    assertThatThrownBy(() -> Holidays.parseList("2026-01-01, ", "h")).hasMessageStartingWith("h: item 2 of '2026-01-01, ' is empty");
    assertThatThrownBy(() -> Holidays.parseList(",2026-01-01", "h")).hasMessageStartingWith("h: item 1 of ',2026-01-01' is empty");
    assertThatThrownBy(() -> parse("name = x", "zone = Europe/London", "holidays = 2026-12-25,\t,2026-12-26"))
        .hasMessageStartingWith("line 3 of t.calendar: item 2 of");
    assertThat(Holidays.parseLines(List.of("2026-01-01", "", "  # a comment", "2026-01-02"), "f.holidays"))
        .as("a holiday file skips blank lines, as documented").containsExactly(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 2));
  }

  private static TradingCalendar parse(String... lines) {
    return TradingCalendar.parse(List.of(lines), "t.calendar");
  }
}
