/**
 * Alerts for Vigil: rules on the supervisor's events and samples ({@link io.github.vigil.alerts.AlertEvaluator}),
 * a notification pipeline that never blocks supervision ({@link io.github.vigil.alerts.NotificationPipeline}:
 * de-duplication, grouping, repeats, escalation, silences, rate limits, retries), sinks behind a small SPI
 * ({@link io.github.vigil.alerts.NotificationSink}) and the facade that binds them to a supervisor
 * ({@link io.github.vigil.alerts.Alerting}).
 */
@NullMarked
package io.github.vigil.alerts;

import org.jspecify.annotations.NullMarked;
