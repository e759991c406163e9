package io.github.vigil;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;

/**
 * Durations, sizes, figures and rates as a person reads them, for logs, messages, {@code toString()}s,
 * alerts, the journal's reports and the command line (which put a machine form beside them where a
 * program reads them): {@code 850 µs}, {@code 12.3 ms}, {@code 4.85 s}, {@code 1 min 05 s},
 * {@code 2 h 03 min}, {@code 3 d 04 h}; sizes in binary units ({@code 512 B}, {@code 15.9 MiB},
 * {@code 4.00 GiB}); rates per the unit that keeps the figure readable, over a stated window
 * ({@code 6 per hour over the last 1 h}).
 *
 * <p>Command lines, and the names and paths of programs, as one line of a log ({@link #commandLine(String)}): a
 * newline in an argument does not break the line it is logged on.
 *
 * <p>Durations below a minute and sizes keep three significant digits; durations from a minute on,
 * two units, the second zero-padded. A period that was set rather than measured reads exactly, without zero parts
 * ({@link #period}: {@code 7 d}). Negative values get a leading minus sign. {@link Locale#ROOT}
 * throughout, so the decimal separator is always a dot.
 *
 * <p>Stateless and thread-safe.
 */
public final class HumanFormat {

  private static final MathContext THREE_DIGITS = new MathContext(3, RoundingMode.HALF_UP);
  private static final String[] BYTE_UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  private static final BigDecimal TEN = BigDecimal.TEN;
  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
  private static final BigDecimal KIBI = BigDecimal.valueOf(1024);

  private HumanFormat() {}

  /** {@code d} as a person reads it, e.g. {@code 4.85 s} or {@code 2 h 03 min}. */
  public static String duration(Duration d) {
    requireNonNull(d, "duration");
    if (d.isNegative()) {
      // the one duration with no negation, Long.MIN_VALUE seconds, reads as one nanosecond less
      return "-" + duration(d.getSeconds() == Long.MIN_VALUE && d.getNano() == 0 ? d.plusNanos(1).negated() : d.negated());
    }
    long nanos = d.getSeconds() < 60 ? d.toNanos() : Long.MAX_VALUE;
    if (nanos < 1_000) {
      return nanos + " ns";
    }
    if (nanos < 1_000_000) {
      return threeDigits(nanos, 1_000L, 1_000, "µs", "ms");
    }
    if (nanos < 1_000_000_000) {
      return threeDigits(nanos, 1_000_000L, 1_000, "ms", "s");
    }
    if (nanos < 60_000_000_000L) {
      String s = threeDigits(nanos, 1_000_000_000L, 60, "s", null);
      if (s != null) {
        return s;
      }
    }
    // each unit rounded half up from the part below it, not by adding half a unit: FOREVER has no room to add
    long seconds = d.getSeconds() < 3_600 ? d.getSeconds() + (d.getNano() >= 500_000_000 ? 1 : 0) : Long.MAX_VALUE;
    if (seconds < 3_600) {
      return seconds / 60 + " min " + twoDigits(seconds % 60) + " s";
    }
    long minutes = d.toMinutes() + (d.toSecondsPart() >= 30 ? 1 : 0);
    if (minutes < 24 * 60) {
      return minutes / 60 + " h " + twoDigits(minutes % 60) + " min";
    }
    long hours = d.toHours() + (d.toMinutesPart() >= 30 ? 1 : 0);
    return hours / 24 + " d " + twoDigits(hours % 24) + " h";
  }

  /**
   * {@code nanos / perUnit} (at least 1) with three significant digits, rounded half up, and {@code unit}; when
   * rounding reaches {@code next}, the next unit's form ({@code 1.00 s} rather than {@code 1000 ms}); null when
   * that is past seconds. Integer arithmetic on the exact count, no Formatter and no double: a restart formats a
   * few durations on the supervision thread, and a Formatter cost about 50 µs each there while the code is cold.
   */
  private static @Nullable String threeDigits(long nanos, long perUnit, int next, String unit, @Nullable String nextUnit) {
    String text = digits(nanos, perUnit);
    if (wholePart(nanos, perUnit) >= next) {
      return nextUnit == null ? null : digits(nanos, perUnit * next) + " " + nextUnit;
    }
    return text + " " + unit;
  }

  /** The whole part of {@code nanos / perUnit} once rounded to three significant digits. */
  private static long wholePart(long nanos, long perUnit) {
    for (int decimals = 2; decimals >= 0; decimals--) {
      long scaled = rounded(nanos, perUnit, decimals);
      if (scaled < 1_000 || decimals == 0) {
        return scaled / pow10(decimals);
      }
    }
    throw new AssertionError();
  }

  /** {@code nanos / perUnit} (at least 1) with three significant digits, trailing zeros kept: 4.85, 12.3, 850. */
  private static String digits(long nanos, long perUnit) {
    for (int decimals = 2; decimals > 0; decimals--) {
      long scaled = rounded(nanos, perUnit, decimals);
      if (scaled < 1_000) {
        String d = Long.toString(scaled % pow10(decimals) + pow10(decimals)).substring(1); // zero-padded
        return scaled / pow10(decimals) + "." + d;
      }
    }
    return Long.toString(rounded(nanos, perUnit, 0));
  }

  /** {@code nanos / perUnit * 10^decimals}, rounded half up ({@code perUnit} is a power of ten at least 1,000). */
  private static long rounded(long nanos, long perUnit, int decimals) {
    long divisor = perUnit / pow10(decimals);
    return (nanos + divisor / 2) / divisor;
  }

  private static long pow10(int n) {
    return n == 0 ? 1 : n == 1 ? 10 : 100;
  }

  private static String twoDigits(long n) {
    return n < 10 ? "0" + n : Long.toString(n);
  }

  /**
   * {@code count} events over {@code window} as a rate a person reads, per second, minute or hour
   * (whichever gives a figure of at least one, hour at most), with the window stated as {@link #period} states it:
   * exactly when it is whole seconds ({@code 6 per hour over the last 1 h}, {@code 2.5 per s over the last 10 s}), as
   * {@link #duration} reads it when it has a part of a second, as a measured window has
   * ({@code 6 per hour over the last 1 h 00 min}).
   *
   * @throws IllegalArgumentException when {@code count} is negative or {@code window} not positive
   */
  public static String rate(long count, Duration window) {
    requireNonNull(window, "window");
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    if (window.isZero() || window.isNegative()) {
      throw new IllegalArgumentException("window must be positive: " + duration(window));
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
    return figure + " over the last " + period(window); // a set window reads as it was set: 1 h, not 1 h 00 min
  }

  /**
   * A count with its noun, singular for one and plural otherwise: {@code count(1, "process", "processes")} is
   * {@code 1 process}, {@code count(0, "process", "processes")} {@code 0 processes}, rather than {@code 1 process(es)}.
   * Negative counts read as their plural ({@code -2 restarts}).
   */
  public static String count(long count, String singular, String plural) {
    requireNonNull(singular, "singular");
    requireNonNull(plural, "plural");
    return count + " " + (count == 1 ? singular : plural);
  }

  /**
   * A size in bytes as a person reads it, in powers of 1024: {@code 512 B}, {@code 1.00 KiB}, {@code 15.9 MiB},
   * {@code 512 MiB}, {@code 4.00 GiB}, up to {@code EiB}. Below 1 KiB the exact count; from there the exact value
   * rounded half up to three significant digits, trailing zeros kept (four digits from 1000 to 1023 of a unit, which
   * is still less than one of the next; what rounds to 1024 reads as {@code 1.00} of the next). A negative size (a
   * change, a growth) gets a leading minus sign.
   */
  public static String bytes(long bytes) {
    if (bytes < 0) {
      return "-" + (bytes == Long.MIN_VALUE ? "8.00 EiB" : bytes(-bytes)); // 2^63 has no positive long
    }
    if (bytes < 1024) {
      return bytes + " B";
    }
    int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10; // 1 = KiB: the largest power of 1024 not above it
    // exact: dividing by a power of two ends in a finite decimal
    BigDecimal value = BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(1L << (10 * unit)));
    BigDecimal shown = value.setScale(2, RoundingMode.HALF_UP);
    if (shown.compareTo(TEN) >= 0) {
      shown = value.setScale(1, RoundingMode.HALF_UP);
    }
    if (shown.compareTo(HUNDRED) >= 0) {
      shown = value.setScale(0, RoundingMode.HALF_UP);
    }
    if (shown.compareTo(KIBI) >= 0) { // 1023.5 and up: 1.00 of the next unit (below 8 EiB, so there is one)
      unit++;
      shown = value.divide(KIBI).setScale(2, RoundingMode.HALF_UP);
    }
    return shown.toPlainString() + " " + BYTE_UNITS[unit];
  }

  /**
   * A figure (a rate, a share, a percentage) as a person reads it: whole numbers without decimals ({@code 8},
   * {@code 25}), others with three significant digits and no trailing zeros ({@code 1.14}, {@code 12.5},
   * {@code 0.333}), rounded half up; from 100 on, every digit of the whole part, rounded half up to a whole number
   * ({@code 1235} for 1234.5, not {@code 1230}, which reads as an exact figure that is not the one measured). A negative
   * figure gets a leading minus sign; {@code NaN} and the infinities read as {@link Double#toString(double)} gives them.
   */
  public static String number(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return Double.toString(value);
    }
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    BigDecimal exact = new BigDecimal(value);
    BigDecimal shown = exact.round(THREE_DIGITS);
    if (shown.abs().compareTo(HUNDRED) >= 0) { // three digits would stand zeros in for the whole part's last digits
      shown = exact.setScale(0, RoundingMode.HALF_UP);
    }
    return shown.stripTrailingZeros().toPlainString();
  }

  /**
   * A length of time that was set rather than measured (a report's period, a window, an interval) as it was given:
   * exact, from its largest unit down to its smallest one that is not zero, the ones after the first zero-padded to two
   * digits: {@code 7 d} (not {@link #duration}'s {@code 7 d 00 h}), {@code 1 d 12 h}, {@code 1 h 30 min},
   * {@code 1 min 30 s}, {@code 45 s}, {@code 1 d 00 h 05 min}. One with a part of a second reads as {@link #duration}
   * gives it ({@code 1.50 s}); zero is {@code 0 s}; a negative one gets a leading minus sign.
   */
  public static String period(Duration d) {
    requireNonNull(d, "period");
    if (d.isNegative()) {
      // Long.MIN_VALUE seconds has no negation: read as one second less
      return "-" + period(d.getSeconds() == Long.MIN_VALUE ? d.plusSeconds(1).negated() : d.negated());
    }
    if (d.getNano() != 0) {
      return duration(d);
    }
    long seconds = d.getSeconds();
    if (seconds == 0) {
      return "0 s";
    }
    long[] parts = {seconds / 86_400, seconds % 86_400 / 3_600, seconds % 3_600 / 60, seconds % 60};
    String[] units = {"d", "h", "min", "s"};
    int first = 0;
    while (parts[first] == 0) {
      first++;
    }
    int last = parts.length - 1;
    while (parts[last] == 0) {
      last--;
    }
    StringBuilder b = new StringBuilder();
    for (int i = first; i <= last; i++) {
      b.append(i == first ? "" : " ").append(i == first ? Long.toString(parts[i]) : twoDigits(parts[i])).append(' ').append(units[i]);
    }
    return b.toString();
  }

  /**
   * A command line (or a program's name or path) as it goes into one line of a log or a message: each control
   * character escaped as Java writes it in a string ({@code \n}, {@code \r}, {@code \t}, others as
   * <code>&#92;u001b</code>), and so are the Unicode line and paragraph separators; everything else as it is, backslashes
   * included (a Windows path stays readable), so the result is for reading, not for splitting back into arguments.
   * A program whose arguments hold a newline is logged on one line, and cannot forge a line of the log. {@code line}
   * itself when it has nothing to escape.
   */
  public static String commandLine(String line) {
    requireNonNull(line, "line");
    int i = 0;
    while (i < line.length() && !escaped(line.charAt(i))) {
      i++;
    }
    if (i == line.length()) {
      return line;
    }
    StringBuilder sb = new StringBuilder(line.length() + 16).append(line, 0, i);
    for (; i < line.length(); i++) {
      char c = line.charAt(i);
      if (!escaped(c)) {
        sb.append(c);
      } else if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\r') {
        sb.append("\\r");
      } else if (c == '\t') {
        sb.append("\\t");
      } else {
        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      }
    }
    return sb.toString();
  }

  private static boolean escaped(char c) {
    return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
  }
}
