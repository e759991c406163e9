package io.github.vigil.linux.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** {@link ProcessController#sample()} through the Linux backend: the /proc sampler over the run's tree. */
@EnabledOnOs(OS.LINUX)
class ControllerSampleTest {
  @Test
  @Timeout(60)
  void theLinuxBackendSamplesARunsTreeWithEverything() throws Exception {
    try (Supervisor sup = Supervisor.builder().name("sample-linux").backend("linux").build()) {
      ProcessController c = sup.register(ProcessSpec.builder("tree")
          .command("sh", "-c", "sleep 1000 & sleep 1000 & wait").startupGrace(Duration.ZERO).build());
      assertThat(c.sample()).isEmpty();
      long pid = c.start(Duration.ofSeconds(10)).pid();
      // the whole tree, and CPU percent once a second of the run was measured
      assertThat(RealProcs.eventually(Duration.ofSeconds(10), () -> {
        ProcessSample t = c.sample().orElseThrow();
        return t.get(Field.PROCESSES) == 3 && t.has(Field.CPU_PERCENT);
      })).isTrue();
      ProcessSample s = c.sample().orElseThrow();
      assertThat(s.pid()).isEqualTo(pid);
      assertThat(s.scope()).isEqualTo(ProcessSample.Scope.TREE);
      assertThat(s.fields()).contains(Field.MEMORY_RESIDENT, Field.OPEN_FDS, Field.THREAD_STATES, Field.CPU_PERCENT,
          Field.VOLUNTARY_SWITCHES, Field.USER);
      assertThat(s.threads()).hasValue(3);
      c.stop(Duration.ofSeconds(10));
      assertThat(c.sample()).isEmpty();
    }
  }

  @Test
  @Timeout(60)
  void aCallerReadsOnlyTheFieldsItAsksForAndCpuPercentKeepsItsBaseline() throws Exception {
    try (Supervisor sup = Supervisor.builder().name("sample-fields").backend("linux").build()) {
      ProcessController c = sup.register(ProcessSpec.builder("busy")
          .command("sh", "-c", "while :; do :; done").startupGrace(Duration.ZERO).build());
      Set<Field> cpuAndStatRss = EnumSet.of(Field.CPU_TOTAL, Field.CPU_PERCENT, Field.MEMORY_RESIDENT_STAT);
      assertThat(c.sample(cpuAndStatRss)).isEmpty();
      long pid = c.start(Duration.ofSeconds(10)).pid();
      ProcessSample first = c.sample(cpuAndStatRss).orElseThrow();
      assertThat(first.pid()).isEqualTo(pid);
      assertThat(first.has(Field.CPU_TOTAL)).isTrue();
      assertThat(first.has(Field.MEMORY_RESIDENT_STAT)).isTrue();
      assertThat(first.has(Field.READ_BYTES)).as("io is not read when not asked for").isFalse();
      assertThat(first.has(Field.MEMORY_PROPORTIONAL)).as("smaps_rollup is not read when not asked for").isFalse();
      // a sample without CPU in between; CPU percent comes once a second has passed since the first sample with CPU
      ProcessSample memoryOnly = c.sample(EnumSet.of(Field.MEMORY_RESIDENT_STAT)).orElseThrow();
      assertThat(memoryOnly.has(Field.CPU_TOTAL)).isFalse();
      // CPU percent is measured from the baseline (the first sample with CPU, kept for at least a second): a sample
      // milliseconds after it can read 0 at the kernel's 10 ms tick; a busy loop shows CPU once its window is longer
      java.util.concurrent.atomic.AtomicReference<ProcessSample> later = new java.util.concurrent.atomic.AtomicReference<>();
      assertThat(RealProcs.eventually(Duration.ofSeconds(20), () -> {
        later.set(c.sample(cpuAndStatRss).orElseThrow());
        return later.get().has(Field.CPU_PERCENT) && later.get().get(Field.CPU_PERCENT) > 0;
      })).isTrue();
      assertThat(later.get().get(Field.CPU_PERCENT)).as("a busy loop uses CPU").isPositive();
      assertThatThrownBy(() -> c.sample(Set.of())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fields");
      c.stop(Duration.ofSeconds(10));
      assertThat(c.sample(cpuAndStatRss)).isEmpty();
    }
  }

  /**
   * A derived field asked for alone is computed, its sources read with it: CPU percent, memory percent and uptime each
   * came back as an empty sample (found by a black-box run), on a supervised process and on an attachment alike.
   */
  @Test
  @Timeout(60)
  void aDerivedFieldAskedForAloneIsThere() throws Exception {
    try (Supervisor sup = Supervisor.builder().name("sample-derived").backend("linux").build()) {
      ProcessController c = sup.register(ProcessSpec.builder("busy-derived")
          .command("sh", "-c", "while :; do :; done").startupGrace(Duration.ZERO).build());
      long pid = c.start(Duration.ofSeconds(10)).pid();
      io.github.vigil.AttachedProcess attached = sup.attach(io.github.vigil.AttachSpec.builder("attached-derived").pid(pid).build());
      assertThat(RealProcs.eventually(Duration.ofSeconds(10), () -> attached.status().state() == io.github.vigil.AttachState.RUNNING)).isTrue();
      for (Field f : EnumSet.of(Field.MEMORY_PERCENT, Field.UPTIME, Field.WORST_FD_RATIO)) {
        assertThat(c.sample(EnumSet.of(f)).orElseThrow().has(f)).as("%s of the process", f).isTrue();
        assertThat(attached.sample(EnumSet.of(f), Duration.ofSeconds(10)).orElseThrow().has(f)).as("%s of the attachment", f).isTrue();
      }
      // CPU percent from the second sample on (the first is its baseline), once the kernel's tick shows the loop's CPU
      assertThat(RealProcs.eventually(Duration.ofSeconds(20), () -> c.sample(EnumSet.of(Field.CPU_PERCENT)).orElseThrow()
          .cpuPercent().orElse(0) > 0)).as("CPU percent of the process").isTrue();
      assertThat(RealProcs.eventually(Duration.ofSeconds(20), () -> attached.sample(EnumSet.of(Field.CPU_PERCENT), Duration.ofSeconds(10))
          .orElseThrow().cpuPercent().orElse(0) > 0)).as("CPU percent of the attachment").isTrue();
      c.stop(Duration.ofSeconds(10));
    }
  }
}
