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
  void ratesStateTheirWindow() {
    assertThat(HumanFormat.rate(6, Duration.ofHours(1))).isEqualTo("6 per hour over the last 1 h 00 min");
    assertThat(HumanFormat.rate(25, Duration.ofSeconds(10))).isEqualTo("2.5 per s over the last 10.0 s");
    assertThat(HumanFormat.rate(3, Duration.ofMinutes(1))).isEqualTo("3 per min over the last 1 min 00 s");
    assertThat(HumanFormat.rate(0, Duration.ofHours(1))).isEqualTo("0 per hour over the last 1 h 00 min");
    assertThatThrownBy(() -> HumanFormat.rate(1, Duration.ZERO)).hasMessageContaining("window must be positive: 0 ns");
    assertThatThrownBy(() -> HumanFormat.rate(-1, Duration.ofSeconds(1))).hasMessageContaining("count must not be negative: -1");
  }
}
