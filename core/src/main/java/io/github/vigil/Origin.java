package io.github.vigil;

/**
 * Who asked for a command or caused a transition, so the event stream doubles as an audit log.
 *
 * <p>Thread-safe: an enum.
 */
public enum Origin {
  /**
   * A caller of the public API: {@code start()}, {@code stop()}, {@code restart()}, a spec update, and
   * {@code Supervisor.startAll()} and {@code stopAll()} (which go in dependency order, but are asked by the application).
   * A {@code start()} or {@code restart()} of a process resets its start limit; {@code startAll()} does not.
   */
  API,
  /** The restart policy, after an exit: the {@code BACKOFF}, the restart, giving up ({@code FAILED}). */
  POLICY,
  /** A failing health check. */
  HEALTH_CHECK,
  /** The supervisor closing ({@code close()}), or the application shutting down. */
  SHUTDOWN,
  /**
   * What a process's dependency did to it: a start waiting in {@code WAITING} for a dependency, a stop or restart
   * because a dependency ended ({@code Dependency.onExit}), or a wait in a group's start order that ended
   * before its turn came. Not
   * {@code startAll()}: that is the application's command ({@link #API}).
   */
  DEPENDENCY,
  /** The process itself: it exited, or its startup grace elapsed. */
  PROCESS
}
