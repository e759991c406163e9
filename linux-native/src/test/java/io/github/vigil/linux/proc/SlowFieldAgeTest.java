package io.github.vigil.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;

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
      ProcSampler sampler = ProcSampler.builder().slowFieldsMaxAge(Duration.ofSeconds(30)).build();
      long pid = sleep.pid();
      Thread.sleep(300); // done loading: its resident memory, which re-reads Pss when it moves, stays put
      long beforeFirst = System.nanoTime();
      ProcessSample first = sampler.sample(pid, ProcessSampler.DEFAULT_FIELDS, null);
      assertThat(first.age(Field.MEMORY_PROPORTIONAL)).as("read in this sample").contains(Duration.ZERO);
      assertThat(first.age(Field.THREAD_STATES)).as("a single thread: read every time").contains(Duration.ZERO);
      assertThat(first.age(Field.CPU_USER)).as("a field read every time says nothing").isEmpty();
      long between = System.nanoTime();
      Thread.sleep(400);
      ProcessSample second = sampler.sample(pid, ProcessSampler.DEFAULT_FIELDS, first);
      long elapsed = System.nanoTime() - beforeFirst; // the age counts from the first sample's read
      assertThat(second.age(Field.MEMORY_PROPORTIONAL)).as("Pss kept from the first sample").isPresent();
      assertThat(second.age(Field.MEMORY_PROPORTIONAL).get()).isBetween(Duration.ofMillis(400), Duration.ofNanos(elapsed));
      assertThat(second.age(Field.FD_LIMIT).get()).isBetween(Duration.ofMillis(400), Duration.ofNanos(elapsed));
      assertThat(second.age(Field.THREAD_STATES)).contains(Duration.ZERO);

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
}
