package io.github.vigil.alerts;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToLongFunction;

/**
 * A {@link NotificationPipeline}'s counters as Micrometer meters (needs {@code micrometer-core}, an
 * optional dependency of this module):
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>meter</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@code vigil.alerts.received}, {@code .deduplicated}, {@code .silenced}, {@code .escalations}</td><td>FunctionCounter</td><td>-</td></tr>
 *   <tr><td>{@code vigil.alerts.notifications}</td><td>FunctionCounter</td><td>{@code kind} = new | repeat</td></tr>
 *   <tr><td>{@code vigil.alerts.deliveries}</td><td>FunctionCounter</td><td>{@code sink}, {@code outcome} = sent |
 *       failed_attempt | retried | gave_up | rate_limited | dropped | timed_out</td></tr>
 *   <tr><td>{@code vigil.alerts.firing}</td><td>Gauge</td><td>-</td></tr>
 * </table>
 *
 * <p>Sinks are those of the pipeline's routes when bound. Thread-safe.
 */
public final class AlertMetrics implements MeterBinder {
  private final NotificationPipeline pipeline;

  /** Meters of {@code pipeline}. */
  public AlertMetrics(NotificationPipeline pipeline) {
    this.pipeline = requireNonNull(pipeline, "pipeline");
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    counter(registry, "vigil.alerts.received", "Alert updates received (fired, fired again, resolved)", PipelineStats::received);
    counter(registry, "vigil.alerts.deduplicated", "Updates of an alert already firing", PipelineStats::deduplicated);
    counter(registry, "vigil.alerts.silenced", "Firing alerts held back by a silence, per group flush", PipelineStats::silenced);
    counter(registry, "vigil.alerts.escalations", "Alerts escalated to another route", PipelineStats::escalations);
    FunctionCounter.builder("vigil.alerts.notifications", pipeline, p -> p.stats().notifications() - p.stats().repeats())
        .description("Notifications made").tag("kind", "new").register(registry);
    FunctionCounter.builder("vigil.alerts.notifications", pipeline, p -> p.stats().repeats())
        .description("Notifications made").tag("kind", "repeat").register(registry);
    Gauge.builder("vigil.alerts.firing", pipeline, p -> p.stats().firing()).description("Alerts firing now").register(registry);
    for (Route r : pipeline.routes().values()) {
      for (NotificationSink s : r.sinks()) {
        String sink = s.name();
        delivery(registry, sink, "sent", x -> x.sent());
        delivery(registry, sink, "failed_attempt", x -> x.failedAttempts());
        delivery(registry, sink, "retried", x -> x.retries());
        delivery(registry, sink, "gave_up", x -> x.gaveUp());
        delivery(registry, sink, "rate_limited", x -> x.rateLimited());
        delivery(registry, sink, "dropped", x -> x.dropped());
        delivery(registry, sink, "timed_out", x -> x.timedOut());
      }
    }
  }

  private void counter(MeterRegistry registry, String name, String description, ToLongFunction<PipelineStats> f) {
    FunctionCounter.builder(name, pipeline, p -> f.applyAsLong(p.stats())).description(description).register(registry);
  }

  private void delivery(MeterRegistry registry, String sink, String outcome, ToLongFunction<PipelineStats.SinkStats> f) {
    FunctionCounter.builder("vigil.alerts.deliveries", pipeline, p -> {
      PipelineStats.SinkStats s = p.stats().sinks().get(sink);
      return s == null ? 0 : f.applyAsLong(s);
    }).description("Deliveries to a sink, by outcome").tag("sink", sink).tag("outcome", outcome).register(registry);
  }
}
