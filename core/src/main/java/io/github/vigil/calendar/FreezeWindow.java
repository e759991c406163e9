package io.github.vigil.calendar;

import static java.util.Objects.requireNonNull;

import io.github.vigil.HumanFormat;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A time in which a crashed process is not restarted, e.g. a closing auction: the restart is deferred
 * to the window's end, or left for a person. Stated by a
 * {@link io.github.vigil.SupervisorEvent.RestartDeferred} event.
 *
 * <p>Either daily local times on each trading day's date, and on another date while a session is open then
 * ({@link #daily}), or the last part of every
 * session ({@link #beforeClose}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param name a name for events and logs
 * @param from daily start (local), or {@code null} for a window before each close
 * @param to daily end (local, after {@code from}), or {@code null} for a window before each close
 * @param beforeClose how long before each session's close the window starts, or {@code null} for a daily window
 * @param action what happens to a restart due inside the window
 */
public record FreezeWindow(String name, @Nullable LocalTime from, @Nullable LocalTime to, @Nullable Duration beforeClose, Action action) {

  /** What happens to a restart that falls inside the window. */
  public enum Action {
    /** The process is restarted when the window ends. */
    DEFER_TO_END,
    /** The process stays down until a person starts it. */
    LEAVE_FOR_A_PERSON
  }

  public FreezeWindow {
    requireNonNull(name, "name");
    requireNonNull(action, "action");
    if (name.isBlank()) {
      throw new IllegalArgumentException("freeze window name must not be blank");
    }
    if (beforeClose == null) {
      requireNonNull(from, "from");
      requireNonNull(to, "to");
      if (!to.isAfter(from)) {
        throw new IllegalArgumentException("freeze window '" + name + "' must end after it starts: " + from + "-" + to);
      }
    } else if (from != null || to != null) {
      throw new IllegalArgumentException("freeze window '" + name + "' is either daily times or before each close, not both");
    } else if (beforeClose.isNegative() || beforeClose.isZero()) {
      throw new IllegalArgumentException("freeze window '" + name + "': beforeClose must be positive: "
          + HumanFormat.duration(beforeClose));
    }
  }

  /**
   * From {@code from} to {@code to}, local times on the date of each trading day, and on a date that is no trading day
   * where a session is open then (a night session that closes on Saturday, a Sunday evening open); restarts deferred to
   * its end.
   */
  public static FreezeWindow daily(String name, LocalTime from, LocalTime to) {
    return new FreezeWindow(name, from, to, null, Action.DEFER_TO_END);
  }

  /** The last {@code length} of every session (a closing auction); restarts deferred to its end. */
  public static FreezeWindow beforeClose(String name, Duration length) {
    return new FreezeWindow(name, null, null, requireNonNull(length, "length"), Action.DEFER_TO_END);
  }

  /** The same window, with restarts inside it left for a person. */
  public FreezeWindow leftForAPerson() {
    return new FreezeWindow(name, from, to, beforeClose, Action.LEAVE_FOR_A_PERSON);
  }

  /** The window's intervals on {@code tradeDay}, as [start, end) pairs. */
  List<Instant[]> intervals(TradingCalendar calendar, LocalDate tradeDay) {
    List<Instant[]> out = new ArrayList<>();
    if (!calendar.isTradingDay(tradeDay)) {
      return out;
    }
    if (beforeClose != null) {
      for (Session s : calendar.sessions(tradeDay)) {
        Instant start = s.close().minus(beforeClose);
        out.add(new Instant[] {start.isBefore(s.open()) ? s.open() : start, s.close()});
      }
    } else {
      addDaily(out, calendar, tradeDay);
      // a session of this trade day held on a date that is no trading day (a night session closing on Saturday, CME's
      // Sunday evening open) has the window on that date too, where it overlaps the session: a daily window was found
      // only on trading days' dates, so the Friday night session's close and the Sunday open had none
      for (Session session : calendar.sessions(tradeDay)) {
        LocalDate last = session.close().atZone(calendar.zone()).toLocalDate();
        for (LocalDate d = session.open().atZone(calendar.zone()).toLocalDate(); !d.isAfter(last); d = d.plusDays(1)) {
          if (!d.equals(tradeDay) && !calendar.isTradingDay(d)) {
            Instant a = calendar.resolve(d.atTime(from));
            Instant b = calendar.resolve(d.atTime(to));
            if (b.isAfter(a) && a.isBefore(session.close()) && b.isAfter(session.open())
                && out.stream().noneMatch(iv -> iv[0].equals(a))) {
              out.add(new Instant[] {a, b});
            }
          }
        }
      }
      out.sort(java.util.Comparator.comparing(iv -> iv[0]));
    }
    return out;
  }

  /** The daily window on {@code date}'s own date, where it is not empty (a DST gap). */
  private void addDaily(List<Instant[]> out, TradingCalendar calendar, LocalDate date) {
    Instant a = calendar.resolve(date.atTime(requireNonNull(from)));
    Instant b = calendar.resolve(date.atTime(requireNonNull(to)));
    if (b.isAfter(a)) {
      out.add(new Instant[] {a, b});
    }
  }

  @Override
  public String toString() {
    return name + " " + (beforeClose != null ? "last " + beforeClose.toMinutes() + " min of each session" : from + "-" + to)
        + (action == Action.LEAVE_FOR_A_PERSON ? ", left for a person" : ", deferred to its end");
  }
}
