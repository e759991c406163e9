package io.github.vigil;

import static java.util.Objects.requireNonNull;

/**
 * A process that must be up before another one starts.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the name of the process depended on
 * @param condition how far it must have come
 */
public record Dependency(String name, Condition condition) {

  /** How far a dependency must have come before its dependent starts. */
  public enum Condition {
    /** Running past its startup grace (docker compose's {@code service_started}). */
    STARTED,
    /**
     * Running, and its health checks have all passed ({@link HealthState#HEALTHY}) in the current run
     * (docker compose's {@code service_healthy}). The process depended on must have health checks.
     */
    HEALTHY
  }

  public Dependency {
    requireNonNull(name, "dependency name");
    requireNonNull(condition, "dependency condition");
  }
}
