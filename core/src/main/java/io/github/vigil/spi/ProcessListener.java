package io.github.vigil.spi;

import io.github.vigil.StdStream;
import io.github.vigil.Termination;

/**
 * What a backend reports about one spawned run. Called from the backend's threads.
 *
 * <p>{@link #onOutput} is called by one thread at a time per run, in order; {@link #onExit} exactly
 * once, after the process has been reaped. Output still buffered in a pipe may arrive after the exit.
 * Implementations must not block. The supervisor's implementation may decide on an exit on the calling
 * thread (record it, publish its event, ask the restart policy, hand a restart's spawn on) when nothing
 * else is deciding; it never waits for that, and it never calls the backend in a way that waits for the
 * calling thread, so a backend may call it from the thread that does its own spawns.
 */
public interface ProcessListener {

  /** Bytes the child wrote; the array may be reused once the call returns. */
  void onOutput(StdStream stream, byte[] buffer, int offset, int length);

  /** The run ended. */
  void onExit(Termination termination);

  /**
   * The run ended because the kernel's out-of-memory killer killed it: called instead of
   * {@link #onExit} by backends that can tell (the Linux backend). By default it calls
   * {@link #onExit}.
   *
   * @param memoryAtDeathBytes the run's resident memory when it was killed, or -1 when unknown
   */
  default void onOomKill(Termination termination, long memoryAtDeathBytes) {
    onExit(termination);
  }
}
