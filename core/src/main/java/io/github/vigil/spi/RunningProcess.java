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

  /**
   * As {@link #signalTree(Signal)}, for a request made at {@code askedNanos} ({@link System#nanoTime()}), perhaps some
   * time before this call (it waited for a thread): every descendant that lived then must be found, so a backend may
   * find them by a look at its processes taken after that time, shared with the other requests made before it began
   * (the JDK backend reads all of {@code /proc} for a look: a stop of 200 runs at once then costs a few looks, not one or
   * more per run). The supervisor calls this one. The default ignores the time.
   *
   * @return false if none was alive
   */
  default boolean signalTree(Signal signal, long askedNanos) {
    return signalTree(signal);
  }

  /**
   * As {@link #isTreeAlive()}, for a request made at {@code askedNanos} ({@link System#nanoTime()}): as
   * {@link #signalTree(Signal, long)}, a backend may answer from a look at its processes taken after that time, shared
   * with other requests. The supervisor calls this one. The default ignores the time.
   */
  default boolean isTreeAlive(long askedNanos) {
    return isTreeAlive();
  }
}
