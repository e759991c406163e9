package io.github.vigil;

/**
 * When {@link ProcessController#update} puts a changed {@link ProcessSpec} into effect. Either way the
 * process keeps its runs, statistics, restart history and health report: an update is not a removal
 * and a new registration.
 *
 * <p>A process without a live run ({@code STOPPED}, {@code EXITED}, {@code CRASHED}, {@code FAILED},
 * {@code BACKOFF}, {@code WAITING}) takes the new spec at once, whatever the mode, and is not started
 * by it; a restart it was waiting for (the policy's, a dependency's) uses the new spec.
 *
 * <p>Thread-safe: an enum.
 */
public enum UpdateMode {
  /**
   * The live run keeps going under the spec it was started with; the next run (a restart by the
   * policy, a dependency or a command) uses the new one. As {@code supervisorctl reread} followed by a
   * restart when convenient.
   */
  NEXT_START,
  /**
   * The live run is stopped (stop signal, stop timeout, then SIGKILL) and started again under the new
   * spec at once, as {@code supervisorctl update} does for a changed program and {@code pm2 reload}.
   * Like {@link ProcessController#restart()}, the stage completes when the new run is {@code RUNNING}.
   */
  RESTART_NOW
}
