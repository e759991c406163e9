package io.github.vigil.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vigil.HealthReport;
import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.ProcessSample.RunState;
import io.github.vigil.ProcessSample.Scope;
import io.github.vigil.Supervisor;
import io.github.vigil.spi.ProcessSampleBuilder;
import io.github.vigil.testing.FakeTicker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Issue #12 item 17, the freshness asked: in process-exporter naming no meter serves a value older than
 * {@link VigilMetrics.Builder#maxAge} (the sample interval by default), counted from the read of the operating
 * system: the reading's own age plus how old the sampler says a slow field was. The sampler is asked for slow fields
 * no older than the maximum less the interval; a value it still served older reads NaN. Scripted samples on a fake
 * clock here; against the Linux sampler and a live exporter in {@link ProcessExporterCompatibilityTest} and
 * {@link ChurningTreeExporterTest}.
 */
class MaxAgeTest {

  /** A process whose sample says how old its Pss, descriptor limit and thread states are; records what was asked. */
  private static final class Scripted implements MeteredProcess {
    final List<String> asked = new ArrayList<>();
    long slowAgeNanos;

    @Override
    public String name() {
      return "scripted";
    }

    @Override
    public Map<String, String> labels() {
      return Map.of();
    }

    @Override
    public boolean active() {
      return true;
    }

    @Override
    public boolean up() {
      return true;
    }

    @Override
    public @Nullable Instant runStartedAt() {
      return Instant.EPOCH;
    }

    @Override
    public Duration uptime() {
      return Duration.ZERO;
    }

    @Override
    public Optional<ProcessSample> sample() {
      asked.add("the sampler's own");
      return Optional.of(sampleNow());
    }

    @Override
    public Optional<ProcessSample> sample(Duration slowFieldsMaxAge) {
      asked.add(slowFieldsMaxAge.toString());
      return Optional.of(sampleNow());
    }

    private ProcessSample sampleNow() {
      ProcessSampleBuilder b = ProcessSampleBuilder.of(Scope.TREE, 42).request(EnumSet.of(Field.MEMORY_RESIDENT,
          Field.MEMORY_PROPORTIONAL, Field.FD_LIMIT, Field.THREADS, Field.THREAD_STATES, Field.PROCESS_STATES, Field.PROCESSES));
      b.beginMember().add(Field.MEMORY_RESIDENT, 8192).add(Field.MEMORY_PROPORTIONAL, 4096).add(Field.FD_LIMIT, 1024)
          .add(Field.THREADS, 3).addThreads(RunState.SLEEPING, 3).processState(RunState.SLEEPING)
          .fieldAge(Field.MEMORY_PROPORTIONAL, slowAgeNanos).fieldAge(Field.FD_LIMIT, slowAgeNanos)
          .fieldAge(Field.THREAD_STATES, slowAgeNanos).endMember(42);
      return b.build(null);
    }

    @Override
    public List<String> healthCheckNames() {
      return List.of();
    }

    @Override
    public HealthReport health() {
      return HealthReport.NONE;
    }

    @Override
    public Object handle() {
      return this;
    }
  }

  /** A probe whose reading is loaded once and then kept until {@code reload} is called, as the cache keeps it for an interval. */
  private static final class Held implements Function<ProcessProbe, ProcessProbe.Reading> {
    ProcessProbe.@Nullable Reading reading;

    @Override
    public ProcessProbe.Reading apply(ProcessProbe p) {
      if (reading == null) {
        reading = p.load();
      }
      return reading;
    }

    void reload() {
      reading = null;
    }
  }

  /** A probe that samples what the scripted sample has, as it does once meters reading those fields are registered. */
  private static ProcessProbe metered(ProcessProbe p) {
    p.need(EnumSet.of(Field.MEMORY_RESIDENT, Field.MEMORY_PROPORTIONAL, Field.FD_LIMIT, Field.THREADS, Field.THREAD_STATES,
        Field.PROCESS_STATES, Field.PROCESSES));
    return p;
  }

  @Test
  void theSamplerIsAskedForSlowFieldsNoOlderThanTheMaximumLessTheInterval() {
    Scripted process = new Scripted();
    FakeTicker ticker = new FakeTicker();
    metered(new ProcessProbe(process, ProcessProbe::load, new ProcessProbe.Counters(), ticker, Duration.ofSeconds(5), Duration.ofSeconds(5)))
        .gauge(Field.MEMORY_PROPORTIONAL);
    metered(new ProcessProbe(process, ProcessProbe::load, new ProcessProbe.Counters(), ticker, Duration.ofSeconds(15), Duration.ofSeconds(5)))
        .gauge(Field.MEMORY_PROPORTIONAL);
    metered(new ProcessProbe(process, ProcessProbe::load, new ProcessProbe.Counters(), ticker, null, Duration.ofSeconds(5)))
        .gauge(Field.MEMORY_PROPORTIONAL);
    assertThat(process.asked).containsExactly("PT0S", "PT10S", "the sampler's own");
  }

  @Test
  void aGaugeNeverServesAValueOlderThanTheMaximum() {
    Scripted process = new Scripted();
    FakeTicker ticker = new FakeTicker();
    Held held = new Held();
    ProcessProbe probe = metered(new ProcessProbe(process, held, new ProcessProbe.Counters(), ticker, Duration.ofSeconds(5), Duration.ofSeconds(5)));

    assertThat(probe.gauge(Field.MEMORY_PROPORTIONAL)).as("read in this sample").isEqualTo(4096);
    ticker.advance(Duration.ofSeconds(5));
    assertThat(probe.gauge(Field.MEMORY_PROPORTIONAL)).as("the reading is 5 s old: still within").isEqualTo(4096);
    ticker.advance(Duration.ofNanos(1));
    assertThat(probe.gauge(Field.MEMORY_PROPORTIONAL)).as("older than 5 s").isNaN();
    assertThat(probe.gauge(Field.MEMORY_RESIDENT)).as("a field read on every sample says no age: served").isEqualTo(8192);

    // a sampler that ignored the age asked: its 3 s old Pss is not served, nor anything else it kept that long
    process.slowAgeNanos = Duration.ofSeconds(3).toNanos();
    held.reload();
    assertThat(probe.gauge(Field.MEMORY_PROPORTIONAL)).isEqualTo(4096);
    ticker.advance(Duration.ofMillis(2001));
    assertThat(probe.gauge(Field.MEMORY_PROPORTIONAL)).as("3 s old at the sample, 2 s since").isNaN();
    assertThat(probe.gauge(Field.FD_LIMIT)).isNaN();
    assertThat(probe.threads(RunState.SLEEPING)).isNaN();
    assertThat(probe.exporterStates(RunState.SLEEPING)).as("counts threads too").isNaN();
    assertThat(probe.gauge(Field.MEMORY_RESIDENT)).isEqualTo(8192);

    // no maximum (Micrometer naming's default): served however old
    ProcessProbe unbounded = metered(new ProcessProbe(process, new Held(), new ProcessProbe.Counters(), ticker, null, Duration.ofSeconds(5)));
    assertThat(unbounded.gauge(Field.MEMORY_PROPORTIONAL)).isEqualTo(4096);
    ticker.advance(Duration.ofHours(1));
    assertThat(unbounded.gauge(Field.MEMORY_PROPORTIONAL)).isEqualTo(4096);
    assertThat(unbounded.threads(RunState.SLEEPING)).isEqualTo(3);
  }

  @Test
  void theMaximumDefaultsToTheIntervalInExporterNamingAndIsCheckedAgainstIt() {
    try (Supervisor supervisor = Supervisor.builder().name("max-age").build()) {
      try (VigilMetrics exporter = VigilMetrics.builder(supervisor).naming(MetricNaming.PROCESS_EXPORTER)
          .sampleInterval(Duration.ofSeconds(2)).build();
          VigilMetrics micrometer = VigilMetrics.builder(supervisor).build();
          VigilMetrics asked = VigilMetrics.builder(supervisor).sampleInterval(Duration.ofSeconds(2)).maxAge(Duration.ofSeconds(7)).build()) {
        assertThat(exporter.maxAge()).contains(Duration.ofSeconds(2));
        assertThat(micrometer.maxAge()).as("the sampler's own re-reading").isEmpty();
        assertThat(asked.maxAge()).contains(Duration.ofSeconds(7));
      }
      assertThatThrownBy(() -> VigilMetrics.builder(supervisor).sampleInterval(Duration.ofSeconds(5)).maxAge(Duration.ofSeconds(1)).build())
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAge (1.00 s)").hasMessageContaining("sampleInterval (5.00 s)");
      assertThatThrownBy(() -> VigilMetrics.builder(supervisor).maxAge(Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAge must be positive: 0 ns");
    }
  }
}
