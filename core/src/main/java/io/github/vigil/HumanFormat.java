package io.github.vigil;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;

/**
 * Durations and rates as a person reads them, for logs, messages, {@code toString()}s and
 * endpoints (which put a machine form beside them): {@code 850 µs}, {@code 12.3 ms},
 * {@code 4.85 s}, {@code 1 min 05 s}, {@code 2 h 03 min}, {@code 3 d 04 h}; rates per the unit
 * that keeps the figure readable, over a stated window ({@code 6 per hour over the last 1 h}).
 *
 * <p>Durations below a minute keep three significant digits; from a minute on, two units, the
 * second zero-padded. Negative durations get a leading minus sign. {@link Locale#ROOT} throughout,
 * so the decimal separator is always a dot.
 *
 * <p>Stateless and thread-safe.
 */
public final class HumanFormat {

  private static final MathContext THREE_DIGITS = new MathContext(3, RoundingMode.HALF_EVEN);

  private HumanFormat() {}

  /** {@code d} as a person reads it, e.g. {@code 4.85 s} or {@code 2 h 03 min}. */
  public static String duration(Duration d) {
    requireNonNull(d, "duration");
    if (d.isNegative()) {
      return "-" + duration(d.negated());
    }
    long nanos = d.getSeconds() < 60 ? d.toNanos() : Long.MAX_VALUE;
    if (nanos < 1_000) {
      return nanos + " ns";
    }
    if (nanos < 1_000_000) {
      return threeDigits(nanos / 1e3, 1_000, "µs", "ms");
    }
    if (nanos < 1_000_000_000) {
      return threeDigits(nanos / 1e6, 1_000, "ms", "s");
    }
    if (nanos < 60_000_000_000L) {
      String s = threeDigits(nanos / 1e9, 60, "s", null);
      if (s != null) {
        return s;
      }
    }
    long seconds = d.plusMillis(500).getSeconds();
    if (seconds < 3_600) {
      return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
    }
    long minutes = d.plusSeconds(30).toMinutes();
    if (minutes < 24 * 60) {
      return String.format(Locale.ROOT, "%d h %02d min", minutes / 60, minutes % 60);
    }
    long hours = d.plusMinutes(30).toHours();
    return String.format(Locale.ROOT, "%d d %02d h", hours / 24, hours % 24);
  }

  /**
   * {@code value} with three significant digits and {@code unit}; when rounding reaches
   * {@code next}, the next unit's form ({@code 1.00 s} rather than {@code 1000 ms}); null when that
   * is past seconds.
   */
  private static @Nullable String threeDigits(double value, int next, String unit, @Nullable String nextUnit) {
    String text = digits(value);
    if (Double.parseDouble(text) >= next) {
      return nextUnit == null ? null : digits(value / next) + " " + nextUnit;
    }
    return text + " " + unit;
  }

  /** {@code value} (at least 1) with three significant digits, trailing zeros kept: 4.85, 12.3, 850. */
  private static String digits(double value) {
    String text = String.format(Locale.ROOT, value < 9.995 ? "%.2f" : value < 99.95 ? "%.1f" : "%.0f", value);
    return text;
  }

  /**
   * {@code count} events over {@code window} as a rate a person reads, per second, minute or hour
   * (whichever gives a figure of at least one, hour at most), with the window stated:
   * {@code 6 per hour over the last 1 h}, {@code 2.5 per s over the last 10.0 s}.
   *
   * @throws IllegalArgumentException when {@code count} is negative or {@code window} not positive
   */
  public static String rate(long count, Duration window) {
    requireNonNull(window, "window");
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    if (window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("window must be positive: " + window);
    }
    double seconds = window.toNanos() / 1e9;
    double perSecond = count / seconds;
    String figure;
    if (perSecond >= 1) {
      figure = number(perSecond) + " per s";
    } else if (perSecond * 60 >= 1) {
      figure = number(perSecond * 60) + " per min";
    } else {
      figure = number(perSecond * 3_600) + " per hour";
    }
    return figure + " over the last " + duration(window);
  }

  /** A non-negative figure with three significant digits, whole numbers without decimals. */
  static String number(double value) {
    if (value == Math.rint(value) && value < 1e15) {
      return Long.toString((long) value);
    }
    return new BigDecimal(value).round(THREE_DIGITS).stripTrailingZeros().toPlainString();
  }
}
