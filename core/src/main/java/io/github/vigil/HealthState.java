package io.github.vigil;

/**
 * What the health checks of a process say. A process without checks stays {@code UNKNOWN}.
 *
 * <p>Thread-safe: an enum.
 */
public enum HealthState {
  /** No run is up, or the process has no checks. */
  UNKNOWN,
  /**
   * A run is up and its checks have not all concluded yet; failures within the start period do not
   * count.
   */
  STARTING,
  /** Passing. */
  HEALTHY,
  /** Failed as many times in a row as the failure threshold. */
  UNHEALTHY
}
