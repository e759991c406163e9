package io.github.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The detectors' words and their less common kinds: projections, zombies, an unusual restart rate. */
class AnomalyDetectorsTest {
  private final List<Anomaly> found = new ArrayList<>();
  private final AnomalyDetectors d = new AnomalyDetectors(AnomalySettings.defaults(), found::add);

  @Test
  void theLeakSaysItsRateAndWhenItReachesTheLimit() {
    double gib = 1024.0 * 1024 * 1024;
    double mibPerHour = 12 * 1024 * 1024 / 3600.0;
    String s = AnomalyDetectors.leakSummary("resident memory", mibPerHour, 4 * gib - 40 * 1024 * 1024, 4 * gib, true);
    assertThat(s).isEqualTo("resident memory +12.0 MiB/h; reaches its 4.00 GiB limit in about 3 h 20 min");
    assertThat(AnomalyDetectors.leakSummary("open descriptors", 45 / 3600.0, 754, 1024, false))
        .isEqualTo("open descriptors +45/h; reaches its limit of 1024 in about 6 h 00 min");
  }

  @Test
  void aRealLeakOnNoiseIsFoundWithItsProjection() {
    SplittableRandom r = new SplittableRandom(7);
    double base = 1024.0 * 1024 * 1024;
    for (int i = 0; i < 6 * 360; i++) {   // 6 h at 10 s; +100 MiB/h from the start of hour 2
      double leak = i < 720 ? 0 : (i - 720) * 10 / 3600.0 * 100 * 1024 * 1024;
      d.onValues("feed", i * 10, Instant.ofEpochSecond(i * 10L), 20 + r.nextDouble(), base * (1 + 0.01 * r.nextDouble()) + leak,
          100, 50, 1024, 4 * base, -1);
    }
    Anomaly leak = found.stream().filter(a -> a.kind() == AnomalyKind.MEMORY_LEAK && a.active()).findFirst().orElseThrow();
    assertThat(leak.summary()).startsWith("resident memory +").contains("MiB/h; reaches its 4.00 GiB limit in about ");
    assertThat(found).allMatch(a -> a.kind() == AnomalyKind.MEMORY_LEAK);
  }

  @Test
  void zombiesAccumulatingStartAndReapingEnds() {
    for (int i = 0; i < 10; i++) {
      d.onValues("spawner", i * 10, Instant.EPOCH, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 5 + i);
    }
    assertThat(found).extracting(Anomaly::kind, Anomaly::active).containsExactly(org.assertj.core.groups.Tuple.tuple(AnomalyKind.ZOMBIES, true));
    d.onValues("spawner", 200, Instant.EPOCH, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
    assertThat(found).hasSize(2);
    assertThat(found.get(1).active()).isFalse();
  }

  @Test
  void aRestartRateUnusualForThisProcess() {
    // a process that restarts about once a day for a week, then 4 times in 20 minutes
    double t = 0;
    for (int day = 0; day < 7; day++) {
      t += 86_400;
      d.onRestart("feed", t, Instant.EPOCH);
    }
    assertThat(found).isEmpty();
    for (int k = 0; k < 4; k++) {
      t += 300;
      d.onRestart("feed", t, Instant.EPOCH);
    }
    assertThat(found).hasSize(1);
    assertThat(found.get(0).kind()).isEqualTo(AnomalyKind.RESTART_RATE);
    assertThat(found.get(0).summary()).startsWith("3 restarts in the last hour against a usual");
  }

  /** Restarts in a process's first hours have no usual rate to be unusual against (it fired a second after start). */
  @Test
  void noRestartRateIsJudgedBeforeAnHourIsSeenBeforeTheLast() {
    d.onValues("early", 0, Instant.EPOCH, 1, 1 << 20, 10, 1, Double.NaN, Double.NaN, 0); // first seen
    for (int k = 1; k <= 5; k++) {
      d.onRestart("early", k, Instant.EPOCH); // five restarts in its first five seconds
    }
    d.onRestart("early", 7000, Instant.EPOCH);
    assertThat(found).isEmpty();
    // one seen quietly for two hours, then three restarts in a few minutes: unusual
    d.onValues("late", 0, Instant.EPOCH, 1, 1 << 20, 10, 1, Double.NaN, Double.NaN, 0);
    for (int k = 0; k < 3; k++) {
      d.onRestart("late", 7300 + 60 * k, Instant.EPOCH);
    }
    assertThat(found).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(AnomalyKind.RESTART_RATE);
      assertThat(a.process()).isEqualTo("late");
    });
  }
}
