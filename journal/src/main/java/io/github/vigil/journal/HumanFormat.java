package io.github.vigil.journal;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations and sizes as people read them in reports: {@code 2m 15s}, {@code 3d 12h 30m}, {@code 4.2 GiB}.
 *
 * <p>Thread-safe: stateless.
 */
public final class HumanFormat {
  private HumanFormat() {}

  /**
   * A duration in its two largest units: {@code 850ms}, {@code 45s}, {@code 2m 15s}, {@code 3h 5m},
   * {@code 3d 12h}; seconds below a minute keep one decimal when not whole ({@code 1.5s}).
   */
  public static String duration(Duration d) {
    long ms = d.toMillis();
    if (ms < 0) {
      return "-" + duration(d.negated());
    }
    if (ms < 1000) {
      return ms + "ms";
    }
    if (ms < 60_000) {
      return ms % 1000 == 0 ? (ms / 1000) + "s" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }
    long s = ms / 1000;
    long days = s / 86_400;
    long hours = (s % 86_400) / 3600;
    long minutes = (s % 3600) / 60;
    long seconds = s % 60;
    if (days > 0) {
      return hours > 0 ? days + "d " + hours + "h" : days + "d";
    }
    if (hours > 0) {
      return minutes > 0 ? hours + "h " + minutes + "m" : hours + "h";
    }
    return seconds > 0 ? minutes + "m " + seconds + "s" : minutes + "m";
  }

  /** A size in bytes with a binary unit: {@code 512 B}, {@code 64.0 MiB}, {@code 4.2 GiB}. */
  public static String bytes(long b) {
    if (b < 1024) {
      return b + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = b;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** A number with at most two decimals and no trailing zeros: {@code 1.14}, {@code 37.5}, {@code 8}. */
  public static String number(double v) {
    String s = String.format(Locale.ROOT, "%.2f", v);
    if (s.contains(".")) {
      s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return s;
  }
}
