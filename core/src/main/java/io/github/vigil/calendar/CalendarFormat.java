package io.github.vigil.calendar;

import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Reads the calendar file format described on {@link TradingCalendar}. Stateless. */
final class CalendarFormat {
  static final List<String> KEYS = List.of("name", "zone", "cut-over", "weekdays", "session", "holidays", "holidays-file",
      "extra-trading-days");
  /** The keys a calendar has one of; the others may repeat (each session, each list of holidays). */
  static final Set<String> SINGLE = Set.of("name", "zone", "cut-over", "weekdays");

  private CalendarFormat() {}

  static TradingCalendar parse(List<String> lines, String source, @Nullable Path dir) {
    String name = null;
    int nameLine = 0;
    List<Runnable> steps = new ArrayList<>();
    java.util.Map<String, Integer> firstLines = new java.util.HashMap<>();
    TradingCalendar.Builder[] b = new TradingCalendar.Builder[1];
    for (int i = 0; i < lines.size(); i++) {
      String line = Holidays.stripComment(lines.get(i));
      if (line.isEmpty()) {
        continue;
      }
      String where = "line " + (i + 1) + " of " + source;
      int eq = line.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(where + ": '" + line + "' is not 'key = value'");
      }
      String key = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String value = line.substring(eq + 1).strip();
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(where + ": unknown key '" + key + "' (known: " + String.join(", ", KEYS) + ")");
      }
      if (value.isEmpty()) {
        throw new IllegalArgumentException(where + ": '" + key + "' has no value");
      }
      if (SINGLE.contains(key)) { // a second one would silently win
        Integer first = firstLines.putIfAbsent(key, i + 1);
        if (first != null) {
          throw new IllegalArgumentException(where + ": " + key + " given twice (first on line " + first + ")");
        }
      }
      switch (key) {
        case "name" -> {
          name = value;
          nameLine = i + 1;
        }
        case "zone" -> {
          ZoneId z = zone(value, where);
          steps.add(() -> b[0].zone(z));
        }
        case "cut-over" -> {
          LocalTime t = time(value, where, "cut-over");
          steps.add(() -> wrap(where, () -> b[0].cutOver(t)));
        }
        case "weekdays" -> {
          Set<DayOfWeek> days = weekdays(value, where);
          steps.add(() -> b[0].tradingWeekdays(days));
        }
        case "session" -> {
          SessionRule r = session(value, where);
          steps.add(() -> wrap(where, () -> b[0].session(r)));
        }
        case "holidays" -> {
          var dates = Holidays.parseList(value, where);
          steps.add(() -> b[0].holidays(dates));
        }
        case "extra-trading-days" -> {
          var dates = Holidays.parseList(value, where);
          steps.add(() -> b[0].extraTradingDays(dates));
        }
        case "holidays-file" -> {
          Path p = dir == null ? Path.of(value) : dir.resolve(value);
          java.util.SortedSet<java.time.LocalDate> dates;
          try {
            dates = Holidays.read(p);
          } catch (java.io.UncheckedIOException e) {
            throw new java.io.UncheckedIOException(where + ": " + e.getMessage(), e.getCause());
          } catch (IllegalArgumentException e) { // a bad line of the holiday file: which line of the calendar named it
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
          }
          steps.add(() -> b[0].holidays(dates));
        }
        default -> throw new AssertionError(key);
      }
    }
    if (name == null) {
      throw new IllegalArgumentException(source + ": no 'name = ...' line");
    }
    String n = name;
    wrap("line " + nameLine + " of " + source, () -> b[0] = TradingCalendar.builder(n));
    steps.forEach(Runnable::run);
    try {
      return b[0].build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  private static void wrap(String where, Runnable r) {
    try {
      r.run();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  static ZoneId zone(String value, String where) {
    try {
      return ZoneId.of(value);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(where + ": '" + value + "' is not a time zone (e.g. Asia/Shanghai)", e);
    }
  }

  static LocalTime time(String value, String where, String what) {
    try {
      return LocalTime.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(where + ": '" + value + "' is not a " + what + " time (expected hh:mm)", e);
    }
  }

  /** {@code MON-FRI}, {@code SUN-THU} or {@code MON,TUE,WED}. */
  static Set<DayOfWeek> weekdays(String value, String where) {
    Set<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
    for (String part : value.split(",")) {
      String p = part.strip();
      int dash = p.indexOf('-');
      if (dash < 0) {
        out.add(day(p, where));
      } else {
        DayOfWeek from = day(p.substring(0, dash).strip(), where);
        DayOfWeek to = day(p.substring(dash + 1).strip(), where);
        for (DayOfWeek d = from; ; d = d.plus(1)) {
          out.add(d);
          if (d == to) {
            break;
          }
        }
      }
    }
    return out;
  }

  private static DayOfWeek day(String s, String where) {
    String u = s.toUpperCase(Locale.ROOT);
    if (u.length() >= 3) {
      for (DayOfWeek d : DayOfWeek.values()) {
        if (d.name().startsWith(u)) {
          return d;
        }
      }
    }
    throw new IllegalArgumentException(where + ": '" + s + "' is not a weekday (MON, TUE, ... SUN)");
  }

  /** {@code night 21:00-02:30 previous-trading-day not-after-holiday}. */
  static SessionRule session(String value, String where) {
    String[] t = value.split("\\s+");
    if (t.length < 2) {
      throw new IllegalArgumentException(where + ": session '" + value + "' is not 'name hh:mm-hh:mm [options]'");
    }
    int dash = t[1].indexOf('-');
    if (dash < 0) {
      throw new IllegalArgumentException(where + ": session times '" + t[1] + "' are not 'hh:mm-hh:mm'");
    }
    LocalTime open = time(t[1].substring(0, dash), where, "session open");
    LocalTime close = time(t[1].substring(dash + 1), where, "session close");
    SessionRule.Opens opens = SessionRule.Opens.SAME_DAY;
    SessionRule.Held held = SessionRule.Held.ALWAYS;
    for (int i = 2; i < t.length; i++) {
      switch (t[i].toLowerCase(Locale.ROOT)) {
        case "previous-calendar-day" -> opens = SessionRule.Opens.PREVIOUS_CALENDAR_DAY;
        case "previous-trading-day" -> opens = SessionRule.Opens.PREVIOUS_TRADING_DAY;
        case "same-day" -> opens = SessionRule.Opens.SAME_DAY;
        case "not-after-holiday" -> held = SessionRule.Held.NOT_AFTER_HOLIDAY;
        case "always" -> held = SessionRule.Held.ALWAYS;
        default -> throw new IllegalArgumentException(where + ": unknown session option '" + t[i]
            + "' (known: same-day, previous-calendar-day, previous-trading-day, always, not-after-holiday)");
      }
    }
    try {
      return new SessionRule(t[0], open, close, opens, held);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }
}
