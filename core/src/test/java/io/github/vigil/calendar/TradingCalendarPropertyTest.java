package io.github.vigil.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vigil.testing.Gen;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of random calendars (zones with and without DST, morning and evening cut-overs, night
 * sessions of both kinds, random holidays and extra days) over random instants from 2024 to 2030,
 * many of them next to DST transitions and cut-overs. The seed is in every failure message.
 */
class TradingCalendarPropertyTest {

  static LongStream seeds() {
    return Gen.seeds(200);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void tradeDayNeverDecreases(long seed) {
    var r = new SplittableRandom(seed);
    TradingCalendar cal = CalendarGen.calendar(r);
    List<Instant> ts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Instant t = CalendarGen.instant(r, cal);
      ts.add(t);
      ts.add(t.plusSeconds(1 + r.nextInt(7200)));
    }
    ts.sort(null);
    for (int i = 1; i < ts.size(); i++) {
      Instant a = ts.get(i - 1);
      Instant b = ts.get(i);
      LocalDate da = cal.tradeDay(a);
      LocalDate db = cal.tradeDay(b);
      assertTrue(!db.isBefore(da), () -> "seed " + seed + ": " + cal.format() + "trade day " + da + " at " + a + " but " + db + " at " + b);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void eachInstantMapsToExactlyOneTradingDayAndInSessionInstantsToTheirSessions(long seed) {
    var r = new SplittableRandom(seed);
    TradingCalendar cal = CalendarGen.calendar(r);
    for (int i = 0; i < 300; i++) {
      Instant t = CalendarGen.instant(r, cal);
      LocalDate d = cal.tradeDay(t);
      String where = "seed " + seed + ": " + cal.format() + "at " + t + " (trade day " + d + ")";
      assertTrue(cal.isTradingDay(d), () -> where + ": not a trading day");
      // inside its own span, and in no other trading day's span
      assertTrue(!t.isBefore(cal.tradeDayStart(d)) && t.isBefore(cal.tradeDayEnd(d)), () -> where + ": outside its span");
      LocalDate prev = cal.previousTradingDay(d);
      LocalDate next = cal.nextTradingDay(d);
      assertTrue(t.isBefore(cal.tradeDayStart(next)) && !t.isBefore(cal.tradeDayEnd(prev)), () -> where + ": also in a neighbour's span");
      assertEquals(cal.tradeDayEnd(prev), cal.tradeDayStart(d), () -> where + ": spans leave a hole");
      // the session that holds t, looked for among three trade days, is the one sessionAt gives
      Optional<Session> expected = List.of(prev, d, next).stream().flatMap(x -> cal.sessions(x).stream()).filter(s -> s.contains(t)).findFirst();
      assertEquals(expected, cal.sessionAt(t), () -> where);
      expected.ifPresent(s -> assertEquals(d, s.tradeDay(), () -> where + ": in session " + s));
      Session next1 = cal.nextSession(t);
      assertTrue(next1.open().isAfter(t), () -> where + ": next session " + next1);
      assertEquals(expected.map(Session::close).orElse(next1.close()), cal.nextClose(t), () -> where);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void sessionsNeverOverlapAndStayInsideTheirTradeDay(long seed) {
    var r = new SplittableRandom(seed);
    TradingCalendar cal = CalendarGen.calendar(r);
    LocalDate d = cal.tradingDayOnOrAfter(LocalDate.of(2024, 1, 1).plusDays(r.nextInt(2000)));
    Session last = null;
    for (int i = 0; i < 120; i++, d = cal.nextTradingDay(d)) {
      for (Session s : cal.sessions(d)) {
        String where = "seed " + seed + ": " + cal.format() + "session " + s + " after " + last;
        assertTrue(last == null || !s.open().isBefore(last.close()), () -> where + ": overlap");
        assertTrue(!s.open().isBefore(cal.tradeDayStart(d)) && !s.close().isAfter(cal.tradeDayEnd(d)), () -> where + ": outside its trade day");
        assertEquals(d, cal.tradeDay(s.open()), () -> where);
        assertEquals(d, cal.tradeDay(s.close().minusNanos(1)), () -> where);
        last = s;
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void theFileFormatRoundTrips(long seed) {
    TradingCalendar cal = CalendarGen.calendar(new SplittableRandom(seed));
    assertEquals(cal, TradingCalendar.parse(cal.format().lines().toList(), "seed " + seed), () -> "seed " + seed + ": " + cal.format());
  }
}
