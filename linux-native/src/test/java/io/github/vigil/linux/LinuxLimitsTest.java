package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class LinuxLimitsTest {

  @Test
  void sizes() {
    assertThat(LinuxLimits.memoryMax(Map.of(LinuxLimits.MEMORY_MAX, "64M"))).hasValue(64L << 20);
    assertThat(LinuxLimits.memoryMax(Map.of(LinuxLimits.MEMORY_MAX, "1048576"))).hasValue(1L << 20);
    assertThat(LinuxLimits.memoryMax(Map.of(LinuxLimits.MEMORY_MAX, "2gib"))).hasValue(2L << 30);
    assertThat(LinuxLimits.memoryMax(Map.of(LinuxLimits.MEMORY_MAX, " 512 KB "))).hasValue(512L << 10);
    assertThat(LinuxLimits.memoryMax(Map.of("other", "x"))).isEqualTo(OptionalLong.empty());
    assertThat(LinuxLimits.pidsMax(Map.of(LinuxLimits.PIDS_MAX, "64"))).hasValue(64);
  }

  @Test
  void badValuesNameTheLabelAndTheValue() {
    for (String bad : new String[] {"", "M", "-1M", "0", "12X", "64 M B", "99999999999T"}) {
      assertThatThrownBy(() -> LinuxLimits.memoryMax(Map.of(LinuxLimits.MEMORY_MAX, bad)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(LinuxLimits.MEMORY_MAX).hasMessageContaining("'" + bad + "'");
    }
    assertThatThrownBy(() -> LinuxLimits.pidsMax(Map.of(LinuxLimits.PIDS_MAX, "0")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(LinuxLimits.PIDS_MAX).hasMessageContaining("'0'");
  }

  static LongStream seeds() {
    return LongStream.range(0, 300);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void everyPositiveSizeRoundTrips(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    String[] units = {"", "K", "M", "G", "k", "m", "g"};
    int u = r.nextInt(units.length);
    long shift = switch (units[u].toUpperCase(java.util.Locale.ROOT)) {
      case "K" -> 10;
      case "M" -> 20;
      case "G" -> 30;
      default -> 0;
    };
    long n = 1 + r.nextLong(1L << 30);
    String text = n + units[u];
    assertThat(LinuxLimits.memoryMax(Map.of(LinuxLimits.MEMORY_MAX, text))).as("seed %d: %s", seed, text).hasValue(n << shift);
  }
}
