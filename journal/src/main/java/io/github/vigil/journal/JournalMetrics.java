package io.github.vigil.journal;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * A {@link Journal}'s writer as Micrometer meters: {@code vigil.journal.written} and
 * {@code vigil.journal.dropped} (tag {@code kind}: {@code event}, {@code snapshot}), {@code vigil.journal.buffered},
 * {@code vigil.journal.write.failures} and {@code vigil.journal.reachable} (1/0). Needs
 * {@code io.micrometer:micrometer-core} on the class path.
 *
 * <p>Thread-safe.
 */
public final class JournalMetrics implements MeterBinder {
  private final Journal journal;

  public JournalMetrics(Journal journal) {
    this.journal = requireNonNull(journal, "journal");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("vigil.journal.written", journal, j -> j.stats().eventsWritten()).tag("kind", "event")
        .description("Events committed to the journal's database").register(registry);
    FunctionCounter.builder("vigil.journal.written", journal, j -> j.stats().snapshotsWritten()).tag("kind", "snapshot")
        .description("Events committed to the journal's database").register(registry);
    FunctionCounter.builder("vigil.journal.dropped", journal, j -> j.stats().eventsDropped()).tag("kind", "event")
        .description("Entries dropped because the journal's buffer was full").register(registry);
    FunctionCounter.builder("vigil.journal.dropped", journal, j -> j.stats().snapshotsDropped()).tag("kind", "snapshot")
        .description("Entries dropped because the journal's buffer was full").register(registry);
    FunctionCounter.builder("vigil.journal.write.failures", journal, j -> j.stats().writeFailures())
        .description("Batches the journal's database did not take (kept and retried)").register(registry);
    Gauge.builder("vigil.journal.buffered", journal, j -> j.stats().buffered())
        .description("Entries waiting in memory to be written to the journal").register(registry);
    Gauge.builder("vigil.journal.reachable", journal, j -> j.stats().databaseReachable() ? 1 : 0)
        .description("Whether the journal's database took the last write (1) or not (0)").register(registry);
  }
}
