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
   * once all of its own are), with a fresh intensity count; completes when all are running.
   */
  CompletionStage<Void> start();

  /** Stops its children in reverse order; completes when all are stopped. */
  CompletionStage<Void> stop();
}
