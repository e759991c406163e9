package io.github.vigil.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class JdkProcessSamplerTest {
  private final JdkProcessSampler sampler = new JdkProcessSampler();

  @Test
  void samplesThisJvmWithCpuPercentFromThePreviousSample() throws Exception {
    long self = ProcessHandle.current().pid();
    ProcessSample first = sampler.sample(self, null);
    assertThat(first.vanished()).isFalse();
    assertThat(first.has(Field.CPU_TOTAL)).isTrue();
    assertThat(first.startTime().orElseThrow()).isBefore(Instant.now());
    assertThat(first.user()).isEqualTo(ProcessHandle.current().info().user());
    assertThat(first.has(Field.MEMORY_RESIDENT)).as("the JDK does not know memory: absent, not zero").isFalse();
    long end = System.nanoTime() + 50_000_000L;
    while (System.nanoTime() < end) {
      Thread.onSpinWait(); // burn CPU so the percent is above zero
    }
    ProcessSample second = sampler.sample(self, first);
    assertThat(second.cpuPercent().getAsDouble()).isGreaterThan(0.0);
  }

  /**
   * On Linux a start time is when the process started: the JDK's reads early by the boot time's fraction of a second
   * (it adds the ticks to btime, whole seconds), which left children new since a sample out of the next CPU percent.
   */
  @Test
  @org.junit.jupiter.api.condition.EnabledOnOs(org.junit.jupiter.api.condition.OS.LINUX)
  void aStartTimeIsWhenTheProcessStarted() throws Exception {
    for (int i = 0; i < 3; i++) {
      long before = System.currentTimeMillis();
      Process p = new ProcessBuilder("sleep", "1000").start();
      long after = System.currentTimeMillis();
      try {
        ProcessSample s = sampler.sample(p.pid(), java.util.EnumSet.of(Field.START_TIME), null);
        assertThat(s.startTime().orElseThrow().toEpochMilli()).as("spawned between %d and %d", before, after)
            .isBetween(before - 30, after + 30);
      } finally {
        p.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void aGonePidIsAVanishedSampleNotAnException() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    ProcessSample s = sampler.sample(p.pid(), null);
    assertThat(s.vanished()).isTrue();
    assertThat(sampler.sampleGroup(new long[] {p.pid()}, ProcessSampler.DEFAULT_FIELDS, null).vanished()).isTrue();
  }

  @Test
  @Timeout(30)
  void controllerSamplesItsRunningTree() throws Exception {
    try (Supervisor sup = Supervisor.builder().name("sample").backend("jdk").build()) {
      ProcessController c = sup.register(ProcessSpec.builder("tree")
          .command("sh", "-c", "sleep 1000 & sleep 1000 & wait").startupGrace(Duration.ZERO).build());
      assertThat(c.sample()).isEmpty();
      c.start(Duration.ofSeconds(5));
      ProcessSample s = c.sample().orElseThrow();
      assertThat(s.scope()).isEqualTo(ProcessSample.Scope.TREE);
      assertThat(s.pid()).isEqualTo(c.status().pid());
      assertThat(s.has(Field.PROCESSES)).isTrue();
      assertThat(s.processes().getAsLong()).isBetween(1L, 3L); // the shell's children may not exist yet
      // CPU percent is measured over at least a second of the run (absent before: SampleBaselineTest)
      assertThat(io.github.vigil.testing.Processes.eventually(Duration.ofSeconds(10),
          () -> c.sample().orElseThrow().has(Field.CPU_PERCENT))).isTrue();
      // the JDK sampler reads every field on every sample: asking for fresh slow fields changes nothing
      assertThat(c.sample(Duration.ZERO).orElseThrow().pid()).isEqualTo(c.status().pid());
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.sample(Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("slowFieldsMaxAge must not be negative: -1.00 ms");
      c.stop(Duration.ofSeconds(10));
      assertThat(c.sample()).isEmpty();
      assertThat(c.sample(Duration.ZERO)).isEmpty();
    }
  }
}
