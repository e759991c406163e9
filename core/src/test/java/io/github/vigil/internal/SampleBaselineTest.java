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
  void theNextSampleIsMeasuredFromOneAtLeastASecondOldWhoeverSamplesInBetween() {
    ProcessSample first = at(42, 1_000_000_000L);
    SampleBaseline b = SampleBaseline.after(null, first);
    assertThat(SampleBaseline.from(null, 1_500_000_000L)).isNull();
    assertThat(SampleBaseline.from(b, 1_010_000_000L)).as("a run's first second: nothing to measure from").isNull();
    b = SampleBaseline.after(b, at(42, 1_010_000_000L)); // a scrape 10 ms later
    assertThat(SampleBaseline.from(b, 1_999_999_999L)).isNull();
    b = SampleBaseline.after(b, at(42, 1_999_999_999L));
    assertThat(SampleBaseline.from(b, 2_000_000_000L)).as("the first, a second old by now").isSameAs(first);
    ProcessSample second = at(42, 2_000_000_000L);
    b = SampleBaseline.after(b, second);
    assertThat(SampleBaseline.from(b, 2_005_000_000L)).as("5 ms after the newer one: from the first, a second or more")
        .isSameAs(first);
    b = SampleBaseline.after(b, at(42, 2_005_000_000L));
    assertThat(SampleBaseline.from(b, 2_500_000_000L)).isSameAs(first);
    assertThat(SampleBaseline.from(b, 3_000_000_000L)).as("the second, a second old by now: no longer window than needed")
        .isSameAs(second);
    ProcessSample third = at(42, 3_000_000_000L);
    b = SampleBaseline.after(b, third);
    assertThat(SampleBaseline.from(b, 3_100_000_000L)).isSameAs(second);
    assertThat(SampleBaseline.from(b, 4_200_000_000L)).isSameAs(third);
  }

  @Test
  void aRunsSecondSampleASecondAfterItsFirstIsMeasuredFromIt() {
    // the journal's snapshots, a resource rule's look: samples seconds apart, each of them a second old at the next
    ProcessSample first = at(42, 10_000_000_000L);
    SampleBaseline b = SampleBaseline.after(null, first);
    assertThat(SampleBaseline.from(b, 13_000_000_000L)).as("the second sample, 3 s after the first").isSameAs(first);
  }

  @Test
  void anotherProcessOrAVanishedOneStartsAnew() {
    SampleBaseline b = SampleBaseline.after(SampleBaseline.after(null, at(42, 0)), at(42, 1_000_000_000L));
    assertThat(SampleBaseline.from(b, 1_000_000_001L)).isNotNull();
    assertThat(SampleBaseline.from(SampleBaseline.after(b, at(43, 1_000_000_001L)), 1_000_000_002L)).isNull();
    ProcessSample gone = ProcessSampleBuilder.of(ProcessSample.Scope.TREE, 42).reset(ProcessSample.Scope.TREE, 42, 0, 2_000_000_000L)
        .vanished("exited").build(null);
    SampleBaseline afterGone = SampleBaseline.after(b, gone);
    assertThat(SampleBaseline.from(SampleBaseline.after(afterGone, at(42, 3_000_000_001L)), 3_000_000_002L)).isNull();
  }
}
