package io.github.vigil.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessSample;
import io.github.vigil.testing.Gen;
import io.github.vigil.testing.ReapingTree;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A tree's CPU percent counts what its members' reaped children used, once: seeded random trees whose members fork,
 * run, exit and get reaped (some between two samples, some during a sample's walk, some orphaned out of the tree),
 * sampled as samplers sample them. The CPU the percents add up to never exceeds what the tree really used, and
 * equals it but where a member left the tree unreaped or a child was reaped during the sample.
 */
class TreeCpuPropertyTest {

  static LongStream seeds() {
    return Gen.seeds(500);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void cpuPercentCountsReapedChildrenOnceAndNeverMore(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    ReapingTree tree = new ReapingTree(random, 1000 + random.nextInt(1000));
    ProcessSample previous = tree.sample(null, false);
    long trueAtFirst = tree.trueUser() + tree.trueSystem();
    double counted = 0;
    int steps = 5 + random.nextInt(60);
    for (int step = 0; step < steps; step++) {
      tree.step(100 + random.nextInt(2000));
      boolean race = random.nextInt(4) == 0;
      ProcessSample s = tree.sample(previous, race);
      double percent = s.cpuPercent().orElseThrow(() -> new AssertionError("seed " + seed + ": no CPU percent after " + tree.history()));
      counted += percent * (s.monotonicNanos() - previous.monotonicNanos()) / 100.0;
      long used = tree.trueUser() + tree.trueSystem() - trueAtFirst;
      assertThat(counted).as("seed %d: counted more than the tree used after %s", seed, tree.history())
          .isLessThanOrEqualTo(used + 1_000.0);
      if (!tree.orphaned() && !race) {
        assertThat(counted).as("seed %d: not what the tree used after %s", seed, tree.history())
            .isCloseTo(used, org.assertj.core.data.Offset.offset(1_000.0));
      }
      previous = s;
    }
  }

  /**
   * A tree's page faults and I/O, as one sample sums them, are what its processes used: the faults of members' reaped
   * children (cminflt, cmajflt) count, the I/O the kernel folded into a reaper counts once. Never more than the tree
   * used; exactly that but where a member left the tree unreaped or a child was reaped during the sample's walk.
   */
  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void faultsAndIoCountReapedChildrenOnceAndNeverMore(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    ReapingTree tree = new ReapingTree(random, 1000 + random.nextInt(1000));
    ProcessSample previous = tree.sample(null, false);
    int steps = 5 + random.nextInt(60);
    for (int step = 0; step < steps; step++) {
      tree.step(100 + random.nextInt(2000));
      boolean race = random.nextInt(4) == 0;
      ProcessSample s = tree.sample(previous, race);
      for (ProcessSample.Field f : java.util.List.of(ProcessSample.Field.MINOR_FAULTS, ProcessSample.Field.MAJOR_FAULTS,
          ProcessSample.Field.READ_BYTES, ProcessSample.Field.WRITE_BYTES)) {
        long counted = s.getLong(f).orElseThrow();
        assertThat(counted).as("seed %d: %s counted more than the tree used after %s", seed, f, tree.history())
            .isLessThanOrEqualTo(tree.trueTotal(f));
        if (!tree.orphaned() && !race) {
          assertThat(counted).as("seed %d: %s not what the tree used after %s", seed, f, tree.history())
              .isEqualTo(tree.trueTotal(f));
          assertThat(counted).as("seed %d: %s went down after %s", seed, f, tree.history())
              .isGreaterThanOrEqualTo(previous.getLong(f).orElseThrow());
        }
      }
      previous = s;
    }
  }
}
