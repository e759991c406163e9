package io.github.vigil.spi;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;

/**
 * A spawn that never blocks its caller, offered by a backend whose spawns already run on a thread of
 * its own (the Linux backend forks on its event loop). The supervisor calls it straight from the
 * thread deciding on the restart: its supervision thread, or the backend's own thread that reported the
 * exit (see {@link ProcessListener}); without one it calls {@link ProcessBackend#spawn} on one of its
 * I/O threads, one thread hop more between a crash and its restart.
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface AsyncSpawner {

  /**
   * Returns at once. Later, on the thread where this backend does its own spawn work, and in the order
   * of the calls: runs {@code prepare} (the supervisor's work that must come before the fork: writing
   * out the last run's output, ending what the last run left behind, checking the working directory
   * and finding the program; it may read the filesystem and {@code /proc} and never waits for this
   * backend), then spawns the request it returned as {@link ProcessBackend#spawn} would.
   *
   * @return completes with the new run, on the backend's thread; exceptionally with what
   *     {@code prepare} threw, a {@link SpawnException} when the operating system refused the spawn, or
   *     an {@link IllegalStateException} once the backend is closed. Never left incomplete.
   */
  CompletionStage<RunningProcess> spawn(Callable<SpawnRequest> prepare, ProcessListener listener);
}
