package io.github.vigil.alerts;

/**
 * Hears alerts as they fire, fire again and resolve. The {@link NotificationPipeline} is one; the
 * {@link AlertEvaluator} calls it on whatever thread delivered the event or sample, so an
 * implementation must be thread-safe and must not block.
 */
@FunctionalInterface
public interface AlertListener {

  /** An alert fired (new or again, see {@link Alert#occurrences()}) or resolved. */
  void onAlert(Alert alert);
}
