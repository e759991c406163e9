package io.github.vigil;

/**
 * Who asked for a command or caused a transition, so the event stream doubles as an audit log.
 *
 * <p>Thread-safe: an enum.
 */
public enum Origin {
  /** A caller of the public API. */
  API,
  /** The restart policy, after an exit. */
  POLICY,
  /** A failing health check. */
  HEALTH_CHECK,
  /** The supervisor closing, or the application shutting down. */
  SHUTDOWN,
  /** The start or stop of processes in dependency order. */
  DEPENDENCY,
  /** The process itself: it exited, or its startup grace elapsed. */
  PROCESS
}
