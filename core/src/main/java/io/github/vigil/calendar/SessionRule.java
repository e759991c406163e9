package io.github.vigil.calendar;

import static java.util.Objects.requireNonNull;

import java.time.LocalTime;

/**
 * How one session of every trading day is laid out: its name, local open and close times, which
 * calendar day it opens on, and when it is not held.
 *
 * <p>The close is the first {@code close} local time after the open, so a session may cross
 * midnight ({@code 21:00-02:30}) and lasts less than 24 hours. Local times resolve in the calendar's
 * zone; see {@link TradingCalendar} for daylight-saving gaps and overlaps.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the session's name, e.g. {@code night} or {@code morning}: letters, digits, {@code .},
 *     {@code _} and {@code -}
 * @param open local time the session opens
 * @param close local time the session closes
 * @param opens on which calendar day the session of trade day {@code D} opens
 * @param held when the session is held
 */
public record SessionRule(String name, LocalTime open, LocalTime close, Opens opens, Held held) {

  /** On which calendar day the session of trade day {@code D} opens. */
  public enum Opens {
    /** On {@code D} itself: day sessions. */
    SAME_DAY,
    /**
     * On the calendar day before {@code D}, trading or not: CME Globex, whose Monday session opens on
     * Sunday evening.
     */
    PREVIOUS_CALENDAR_DAY,
    /**
     * On the evening of the trading day before {@code D}: Shanghai futures, whose Monday night session
     * opens on Friday evening.
     */
    PREVIOUS_TRADING_DAY
  }

  /** When a session is held. */
  public enum Held {
    /** On every trading day. */
    ALWAYS,
    /**
     * Not when a holiday lies between the day it opens and its trade day, nor when it would open on a
     * holiday: no night session on the evening before a holiday. Weekends are not holidays; a holiday
     * is a listed date, or a trading weekday that is not traded.
     */
    NOT_AFTER_HOLIDAY
  }

  public SessionRule {
    requireNonNull(name, "name");
    requireNonNull(open, "open");
    requireNonNull(close, "close");
    requireNonNull(opens, "opens");
    requireNonNull(held, "held");
    if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new IllegalArgumentException("session name must be 1 to 64 letters, digits, '.', '_' or '-': '" + name + "'");
    }
    if (open.equals(close)) {
      throw new IllegalArgumentException("session '" + name + "' opens and closes at the same time: " + open);
    }
  }

  /** A session held every trading day, opening on the trade day itself. */
  public static SessionRule of(String name, LocalTime open, LocalTime close) {
    return new SessionRule(name, open, close, Opens.SAME_DAY, Held.ALWAYS);
  }

  /**
   * Parses a session as the calendar file writes it, e.g.
   * {@code night 21:00-02:30 previous-trading-day not-after-holiday}.
   *
   * @throws IllegalArgumentException naming the value and what is wrong with it
   */
  public static SessionRule parse(String text) {
    requireNonNull(text, "text");
    return CalendarFormat.session(text.strip(), "session '" + text.strip() + "'");
  }

  /** Seconds from the trade day's local midnight to the open (negative for the day before), ignoring DST. */
  int openSecond() {
    int s = open.toSecondOfDay();
    return opens == Opens.SAME_DAY ? s : s - 86_400;
  }

  /** Nominal length in seconds, ignoring DST: from open to the first close after it. */
  int lengthSeconds() {
    return Math.floorMod(close.toSecondOfDay() - open.toSecondOfDay(), 86_400);
  }

  /** As the calendar file writes it: {@code night 21:00-02:30 previous-trading-day not-after-holiday}. */
  @Override
  public String toString() {
    return name + " " + open + "-" + close
        + (opens == Opens.SAME_DAY ? "" : " " + opens.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
        + (held == Held.ALWAYS ? "" : " " + held.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
  }
}
