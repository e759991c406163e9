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
    assertThat(SampleBaseline.from(null)).isNull();
    assertThat(SampleBaseline.from(b)).as("a run's first second: nothing to measure from").isNull();
    b = SampleBaseline.after(b, at(42, 1_010_000_000L)); // a scrape 10 ms later
    assertThat(SampleBaseline.from(b)).isNull();
    b = SampleBaseline.after(b, at(42, 1_999_999_999L));
    assertThat(SampleBaseline.from(b)).isNull();
    ProcessSample second = at(42, 2_000_000_000L);
    b = SampleBaseline.after(b, second);
    assertThat(SampleBaseline.from(b)).as("a second after the first: measured from the first").isSameAs(first);
    b = SampleBaseline.after(b, at(42, 2_005_000_000L)); // 5 ms after the newer one: still measured over a second or more
    assertThat(SampleBaseline.from(b)).isSameAs(first);
    b = SampleBaseline.after(b, at(42, 3_000_000_000L));
    assertThat(SampleBaseline.from(b)).isSameAs(second);
  }

  @Test
  void anotherProcessOrAVanishedOneStartsAnew() {
    SampleBaseline b = SampleBaseline.after(SampleBaseline.after(null, at(42, 0)), at(42, 1_000_000_000L));
    assertThat(SampleBaseline.from(b)).isNotNull();
    assertThat(SampleBaseline.from(SampleBaseline.after(b, at(43, 1_000_000_001L)))).isNull();
    ProcessSample gone = ProcessSampleBuilder.of(ProcessSample.Scope.TREE, 42).reset(ProcessSample.Scope.TREE, 42, 0, 2_000_000_000L)
        .vanished("exited").build(null);
    SampleBaseline afterGone = SampleBaseline.after(b, gone);
    assertThat(SampleBaseline.from(SampleBaseline.after(afterGone, at(42, 3_000_000_001L)))).isNull();
  }
}
