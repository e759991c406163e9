package io.github.vigil.alerts;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * Something a detector found unusual about a process, or found back to normal.
 *
 * <p>Immutable and thread-safe.
 *
 * @param process the process
 * @param kind what was found
 * @param active true when the anomaly starts (or persists), false when it cleared
 * @param summary one line, e.g. {@code "resident memory +12.0 MiB/h; reaches its 4.00 GiB limit in about 3 h 20 min"}
 * @param value the latest value of the series (bytes, percent, count, restarts per hour)
 * @param at when it was detected
 */
public record Anomaly(String process, AnomalyKind kind, boolean active, String summary, double value, Instant at) {
  public Anomaly {
    requireNonNull(process, "process");
    requireNonNull(kind, "kind");
    requireNonNull(summary, "summary");
    requireNonNull(at, "at");
  }
}
