package io.github.vigil.spi;

import io.github.vigil.Signal;
import java.util.Optional;

/**
 * Tells of the exit of processes that this backend did not start, without a thread per process and
 * without reaping them. A backend offers one through {@link ProcessBackend#exitWatcher()}; without
 * one, the supervisor polls the {@link ProcessTable}.
 *
 * <p>Implementations must be thread-safe.
 */
public interface ExitWatcher {

  /**
   * Starts watching {@code process}. {@code onExit} is called once, on the watcher's thread, when
   * the process has exited (it must return quickly); never after {@link Watch#close()} has returned.
   *
   * @return empty when the process has already exited, or the pid now names another process (the
   *     start time differs): the process named by {@code process} is gone
   * @throws RuntimeException when the operating system refuses to watch it; the message says why
   */
  Optional<Watch> watch(ProcessEntry process, Runnable onExit);

  /** What the watcher uses, for logs: e.g. {@code "pidfd on the event loop"}. */
  String describe();

  /** One watched process. Thread-safe. */
  interface Watch extends AutoCloseable {

    /**
     * Sends {@code signal} to the watched process only, never to a later process with its pid.
     *
     * @return false when it has already exited
     */
    boolean signal(Signal signal);

    /** Stops watching; does not touch the process. Idempotent. */
    @Override
    void close();
  }
}
