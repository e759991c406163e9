package io.github.vigil.calendar;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

/**
 * One session of one trade day, resolved to instants: open from {@code open} (inclusive) to
 * {@code close} (exclusive).
 *
 * <p>Immutable and thread-safe.
 *
 * @param calendar the calendar's name
 * @param tradeDay the trade day the session belongs to (a night session belongs to the next trade day)
 * @param name the session's name from its {@link SessionRule}
 * @param open the instant it opens
 * @param close the instant it closes, after {@code open}
 */
public record Session(String calendar, LocalDate tradeDay, String name, Instant open, Instant close) {

  public Session {
    requireNonNull(calendar, "calendar");
    requireNonNull(tradeDay, "tradeDay");
    requireNonNull(name, "name");
    requireNonNull(open, "open");
    requireNonNull(close, "close");
    if (!close.isAfter(open)) {
      throw new IllegalArgumentException("session '" + name + "' of " + tradeDay + " closes at " + close + ", not after it opens at " + open);
    }
  }

  /** Whether {@code t} is inside: {@code open <= t < close}. */
  public boolean contains(Instant t) {
    return !t.isBefore(open) && t.isBefore(close);
  }

  /** From open to close. */
  public Duration duration() {
    return Duration.between(open, close);
  }

  @Override
  public String toString() {
    return calendar + " " + tradeDay + " " + name + " [" + open + ", " + close + ")";
  }
}
