package io.github.vigil;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A handle to one supervised process: start, stop, restart, status, history.
 *
 * <p>Commands return at once with a stage that completes when the state is reached:
 * {@link #start()} and {@link #restart()} with {@code RUNNING}, {@link #stop()} with {@code STOPPED}.
 * A start whose runs end in {@code FAILED}, or that a later stop overtakes, completes exceptionally
 * with a {@link ProcessOperationException}. The blocking forms wait at most the given timeout.
 *
 * <p>The returned stages complete on the supervisor's listener executor, never on the supervision
 * thread, so what a caller chains to them (even something that blocks) cannot hold up supervision.
 * A removed process is terminal: once {@link Supervisor#remove} has begun, and once the supervisor
 * is closing, every command completes exceptionally at once with an {@link IllegalStateException}
 * saying so, and nothing is spawned for it any more.
 *
 * <p>Thread-safe: commands from any thread are serialized with the process's own transitions.
 */
public interface ProcessController {

  String name();

  ProcessSpec spec();

  /** Starts the process; completes when it is {@code RUNNING}. Resets the start limit. */
  CompletionStage<ProcessStatus> start();

  /** Stops the process and its descendants; completes when it is {@code STOPPED}. */
  CompletionStage<ProcessStatus> stop();

  /** Stops, then starts; completes when the new run is {@code RUNNING}. */
  CompletionStage<ProcessStatus> restart();

  /** {@link #start()} and wait. @throws ProcessOperationException on failure or timeout */
  ProcessStatus start(Duration timeout);

  /** {@link #stop()} and wait. @throws ProcessOperationException on timeout */
  ProcessStatus stop(Duration timeout);

  /** {@link #restart()} and wait. @throws ProcessOperationException on failure or timeout */
  ProcessStatus restart(Duration timeout);

  /** The current status. */
  ProcessStatus status();

  /** The most recent runs, oldest first (at most the last 100). */
  List<RunRecord> history();

  /**
   * What its health checks and resource rules say: the overall health, and per check and rule the
   * counters and the last results (status, message, duration, time). {@link HealthReport#NONE} for a
   * process without either. Reads a snapshot; never blocks.
   */
  HealthReport health();

  /**
   * Runs every health check of the current run now, out of its schedule (its next attempt then
   * comes a full interval later), and completes with the report once each has a result. A check
   * with an attempt in flight is not started again: its result is awaited. Systemd-notify checks,
   * which the child drives, are not run. Completes at once with {@link #health()} when no run is
   * active or the process has no checks; a result arrives within the check's timeout. Results count
   * like scheduled ones (thresholds, liveness restarts).
   *
   * <p>The default implementation returns {@link #health()} as it is.
   */
  default CompletionStage<HealthReport> checkNow() {
    return java.util.concurrent.CompletableFuture.completedFuture(health());
  }

  /** Counters and means for this process. */
  ProcessStatistics statistics();

  /** The last lines of standard output or error kept in memory, oldest first. */
  List<String> outputTail(StdStream stream);

  /**
   * Turns supervision on or off at run time. While off, an exit is recorded but not acted on: no
   * restart. Commands still work.
   */
  void setSupervised(boolean supervised);

  /**
   * As {@link #setSupervised(boolean)}, saying why: the change is published as a
   * {@link SupervisorEvent.SupervisionChanged} with origin {@link Origin#API}, the calling thread as
   * actor and this reason, in order with the process's other events.
   */
  default void setSupervised(boolean supervised, String reason) {
    setSupervised(supervised);
  }

  /**
   * Reads the current run's process tree now (the process and its living descendants, summed)
   * through the backend's {@linkplain io.github.vigil.spi.ProcessBackend#sampler() sampler}, with
   * {@link io.github.vigil.spi.ProcessSampler#DEFAULT_FIELDS}. CPU percent is measured since the
   * previous call of this method for the same run. Empty when no run is alive or the backend has no
   * sampler; a run that ends while it is read gives a {@linkplain ProcessSample#vanished() vanished}
   * sample. Reads {@code /proc} on the calling thread; never blocks on the supervision thread.
   */
  default Optional<ProcessSample> sample() {
    return Optional.empty();
  }

  /**
   * As {@link #sample()}, with no value older than {@code slowFieldsMaxAge}: fields the sampler
   * re-reads less often than it samples (see {@link ProcessSample#age}) are read again when older
   * ({@link io.github.vigil.spi.ProcessSampler#withSlowFieldsMaxAge}); {@link Duration#ZERO} reads
   * every field now. For readers that promise freshness, such as metrics in process-exporter naming.
   *
   * @throws IllegalArgumentException when {@code slowFieldsMaxAge} is negative
   */
  default Optional<ProcessSample> sample(Duration slowFieldsMaxAge) {
    if (java.util.Objects.requireNonNull(slowFieldsMaxAge, "slowFieldsMaxAge").isNegative()) {
      throw new IllegalArgumentException("slowFieldsMaxAge must not be negative: " + slowFieldsMaxAge);
    }
    return sample();
  }
}
