package io.github.vigil.alerts;

import java.util.Locale;

/** What an anomaly detector found. */
public enum AnomalyKind {
  /** Resident memory grows steadily (robust slope), projected to reach its limit. */
  MEMORY_LEAK,
  /** Open descriptors grow steadily, projected to reach the descriptor limit. */
  DESCRIPTOR_LEAK,
  /** Threads grow steadily. */
  THREAD_LEAK,
  /** CPU far above the process's own recent behaviour. */
  CPU_SPIKE,
  /** Resident memory far above the process's own recent behaviour. */
  MEMORY_SPIKE,
  /** Open descriptors far above the process's own recent behaviour. */
  DESCRIPTOR_SPIKE,
  /** Threads far above the process's own recent behaviour. */
  THREAD_SPIKE,
  /** Restarts far more often than this process usually restarts. */
  RESTART_RATE,
  /** Unreaped zombie children accumulate under the process. */
  ZOMBIES;

  /** The lower-case label, e.g. {@code memory_leak}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
