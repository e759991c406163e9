package io.github.vigil.alerts;

/**
 * What an alert is about. Each type has a default severity, an {@code alertname} label in
 * Prometheus's style, and says whether it resolves by itself.
 */
public enum AlertType {
  /** The process has not been running for longer than its grace (and nobody stopped it on purpose). */
  NOT_RUNNING(Severity.CRITICAL, "VigilProcessNotRunning"),
  /** A run ended with a failure (error exit, signal, OOM kill, health or resource restart); resolves after a stable run. */
  CRASHED(Severity.WARNING, "VigilProcessCrashed"),
  /** More than N restarts within a window; resolves once a window passes without a restart. */
  FLAPPING(Severity.CRITICAL, "VigilProcessFlapping"),
  /** The start limit was reached and the policy gave up; resolves when the process runs again. */
  FAILED(Severity.CRITICAL, "VigilProcessFailed"),
  /** CPU above its threshold for the rule's duration (of a supervised process or an attachment); resolves when it falls back. */
  HIGH_CPU(Severity.WARNING, "VigilProcessHighCpu"),
  /**
   * Resident memory above its threshold for the rule's duration (of a supervised process or an attachment); resolves when
   * it falls back.
   */
  HIGH_MEMORY(Severity.WARNING, "VigilProcessHighMemory"),
  /** A health check says UNHEALTHY; resolves when it says HEALTHY. */
  HEALTH_CHECK_FAILING(Severity.CRITICAL, "VigilHealthCheckFailing"),
  /** An attached process was lost or is not found; resolves when it is found again. */
  ATTACHMENT_LOST(Severity.CRITICAL, "VigilAttachmentLost"),
  /** An anomaly detector fired (leak, spike, unusual restart rate, zombies); resolves when the detector clears. */
  ANOMALY(Severity.WARNING, "VigilProcessAnomaly"),
  /**
   * A supervision group exceeded its intensity with no parent to escalate to: it stopped all its processes and is
   * FAILED. Its {@code process} label is the group's name. Resolves when the group is started again, or stopped on
   * purpose.
   */
  GROUP_FAILED(Severity.CRITICAL, "VigilGroupFailed");

  private final Severity defaultSeverity;
  private final String alertName;

  AlertType(Severity defaultSeverity, String alertName) {
    this.defaultSeverity = defaultSeverity;
    this.alertName = alertName;
  }

  /** The severity used unless the rules say otherwise. */
  public Severity defaultSeverity() {
    return defaultSeverity;
  }

  /** The {@code alertname} label, e.g. {@code VigilProcessCrashed}. */
  public String alertName() {
    return alertName;
  }
}
