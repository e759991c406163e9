package io.github.vigil;

/**
 * A monotonic nanosecond clock, for uptime, windows and delays. Injected so that tests can move
 * time by hand.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Ticker {

  /** Nanoseconds from an arbitrary origin; only differences matter. */
  long read();

  /** {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
