package io.github.vigil.spring.boot.autoconfigure;

import io.github.vigil.calendar.FreezeWindow;
import io.github.vigil.calendar.Holidays;
import io.github.vigil.calendar.Schedule;
import io.github.vigil.calendar.SessionRule;
import io.github.vigil.calendar.TradingCalendar;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** Turns {@link VigilCalendarProperties} into calendars and schedules, naming the property of any rejected value. */
final class CalendarFactory {
  private CalendarFactory() {}

  static Map<String, TradingCalendar> calendars(VigilCalendarProperties properties) {
    Map<String, TradingCalendar> out = new LinkedHashMap<>();
    properties.getCalendars().forEach((name, c) -> out.put(name, calendar(name, c)));
    return out;
  }

  private static TradingCalendar calendar(String name, VigilCalendarProperties.CalendarProperties c) {
    String p = "vigil.calendars." + name;
    if (c.getFile() != null) {
      if (c.getZone() != null || !c.getSessions().isEmpty() || !c.getHolidays().isEmpty() || c.getCutOver() != null) {
        throw new InvalidVigilPropertyException(p + ".file", c.getFile(), "a calendar file gives the whole calendar: set no zone, "
            + "cut-over, sessions or holidays beside it", null);
      }
      TradingCalendar loaded = at(p + ".file", c.getFile(), () -> TradingCalendar.load(c.getFile()));
      if (!loaded.name().equals(name)) {
        throw new InvalidVigilPropertyException(p + ".file", c.getFile(), "the file names its calendar '" + loaded.name()
            + "', not '" + name + "'", null);
      }
      return loaded;
    }
    TradingCalendar.Builder b = at(p, name, () -> TradingCalendar.builder(name));
    if (c.getZone() == null) {
      throw new InvalidVigilPropertyException(p + ".zone", null, "a calendar needs a time zone, e.g. Asia/Shanghai", null);
    }
    at(p + ".zone", c.getZone(), () -> b.zone(zone(c.getZone())));
    if (c.getCutOver() != null) {
      at(p + ".cut-over", c.getCutOver(), () -> b.cutOver(time(c.getCutOver())));
    }
    at(p + ".weekdays", c.getWeekdays(), () -> b.tradingWeekdays(TradingCalendar.parseWeekdays(c.getWeekdays())));
    List<String> sessions = c.getSessions();
    for (int i = 0; i < sessions.size(); i++) {
      String s = sessions.get(i);
      at(p + ".sessions[" + i + "]", s, () -> b.session(SessionRule.parse(s)));
    }
    List<String> holidays = c.getHolidays();
    for (int i = 0; i < holidays.size(); i++) {
      String h = notEmpty(p + ".holidays[" + i + "]", holidays.get(i));
      at(p + ".holidays[" + i + "]", h, () -> b.holidays(Holidays.parseList(h, "holiday")));
    }
    if (c.getHolidaysFile() != null) {
      at(p + ".holidays-file", c.getHolidaysFile(), () -> b.holidays(Holidays.read(c.getHolidaysFile())));
    }
    List<String> extra = c.getExtraTradingDays();
    for (int i = 0; i < extra.size(); i++) {
      String x = notEmpty(p + ".extra-trading-days[" + i + "]", extra.get(i));
      at(p + ".extra-trading-days[" + i + "]", x, () -> b.extraTradingDays(Holidays.parseList(x, "extra trading day")));
    }
    return at(p, name, b::build);
  }

  static Schedule schedule(String name, VigilCalendarProperties.ScheduleProperties s, Map<String, TradingCalendar> calendars) {
    String p = "vigil.schedules." + name;
    TradingCalendar cal = null;
    if (s.getCalendar() != null) {
      cal = calendars.get(s.getCalendar());
      if (cal == null) {
        throw new InvalidVigilPropertyException(p + ".calendar", s.getCalendar(), "no calendar of that name is defined (known: "
            + calendars.keySet() + ")", null);
      }
    } else if (s.getMode() == Schedule.Kind.IN_SESSION || !s.getFreezes().isEmpty()) {
      throw new InvalidVigilPropertyException(p + ".calendar", null, "an in-session schedule and freeze windows need a calendar"
          + " (known: " + calendars.keySet() + ")", null);
    }
    TradingCalendar c = cal;
    Schedule schedule = s.getMode() == Schedule.Kind.ALWAYS ? (c == null ? Schedule.always() : Schedule.always(c)) : Schedule.inSession(c);
    Schedule base = schedule;
    schedule = at(p + ".lead", s.getLead(), () -> base.withLead(s.getLead()));
    Schedule withLead = schedule;
    schedule = at(p + ".lag", s.getLag(), () -> withLead.withLag(s.getLag())).withBetweenSessions(s.getBetweenSessions());
    Schedule withLag = schedule;
    schedule = at(p + ".max-gap", s.getMaxGap(), () -> withLag.withMaxGap(s.getMaxGap()));
    List<VigilCalendarProperties.FreezeProperties> freezes = s.getFreezes();
    for (int i = 0; i < freezes.size(); i++) {
      VigilCalendarProperties.FreezeProperties f = freezes.get(i);
      String fp = p + ".freezes[" + i + "]";
      FreezeWindow w;
      if (f.getBeforeClose() != null) {
        if (f.getFrom() != null || f.getTo() != null) {
          throw new InvalidVigilPropertyException(fp + ".before-close", f.getBeforeClose(), "either before-close or from and to, not both", null);
        }
        w = at(fp + ".before-close", f.getBeforeClose(), () -> FreezeWindow.beforeClose(f.getName(), f.getBeforeClose()));
      } else {
        if (f.getFrom() == null || f.getTo() == null) {
          throw new InvalidVigilPropertyException(f.getFrom() == null ? fp + ".from" : fp + ".to", null,
              "a freeze window needs from and to (local times), or before-close", null);
        }
        LocalTime from = at(fp + ".from", f.getFrom(), () -> time(f.getFrom()));
        LocalTime to = at(fp + ".to", f.getTo(), () -> time(f.getTo()));
        w = at(fp, f.getFrom() + "-" + f.getTo(), () -> FreezeWindow.daily(f.getName(), from, to));
      }
      if (f.getAction() == FreezeWindow.Action.LEAVE_FOR_A_PERSON) {
        w = w.leftForAPerson();
      }
      Schedule before = schedule;
      FreezeWindow window = w;
      schedule = at(fp + ".name", f.getName(), () -> before.withFreeze(window));
    }
    return schedule;
  }

  /** An item of a list of dates: an empty one is a date left out, not an empty list ({@link Holidays#parseList} allows that). */
  private static String notEmpty(String property, @Nullable String item) {
    if (item == null || item.isBlank()) {
      throw new InvalidVigilPropertyException(property, item, "is empty (a date left out, or a comma too many)", null);
    }
    return item;
  }

  private static ZoneId zone(String z) {
    try {
      return ZoneId.of(z);
    } catch (java.time.DateTimeException e) {
      throw new IllegalArgumentException("not a time zone (e.g. Asia/Shanghai)", e);
    }
  }

  private static LocalTime time(String t) {
    try {
      return LocalTime.parse(t);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not a local time (expected hh:mm)", e);
    }
  }

  private static <T> T at(String property, Object value, Supplier<T> step) {
    try {
      return step.get();
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      if (e instanceof InvalidVigilPropertyException i) {
        throw i;
      }
      InvalidVigilPropertyException ex = new InvalidVigilPropertyException(property, value, String.valueOf(e.getMessage()), null);
      ex.initCause(e);
      throw ex;
    }
  }
}
