package io.github.vigil.calendar;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/** Random calendars and instants for the seeded property tests. */
final class CalendarGen {
  /** Zones with DST (both hemispheres, a 30-minute one, one changing at midnight) and without. */
  static final List<ZoneId> ZONES = List.of(ZoneId.of("America/New_York"), ZoneId.of("Europe/London"), ZoneId.of("America/Chicago"),
      ZoneId.of("Australia/Sydney"), ZoneId.of("Australia/Lord_Howe"), ZoneId.of("America/Santiago"), ZoneId.of("Asia/Shanghai"),
      ZoneId.of("Asia/Tokyo"), ZoneId.of("America/Havana"), ZoneId.of("UTC"));
  static final Instant FROM = Instant.parse("2024-01-01T00:00:00Z");
  static final Instant TO = Instant.parse("2031-01-01T00:00:00Z");

  private CalendarGen() {}

  static TradingCalendar calendar(SplittableRandom r) {
    ZoneId zone = ZONES.get(r.nextInt(ZONES.size()));
    boolean morning = r.nextBoolean();
    int cut = morning ? r.nextInt(0, 600) : r.nextInt(600, 1440);
    int lo = morning ? cut : cut - 1440;
    int hi = morning ? cut + 1440 : cut;
    int sessions = 1 + r.nextInt(4);
    TreeSet<Integer> points = new TreeSet<>();
    while (points.size() < 2 * sessions || points.first() >= 1440) {
      if (points.size() == 2 * sessions) {
        points.clear();
      }
      points.add(r.nextInt(lo, hi + 1));
    }
    SessionRule.Opens evening = r.nextBoolean() ? SessionRule.Opens.PREVIOUS_CALENDAR_DAY : SessionRule.Opens.PREVIOUS_TRADING_DAY;
    List<Integer> p = new ArrayList<>(points);
    TradingCalendar.Builder b = TradingCalendar.builder("random").zone(zone).cutOver(LocalTime.of(cut / 60, cut % 60));
    if (r.nextInt(5) == 0) {
      b.tradingWeekdays(EnumSet.of(DayOfWeek.SUNDAY, DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY));
    }
    for (int i = 0; i < sessions; i++) {
      int open = p.get(2 * i);
      int close = p.get(2 * i + 1);
      if (morning && open >= 1440) {
        break; // a session opening the calendar day after is not expressible; drop the rest
      }
      SessionRule.Opens opens = open >= 0 ? SessionRule.Opens.SAME_DAY : evening;
      SessionRule.Held held = r.nextBoolean() ? SessionRule.Held.ALWAYS : SessionRule.Held.NOT_AFTER_HOLIDAY;
      int o = Math.floorMod(open, 1440);
      int c = Math.floorMod(close, 1440);
      b.session(new SessionRule("s" + i, LocalTime.of(o / 60, o % 60), LocalTime.of(c / 60, c % 60), opens, held));
    }
    for (LocalDate d = LocalDate.of(2023, 12, 1); d.isBefore(LocalDate.of(2031, 2, 1)); d = d.plusDays(1)) {
      if (r.nextInt(25) == 0) {
        b.holiday(d);
      } else if (r.nextInt(60) == 0) {
        b.extraTradingDays(List.of(d));
      }
    }
    return b.build();
  }

  /** Random instants in {@link #FROM}..{@link #TO}, with many next to the zone's transitions and the cut-overs. */
  static Instant instant(SplittableRandom r, TradingCalendar cal) {
    Instant t = Instant.ofEpochSecond(r.nextLong(FROM.getEpochSecond(), TO.getEpochSecond()));
    switch (r.nextInt(4)) {
      case 0 -> {
        ZoneOffsetTransition tr = cal.zone().getRules().nextTransition(t);
        if (tr != null && tr.getInstant().isBefore(TO)) {
          t = tr.getInstant().plusSeconds(r.nextLong(-7200, 7200));
        }
      }
      case 1 -> t = cal.nextCutOver(t).plusSeconds(r.nextLong(-120, 120));
      default -> { }
    }
    return t;
  }
}
