package io.github.vigil.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StatsTest {

  @Test
  void medianP99MinMaxOfKnownValues() {
    double[] v = new double[200];
    for (int i = 0; i < 200; i++) {
      v[i] = 200 - i; // 1..200, shuffled order
    }
    Stats s = Stats.of(v);
    assertThat(s.n()).isEqualTo(200);
    assertThat(s.median()).isEqualTo(100.5);
    assertThat(s.p99()).isEqualTo(198); // nearest rank: the 198th of 200
    assertThat(s.min()).isEqualTo(1);
    assertThat(s.max()).isEqualTo(200);
    assertThat(Stats.of(new double[] {3, 1, 2}).median()).isEqualTo(2);
    assertThat(Stats.millis(new long[] {1_500_000}).median()).isEqualTo(1.5);
  }

  @Test
  void noValuesIsAnError() {
    assertThatThrownBy(() -> Stats.of(new double[0])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no values");
  }

  static long[] seeds() {
    return new SplittableRandom(8).longs(100).toArray();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void orderedAndRoundTripsThroughTsv(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] v = new double[1 + r.nextInt(300)];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextDouble() * Math.pow(10, r.nextInt(7));
    }
    Stats s = Stats.of(v);
    assertThat(s.wellFormed()).as("seed %d: %s", seed, s).isTrue();
    Row row = new Row("1", "c", "m", "ms", s, "a note\twith a tab");
    Row back = Row.parse(row.toTsv());
    assertThat(back.stats().median()).as("seed %d", seed).isCloseTo(s.median(), org.assertj.core.data.Percentage.withPercentage(1e-3));
    assertThat(back.note()).isEqualTo("a note with a tab");
  }

  @Test
  void reportJudgesTargetsFromTheRows() {
    List<Row> rows = List.of(
        new Row("1", "vigil-linux", "crash-to-restart", "ms", new Stats(200, 5, 12, 3, 40), ""),
        new Row("1", "supervisord", "crash-to-restart", "ms", new Stats(200, 1000, 2000, 900, 2100), ""),
        new Row("2", "vigil-linux", "exit-detection-child", "ms", new Stats(200, 0.6, 2, 0.3, 9), ""),
        new Row("2", "process-onexit", "exit-detection-child", "ms", new Stats(200, 0.5, 1.1, 0.3, 3), ""),
        new Row("3", "vigil-linux", "threads", "threads", Stats.single(17), ""));
    String md = new Report(Map.of("mode", "full"), rows).render("## Reading\n\nhand-written");
    assertThat(md).contains("| crash to restart, Linux backend: p99 under 20 ms | 12.0 ms | 0.600 of the limit | **met** |")
        .contains("| crash to restart: ≥ 50× faster than supervisord (medians) | 1000 vs 5.00 | 200× faster | **met** |")
        .contains("| crash to restart: ≥ 50× faster than supervisord (p99s) | 2000 vs 12.0 | 167× faster | **met** |")
        .contains("no slower than Process.onExit() (medians) | 0.600 ms vs 0.500 ms | 1.20× the JDK's | **missed** (slower by 0.100 ms, 1.20×) |")
        .contains("Vigil's threads under 16 | 17.0 | 1.06 of the limit | **missed**")
        .contains("## Reading");
  }
}
