package io.github.vigil.alerts;

import java.util.Locale;

/** Figures as a person reads them in an alert (durations and sizes: core's {@link io.github.vigil.HumanFormat}). */
final class Human {
  private Human() {}

  /** A number with at most one decimal. */
  static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }
}
