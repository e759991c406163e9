package io.github.vigil;

import java.util.concurrent.CompletionStage;

/**
 * A handle to a supervision group. Commands complete on the listener executor.
 *
 * <p>Thread-safe.
 */
public interface GroupController {

  String name();

  GroupSpec spec();

  /** Its state now. */
  GroupState state();

  /**
   * Starts its children in declared order, each once the one before it is {@code RUNNING} (a group:
   * once all of its own are), with a fresh intensity count; completes when all are running. Until its
   * turn, a process that is not running is {@code WAITING}, its status's detail naming the process it
   * waits for; a process stopped meanwhile stays stopped. If one fails to start, the stage fails, and
   * the processes it did not reach are {@code STOPPED} again, their detail saying so.
   */
  CompletionStage<Void> start();

  /** Stops its children in reverse order; completes when all are stopped. */
  CompletionStage<Void> stop();
}
