package io.github.vigil.alerts;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One alert, firing or resolved. The {@link #key()} identifies it across updates: the same key firing
 * again is the same alert (de-duplicated), with {@link #occurrences()} counting how often its cause
 * happened (twenty crashes of one crash loop are one alert with 20 occurrences).
 *
 * <p>Labels identify it as Alertmanager's do ({@code alertname}, {@code process}, {@code severity}, the
 * process's own labels, and {@code anomaly} for an anomaly); annotations describe it ({@code summary},
 * {@code description}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param key identity, {@code process/TYPE} or {@code process/ANOMALY/kind}
 * @param type what it is about
 * @param process the supervised or attached process's name
 * @param severity how urgent
 * @param status firing or resolved
 * @param summary one line a person reads
 * @param description details (cause, values, projection); may be empty
 * @param labels identifying labels
 * @param startsAt when it started firing
 * @param endsAt when it resolved; null while firing
 * @param occurrences how many times its cause happened while it fired (at least 1)
 */
public record Alert(String key, AlertType type, String process, Severity severity, Status status, String summary,
    String description, Map<String, String> labels, Instant startsAt, @Nullable Instant endsAt, int occurrences) {

  /** Firing or resolved. */
  public enum Status {
    FIRING,
    RESOLVED
  }

  public Alert {
    requireNonNull(key, "key");
    requireNonNull(type, "type");
    requireNonNull(process, "process");
    requireNonNull(severity, "severity");
    requireNonNull(status, "status");
    requireNonNull(summary, "summary");
    requireNonNull(description, "description");
    labels = Map.copyOf(labels);
    requireNonNull(startsAt, "startsAt");
    if (status == Status.RESOLVED && endsAt == null) {
      throw new IllegalArgumentException("a resolved alert needs endsAt: " + key);
    }
    if (occurrences < 1) {
      throw new IllegalArgumentException("occurrences must be at least 1: " + occurrences);
    }
  }

  /** A new firing alert with the standard labels. */
  static Alert firing(AlertType type, String detail, String process, Severity severity, String summary, String description,
      Map<String, String> processLabels, Instant at) {
    Map<String, String> labels = new LinkedHashMap<>(processLabels);
    labels.put("alertname", type.alertName());
    labels.put("process", process);
    labels.put("severity", severity.label());
    String key = process + "/" + type.name();
    if (!detail.isEmpty()) {
      labels.put("anomaly", detail);
      key += "/" + detail;
    }
    return new Alert(key, type, process, severity, Status.FIRING, summary, description, labels, at, null, 1);
  }

  /** Whether it is firing. */
  public boolean isFiring() {
    return status == Status.FIRING;
  }

  /** When it resolved, if it did. */
  public Optional<Instant> resolvedAt() {
    return Optional.ofNullable(endsAt);
  }

  /** The same alert fired again: one more occurrence, newer summary and description. */
  Alert again(String newSummary, String newDescription) {
    return new Alert(key, type, process, severity, Status.FIRING, newSummary, newDescription, labels, startsAt, null,
        occurrences + 1);
  }

  /** The same alert, resolved at {@code at}. */
  Alert resolved(Instant at, String why) {
    String d = why.isEmpty() ? description : description.isEmpty() ? why : description + "; " + why;
    return new Alert(key, type, process, severity, Status.RESOLVED, summary, d, labels, startsAt, at, occurrences);
  }
}
