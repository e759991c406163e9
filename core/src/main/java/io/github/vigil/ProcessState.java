package io.github.vigil;

/**
 * The lifecycle state of a supervised process.
 *
 * <pre>
 *            start()                 grace elapsed
 * STOPPED ───────────▶ STARTING ─────────────────────▶ RUNNING
 *    ▲                  │   ▲                            │
 *    │ stop()           │   │ delay elapsed              │ exit
 *    │                  │ BACKOFF ◀──── policy: restart ─┤
 *    │                  │                                ▼
 *    │   exit / start failure ─────────────────▶ EXITED (clean) or CRASHED (failure)
 *    │                                                   │ policy: start limit reached
 * STOPPING ◀── stop() from STARTING / RUNNING            ▼
 *                                                      FAILED
 * </pre>
 *
 * <p>Any start (a command's or the policy's) goes to {@code WAITING} instead of {@code STARTING} while a
 * {@link Dependency} does not meet its condition, and on to {@code STARTING} once it does. A group's start
 * in declared order ({@link GroupController#start()}) also leaves the processes it has not reached yet in
 * {@code WAITING}.
 *
 * <p>{@code EXITED} and {@code CRASHED} are where a run that ended stays when the policy does not
 * restart it; otherwise they are passed through on the way to {@code BACKOFF} or {@code FAILED}.
 * {@code start()} leaves any resting state; {@code stop()} ends in {@code STOPPED} from every state.
 *
 * <p>Thread-safe: an enum.
 */
public enum ProcessState {
  /** Not running, and not to be restarted: never started or stopped on request. */
  STOPPED,
  /** Spawned, within its startup grace. */
  STARTING,
  /** Up past its startup grace. */
  RUNNING,
  /** Stop signal sent; waiting for the process and its descendants to end. */
  STOPPING,
  /** Ended cleanly, and the policy does not restart it (or is about to). */
  EXITED,
  /** Ended in failure, and the policy does not restart it (or is about to). */
  CRASHED,
  /** Waiting for the backoff delay before a restart. */
  BACKOFF,
  /** Given up: the start limit is reached. Only {@code start()} leaves it. */
  FAILED,
  /**
   * About to start (a command's start or the policy's restart) but a dependency does not meet its
   * condition yet, or its group's start in declared order has not reached it yet; the status's detail
   * says for what. Starts as soon as it does; {@code stop()} leaves it. Waiting uses up no start limit
   * and grows no backoff.
   */
  WAITING;

  /** Whether a process of this run may be alive: {@code STARTING}, {@code RUNNING} or {@code STOPPING}. */
  public boolean isActive() {
    return this == STARTING || this == RUNNING || this == STOPPING;
  }
}
