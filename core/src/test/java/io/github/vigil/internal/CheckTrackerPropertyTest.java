package io.github.vigil.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.HealthState;
import io.github.vigil.testing.Gen;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The counting rules of one check (failure threshold, success threshold, start period) over seeded
 * random result sequences at random times, against a reference model written from the rules'
 * wording rather than from the implementation.
 */
class CheckTrackerPropertyTest {
  static LongStream seeds() {
    return Gen.seeds(1000);
  }

  /** One seeded case: settings, and attempt times and results (times relative to the run's start). */
  record Case(int failureThreshold, int successThreshold, long startPeriod, long[] times, boolean[] passed) {
    static Case draw(long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      int failureThreshold = 1 + r.nextInt(6);
      int successThreshold = 1 + r.nextInt(4);
      long interval = 1 + r.nextInt(10_000);
      long startPeriod = r.nextInt(3) == 0 ? 0 : r.nextLong(interval * 8);
      long initialDelay = r.nextInt(2) == 0 ? 0 : r.nextLong(interval * 3);
      int n = 1 + r.nextInt(60);
      double passRate = r.nextDouble();
      long[] times = new long[n];
      boolean[] passed = new boolean[n];
      for (int i = 0; i < n; i++) {
        times[i] = initialDelay + i * interval;
        passed[i] = r.nextDouble() < passRate;
      }
      return new Case(failureThreshold, successThreshold, startPeriod, times, passed);
    }

    @Override
    public String toString() {
      StringBuilder s = new StringBuilder("failures " + failureThreshold + ", successes " + successThreshold + ", start period "
          + startPeriod + ", results ");
      for (int i = 0; i < times.length; i++) {
        s.append(passed[i] ? '+' : '-');
      }
      return s.toString();
    }
  }

  /** The state after each result, from the rules as written. */
  static List<HealthState> model(Case c) {
    List<HealthState> states = new ArrayList<>();
    HealthState state = HealthState.STARTING;
    for (int i = 0; i < c.times().length; i++) {
      // trailing passes, and trailing failures that count (not begun in the start period before any pass)
      int passes = 0;
      for (int j = i; j >= 0 && c.passed()[j]; j--) {
        passes++;
      }
      int counted = 0;
      for (int j = i; j >= 0 && !c.passed()[j] && countsAt(c, j); j--) {
        counted++;
      }
      if (passes >= c.successThreshold()) {
        state = HealthState.HEALTHY;
      } else if (counted >= c.failureThreshold()) {
        state = HealthState.UNHEALTHY;
      }
      states.add(state);
    }
    return states;
  }

  private static boolean countsAt(Case c, int j) {
    if (c.times()[j] >= c.startPeriod()) {
      return true;
    }
    for (int k = 0; k < j; k++) {
      if (c.passed()[k]) {
        return true; // a pass ended the start period early
      }
    }
    return false;
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void stateAfterEveryResultMatchesTheRules(long seed) {
    Case c = Case.draw(seed);
    long runStart = 5_000_000_000L;
    CheckTracker t = new CheckTracker(c.failureThreshold(), c.successThreshold(), c.startPeriod(), runStart);
    List<HealthState> expected = model(c);
    for (int i = 0; i < c.times().length; i++) {
      HealthState got = t.record(c.passed()[i], runStart + c.times()[i]);
      int at = i;
      assertThat(got).as(() -> "seed " + seed + ": " + c + ": state after result " + (at + 1)).isEqualTo(expected.get(at));
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void unhealthyComesExactlyAtTheThresholdthCountedFailureInARow(long seed) {
    Case c = Case.draw(seed);
    CheckTracker t = new CheckTracker(c.failureThreshold(), c.successThreshold(), c.startPeriod(), 0);
    int run = 0;
    boolean passedOnce = false;
    for (int i = 0; i < c.times().length; i++) {
      HealthState before = t.state();
      HealthState after = t.record(c.passed()[i], c.times()[i]);
      boolean counts = !c.passed()[i] && (passedOnce || c.times()[i] >= c.startPeriod());
      passedOnce |= c.passed()[i];
      run = c.passed()[i] ? 0 : counts ? run + 1 : run;
      int at = i;
      int inRow = run;
      if (before != HealthState.UNHEALTHY && after == HealthState.UNHEALTHY) {
        assertThat(inRow).as(() -> "seed " + seed + ": " + c + ": became unhealthy at result " + (at + 1)).isEqualTo(c.failureThreshold());
      }
      if (before != HealthState.UNHEALTHY && inRow == c.failureThreshold()) {
        assertThat(after).as(() -> "seed " + seed + ": " + c + ": result " + (at + 1)).isEqualTo(HealthState.UNHEALTHY);
      }
      assertThat(t.consecutiveFailures()).as(() -> "seed " + seed + ": " + c).isEqualTo(inRow);
      assertThat(t.lastCounted()).as(() -> "seed " + seed + ": " + c).isEqualTo(c.passed()[i] || counts);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void failuresWithinTheStartPeriodNeverChangeTheState(long seed) {
    Case c = Case.draw(seed);
    CheckTracker t = new CheckTracker(c.failureThreshold(), c.successThreshold(), c.startPeriod(), 0);
    for (int i = 0; i < c.times().length && !c.passed()[i] && c.times()[i] < c.startPeriod(); i++) {
      int at = i;
      assertThat(t.record(false, c.times()[i])).as(() -> "seed " + seed + ": " + c + ": result " + (at + 1)).isEqualTo(HealthState.STARTING);
      assertThat(t.consecutiveFailures()).isZero();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void healthyNeedsExactlyTheSuccessThresholdOfPassesInARow(long seed) {
    Case c = Case.draw(seed);
    CheckTracker t = new CheckTracker(c.failureThreshold(), c.successThreshold(), c.startPeriod(), 0);
    int run = 0;
    for (int i = 0; i < c.times().length; i++) {
      HealthState before = t.state();
      HealthState after = t.record(c.passed()[i], c.times()[i]);
      run = c.passed()[i] ? run + 1 : 0;
      int at = i;
      int inRow = run;
      if (before != HealthState.HEALTHY && after == HealthState.HEALTHY) {
        assertThat(inRow).as(() -> "seed " + seed + ": " + c + ": healthy at result " + (at + 1)).isEqualTo(c.successThreshold());
      }
      if (before == HealthState.HEALTHY && after != HealthState.HEALTHY) {
        assertThat(after).isEqualTo(HealthState.UNHEALTHY);
      }
    }
  }
}
