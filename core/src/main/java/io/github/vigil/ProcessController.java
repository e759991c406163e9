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

  /**
   * Does now the restart that its restart policy would have done after the run that ended while supervision was off,
   * such as one a trading freeze window deferred to its end. The policy decides on that run's exit as it would have at
   * the exit, without its backoff (the deferral was the wait): a restart is spawned at once and counted as one, as a
   * restart after a backoff is ({@link ProcessStatistics#restarts()}, {@link ProcessStatus#restarts()}, the start limit,
   * which it does not reset as {@link #start()} does), its {@link SupervisorEvent.StateChanged} to {@code STARTING} of
   * origin {@link Origin#POLICY} with a reason that ends with {@code reason}; where the policy gives up (its start
   * limit) the process is {@code FAILED} ({@link SupervisorEvent.Failed}). In a group the restart is the group's, as the
   * policy's restart at once is, under every {@link GroupSpec.Strategy}: counted against the group's intensity
   * ({@link SupervisorEvent.GroupRestart}), past which the group escalates and the process is not restarted (the stage
   * completes exceptionally); the siblings the strategy names are stopped and started again by the group, in declared
   * order ({@code ONE_FOR_ALL}: the process's restart waits in {@code BACKOFF}, saying so, until the siblings declared
   * before it are running). A process that its group's restart under way (another member's) or a stop will stop in its
   * turn is left to it: nothing is done, and the stage completes with its status. Where a dependency is down it waits
   * for it ({@code WAITING}), as the policy's restart at an exit does, and counts nothing (start limit, group) until it
   * starts; the stage completes then.
   *
   * <p>Turn supervision back on first ({@link #setSupervised(boolean)}, from the same thread or before this call): as
   * the policy restarts nothing while supervision is off, this does not restart a process whose supervision is off
   * when the call is decided. The process stays as it is ({@code CRASHED} or {@code EXITED}, nothing counted), a
   * warning is logged, and the stage completes exceptionally with a {@link ProcessOperationException} saying
   * supervision is off.
   *
   * <p>Completes when the new run is {@code RUNNING}, or exceptionally as {@link #start()} does; with the status as it
   * is when there is nothing to restart: the process is not {@code CRASHED} or {@code EXITED} (started, stopped or
   * failed meanwhile), or its policy does not restart it after that exit. Returns at once; the decision and the spawn
   * are made on the supervision thread like the policy's own, in order with {@link #setSupervised(boolean)}'s change
   * made before the call, and nothing of the caller's runs there.
   *
   * <p>The default implementation is {@link #start()}.
   *
   * @param reason what deferred the restart, for the event and the log ({@code deferred by freeze window auction})
   */
  default CompletionStage<ProcessStatus> restartDeferred(String reason) {
    java.util.Objects.requireNonNull(reason, "reason");
    return start();
  }

  /**
   * {@link #start()} and wait.
   *
   * @throws ProcessOperationException on failure or timeout
   * @throws IllegalStateException when called by a {@link SupervisorListener}, whose thread delivers the result it
   *     would wait for (use {@link #start()} there)
   */
  ProcessStatus start(Duration timeout);

  /**
   * {@link #stop()} and wait.
   *
   * @throws ProcessOperationException on timeout
   * @throws IllegalStateException when called by a {@link SupervisorListener} (use {@link #stop()} there)
   */
  ProcessStatus stop(Duration timeout);

  /**
   * {@link #restart()} and wait.
   *
   * @throws ProcessOperationException on failure or timeout
   * @throws IllegalStateException when called by a {@link SupervisorListener} (use {@link #restart()} there)
   */
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

  /**
   * The last lines of standard output or error kept in memory, oldest first: of every run, as the tail is kept
   * across runs (the output of a crashed run is still there after its restart), the newest a line not yet ended by a
   * newline where there is one (a prompt; a crash's last words). {@link #outputTail(StdStream, int)} gives one run's.
   */
  List<String> outputTail(StdStream stream);

  /**
   * The lines of run {@code run} (as numbered in {@link SupervisorEvent.Started#run()} and
   * {@link SupervisorEvent.Exited#run()}) still among the kept last lines, oldest first, with a last line the run
   * left without a newline: what a run that crashed wrote, without the lines of the runs before it. Empty when none
   * of its lines is kept. The default implementation returns {@link #outputTail(StdStream)}.
   */
  default List<String> outputTail(StdStream stream, int run) {
    return outputTail(stream);
  }

  /**
   * Turns supervision on or off at run time. While off, an exit is recorded but not acted on: no
   * restart. Commands still work. A call that changes nothing (supervision already on, or already off, where the
   * change takes effect, in order with the calls before it) does nothing: no {@link SupervisorEvent.SupervisionChanged}.
   */
  void setSupervised(boolean supervised);

  /**
   * As {@link #setSupervised(boolean)}, saying why: the change is published as a
   * {@link SupervisorEvent.SupervisionChanged} with origin {@link Origin#API}, the calling thread as
   * actor and this reason, in order with the process's other events. A call that changes nothing publishes nothing
   * (its reason is logged at DEBUG only).
   */
  default void setSupervised(boolean supervised, String reason) {
    setSupervised(supervised);
  }

  /**
   * Replaces the process's spec, keeping its runs, statistics, restart history and health report;
   * {@code mode} says whether the live run is restarted now under the new spec or keeps going until
   * its next start (see {@link UpdateMode}). Published as a {@link SupervisorEvent.SpecUpdated} with
   * origin {@link Origin#API}, the calling thread as actor and {@code reason}, in order with the
   * process's other events.
   *
   * <p>Completes with the status once the spec is recorded ({@link UpdateMode#NEXT_START}, or a process
   * without a live run), or once the restarted run is {@code RUNNING} ({@link UpdateMode#RESTART_NOW}).
   * Completes exceptionally with an {@link IllegalArgumentException} naming the field when the spec
   * changes the name, its health checks or resource rules (remove and register the process for those),
   * names an unknown dependency or makes a dependency cycle (with the specs in effect and those other updates keep
   * for a next start, as either may hold while the other does); with an {@link IllegalStateException}
   * when the process was removed or the supervisor is closed.
   */
  default CompletionStage<ProcessStatus> update(ProcessSpec spec, UpdateMode mode, String reason) {
    return java.util.concurrent.CompletableFuture.failedFuture(
        new UnsupportedOperationException("this controller cannot update its spec: " + this));
  }

  /** As {@link #update(ProcessSpec, UpdateMode, String)} with the reason {@code "spec updated"}. */
  default CompletionStage<ProcessStatus> update(ProcessSpec spec, UpdateMode mode) {
    return update(spec, mode, "spec updated");
  }

  /**
   * Reads the current run's process tree now (the process and its living descendants, summed)
   * through the backend's {@linkplain io.github.vigil.spi.ProcessBackend#sampler() sampler}, with
   * {@link io.github.vigil.spi.ProcessSampler#DEFAULT_FIELDS}. CPU percent is measured over at least a
   * second of the same run, whoever else samples it meanwhile, from the newest earlier sample that is a
   * second old: every sample a second or more after the run's first has it (sampled once a second: from
   * the second on), each covering one to two seconds. Empty when no run is alive or the backend has no
   * sampler; a run that ends while it is read gives a {@linkplain ProcessSample#vanished() vanished}
   * sample. Reads {@code /proc} on the calling thread; never blocks on the supervision thread.
   */
  default Optional<ProcessSample> sample() {
    return Optional.empty();
  }

  /**
   * Diagnoses the process now: checks its program, working directory, declared files, ports,
   * dependencies, limits and output, runs its declared configuration check, and for a living run
   * looks for zombies under it. Completes with the findings, the most likely cause first, on a
   * diagnosis thread (never the supervision thread, which it never holds up); each check is bounded
   * in time, the configuration check by its timeout. The result is also published as a
   * {@link SupervisorEvent.Diagnosed} and kept as {@link #lastDiagnosis()}.
   *
   * <p>The default implementation completes exceptionally with an {@link UnsupportedOperationException}.
   */
  default java.util.concurrent.CompletableFuture<io.github.vigil.diagnosis.Diagnosis> diagnose() {
    return java.util.concurrent.CompletableFuture.failedFuture(new UnsupportedOperationException("no diagnosis for " + name()));
  }

  /**
   * The last diagnosis made for this process: after a run could not start, died within its startup
   * grace, once when its restart policy gave up after runs none of those explained, or on demand. Empty before the first. The default has none.
   */
  default Optional<io.github.vigil.diagnosis.Diagnosis> lastDiagnosis() {
    return Optional.empty();
  }

  /**
   * The current run's process tree, each member with its own resources (the process first, then its
   * descendants depth-first), read through the backend's sampler on the calling thread. Empty when no
   * run is alive or the backend has no sampler. The default has none.
   */
  default List<io.github.vigil.diagnosis.TreeMember> tree() {
    return List.of();
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
      throw new IllegalArgumentException("slowFieldsMaxAge must not be negative: " + HumanFormat.duration(slowFieldsMaxAge));
    }
    return sample();
  }

  /**
   * As {@link #sample()}, reading only the fields asked for (and what they are derived from), for callers that
   * chart a few of them: each field has its cost in {@code /proc} reads (CPU and {@code MEMORY_RESIDENT_STAT} come
   * from one read of {@code stat}; swap and context switches from {@code status}; the exact resident memory from
   * {@code status} when that is read, else from {@code statm}; bytes read and written from {@code io}; Pss from
   * {@code smaps_rollup}). The sample may hold more fields than asked
   * for. A sample without CPU does not become the baseline of the next CPU percent. The default implementation
   * reads {@link io.github.vigil.spi.ProcessSampler#DEFAULT_FIELDS}.
   *
   * @param fields the fields wanted; not empty
   * @throws IllegalArgumentException when {@code fields} is empty
   */
  default Optional<ProcessSample> sample(java.util.Set<ProcessSample.Field> fields) {
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("fields must not be empty");
    }
    return sample();
  }

  /**
   * As {@link #sample(java.util.Set)}, with no value older than {@code slowFieldsMaxAge} (as {@link #sample(Duration)}):
   * for a reader that both asks for its fields only and promises freshness, such as the metrics binding. The default
   * implementation reads {@link #sample(java.util.Set)}.
   *
   * @throws IllegalArgumentException when {@code fields} is empty or {@code slowFieldsMaxAge} is negative
   */
  default Optional<ProcessSample> sample(java.util.Set<ProcessSample.Field> fields, Duration slowFieldsMaxAge) {
    if (java.util.Objects.requireNonNull(slowFieldsMaxAge, "slowFieldsMaxAge").isNegative()) {
      throw new IllegalArgumentException("slowFieldsMaxAge must not be negative: " + HumanFormat.duration(slowFieldsMaxAge));
    }
    return sample(fields);
  }
}
