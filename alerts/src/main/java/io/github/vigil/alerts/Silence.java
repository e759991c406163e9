package io.github.vigil.alerts;

import static java.util.Objects.requireNonNull;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import io.github.vigil.calendar.TradingCalendar;

/**
 * Holds back notifications of the alerts it matches while it is active: a one-off window (a
 * maintenance from 18:00 to 20:00 today), a window recurring on given days (every weekday night), or
 * every time a trading calendar is not in session ({@link #outsideSessions}). An alert silenced for its whole life is never notified, resolved included;
 * one still firing when the silence ends is notified then.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id identity, for removal
 * @param matchers label equalities an alert must all meet ({@code process=quote-feed}); empty matches every alert
 * @param window when it is active
 * @param createdBy who made it
 * @param comment why
 */
public record Silence(String id, Map<String, String> matchers, Window window, String createdBy, String comment) {

  public Silence {
    requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("silence id must not be blank: '" + id + "'");
    }
    matchers = Map.copyOf(matchers);
    requireNonNull(window, "window");
    requireNonNull(createdBy, "createdBy");
    requireNonNull(comment, "comment");
  }

  /** When a silence is active. */
  public sealed interface Window {
    /** Whether it is active at {@code t}. */
    boolean isActive(Instant t);

    /** The end of the activity that covers {@code t}, if it is active then. */
    Optional<Instant> activeUntil(Instant t);
  }

  /** Active from {@code startsAt} (inclusive) to {@code endsAt} (exclusive). */
  public record Between(Instant startsAt, Instant endsAt) implements Window {
    public Between {
      requireNonNull(startsAt, "startsAt");
      requireNonNull(endsAt, "endsAt");
      if (!endsAt.isAfter(startsAt)) {
        throw new IllegalArgumentException("silence must end after it starts: " + startsAt + " .. " + endsAt);
      }
    }

    @Override
    public boolean isActive(Instant t) {
      return !t.isBefore(startsAt) && t.isBefore(endsAt);
    }

    @Override
    public Optional<Instant> activeUntil(Instant t) {
      return isActive(t) ? Optional.of(endsAt) : Optional.empty();
    }
  }

  /**
   * Active every day in {@code days} from {@code from} to {@code to} local time in {@code zone}; a window
   * whose {@code to} is not after {@code from} runs past midnight (22:00 to 06:00) and belongs to the day it starts.
   */
  public record Daily(LocalTime from, LocalTime to, Set<DayOfWeek> days, ZoneId zone) implements Window {
    public Daily {
      requireNonNull(from, "from");
      requireNonNull(to, "to");
      requireNonNull(zone, "zone");
      if (days.isEmpty()) {
        throw new IllegalArgumentException("a daily silence needs at least one day");
      }
      days = Set.copyOf(EnumSet.copyOf(days));
    }

    @Override
    public boolean isActive(Instant t) {
      return activeUntil(t).isPresent();
    }

    @Override
    public Optional<Instant> activeUntil(Instant t) {
      ZonedDateTime now = t.atZone(zone);
      for (int back = 0; back <= 1; back++) {   // a window that started today or yesterday
        ZonedDateTime day = now.minusDays(back);
        if (!days.contains(day.getDayOfWeek())) {
          continue;
        }
        ZonedDateTime start = day.with(from);
        ZonedDateTime end = to.isAfter(from) ? day.with(to) : day.plusDays(1).with(to);
        if (!now.isBefore(start) && now.isBefore(end)) {
          return Optional.of(end.toInstant());
        }
      }
      return Optional.empty();
    }
  }

  /**
   * Active whenever {@code calendar} is not in session ({@link TradingCalendar#isOpen} false): nights,
   * weekends, holidays and the breaks between sessions; it ends at the {@linkplain TradingCalendar#nextOpen next open}.
   */
  public record OutsideSessions(TradingCalendar calendar) implements Window {
    public OutsideSessions {
      requireNonNull(calendar, "calendar");
    }

    @Override
    public boolean isActive(Instant t) {
      return !calendar.isOpen(t);
    }

    @Override
    public Optional<Instant> activeUntil(Instant t) {
      return isActive(t) ? Optional.of(calendar.nextOpen(t)) : Optional.empty();
    }
  }

  /** A silence of alerts matching {@code matchers} while {@code calendar} is not in session. */
  public static Silence outsideSessions(String id, Map<String, String> matchers, TradingCalendar calendar, String createdBy,
      String comment) {
    return new Silence(id, matchers, new OutsideSessions(calendar), createdBy, comment);
  }

  /** A one-off silence of alerts matching {@code matchers}. */
  public static Silence between(String id, Map<String, String> matchers, Instant startsAt, Instant endsAt, String createdBy,
      String comment) {
    return new Silence(id, matchers, new Between(startsAt, endsAt), createdBy, comment);
  }

  /** A silence recurring on {@code days} between two local times. */
  public static Silence daily(String id, Map<String, String> matchers, LocalTime from, LocalTime to, Set<DayOfWeek> days,
      ZoneId zone, String createdBy, String comment) {
    return new Silence(id, matchers, new Daily(from, to, days, zone), createdBy, comment);
  }

  /** Whether it matches {@code alert}'s labels. */
  public boolean matches(Alert alert) {
    for (Map.Entry<String, String> m : matchers.entrySet()) {
      if (!m.getValue().equals(alert.labels().get(m.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** Whether it holds {@code alert} back at {@code t}. */
  public boolean silences(Alert alert, Instant t) {
    return window.isActive(t) && matches(alert);
  }
}
