package io.github.vigil.spi;

import static java.util.Objects.requireNonNull;

import io.github.vigil.Scheduler;
import io.github.vigil.Ticker;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * What {@link io.github.vigil.Supervisor.Builder} collected, checked there, handed to the
 * {@link SupervisorEngine}. Absent optional settings are {@code null}: the engine chooses (its own timer
 * thread, its own event thread, the best available backend, no state directory). Immutable.
 *
 * @param name the supervisor's name, for threads and logs
 * @param ticker the monotonic clock
 * @param instantSource the wall clock for event time stamps
 * @param scheduler where delayed tasks run, or {@code null} for the supervisor's own thread
 * @param random the source of backoff jitter
 * @param listenerExecutor where listeners run, or {@code null} for one thread of the supervisor's
 * @param stateDirectory where logs and crash-surviving state are kept, or {@code null}
 * @param backendName the provider name of the backend to use, or {@code null} for the best available
 * @param backend the backend to use, or {@code null} to select one by {@code backendName}
 * @param closeTimeout the longest {@link io.github.vigil.Supervisor#close()} waits for processes to stop
 * @param closeOnJvmShutdown whether a shutdown hook closes the supervisor when the JVM shuts down
 *     ({@link io.github.vigil.Supervisor.Builder#closeOnJvmShutdown(boolean)})
 */
public record SupervisorSettings(
    String name, Ticker ticker, InstantSource instantSource, @Nullable Scheduler scheduler, RandomGenerator random,
    @Nullable Executor listenerExecutor, @Nullable Path stateDirectory, @Nullable String backendName,
    @Nullable ProcessBackend backend, Duration closeTimeout, boolean closeOnJvmShutdown) {

  /** Checks that the settings the engine cannot do without are given. */
  public SupervisorSettings {
    requireNonNull(name, "name");
    requireNonNull(ticker, "ticker");
    requireNonNull(instantSource, "instantSource");
    requireNonNull(random, "random");
    requireNonNull(closeTimeout, "closeTimeout");
  }

  /** The settings of an engine from before {@code closeOnJvmShutdown}: no shutdown hook, as then. */
  public SupervisorSettings(String name, Ticker ticker, InstantSource instantSource, @Nullable Scheduler scheduler, RandomGenerator random,
      @Nullable Executor listenerExecutor, @Nullable Path stateDirectory, @Nullable String backendName,
      @Nullable ProcessBackend backend, Duration closeTimeout) {
    this(name, ticker, instantSource, scheduler, random, listenerExecutor, stateDirectory, backendName, backend, closeTimeout, false);
  }
}
