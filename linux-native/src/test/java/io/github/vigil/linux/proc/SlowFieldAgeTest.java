package io.github.vigil.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.spi.ProcessSampler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Issue #12 item 17: fields the sampler re-reads less often than it samples (Pss, the descriptor limit,
 * per-thread states and switches) could be 10 s old with nothing saying so. A sample now says how old
 * each of them is.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class SlowFieldAgeTest {

  @Test
  void aSampleSaysHowOldItsSlowFieldsAre() throws Exception {
    Process sleep = new ProcessBuilder("sleep", "60").start();
    try {
      // A process's slow fields are first due again at a point of the maximum age spread by pid: with 30 s, about one
      // pid in 75 was due within the 400 ms below and read Pss again (age zero). With a century, none is.
      ProcSampler sampler = ProcSampler.builder().slowFieldsMaxAge(Duration.ofDays(36_500)).build();
      long pid = sleep.pid();
      Thread.sleep(300); // done loading: its resident memory, which re-reads Pss when it moves, stays put
      // On a loaded machine sleep can still be faulting pages in: a pair of samples whose resident memory moved by
      // more than 1/64 rightly reads Pss again (age zero), so such a pair is taken again.
      for (int attempt = 1; ; attempt++) {
        long beforeFirst = System.nanoTime();
        ProcessSample first = sampler.sample(pid, ProcessSampler.DEFAULT_FIELDS, null);
        assertThat(first.age(Field.MEMORY_PROPORTIONAL)).as("read in this sample").contains(Duration.ZERO);
        assertThat(first.age(Field.THREAD_STATES)).as("a single thread: read every time").contains(Duration.ZERO);
        assertThat(first.age(Field.CPU_USER)).as("a field read every time says nothing").isEmpty();
        Thread.sleep(400);
        ProcessSample second = sampler.sample(pid, ProcessSampler.DEFAULT_FIELDS, first);
        long elapsed = System.nanoTime() - beforeFirst; // the age counts from the first sample's read
        long rssBefore = first.memoryResident().orElseThrow();
        long rssAfter = second.memoryResident().orElseThrow();
        if (Math.abs(rssAfter - rssBefore) > rssBefore / 64) {
          assertThat(second.age(Field.MEMORY_PROPORTIONAL)).as("resident memory moved: Pss read again").contains(Duration.ZERO);
          assertThat(attempt).as("sleep's resident memory still moving after %d pairs of samples", attempt).isLessThan(20);
          continue;
        }
        assertThat(second.age(Field.MEMORY_PROPORTIONAL)).as("Pss kept from the first sample").isPresent();
        assertThat(second.age(Field.MEMORY_PROPORTIONAL).get()).isBetween(Duration.ofMillis(400), Duration.ofNanos(elapsed));
        assertThat(second.age(Field.FD_LIMIT).get()).isBetween(Duration.ofMillis(400), Duration.ofNanos(elapsed));
        assertThat(second.age(Field.THREAD_STATES)).contains(Duration.ZERO);
        break;
      }

      ProcSampler fresh = ProcSampler.builder().slowFieldsMaxAge(Duration.ZERO).build();
      fresh.sample(pid, ProcessSampler.DEFAULT_FIELDS, null);
      Thread.sleep(50);
      ProcessSample again = fresh.sample(pid, ProcessSampler.DEFAULT_FIELDS, null);
      assertThat(again.age(Field.MEMORY_PROPORTIONAL)).as("max age zero: read every time").contains(Duration.ZERO);
    } finally {
      sleep.destroyForcibly();
      sleep.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /**
   * Item 17, the freshness asked: a view with a shorter maximum age ({@link ProcSampler#withSlowFieldsMaxAge}) reads a
   * slow field again once it is older than that, whatever the sampler's own maximum, and what it read then serves the
   * sampler too. On an injected clock, with the sampler's own maximum so long that its spread first re-read never comes.
   */
  @Test
  void aViewWithAShorterMaxAgeReadsOlderSlowFieldsAgain() throws Exception {
    Process sleep = new ProcessBuilder("sleep", "60").start();
    try {
      long[] clock = {0};
      ProcSampler sampler = ProcSampler.builder().slowFieldsMaxAge(Duration.ofDays(36_500)).ticker(() -> clock[0]).build();
      ProcessSampler fresh = sampler.withSlowFieldsMaxAge(Duration.ofSeconds(2));
      assertThat(sampler.withSlowFieldsMaxAge(Duration.ofDays(36_500))).as("no shorter: the sampler itself").isSameAs(sampler);
      assertThat(fresh.withSlowFieldsMaxAge(Duration.ofSeconds(5))).as("a view keeps the shorter of the two")
          .hasToString(fresh.toString());
      long pid = sleep.pid();
      Thread.sleep(300); // done loading: its resident memory, which re-reads Pss when it moves, stays put
      assertThat(fresh.sample(pid, ProcessSampler.DEFAULT_FIELDS, null).age(Field.MEMORY_PROPORTIONAL)).contains(Duration.ZERO);
      clock[0] = 1_500_000_000L;
      ProcessSample kept = fresh.sample(pid, ProcessSampler.DEFAULT_FIELDS, null);
      assertThat(kept.age(Field.MEMORY_PROPORTIONAL)).as("younger than 2 s: kept").contains(Duration.ofMillis(1500));
      assertThat(kept.age(Field.FD_LIMIT)).contains(Duration.ofMillis(1500));
      clock[0] = 2_500_000_000L;
      assertThat(sampler.sample(pid, ProcessSampler.DEFAULT_FIELDS, null).age(Field.MEMORY_PROPORTIONAL))
          .as("the sampler itself keeps it").contains(Duration.ofMillis(2500));
      ProcessSample reread = fresh.sample(pid, ProcessSampler.DEFAULT_FIELDS, null);
      assertThat(reread.age(Field.MEMORY_PROPORTIONAL)).as("older than 2 s: read again").contains(Duration.ZERO);
      assertThat(reread.age(Field.FD_LIMIT)).contains(Duration.ZERO);
      assertThat(reread.memoryProportional()).isPresent();
      clock[0] = 3_000_000_000L;
      assertThat(sampler.sample(pid, ProcessSampler.DEFAULT_FIELDS, null).age(Field.MEMORY_PROPORTIONAL))
          .as("what the view read serves the sampler too").contains(Duration.ofMillis(500));
      assertThat(sampler.withSlowFieldsMaxAge(Duration.ZERO).sample(pid, ProcessSampler.DEFAULT_FIELDS, null).age(Field.FD_LIMIT))
          .as("zero: read now").contains(Duration.ZERO);

      // a multithreaded process (this JVM): its per-thread states and switches are slow fields too
      long self = ProcessHandle.current().pid();
      sampler.sample(self, ProcessSampler.DEFAULT_FIELDS, null);
      clock[0] = 6_000_000_000L;
      ProcessSample jvm = fresh.sample(self, ProcessSampler.DEFAULT_FIELDS, null);
      assertThat(jvm.age(Field.THREAD_STATES)).contains(Duration.ZERO);
      assertThat(jvm.age(Field.VOLUNTARY_SWITCHES)).contains(Duration.ZERO);
      assertThatThrownBy(() -> sampler.withSlowFieldsMaxAge(Duration.ofSeconds(-1)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slowFieldsMaxAge").hasMessageContaining("-1");
    } finally {
      sleep.destroyForcibly();
      sleep.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
