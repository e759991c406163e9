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

/**
 * Turns {@link VigilCalendarProperties} into calendars and schedules, naming the property of any rejected value; every
 * mistake of every calendar and schedule is added to the list given, each setting checked on its own (they were said one
 * a start), and a calendar or schedule with any is not built.
 */
final class CalendarFactory {
  private CalendarFactory() {}

  /** The calendars without mistakes, by name; every mistake of the others added to {@code problems}. */
  static Map<String, TradingCalendar> calendars(VigilCalendarProperties properties, List<InvalidVigilPropertyException> problems) {
    Map<String, TradingCalendar> out = new LinkedHashMap<>();
    properties.getCalendars().forEach((name, c) -> {
      TradingCalendar calendar = calendar(name, c, problems);
      if (calendar != null) {
        out.put(name, calendar);
      }
    });
    return out;
  }

  private static @Nullable TradingCalendar calendar(String name, VigilCalendarProperties.CalendarProperties c,
      List<InvalidVigilPropertyException> problems) {
    String p = "vigil.calendars." + name;
    if (c.getFile() != null) {
      if (c.getZone() != null || !c.getSessions().isEmpty() || !c.getHolidays().isEmpty() || c.getCutOver() != null) {
        problems.add(new InvalidVigilPropertyException(p + ".file", c.getFile(), "a calendar file gives the whole calendar: set no zone, "
            + "cut-over, sessions or holidays beside it", null));
        return null;
      }
      TradingCalendar loaded = attempt(problems, p + ".file", c.getFile(), () -> TradingCalendar.load(c.getFile()));
      if (loaded != null && !loaded.name().equals(name)) {
        problems.add(new InvalidVigilPropertyException(p + ".file", c.getFile(), "the file names its calendar '" + loaded.name()
            + "', not '" + name + "'", null));
        return null;
      }
      return loaded;
    }
    TradingCalendar.Builder b = attempt(problems, p, name, () -> TradingCalendar.builder(name));
    if (b == null) {
      return null;
    }
    int before = problems.size();
    if (c.getZone() == null) {
      problems.add(new InvalidVigilPropertyException(p + ".zone", null, "a calendar needs a time zone, e.g. Asia/Shanghai", null));
    } else {
      attempt(problems, p + ".zone", c.getZone(), () -> b.zone(zone(c.getZone())));
    }
    if (c.getCutOver() != null) {
      attempt(problems, p + ".cut-over", c.getCutOver(), () -> b.cutOver(time(c.getCutOver())));
    }
    attempt(problems, p + ".weekdays", c.getWeekdays(), () -> b.tradingWeekdays(TradingCalendar.parseWeekdays(c.getWeekdays())));
    List<String> sessions = c.getSessions();
    for (int i = 0; i < sessions.size(); i++) {
      String s = sessions.get(i);
      attempt(problems, p + ".sessions[" + i + "]", s, () -> b.session(SessionRule.parse(s)));
    }
    List<String> holidays = c.getHolidays();
    for (int i = 0; i < holidays.size(); i++) {
      String at = p + ".holidays[" + i + "]";
      String h = holidays.get(i);
      attempt(problems, at, h, () -> b.holidays(Holidays.parseList(notEmpty(at, h), "holiday")));
    }
    if (c.getHolidaysFile() != null) {
      attempt(problems, p + ".holidays-file", c.getHolidaysFile(), () -> b.holidays(Holidays.read(c.getHolidaysFile())));
    }
    List<String> extra = c.getExtraTradingDays();
    for (int i = 0; i < extra.size(); i++) {
      String at = p + ".extra-trading-days[" + i + "]";
      String x = extra.get(i);
      attempt(problems, at, x, () -> b.extraTradingDays(Holidays.parseList(notEmpty(at, x), "extra trading day")));
    }
    if (problems.size() > before) {   // the build's checks would see a builder missing what was refused
      return null;
    }
    return attempt(problems, p, name, b::build);
  }

  /**
   * The schedule {@code name}, or null when it has mistakes, each added to {@code problems}; one naming a calendar of
   * {@code configured} that has mistakes of its own is null, its own settings (lead, lag, max-gap, freeze windows) checked
   * against a stand-in calendar, so that their mistakes are said in the same failure as the calendar's (they came the
   * start after), and the calendar is not called wrong.
   *
   * @param calendars the calendars built
   * @param configured the names of every calendar configured, built or not
   */
  static @Nullable Schedule schedule(String name, VigilCalendarProperties.ScheduleProperties s, Map<String, TradingCalendar> calendars,
      java.util.Set<String> configured, List<InvalidVigilPropertyException> problems) {
    String p = "vigil.schedules." + name;
    TradingCalendar cal = null;
    if (s.getCalendar() != null) {
      cal = calendars.get(s.getCalendar());
      if (cal == null) {
        if (!configured.contains(s.getCalendar())) {
          problems.add(new InvalidVigilPropertyException(p + ".calendar", s.getCalendar(), "no calendar of that name is defined (known: "
              + configured + ")", null));
        } else {
          checked(p, s, standIn(s.getCalendar()), problems);
        }
        return null;
      }
    } else if (s.getMode() == Schedule.Kind.IN_SESSION || !s.getFreezes().isEmpty()) {
      problems.add(new InvalidVigilPropertyException(p + ".calendar", null, "an in-session schedule and freeze windows need a calendar"
          + " (known: " + configured + ")", null));
      return null;
    }
    return checked(p, s, cal, problems);
  }

  /** A calendar of {@code name} with no mistake, for checking a schedule whose own calendar has some: one session a day, UTC. */
  private static TradingCalendar standIn(String name) {
    return TradingCalendar.builder(name).zone(ZoneId.of("UTC")).session(SessionRule.parse("day 09:00-17:00")).build();
  }

  /**
   * The schedule of {@code s} on {@code cal} (null for none), or null when its lead, lag, max-gap or a freeze window has
   * mistakes, each added to {@code problems}.
   */
  private static @Nullable Schedule checked(String p, VigilCalendarProperties.ScheduleProperties s, @Nullable TradingCalendar cal,
      List<InvalidVigilPropertyException> problems) {
    int before = problems.size();
    TradingCalendar c = cal;
    Schedule base = s.getMode() == Schedule.Kind.ALWAYS ? (c == null ? Schedule.always() : Schedule.always(c)) : Schedule.inSession(c);
    Schedule withLead = orElse(attempt(problems, p + ".lead", s.getLead(), () -> base.withLead(s.getLead())), base);
    Schedule withLag = orElse(attempt(problems, p + ".lag", s.getLag(), () -> withLead.withLag(s.getLag())), withLead)
        .withBetweenSessions(s.getBetweenSessions());
    Schedule schedule = orElse(attempt(problems, p + ".max-gap", s.getMaxGap(), () -> withLag.withMaxGap(s.getMaxGap())), withLag);
    List<VigilCalendarProperties.FreezeProperties> freezes = s.getFreezes();
    for (int i = 0; i < freezes.size(); i++) {
      VigilCalendarProperties.FreezeProperties f = freezes.get(i);
      String fp = p + ".freezes[" + i + "]";
      FreezeWindow w;
      if (f.getBeforeClose() != null) {
        if (f.getFrom() != null || f.getTo() != null) {
          problems.add(new InvalidVigilPropertyException(fp + ".before-close", f.getBeforeClose(), "either before-close or from and to, not both", null));
          continue;
        }
        w = attempt(problems, fp + ".before-close", f.getBeforeClose(), () -> FreezeWindow.beforeClose(f.getName(), f.getBeforeClose()));
      } else {
        if (f.getFrom() == null || f.getTo() == null) {
          problems.add(new InvalidVigilPropertyException(f.getFrom() == null ? fp + ".from" : fp + ".to", null,
              "a freeze window needs from and to (local times), or before-close", null));
          continue;
        }
        LocalTime from = attempt(problems, fp + ".from", f.getFrom(), () -> time(f.getFrom()));
        LocalTime to = attempt(problems, fp + ".to", f.getTo(), () -> time(f.getTo()));
        w = from == null || to == null ? null : attempt(problems, fp, f.getFrom() + "-" + f.getTo(), () -> FreezeWindow.daily(f.getName(), from, to));
      }
      if (w == null) {
        continue;
      }
      if (f.getAction() == FreezeWindow.Action.LEAVE_FOR_A_PERSON) {
        w = w.leftForAPerson();
      }
      Schedule before2 = schedule;
      FreezeWindow window = w;
      schedule = orElse(attempt(problems, fp + ".name", f.getName(), () -> before2.withFreeze(window)), before2);
    }
    return problems.size() > before ? null : schedule;
  }

  private static <T> T orElse(@Nullable T value, T fallback) {
    return value != null ? value : fallback;
  }

  /** What {@code step} gives, or null when it refuses {@code property}: then the refusal is added to {@code problems}. */
  private static <T> @Nullable T attempt(List<InvalidVigilPropertyException> problems, String property, @Nullable Object value,
      Supplier<T> step) {
    try {
      return at(property, value, step);
    } catch (InvalidVigilPropertyException e) {
      problems.addAll(e.all());
      return null;
    }
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

  private static <T> T at(String property, @Nullable Object value, Supplier<T> step) {
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
