package io.github.vigil.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The stretch of time a command looks back over ({@code --period}, {@code --since}): after {@code from}, up to and
 * including {@code to}, which is now. A row stamped at the moment the command reads is in it, in every command (as
 * {@code vigil crash} and {@code status} see it); one stamped exactly a period ago is in the period before, so periods
 * one after the other ({@code --now} a day apart, {@code --period 1d}) hold each row once, and a window is as long as
 * its period (a rate per day is over that period). {@code vigil history} read up to now included and {@code vigil
 * restarts} up to now left out: a restart at now was listed by one and not counted by the other.
 *
 * <p>The journal stamps rows in milliseconds and reads rows over half-open intervals ({@code [from, to)}):
 * {@link #journalFrom()} and {@link #journalTo()} are this window in those terms. Its restart report over this window is
 * {@code JournalReader.restartsUpTo(to, period)}. Immutable and thread-safe.
 *
 * @param from the start, left out: now less the period
 * @param to the end, included: now, to the millisecond
 */
record Window(Instant from, Instant to) {

  /** The {@code period} up to {@code now}, both to the millisecond (the journal's stamps are). */
  static Window back(Instant now, Duration period) {
    Instant to = now.truncatedTo(ChronoUnit.MILLIS);
    return new Window(to.minus(period), to);
  }

  /** How long the window is: its period. */
  Duration period() {
    return Duration.between(from, to);
  }

  /** The journal's inclusive start of this window: the first millisecond after {@link #from}. */
  Instant journalFrom() {
    return from.plusMillis(1);
  }

  /** The journal's exclusive end of this window: the millisecond after {@link #to}, so that a row at now is read. */
  Instant journalTo() {
    return to.plusMillis(1);
  }
}
