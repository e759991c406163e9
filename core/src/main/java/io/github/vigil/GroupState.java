package io.github.vigil;

/**
 * The state of a supervision group ({@link GroupSpec}).
 *
 * <p>Thread-safe: an enum.
 */
public enum GroupState {
  /** Registered, or stopped on request: its children are not started by it. */
  STOPPED,
  /** Started: it applies its strategy to the ends of its children. */
  RUNNING,
  /** Its intensity was exceeded and it has stopped its children; its parent restarts it. */
  ESCALATED,
  /** Its intensity was exceeded and it has no parent: its children are stopped; only {@code start()} leaves it. */
  FAILED
}
