package io.github.vigil;

import java.time.Duration;

/**
 * Runs a task after a delay: restarts after backoff, startup grace, stop timeouts. Injected so that
 * tests decide when time passes. The supervisor hands every task back to its own thread, so a
 * scheduler may run tasks on any thread.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Scheduler {

  /** Runs {@code task} once, no sooner than {@code delay} from now by the supervisor's ticker. */
  Cancellable schedule(Duration delay, Runnable task);

  /** A scheduled task that can be called off. */
  @FunctionalInterface
  interface Cancellable {
    /** Calls the task off if it has not run; does nothing otherwise. */
    void cancel();
  }
}
