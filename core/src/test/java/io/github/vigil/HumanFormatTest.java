package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HumanFormatTest {

  @Test
  void durationsAsTheIssueAsksForThem() {
    assertThat(HumanFormat.duration(Duration.ofNanos(4_848_265_884L))).isEqualTo("4.85 s");
    assertThat(HumanFormat.duration(Duration.ofNanos(998_737_398L))).isEqualTo("999 ms");
    assertThat(HumanFormat.duration(Duration.ofNanos(999_737_398L))).isEqualTo("1.00 s");
    assertThat(HumanFormat.duration(Duration.ofSeconds(2 * 3600 + 3 * 60 + 10))).isEqualTo("2 h 03 min");
    assertThat(HumanFormat.duration(Duration.ofSeconds(65))).isEqualTo("1 min 05 s");
    assertThat(HumanFormat.duration(Duration.ofMillis(59_990))).isEqualTo("1 min 00 s");
    assertThat(HumanFormat.duration(Duration.ofDays(3).plusHours(4))).isEqualTo("3 d 04 h");
    assertThat(HumanFormat.duration(Duration.ofNanos(850_000))).isEqualTo("850 µs");
    assertThat(HumanFormat.duration(Duration.ofNanos(12_345_678))).isEqualTo("12.3 ms");
    assertThat(HumanFormat.duration(Duration.ofNanos(17))).isEqualTo("17 ns");
    assertThat(HumanFormat.duration(Duration.ZERO)).isEqualTo("0 ns");
    assertThat(HumanFormat.duration(Duration.ofMillis(-1500))).isEqualTo("-1.50 s");
  }

  /** Validation messages format whatever a caller passed, the largest and smallest Duration included. */
  @Test
  void extremesFormatWithoutOverflow() {
    assertThat(HumanFormat.duration(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999))).isEqualTo("106751991167300 d 16 h");
    assertThat(HumanFormat.duration(ChronoUnit.FOREVER.getDuration())).isEqualTo("106751991167300 d 16 h");
    assertThat(HumanFormat.duration(Duration.ofSeconds(Long.MIN_VALUE))).isEqualTo("-106751991167300 d 16 h");
    assertThat(HumanFormat.duration(Duration.ofDays(2).minusMillis(1))).isEqualTo("2 d 00 h");
    assertThat(HumanFormat.duration(Duration.ofSeconds(3_599, 500_000_000))).isEqualTo("1 h 00 min");
  }

  /** Seeded random durations: the text reads back to within the rounding of its own last digit. */
  @Test
  void everyDurationReadsBackWithinItsRounding() {
    long seed = System.nanoTime();
    SplittableRandom random = new SplittableRandom(seed);
    Pattern form = Pattern.compile("(\\d+(?:\\.\\d+)?) (ns|µs|ms|s)|(\\d+) (min|h|d) (\\d{2}) (s|min|h)");
    for (int i = 0; i < 10_000; i++) {
      Duration d = Duration.ofNanos((long) Math.pow(10, random.nextDouble(0, 15.5)));
      String text = HumanFormat.duration(d);
      Matcher m = form.matcher(text);
      assertThat(m.matches()).as("seed %d: %s -> %s", seed, d, text).isTrue();
      double seconds;
      double tolerance;
      if (m.group(1) != null) {
        double unit = switch (m.group(2)) { case "ns" -> 1e-9; case "µs" -> 1e-6; case "ms" -> 1e-3; default -> 1; };
        seconds = Double.parseDouble(m.group(1)) * unit;
        tolerance = Math.max(seconds * 0.006, 1e-9);
      } else {
        double big = switch (m.group(4)) { case "min" -> 60; case "h" -> 3600; default -> 86400; };
        double small = switch (m.group(6)) { case "s" -> 1; case "min" -> 60; default -> 3600; };
        seconds = Long.parseLong(m.group(3)) * big + Long.parseLong(m.group(5)) * small;
        tolerance = small / 2 + 1e-9;
        assertThat(Long.parseLong(m.group(5)) * small).as("seed %d: %s", seed, text).isLessThan(big);
      }
      assertThat(Math.abs(seconds - d.toNanos() / 1e9)).as("seed %d: %s -> %s", seed, d, text).isLessThanOrEqualTo(tolerance);
    }
  }

  /**
   * Seeded random durations under a minute, and the half-way values of each rounding: the figure is the exact
   * count rounded half up to three significant digits (BigDecimal here; integer arithmetic in HumanFormat).
   */
  @Test
  void figuresAreTheExactValueRoundedHalfUpToThreeDigits() {
    long seed = System.nanoTime();
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < 20_000; i++) {
      long nanos = i < 3_000 ? (long) Math.pow(10, 3 + i / 1_000) * (1 + (i % 1_000) / 100) - (long) Math.pow(10, 3 + i / 1_000) / 200
          : (long) Math.pow(10, random.nextDouble(3, Math.log10(59.9e9)));
      String text = HumanFormat.duration(Duration.ofNanos(nanos));
      assertThat(text).as("seed %d: %d ns", seed, nanos).isEqualTo(exact(nanos));
    }
    assertThat(HumanFormat.duration(Duration.ofNanos(9_995_000))).isEqualTo("10.0 ms");
    assertThat(HumanFormat.duration(Duration.ofNanos(9_994_999))).isEqualTo("9.99 ms");
    assertThat(HumanFormat.duration(Duration.ofNanos(1_005_000))).isEqualTo("1.01 ms");
    assertThat(HumanFormat.duration(Duration.ofNanos(999_500))).isEqualTo("1.00 ms");
    assertThat(HumanFormat.duration(Duration.ofNanos(999_499))).isEqualTo("999 µs");
    assertThat(HumanFormat.duration(Duration.ofMillis(59_949))).isEqualTo("59.9 s");
  }

  /** A figure under a minute as the contract says: exact, three significant digits, half up, the larger unit at 1,000. */
  private static String exact(long nanos) {
    if (nanos < 1_000) {
      return nanos + " ns";
    }
    String[] units = {"µs", "ms", "s"};
    for (int u = nanos < 1_000_000 ? 0 : nanos < 1_000_000_000 ? 1 : 2; u < units.length; u++) {
      java.math.BigDecimal r = java.math.BigDecimal.valueOf(nanos).movePointLeft(3 * (u + 1))
          .round(new java.math.MathContext(3, java.math.RoundingMode.HALF_UP));
      if (r.compareTo(java.math.BigDecimal.valueOf(u < 2 ? 1_000 : 60)) < 0) {
        return r.toPlainString() + " " + units[u];
      }
    }
    throw new AssertionError("a minute or more: " + nanos);
  }

  @Test
  void sizesInBinaryUnitsWithThreeDigits() {
    assertThat(HumanFormat.bytes(0)).isEqualTo("0 B");
    assertThat(HumanFormat.bytes(512)).isEqualTo("512 B");
    assertThat(HumanFormat.bytes(1023)).isEqualTo("1023 B");
    assertThat(HumanFormat.bytes(1024)).isEqualTo("1.00 KiB");
    assertThat(HumanFormat.bytes(1536)).isEqualTo("1.50 KiB");
    assertThat(HumanFormat.bytes(16_672_358)).isEqualTo("15.9 MiB");
    assertThat(HumanFormat.bytes(64L << 20)).isEqualTo("64.0 MiB");
    assertThat(HumanFormat.bytes(512L << 20)).isEqualTo("512 MiB");
    assertThat(HumanFormat.bytes(4L << 30)).isEqualTo("4.00 GiB");
    assertThat(HumanFormat.bytes(3L << 40)).isEqualTo("3.00 TiB");
    assertThat(HumanFormat.bytes(-(12L << 20))).isEqualTo("-12.0 MiB");
  }

  /** The edges of each rounding, and the extremes of a long. */
  @Test
  void sizesRoundHalfUpAndCarryIntoTheNextUnit() {
    assertThat(HumanFormat.bytes(10_234)).as("9.994 KiB").isEqualTo("9.99 KiB");
    assertThat(HumanFormat.bytes(10_235)).as("9.995 KiB").isEqualTo("10.0 KiB");
    assertThat(HumanFormat.bytes(102_348)).as("99.9492 KiB").isEqualTo("99.9 KiB");
    assertThat(HumanFormat.bytes(102_349)).as("99.9502 KiB").isEqualTo("100 KiB");
    assertThat(HumanFormat.bytes(1_000L * 1024)).isEqualTo("1000 KiB");
    assertThat(HumanFormat.bytes(1_048_063)).as("1023.499 KiB").isEqualTo("1023 KiB");
    assertThat(HumanFormat.bytes(1_048_064)).as("1023.5 KiB").isEqualTo("1.00 MiB");
    assertThat(HumanFormat.bytes((1L << 20) - 1)).isEqualTo("1.00 MiB");
    assertThat(HumanFormat.bytes(Long.MAX_VALUE)).isEqualTo("8.00 EiB");
    assertThat(HumanFormat.bytes(Long.MIN_VALUE)).isEqualTo("-8.00 EiB");
    assertThat(HumanFormat.bytes(-1)).isEqualTo("-1 B");
  }

  /**
   * Seeded random sizes over every unit: the figure is the exact value rounded half up to three significant digits
   * (four from 1000 to 1023), in the largest unit it is at least one of once rounded (BigDecimal here).
   */
  @Test
  void everySizeIsTheExactValueRoundedHalfUp() {
    long seed = System.nanoTime();
    SplittableRandom random = new SplittableRandom(seed);
    Pattern form = Pattern.compile("(\\d+(?:\\.\\d+)?) (B|KiB|MiB|GiB|TiB|PiB|EiB)");
    for (int i = 0; i < 20_000; i++) {
      long bytes = (long) Math.pow(2, random.nextDouble(0, 63));
      String text = HumanFormat.bytes(bytes);
      assertThat(text).as("seed %d: %d bytes", seed, bytes).isEqualTo(exactBytes(bytes));
      Matcher m = form.matcher(text);
      assertThat(m.matches()).as("seed %d: %d -> %s", seed, bytes, text).isTrue();
      String figure = m.group(1);
      int digits = figure.replace(".", "").length();
      assertThat(digits).as("seed %d: %s", seed, text).isEqualTo(bytes < 1024 ? Long.toString(bytes).length()
          : figure.startsWith("10") && figure.length() == 4 && !figure.contains(".") ? 4 : 3);
      assertThat(HumanFormat.bytes(-bytes)).isEqualTo("-" + text);
    }
  }

  /** A size as the contract says: exact, three significant digits, half up, the next unit at 1024 of this one. */
  private static String exactBytes(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (bytes < 1024) {
      return bytes + " B";
    }
    for (int u = 6; u >= 1; u--) {
      java.math.BigDecimal v = new java.math.BigDecimal(java.math.BigInteger.valueOf(bytes))
          .divide(new java.math.BigDecimal(java.math.BigInteger.TWO.pow(10 * u)));
      if (v.compareTo(java.math.BigDecimal.ONE) < 0) {
        continue;
      }
      java.math.BigDecimal r = v.compareTo(java.math.BigDecimal.valueOf(1000)) >= 0 ? v.setScale(0, java.math.RoundingMode.HALF_UP)
          : v.round(new java.math.MathContext(3, java.math.RoundingMode.HALF_UP));
      if (r.compareTo(java.math.BigDecimal.valueOf(1024)) >= 0) {
        return "1.00 " + units[u + 1];
      }
      int scale = r.compareTo(java.math.BigDecimal.TEN) < 0 ? 2 : r.compareTo(java.math.BigDecimal.valueOf(100)) < 0 ? 1 : 0;
      return r.setScale(scale).toPlainString() + " " + units[u]; // exact: r has at most three digits after rounding
    }
    throw new AssertionError();
  }

  @Test
  void figuresKeepThreeDigits() {
    assertThat(HumanFormat.number(8)).isEqualTo("8");
    assertThat(HumanFormat.number(12.5)).isEqualTo("12.5");
    assertThat(HumanFormat.number(8.0 / 7)).isEqualTo("1.14");
    assertThat(HumanFormat.number(1.0 / 3)).isEqualTo("0.333");
    assertThat(HumanFormat.number(1234.5)).isEqualTo("1235");
    assertThat(HumanFormat.number(-2.5)).isEqualTo("-2.5");
    assertThat(HumanFormat.number(-1e20)).isEqualTo("-100000000000000000000");
    assertThat(HumanFormat.number(Double.NaN)).isEqualTo("NaN");
    assertThat(HumanFormat.number(Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
  }

  /**
   * A figure of 100 or more keeps every digit of its whole part, rounded half up: a rate of 1234.5 per day read as
   * {@code 1230}, a figure that looks exact and is not the one measured (and 12345.6 as {@code 12300}).
   */
  @Test
  void largeFiguresKeepTheirWholePart() {
    assertThat(HumanFormat.number(1234.4)).isEqualTo("1234");
    assertThat(HumanFormat.number(12_345.6)).isEqualTo("12346");
    assertThat(HumanFormat.number(-1234.5)).isEqualTo("-1235");
    assertThat(HumanFormat.number(999.5)).isEqualTo("1000");
    assertThat(HumanFormat.number(123.45)).isEqualTo("123");
    assertThat(HumanFormat.number(99.94)).isEqualTo("99.9");
    assertThat(HumanFormat.number(12.25)).as("half up, as durations and sizes").isEqualTo("12.3");
    long seed = System.nanoTime();
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    for (int i = 0; i < 10_000; i++) {
      double v = Math.pow(10, random.nextDouble(2, 15));
      String text = HumanFormat.number(v);
      assertThat(text).as("seed %d: %s", seed, v).matches("\\d+");
      assertThat(Math.abs(Long.parseLong(text) - v)).as("seed %d: %s -> %s", seed, v, text).isLessThanOrEqualTo(0.5);
    }
  }

  /** A length of time that was set (a report's period, a window) reads as it was given: {@code 7 d}, not {@code 7 d 00 h}. */
  @Test
  void periodsReadAsTheyWereGiven() {
    assertThat(HumanFormat.period(Duration.ofDays(7))).isEqualTo("7 d");
    assertThat(HumanFormat.period(Duration.ofDays(36_500))).isEqualTo("36500 d");
    assertThat(HumanFormat.period(Duration.ofHours(12))).isEqualTo("12 h");
    assertThat(HumanFormat.period(Duration.ofHours(36))).isEqualTo("1 d 12 h");
    assertThat(HumanFormat.period(Duration.ofMinutes(90))).isEqualTo("1 h 30 min");
    assertThat(HumanFormat.period(Duration.ofMinutes(30))).isEqualTo("30 min");
    assertThat(HumanFormat.period(Duration.ofSeconds(90))).isEqualTo("1 min 30 s");
    assertThat(HumanFormat.period(Duration.ofSeconds(45))).isEqualTo("45 s");
    assertThat(HumanFormat.period(Duration.ofDays(1).plusMinutes(5))).as("exact: nothing rounded away").isEqualTo("1 d 00 h 05 min");
    assertThat(HumanFormat.period(Duration.ofDays(2).plusSeconds(1))).isEqualTo("2 d 00 h 00 min 01 s");
    assertThat(HumanFormat.period(Duration.ofMillis(1500))).as("under a second's precision: as a duration").isEqualTo("1.50 s");
    assertThat(HumanFormat.period(Duration.ZERO)).isEqualTo("0 s");
    assertThat(HumanFormat.period(Duration.ofHours(-2))).isEqualTo("-2 h");
    assertThat(HumanFormat.period(Duration.ofSeconds(Long.MIN_VALUE))).startsWith("-106751991167300 d");
  }

  @Test
  void countsSayOneAndMany() {
    assertThat(HumanFormat.count(1, "process", "processes")).isEqualTo("1 process");
    assertThat(HumanFormat.count(0, "process", "processes")).isEqualTo("0 processes");
    assertThat(HumanFormat.count(2, "restart", "restarts")).isEqualTo("2 restarts");
    assertThat(HumanFormat.count(-1, "restart", "restarts")).isEqualTo("-1 restarts");
  }

  /** What a process's statistics say in words: a count of one in the singular, not "1 restart(s)". */
  @Test
  void statisticsSayOneRestartInTheSingular() {
    ProcessStatistics one = new ProcessStatistics(2, 1, 1, 0, 0, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofSeconds(35));
    assertThat(one.restartRate()).isEqualTo("1 restart in 35.0 s");
    assertThat(one.toString()).startsWith("2 starts, 1 restart (1 restart in 35.0 s; 1 came up, 0 did not)");
    ProcessStatistics hour = new ProcessStatistics(7, 6, 6, 0, 6, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofHours(1));
    assertThat(hour.restartRate()).isEqualTo("6 per hour over the last 1 h");
  }

  @Test
  void ratesStateTheirWindow() {
    // a whole window reads as it was set (period), not with duration's zero parts ("1 h 00 min")
    assertThat(HumanFormat.rate(6, Duration.ofHours(1))).isEqualTo("6 per hour over the last 1 h");
    assertThat(HumanFormat.rate(25, Duration.ofSeconds(10))).isEqualTo("2.5 per s over the last 10 s");
    assertThat(HumanFormat.rate(3, Duration.ofMinutes(1))).isEqualTo("3 per min over the last 1 min");
    assertThat(HumanFormat.rate(0, Duration.ofHours(1))).isEqualTo("0 per hour over the last 1 h");
    assertThat(HumanFormat.rate(12, Duration.ofHours(2).plusMinutes(30))).isEqualTo("4.8 per hour over the last 2 h 30 min");
    // a measured window, with a part of a second: as duration reads it
    assertThat(HumanFormat.rate(6, Duration.ofHours(1).plusMillis(250))).isEqualTo("6 per hour over the last 1 h 00 min");
    assertThatThrownBy(() -> HumanFormat.rate(1, Duration.ZERO)).hasMessageContaining("window must be positive: 0 ns");
    assertThatThrownBy(() -> HumanFormat.rate(-1, Duration.ofSeconds(1))).hasMessageContaining("count must not be negative: -1");
  }

  /** A command line goes into one line of a log: its control characters escaped, the rest as it is. */
  @Test
  void commandLinesOnOneLine() {
    assertThat(HumanFormat.commandLine("/bin/sh -c sleep 5; : first\nsecond")).isEqualTo("/bin/sh -c sleep 5; : first\\nsecond");
    assertThat(HumanFormat.commandLine("a\tb\rc\u001b[31md\u0000e\u007ff\u2028g")).isEqualTo("a\\tb\\rc\\u001b[31md\\u0000e\\u007ff\\u2028g");
    String plain = "C:\\Program Files\\feed.exe --venue XLON été";
    assertThat(HumanFormat.commandLine(plain)).isSameAs(plain);
    assertThat(HumanFormat.commandLine("")).isEmpty();
  }
}
