package io.github.vigil.alerts;

import io.github.vigil.Ticker;
import java.time.Instant;
import java.time.InstantSource;

/**
 * The wall clock of a test on a virtual ticker: it reads {@code origin} at the ticker's reading when it is made, and
 * moves as the ticker does. Core's {@code FakeTicker} and vigil-test's {@code VirtualClock} start at 1 s (so that 0 never
 * means "unset"), so {@code T0.plusNanos(ticker.read())} read T0 + 1 s from the start: every stamp one second after the
 * instant its test named. Thread-safe as the ticker is.
 */
final class TickerClock {
  private TickerClock() {}

  /** A clock that reads {@code origin} now, and {@code origin} plus what {@code ticker} advances from here on. */
  static InstantSource startingAt(Instant origin, Ticker ticker) {
    long start = ticker.read();
    return () -> origin.plusNanos(ticker.read() - start);
  }
}
