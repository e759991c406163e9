package io.github.vigil.alerts;

import java.util.Map;

/**
 * What a {@link NotificationPipeline} has done, counted since it was built: every alert it received,
 * every notification, every drop and failure. {@link AlertMetrics} binds these as Micrometer meters.
 *
 * <p>Immutable snapshot; thread-safe.
 *
 * @param received alert updates received (fired, fired again, resolved)
 * @param deduplicated updates of an alert already firing (no new notification by themselves)
 * @param notifications notifications made (one per group flush and route, before the sinks)
 * @param repeats of those, repeats of an unchanged firing group
 * @param escalations alerts handed to another route after their time unresolved
 * @param silenced firing alerts held back by a silence, per flush
 * @param firing alerts firing now
 * @param sinks per sink name
 */
public record PipelineStats(long received, long deduplicated, long notifications, long repeats, long escalations,
    long silenced, long firing, Map<String, SinkStats> sinks) {

  public PipelineStats {
    sinks = Map.copyOf(sinks);
  }

  /**
   * One sink's deliveries.
   *
   * @param sent notifications the sink accepted
   * @param failedAttempts attempts that threw (each retry that fails counts again)
   * @param retries attempts scheduled after a failure
   * @param gaveUp notifications that failed every attempt
   * @param rateLimited notifications dropped by the sink's rate limit
   * @param dropped notifications dropped because the sender queue was full or closed
   * @param timedOut attempts interrupted by the pipeline's send timeout (also counted as failed attempts)
   */
  public record SinkStats(long sent, long failedAttempts, long retries, long gaveUp, long rateLimited, long dropped,
      long timedOut) {}
}
