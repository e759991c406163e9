package io.github.vigil.alerts;

import java.util.Locale;

/** Sizes and figures as a person reads them in an alert (durations: core's {@link io.github.vigil.HumanFormat}). */
final class Human {
  private Human() {}

  /** {@code 512 B}, {@code 12 MB} style in binary units ({@code KiB}, {@code MiB}, {@code GiB}). */
  static String bytes(double b) {
    double a = Math.abs(b);
    if (a < 1024) {
      return String.format(Locale.ROOT, "%.0f B", b);
    }
    if (a < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", b / 1024);
    }
    if (a < 1024.0 * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024));
    }
    return String.format(Locale.ROOT, "%.2f GiB", b / (1024.0 * 1024 * 1024));
  }

  /** A number with at most one decimal. */
  static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }
}
