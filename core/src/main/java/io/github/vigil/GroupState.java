package io.github.vigil;

/**
 * The state of a supervision group ({@link GroupSpec}).
 *
 * <p>Thread-safe: an enum.
 */
public enum GroupState {
  /**
   * Registered, or stopped on request: its children are not started by it, and their ends are left to their own restart
   * policies. A stop on request is its own {@link GroupController#stop()}, a stop of the group around it, or the
   * supervisor's {@link Supervisor#stopAll()} or {@link Supervisor#close()}; the group is {@code STOPPED} from the stop's
   * beginning, while its members stop. {@link GroupController#start()} starts it again.
   */
  STOPPED,
  /** Started: it applies its strategy to the ends of its children. */
  RUNNING,
  /** Its intensity was exceeded and it has stopped its children; its parent restarts it. */
  ESCALATED,
  /** Its intensity was exceeded and it has no parent: its children are stopped; only {@code start()} leaves it. */
  FAILED
}
