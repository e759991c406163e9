package io.github.vigil.spi;

import io.github.vigil.Signal;

/**
 * One spawned run, as its backend controls it.
 *
 * <p>Implementations must be thread-safe. Signals to a process that has been reaped must not reach
 * whatever process later takes its pid.
 */
public interface RunningProcess {

  /** The operating system's process id. */
  long pid();

  /** Sends {@code signal} to the process alone. @return false if it is already gone */
  boolean signal(Signal signal);

  /**
   * Sends {@code signal} to the process and every descendant the backend can find, including ones
   * that outlived it. @return false if none was alive
   */
  boolean signalTree(Signal signal);

  /** Whether the process or any descendant of it that the backend tracks is still alive. */
  boolean isTreeAlive();
}
