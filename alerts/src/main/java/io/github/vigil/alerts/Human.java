package io.github.vigil.alerts;

import java.time.Duration;
import java.util.Locale;

/** Durations, sizes and rates as a person reads them in an alert. */
final class Human {
  private Human() {}

  /** {@code 3 h 20 min}, {@code 45 s}, {@code 2 d 4 h}, {@code 850 ms}. */
  static String duration(Duration d) {
    long s = d.getSeconds();
    if (s < 1) {
      return d.toMillis() + " ms";
    }
    if (s < 60) {
      return s + " s";
    }
    long m = s / 60;
    if (m < 60) {
      long rs = s % 60;
      return rs == 0 ? m + " min" : m + " min " + rs + " s";
    }
    long h = m / 60;
    if (h < 48) {
      long rm = m % 60;
      return rm == 0 ? h + " h" : h + " h " + rm + " min";
    }
    long days = h / 24;
    long rh = h % 24;
    return rh == 0 ? days + " d" : days + " d " + rh + " h";
  }

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
