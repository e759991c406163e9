package io.github.vigil.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessSample;
import io.github.vigil.spi.ProcessSampleBuilder;
import org.junit.jupiter.api.Test;

class SampleBaselineTest {
  private static ProcessSample at(long pid, long nanos) {
    return ProcessSampleBuilder.of(ProcessSample.Scope.TREE, pid).reset(ProcessSample.Scope.TREE, pid, 0, nanos).build(null);
  }

  @Test
  void aBaselineIsKeptForASecondWhoeverSamplesInBetween() {
    ProcessSample base = at(42, 1_000_000_000L);
    assertThat(SampleBaseline.shouldReplace(null, base)).isTrue();
    assertThat(SampleBaseline.shouldReplace(base, at(42, 1_010_000_000L))).isFalse(); // a scrape 10 ms later
    assertThat(SampleBaseline.shouldReplace(base, at(42, 1_999_999_999L))).isFalse();
    assertThat(SampleBaseline.shouldReplace(base, at(42, 2_000_000_000L))).isTrue();
  }

  @Test
  void anotherProcessOrAVanishedBaselineIsReplacedAtOnce() {
    ProcessSample base = at(42, 1_000_000_000L);
    assertThat(SampleBaseline.shouldReplace(base, at(43, 1_000_000_001L))).isTrue();
    ProcessSample gone = ProcessSampleBuilder.of(ProcessSample.Scope.TREE, 42).reset(ProcessSample.Scope.TREE, 42, 0, 1_000_000_000L)
        .vanished("exited").build(null);
    assertThat(SampleBaseline.shouldReplace(gone, at(42, 1_000_000_001L))).isTrue();
  }
}
