package io.github.vigil;

/**
 * What the health checks of a process say. A process without checks stays {@code UNKNOWN}.
 *
 * <p>Thread-safe: an enum.
 */
public enum HealthState {
  /** No check has concluded, or the process has none. */
  UNKNOWN,
  /** Within the start period: failures do not count yet. */
  STARTING,
  /** Passing. */
  HEALTHY,
  /** Failed as many times in a row as the failure threshold. */
  UNHEALTHY
}
