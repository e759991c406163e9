package io.github.vigil.internal;

import io.github.vigil.Dependency;
import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.HealthReport;
import io.github.vigil.HealthState;
import io.github.vigil.HumanFormat;
import io.github.vigil.Origin;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessOperationException;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatistics;
import io.github.vigil.ProcessStatus;
import io.github.vigil.RestartDecision;
import io.github.vigil.RestartHistory;
import io.github.vigil.RestartPolicy;
import io.github.vigil.RunRecord;
import io.github.vigil.Scheduler;
import io.github.vigil.Signal;
import io.github.vigil.StdStream;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.SupervisorEvent.Command;
import io.github.vigil.Termination;
import io.github.vigil.spi.AsyncSpawner;
import io.github.vigil.spi.ProcessListener;
import io.github.vigil.spi.RunningProcess;
import io.github.vigil.spi.SpawnException;
import io.github.vigil.spi.SpawnRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One supervised process: its state machine, restarts, stop escalation, history and statistics.
 *
 * <p>Every field without {@code volatile} is touched only on the supervisor's thread; the volatile
 * ones are written there and read anywhere, for {@link #status()} and friends.
 */
final class ManagedProcess implements ProcessController {
  private static final Logger log = LoggerFactory.getLogger(ManagedProcess.class);
  private static final int HISTORY_LIMIT = 100;
  private static final Duration TREE_POLL = Duration.ofMillis(20);
  private static final Duration KILL_GRACE = Duration.ofSeconds(5);
  /** The longest a restart waits for what the dead run left to be gone after its SIGKILL ({@link #awaitLeftoversGone}). */
  private static final Duration LEFTOVER_GRACE = Duration.ofSeconds(2);
  private static final long LEFTOVER_POLL_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(1);

  private final DefaultSupervisor sup;
  /** The spec in effect: of the live run, or of the next one when none is live. Written on the supervision thread. */
  private volatile ProcessSpec spec;
  private final String name;
  private volatile OutputCollector output;
  private final @Nullable HealthMonitor healthMonitor; // null without health checks

  // supervision-thread state
  private @Nullable RunningProcess current;
  private int run;
  private long runStartNanos;
  private boolean policyRestart;       // the current run was started by the policy
  private boolean stopRequested;       // the current run is being stopped on request
  private String stopBy = "";          // who asked, for the exit's message: "" for a caller, else the policy's reason
  private boolean pendingStart;        // start again once the stop completes (restart)
  private long crashNanos = -1;        // first crash not yet recovered from
  private long killDeadlineNanos;
  private boolean killed;
  private @Nullable String killedBefore; // why this stop's SIGKILL went before its timeout (its stop signal failed), or null
  private long treeUnseenSinceNanos = -1; // when this stop's check of the run's tree first failed, -1 while none has
  private @Nullable String healthStop;  // why the current run is being stopped for its health, or null
  private ExitCause healthStopCause = ExitCause.HEALTH_CHECK_FAILED;
  private RestartHistory restartHistory = RestartHistory.empty();
  private Scheduler.@Nullable Cancellable graceTimer;
  private Scheduler.@Nullable Cancellable restartTimer;
  private Scheduler.@Nullable Cancellable stopTimer;
  private Origin waitOrigin = Origin.API;   // what a start waiting in WAITING was asked by
  private String waitReason = "";
  private boolean waitByPolicy;
  private Origin pendingOrigin = Origin.API;  // who asked for the start that follows the stop under way
  private String pendingReason = "start after stop";
  private @Nullable ProcessSpec pendingSpec; // an update(NEXT_START) waiting for the live run to end
  /**
   * The specs of accepted updates that may still take effect: the pending one, and those whose task has not run on the
   * supervision thread yet. Their dependencies count as this process's until then (remove() and the cycle check of an
   * update look at them), as any of them may come into effect while another process's current spec still holds. Added by
   * {@link DefaultSupervisor#validateUpdate} under the supervisor's lock; an entry is dropped once its spec is in effect
   * (after {@link #spec} is set, so a reader taking this list first and then {@link #spec} misses none), overtaken by a
   * later update, or refused.
   */
  private final java.util.concurrent.CopyOnWriteArrayList<ProcessSpec> specsAhead = new java.util.concurrent.CopyOnWriteArrayList<>();
  private boolean spawning;             // the current run's spawn is under way (on an I/O thread, or the backend's own)
  private int takenOver;                // the last run whose spawn spawned() took over in full (its grace, RUNNING, or its stop under way)
  private int endDeciding;              // the last run whose end ended() began to decide (its uptime counted)
  private int endPublished;             // the last run whose Exited was recorded and published
  private @Nullable Runnable exitWhileSpawning; // its exit, reported before the spawn's result came back
  /** This process's blocking work (spawn, signals, tree scans, flushes), in order, off the supervision thread. */
  private final DefaultSupervisor.IoQueue ioQueue;
  /**
   * What must come before the next spawn: the last run's output flush and the look for what it left
   * running. Taken by a spawn that follows at once (done first on whichever thread spawns); otherwise
   * queued on {@link #ioQueue} when the decision after the exit is made. Supervision thread only.
   */
  private final List<Runnable> beforeNextSpawn = new ArrayList<>();
  /**
   * That work when no spawn followed at once, held until the listeners have been handed the exit's events: on two
   * CPUs the look for what the run left (a scan of {@code /proc} on the JDK backend) took the CPU the events' delivery
   * needed, a millisecond or two on the p99 of an exit's event. Handed to {@link #ioQueue} then, or at once by a spawn,
   * a stop or the close that comes first, or by the supervisor's {@link HeldWorkBound} once held for a second (a
   * listener that blocks does not keep what the run left alive). Not a timer of its own: one set per exit woke the
   * supervision thread while the delivery still waited for a CPU, which cost the Linux backend's p99 more than the look
   * did ({@code bench/results/dead-run-look.md}). Supervision thread only.
   */
  private @Nullable List<Runnable> deadRunWork;
  private long deadRunHeldSince; // the ticker's reading when deadRunWork began to be held
  private @Nullable Runnable deadRunCounted; // its count for awaitIdle, ended once it is on ioQueue
  private final StartChecks.LastHead lastHead = new StartChecks.LastHead(); // the program's #! line, read again only when the file changed
  private long commandStops;            // stops asked by a caller or the shutdown: a start of several steps under way gives way to them
  private boolean heldForStop;          // a stopAll(), close(), a stop or restart of its group (or of one around it) will stop it: no spawn, no restart, until a start or the stop
  private boolean stopAnnounced;        // holdForStop said and did the stop that its stopAll()'s turn would: said once
  private @Nullable Group turnOf;       // WAITING for its turn in this group's start in declared order (not for a dependency)
  private final List<CompletableFuture<ProcessStatus>> startWaiters = new ArrayList<>();
  private final List<CompletableFuture<Void>> runningWaiters = new ArrayList<>(); // a group waiting for it to run again
  private @Nullable Object restartHold;  // its ONE_FOR_ALL group starts the siblings declared before it first: its policy's restart waits
  private @Nullable Runnable heldRestart; // that restart, come due while held
  private @Nullable String restartHoldWhy; // for what the held restart waits, in words, for its detail
  private @Nullable String heldBackoffWhy; // the held restart's own words ("restart attempt 2 after CRASHED"), its detail again once released
  private long heldBackoffDueNanos;       // when its backoff ends, for the time left then
  /** The supervision group it belongs to, or null; set once, under the supervisor's lock. */
  volatile @Nullable Group group;
  private final List<CompletableFuture<ProcessStatus>> stopWaiters = new ArrayList<>();
  private final ArrayDeque<RunRecord> runs = new ArrayDeque<>();

  // published state
  private volatile ProcessState state = ProcessState.STOPPED;
  private volatile long pid = -1;
  /** Bumped after every change of state or pid (one writer: the supervision thread), so status() can read them as a pair. */
  private volatile int version;
  private volatile @Nullable Instant startedAt;
  private volatile long upSinceNanos; // the current run's spawn (supervisor nanos), 0 while there is no run
  private volatile @Nullable ExitInfo lastExit;
  private volatile String detail = "";
  private volatile boolean supervised = true; // as the caller set it, for status()
  // as the supervision thread decides by it: changed in order with the process's other tasks, so an exit
  // reported before a setSupervised(true) is decided with supervision still off, however late its task runs
  private boolean supervisedOnLoop = true;
  /** Set once remove() begins: the process is terminal, every command fails at once and nothing is spawned. */
  private volatile @Nullable CompletableFuture<Void> removal;
  private volatile List<RunRecord> runsView = List.of();
  private volatile Counters counters = Counters.ZERO;
  private final long registeredNanos;

  /** Statistics counters, replaced as a whole so readers see a consistent set. */
  record Counters(long starts, long restarts, long restartsSucceeded, long restartsFailed, long recoverNanos, long recoverCount,
      long uptimeNanos, long uptimeCount) {
    static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0, 0, 0);
  }

  ManagedProcess(DefaultSupervisor sup, ProcessSpec spec) {
    this.sup = sup;
    this.spec = spec;
    this.name = spec.name();
    this.output = new OutputCollector(name, spec.output(), sup.settings.stateDirectory());
    this.registeredNanos = sup.now();
    this.ioQueue = sup.newIoQueue(name);
    this.healthMonitor = spec.healthChecks().isEmpty() && spec.resourceRules().isEmpty() ? null : new HealthMonitor(sup, this, spec);
    this.diagnoses = new ProcessDiagnoses(sup, this);
  }

  // --- API -----------------------------------------------------------------------------------

  @Override
  public String name() {
    return name;
  }

  @Override
  public ProcessSpec spec() {
    return spec;
  }

  /** Records an update the supervisor accepted (under its lock): its dependencies count from now on. */
  void updateAccepted(ProcessSpec next) {
    specsAhead.add(next);
  }

  /**
   * Every spec whose dependencies count for the graph: first the one in effect, then those of accepted updates that may
   * still take effect. Under the supervisor's lock, so no update is accepted meanwhile.
   */
  List<ProcessSpec> specsThatCount() {
    List<ProcessSpec> ahead = List.copyOf(specsAhead); // before spec: one dropped from it is in effect already
    List<ProcessSpec> all = new ArrayList<>(ahead.size() + 1);
    all.add(spec);
    all.addAll(ahead);
    return all;
  }

  @Override
  public CompletionStage<ProcessStatus> start() {
    return command("start()", () -> startInternal(Origin.API, "start requested"));
  }

  @Override
  public CompletionStage<ProcessStatus> stop() {
    return command("stop()", () -> stopInternal(Origin.API, "stop requested"));
  }

  @Override
  public CompletionStage<ProcessStatus> restart() {
    return command("restart()", () -> restartInternal(Origin.API, "restart requested"));
  }

  /** A public command: refused at once on a removed process or a closed supervisor, else completed on the listener executor. */
  private CompletionStage<ProcessStatus> command(String what, java.util.function.Supplier<CompletableFuture<ProcessStatus>> body) {
    IllegalStateException refused = refusal(what);
    if (refused != null) {
      return CompletableFuture.failedFuture(refused);
    }
    return sup.relay(body.get());
  }

  private @Nullable IllegalStateException refusal(String what) {
    if (removal != null) {
      return new IllegalStateException(what + " refused: process '" + name + "' was removed from supervisor '" + sup.name() + "'");
    }
    if (sup.isClosed()) {
      return sup.closedError(what + " of '" + name + "'");
    }
    return null;
  }

  /** Marks the process removed (under the supervisor's lock); {@code done} completes once it is gone. */
  void markRemoved(CompletableFuture<Void> done) {
    removal = done;
  }

  /** The removal under way, or null. */
  @Nullable CompletableFuture<Void> removal() {
    return removal;
  }

  /** Whether a new run may be spawned: not once the process is removed or the supervisor closing. */
  private boolean maySpawn() {
    return removal == null && !sup.isClosed();
  }

  @Override
  public ProcessStatus start(Duration timeout) {
    refuseToWaitForItself("start");
    checkTimeout(timeout); // before the command: a bad timeout must not start anything
    return await(start(), timeout, "start", ProcessState.RUNNING);
  }

  @Override
  public ProcessStatus stop(Duration timeout) {
    refuseToWaitForItself("stop");
    checkTimeout(timeout); // before the command: a bad timeout must not stop anything
    return await(stop(), timeout, "stop", ProcessState.STOPPED);
  }

  @Override
  public ProcessStatus restart(Duration timeout) {
    refuseToWaitForItself("restart");
    checkTimeout(timeout); // before the command: a bad timeout must not restart anything
    return await(restart(), timeout, "restart", ProcessState.RUNNING);
  }

  /**
   * A command's stage completes on the thread that delivers events, after the events before it: a listener (or the
   * supervision thread) that waited for one would hold up every listener for the whole timeout, and then report a
   * timeout of a command that had long succeeded. Refused before the command is issued.
   */
  private void refuseToWaitForItself(String what) {
    if (sup.isLoopThread() || EventBus.isDeliveryThread()) {
      throw new IllegalStateException(what + "(timeout) of '" + name + "' would wait for itself: it was called by a listener (or on the "
          + "supervision thread), where its result is delivered; call " + what + "() and act on the stage it returns");
    }
  }

  private static void checkTimeout(Duration timeout) {
    java.util.Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative: " + io.github.vigil.HumanFormat.duration(timeout));
    }
  }

  private ProcessStatus await(CompletionStage<ProcessStatus> stage, Duration timeout, String what, ProcessState target) {
    try {
      return stage.toCompletableFuture().get(Durations.saturatedNanos(timeout), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new ProcessOperationException(what + " of '" + name + "' did not reach " + target + " within " + io.github.vigil.HumanFormat.duration(timeout) + "; now " + state, status(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessOperationException(what + " of '" + name + "' interrupted", status(), e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ProcessOperationException p) {
        throw p;
      }
      throw new ProcessOperationException(what + " of '" + name + "' failed: " + e.getCause(), status(), e.getCause());
    }
  }

  @Override
  public ProcessStatus status() {
    ProcessState s;
    long p;
    String d;
    long up;
    int v;
    do { // state, pid, detail and the run's spawn of one moment: read again if the supervision thread changed them meanwhile
      v = version;
      s = state;
      p = pid;
      d = detail;
      up = upSinceNanos;
    } while (v != version);
    Duration uptime = s.isActive() && up != 0 ? Duration.ofNanos(Math.max(0, sup.now() - up)) : Duration.ZERO;
    return new ProcessStatus(name, s, s.isActive() ? p : -1, startedAt, uptime, (int) counters.restarts(), lastExit,
        healthMonitor == null ? HealthState.UNKNOWN : healthMonitor.state(),
        supervised, d);
  }

  @Override
  public List<RunRecord> history() {
    return runsView;
  }

  @Override
  public HealthReport health() {
    return healthMonitor == null ? HealthReport.NONE : healthMonitor.report();
  }

  @Override
  public java.util.concurrent.CompletionStage<HealthReport> checkNow() {
    return healthMonitor == null ? CompletableFuture.completedFuture(HealthReport.NONE) : healthMonitor.checkNow();
  }


  @Override
  public ProcessStatistics statistics() {
    Counters k = counters;
    return statistics(k.starts(), k.restarts(), k.restartsSucceeded(), k.restartsFailed(), k.recoverNanos(), k.recoverCount(),
        k.uptimeNanos(), k.uptimeCount(), Duration.ofNanos(Math.max(0, sup.now() - registeredNanos)));
  }

  static ProcessStatistics statistics(long starts, long restarts, long ok, long failed, long recoverNanos, long recoverCount,
      long uptimeNanos, long uptimeCount, Duration observed) {
    double hours = observed.toNanos() / 3.6e12;
    // a rate over at least the hour it is per: before an hour is observed, the restarts so far, never extrapolated
    return new ProcessStatistics(starts, restarts, ok, failed, hours >= 1 ? restarts / hours : restarts,
        Duration.ofNanos(recoverCount == 0 ? 0 : recoverNanos / recoverCount),
        Duration.ofNanos(uptimeCount == 0 ? 0 : uptimeNanos / uptimeCount), observed);
  }

  Counters counters() {
    return counters;
  }

  @Override
  public List<String> outputTail(StdStream stream) {
    return output.tail(stream);
  }

  @Override
  public List<String> outputTail(StdStream stream, int run) {
    return output.tail(stream, run);
  }

  @Override
  public CompletionStage<ProcessStatus> update(ProcessSpec next, io.github.vigil.UpdateMode mode, String reason) {
    java.util.Objects.requireNonNull(next, "spec");
    java.util.Objects.requireNonNull(mode, "mode");
    java.util.Objects.requireNonNull(reason, "reason");
    IllegalStateException refused = refusal("update()");
    if (refused != null) {
      return CompletableFuture.failedFuture(refused);
    }
    try {
      sup.validateUpdate(this, next);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    String actor = Thread.currentThread().getName();
    CompletableFuture<ProcessStatus> done = new CompletableFuture<>();
    sup.onLoop(() -> {
      IllegalStateException late = refusal("update()");
      if (late != null) {
        specsAhead.remove(next);
        done.completeExceptionally(late);
        return;
      }
      ProcessSpec previous = pendingSpec != null ? pendingSpec : spec;
      if (pendingSpec != null) { // overtaken by this one: it will never take effect
        specsAhead.remove(pendingSpec);
      }
      log.atInfo().addKeyValue("process", name).log("Spec of {} updated by {} ({}): {}", name, actor, mode, reason);
      sup.publish(new SupervisorEvent.SpecUpdated(name, sup.wallNow(), previous, next, mode, Origin.API, actor, reason));
      if (!state.isActive()) { // no live run: in effect at once, for whatever start comes next
        pendingSpec = null;
        applySpec(next);
        if (state == ProcessState.WAITING && turnOf == null && !heldForStop && maySpawn()) {
          goOnOrWait(); // a start waiting for a dependency waits for the new spec's: one dropped no longer holds it
        }
        done.complete(status());
      } else if (mode == io.github.vigil.UpdateMode.NEXT_START) {
        pendingSpec = next;
        done.complete(status());
      } else {
        pendingSpec = next;
        sup.publish(new SupervisorEvent.CommandIssued(name, sup.wallNow(), Command.RESTART, Origin.API, "update: " + reason));
        heldForStop = false;
        if (state == ProcessState.STOPPING) {
          startOrQueue(done, Origin.API, "update: " + reason);
        } else {
          failStartWaiters("restarted before it was running");
          startWaiters.add(done);
          pendingStart = true;
          pendingOrigin = Origin.API;
          pendingReason = "update: " + reason;
          beginStop(Origin.API, "update: " + reason);
        }
      }
    }, () -> done.completeExceptionally(sup.closedError("update of '" + name + "'")), e -> supervisionFailed(e, done));
    return sup.relay(done);
  }

  /** Puts {@code next} into effect; no run is live. Supervision thread. */
  private void applySpec(ProcessSpec next) {
    ProcessSpec old = spec;
    spec = next;
    sup.specInEffect(this, old, next); // its dependents' index follows the spec in effect
    specsAhead.remove(next); // in effect: counted as the spec now
    if (!next.output().equals(old.output())) { // a new log file or tail size: the collector is made anew
      OutputCollector was = output;
      output = new OutputCollector(name, next.output(), sup.settings.stateDirectory());
      was.close();
    }
  }

  @Override
  public void setSupervised(boolean on) {
    setSupervised(on, "supervision turned " + (on ? "on" : "off"));
  }

  @Override
  public void setSupervised(boolean on, String reason) {
    java.util.Objects.requireNonNull(reason, "reason");
    String actor = Thread.currentThread().getName();
    supervised = on; // at once, for status(); the event is published in order with the process's others
    sup.onLoop(() -> {
      if (supervisedOnLoop == on) { // a call that changes nothing says nothing: no event, no journal line
        log.atDebug().addKeyValue("process", name).log("Supervision of {} already {}: {} by {} changes nothing", name, on ? "on" : "off",
            reason, actor);
        return;
      }
      supervisedOnLoop = on;
      log.atInfo().addKeyValue("process", name).log("Supervision of {} turned {} by {}: {}", name, on ? "on" : "off", actor, reason);
      sup.publish(new SupervisorEvent.SupervisionChanged(name, sup.wallNow(), on, Origin.API, actor, reason));
    });
  }

  /** The samples CPU percent is measured from (see {@link SampleBaseline}); the sampler rejects one of another run. */
  private volatile @Nullable SampleBaseline baselines;

  @Override
  public java.util.Optional<io.github.vigil.ProcessSample> sample() {
    return sample(sup.backend.sampler(), io.github.vigil.spi.ProcessSampler.DEFAULT_FIELDS);
  }

  @Override
  public java.util.Optional<io.github.vigil.ProcessSample> sample(java.time.Duration slowFieldsMaxAge) {
    return sample(io.github.vigil.spi.ProcessSampler.DEFAULT_FIELDS, slowFieldsMaxAge);
  }

  @Override
  public java.util.Optional<io.github.vigil.ProcessSample> sample(java.util.Set<io.github.vigil.ProcessSample.Field> fields) {
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("fields must not be empty");
    }
    return sample(sup.backend.sampler(), fields);
  }

  @Override
  public java.util.Optional<io.github.vigil.ProcessSample> sample(java.util.Set<io.github.vigil.ProcessSample.Field> fields,
      java.time.Duration slowFieldsMaxAge) {
    return sample(SampleRequests.sampler(sup.backend, fields, slowFieldsMaxAge), fields);
  }

  private java.util.Optional<io.github.vigil.ProcessSample> sample(java.util.Optional<io.github.vigil.spi.ProcessSampler> sampler,
      java.util.Set<io.github.vigil.ProcessSample.Field> fields) {
    long p = pid;
    if (!state.isActive() || p <= 0 || sampler.isEmpty()) {
      return java.util.Optional.empty();
    }
    SampleBaseline b = baselines;
    io.github.vigil.ProcessSample next = sampler.get().sampleTree(p, io.github.vigil.ProcessSample.Field.withSources(fields), SampleBaseline.from(b, System.nanoTime()));
    if (next.has(io.github.vigil.ProcessSample.Field.CPU_TOTAL)) { // one without CPU is no baseline for the next CPU percent
      baselines = SampleBaseline.after(b, next);
    }
    return java.util.Optional.of(next);
  }

  // --- diagnosis (ProcessDiagnoses) ---

  private final ProcessDiagnoses diagnoses;

  @Override
  public CompletableFuture<io.github.vigil.diagnosis.Diagnosis> diagnose() {
    return diagnoses.onDemand();
  }

  @Override
  public java.util.Optional<io.github.vigil.diagnosis.Diagnosis> lastDiagnosis() {
    return diagnoses.last();
  }

  @Override
  public List<io.github.vigil.diagnosis.TreeMember> tree() {
    return diagnoses.tree();
  }

  /** The current (or last) run's number; supervision thread. */
  int currentRun() {
    return run;
  }

  @Override
  public String toString() {
    return "ProcessController{" + name + ", " + state + (pid > 0 ? ", pid " + pid : "") + "}";
  }

  // --- commands (any thread) -------------------------------------------------------------------

  CompletableFuture<ProcessStatus> startInternal(Origin origin, String reason) {
    return startInternal(origin, reason, -1, true);
  }

  /**
   * A start that is one step of a longer one (a {@code startAll()} waiting for dependencies, a group's
   * start or restart in declared order) begun when {@link #commandStops()} was {@code commandStopsThen}:
   * it gives way to a stop a command asked for meanwhile (a {@code stopAll()}, a stop of this process),
   * which it would otherwise undo.
   */
  CompletableFuture<ProcessStatus> startUnlessStoppedSince(long commandStopsThen, Origin origin, String reason) {
    return startInternal(origin, reason, commandStopsThen, true);
  }

  /**
   * {@link #startUnlessStoppedSince}, leaving the start limit as it is whatever the origin: {@code startAll()}'s start,
   * the application's ({@code API}), does not reset it as a {@code start()} of this process does.
   */
  CompletableFuture<ProcessStatus> startUnlessStoppedSinceKeepingStartLimit(long commandStopsThen, Origin origin, String reason) {
    return startInternal(origin, reason, commandStopsThen, false);
  }

  /** Stops asked by a command (a caller or the shutdown), counted. Supervision thread. */
  long commandStops() {
    return commandStops;
  }

  private CompletableFuture<ProcessStatus> startInternal(Origin origin, String reason, long unlessStoppedSince, boolean resetsStartLimit) {
    CompletableFuture<ProcessStatus> done = new CompletableFuture<>();
    IllegalStateException refused = refusal("start");
    if (refused != null) {
      done.completeExceptionally(refused);
      return done;
    }
    sup.onLoop(() -> {
      if (unlessStoppedSince >= 0 && commandStops != unlessStoppedSince) {
        log.atDebug().addKeyValue("process", name).log("Process {} not started ({}): stopped by a command since", name, reason);
        done.complete(status());
        return;
      }
      sup.publish(new SupervisorEvent.CommandIssued(name, sup.wallNow(), Command.START, origin, reason));
      if (resetsStartLimit) {
        resetStartLimitIfAsked(origin);
      }
      heldForStop = false;
      stopAnnounced = false;
      turnOf = null; // its turn came (or a start of its own): from WAITING it spawns now, or waits for a dependency
      switch (state) {
        case RUNNING -> done.complete(status());
        case STARTING -> startWaiters.add(done);
        default -> startOrQueue(done, origin, reason);
      }
    }, () -> done.completeExceptionally(sup.closedError("start of '" + name + "'")), e -> supervisionFailed(e, done));
    return done;
  }

  CompletableFuture<ProcessStatus> stopInternal(Origin origin, String reason) {
    CompletableFuture<ProcessStatus> done = new CompletableFuture<>();
    sup.onLoop(() -> {
      handDeadRunWork(); // what the last run left goes now: it is to stay down
      if (stopAnnounced && state == ProcessState.STOPPED) {
        stopAnnounced = false; // the stop of a stopAll() or close() that holdForStop already said and did
      } else {
        announceStop(origin, reason);
      }
      pendingStart = false;
      heldForStop = false;
      switch (state) {
        case STOPPED -> done.complete(status());
        case EXITED, CRASHED, FAILED -> {
          transition(ProcessState.STOPPED, origin, reason);
          done.complete(status());
        }
        case BACKOFF, WAITING -> {
          String waitedFor = whatItWaitedFor();
          cancel(restartTimer);
          restartTimer = null;
          transition(ProcessState.STOPPED, origin, reason);
          failStartWaiters(waitedFor);
          done.complete(status());
        }
        case STOPPING -> {
          stopWaiters.add(done);
          failStartWaiters("stopped before it was running"); // a restart or start that was waiting for this stop
        }
        case STARTING, RUNNING -> {
          stopWaiters.add(done);
          failStartWaiters("stopped before it was running");
          beginStop(origin, reason);
        }
      }
    }, () -> done.completeExceptionally(sup.closedError("stop of '" + name + "'")), e -> supervisionFailed(e, done));
    return done;
  }

  /** The {@link SupervisorEvent.CommandIssued} of a stop, counted as a command's stop where a person or the close asked. */
  private void announceStop(Origin origin, String reason) {
    stopAnnounced = false;
    sup.publish(new SupervisorEvent.CommandIssued(name, sup.wallNow(), Command.STOP, origin, reason));
    if (origin == Origin.API || origin == Origin.SHUTDOWN) {
      commandStops++;
    }
  }

  CompletableFuture<ProcessStatus> restartInternal(Origin origin, String reason) {
    CompletableFuture<ProcessStatus> done = new CompletableFuture<>();
    IllegalStateException refused = refusal("restart");
    if (refused != null) {
      done.completeExceptionally(refused);
      return done;
    }
    sup.onLoop(() -> {
      sup.publish(new SupervisorEvent.CommandIssued(name, sup.wallNow(), Command.RESTART, origin, reason));
      resetStartLimitIfAsked(origin);
      heldForStop = false;
      stopAnnounced = false;
      turnOf = null;
      if (state == ProcessState.STARTING || state == ProcessState.RUNNING) {
        failStartWaiters("restarted before it was running");
        startWaiters.add(done);
        pendingStart = true;
        beginStop(origin, reason);
      } else {
        startOrQueue(done, origin, reason);
      }
    }, () -> done.completeExceptionally(sup.closedError("restart of '" + name + "'")), e -> supervisionFailed(e, done));
    return done;
  }

  @Override
  public CompletionStage<ProcessStatus> restartDeferred(String reason) {
    java.util.Objects.requireNonNull(reason, "reason");
    return command("restartDeferred()", () -> restartDeferredInternal(reason));
  }

  /**
   * The policy's restart of a run that ended while supervision was off, done now: decided by the policy on the last exit
   * as at the exit (its delay aside: the deferral was the wait), counted and spawned as a restart after a backoff is.
   * None while supervision is still off, as at an exit then (the caller is told). Nothing but the decision and the
   * spawn's hand-over runs on the supervision thread.
   */
  private CompletableFuture<ProcessStatus> restartDeferredInternal(String reason) {
    CompletableFuture<ProcessStatus> done = new CompletableFuture<>();
    sup.onLoop(() -> {
      ExitInfo exit = lastExit;
      if ((state != ProcessState.CRASHED && state != ProcessState.EXITED) || exit == null || heldForStop) {
        // started, stopped or given up on meanwhile: no run ended unrestarted, nothing to restart; or held by a stop or by
        // its group's restart under way (another member's, deferred too), which stops it and starts it again itself
        log.atInfo().addKeyValue("process", name).log("Process {}: deferred restart ({}) not done: it is {}{}", name, reason, state,
            heldForStop ? ", held for a stop or its group's restart under way" : "");
        done.complete(status());
        return;
      }
      if (!supervisedOnLoop) {
        // as at an exit while supervision is off: no restart by the policy; the process stays as it is, and the caller hears why
        log.atWarn().addKeyValue("process", name).log("Process {}: deferred restart ({}) not done: supervision of it is off", name, reason);
        done.completeExceptionally(new ProcessOperationException("process '" + name + "' did not reach RUNNING: supervision is off, so "
            + "its deferred restart (" + reason + ") is not done; turn supervision on first", status()));
        return;
      }
      RestartPolicy policy = spec.restartPolicy();
      RestartDecision decision = policy.decide(exit, restartHistory, sup.now(), sup.settings.random());
      String unmet = decision instanceof RestartDecision.Stay ? null : unmetDependency();
      if (unmet != null) { // as at an exit: wait for the dependency, counting nothing (start limit, group) until it can start
        log.atInfo().addKeyValue("process", name).log("Process {}: deferred restart ({}) waits: its dependency is down", name, reason);
        startWaiters.add(done);
        enterWaiting(Origin.POLICY, "restart after " + exit.cause() + ", " + reason, true, unmet);
        return;
      }
      Group g = group;
      if (decision instanceof RestartDecision.Restart && g != null && g.childRestartedLate(this)) {
        // counted against its group's intensity as an immediate restart is (childEnded), past which the group escalated
        log.atInfo().addKeyValue("process", name).log("Process {}: deferred restart ({}) not done: its group {} escalated", name, reason, g.name());
        done.completeExceptionally(new ProcessOperationException("process '" + name + "' did not reach RUNNING: its group " + g.name()
            + " escalated", status()));
        return;
      }
      if (decision instanceof RestartDecision.Restart restart) {
        int attempt = restart.attempt();
        String why = "restart attempt " + attempt + " after " + exit.cause() + ", " + reason;
        startWaiters.add(done);
        String held = restartHold != null ? restartHoldWhy : null;
        if (held != null) {
          // its ONE_FOR_ALL group (just now, in childRestartedLate) starts the siblings declared before it first, as after an
          // immediate end: due, it waits in BACKOFF for the group's release, which runs it (or a stop of the group ends it)
          log.atInfo().addKeyValue("process", name).log("Process {}: {}; {}", name, why, held);
          heldRestart = () -> {
            if (state != ProcessState.BACKOFF || heldForStop || !maySpawn()) {
              return;
            }
            String down = unmetDependency();
            if (down != null) { // a dependency went down meanwhile: wait, and record no restart
              enterWaiting(Origin.POLICY, why, true, down);
              return;
            }
            spawnRestart(policy, attempt, why);
          };
          transition(ProcessState.BACKOFF, Origin.POLICY, heldDetail(why, Duration.ZERO, held));
          return;
        }
        log.atInfo().addKeyValue("process", name).log("Process {}: {}", name, why);
        spawnRestart(policy, attempt, why);
      } else if (decision instanceof RestartDecision.GiveUp giveUp) {
        startWaiters.add(done); // failed with the others: "did not reach RUNNING: failed: ..."
        gaveUp(giveUp, exit, "");
      } else {
        done.complete(status()); // its policy does not restart it after that exit
      }
    }, () -> done.completeExceptionally(sup.closedError("deferred restart of '" + name + "'")), e -> supervisionFailed(e, done));
    return done;
  }

  /**
   * A stopAll() or close() is under way and will stop this process in its turn (dependents first):
   * until then nothing is spawned for it. One waiting in BACKOFF is stopped at once (it has no run to
   * stop), and a run that ends meanwhile is not restarted. The stop is a command's from now
   * ({@link #commandStops()}): a start of several steps begun before (a group's restart, whose own stop of
   * this process ends {@link #heldForStop}, or a {@code startAll()}) gives way to it, as it does once the stop's
   * turn came. A group's restart started it again while the stop waited for its dependents. Supervision thread.
   */
  void holdForStop(Origin origin, String reason) {
    heldForStop = true;
    commandStops++;
    handDeadRunWork(); // before the close shuts the I/O threads (the listeners' hand-over may never come)
    if (state == ProcessState.BACKOFF || state == ProcessState.WAITING) {
      // stopped here, ahead of its turn: its command is said first, as every command's is before what it does (the
      // stop in its turn then says it no more); it was said after the StateChanged to STOPPED, in that turn
      announceStop(origin, reason);
      stopAnnounced = true;
      String waitedFor = whatItWaitedFor();
      cancel(restartTimer);
      restartTimer = null;
      transition(ProcessState.STOPPED, origin, reason);
      failStartWaiters(waitedFor);
    }
  }

  /**
   * Its group's restart will stop this process in its turn, then start it again, or a stop of its group (its own, an
   * escalation's, or a restart of a group around it) has begun: until that stop (or a command) nothing is spawned for
   * it, and a run that ends meanwhile is neither restarted by its policy nor counted again against any group's
   * intensity. As in OTP, where a restart is counted once ({@code add_restart}) and the exits of the children terminated
   * for it are taken in by {@code terminate_children}, not counted. Unlike {@link #holdForStop}, one in {@code BACKOFF}
   * or {@code WAITING} waits for the stop in its turn. Who starts it again after is the group whose restart or start
   * stands: one its group's stop superseded starts nothing ({@code Group.stopsBegun}). Supervision thread.
   */
  void holdForGroupStop() {
    heldForStop = true;
  }

  /** Why a start waiting in BACKOFF or WAITING failed when stopped: a start waiting for a dependency is no restart. */
  private String whatItWaitedFor() {
    return state == ProcessState.WAITING ? "stopped while " + detail : "stopped while waiting to restart";
  }

  /** An explicit start through the API resets the start limit, like {@code systemctl reset-failed}. */
  private void resetStartLimitIfAsked(Origin origin) {
    if (origin == Origin.API) {
      restartHistory = RestartHistory.empty();
    }
  }

  /** From a state without a live run: spawn now, or once the stop under way has finished. */
  private void startOrQueue(CompletableFuture<ProcessStatus> done, Origin origin, String reason) {
    startWaiters.add(done);
    if (state == ProcessState.STOPPING) {
      pendingStart = true;
      pendingOrigin = origin;
      pendingReason = reason;
      return;
    }
    if (state == ProcessState.BACKOFF) {
      cancel(restartTimer);
      restartTimer = null;
    }
    spawn(origin, reason, false);
  }

  // --- transitions (supervision thread) ---------------------------------------------------------

  private void transition(ProcessState to, Origin origin, String reason) {
    ProcessState from = state;
    if (from == to) {
      return;
    }
    state = to;
    detail = reason;
    version++;
    if (to != ProcessState.WAITING) {
      turnOf = null;
    }
    if (to == ProcessState.STOPPED || to == ProcessState.STARTING || to == ProcessState.FAILED) { // the restart held is over, one way or another
      restartHold = null;
      heldRestart = null;
      restartHoldWhy = null;
      heldBackoffWhy = null;
    }
    if (!runningWaiters.isEmpty() && (to == ProcessState.RUNNING || to == ProcessState.FAILED || to == ProcessState.STOPPED)) {
      List<CompletableFuture<Void>> w = new ArrayList<>(runningWaiters);
      runningWaiters.clear();
      ProcessOperationException e = to == ProcessState.RUNNING ? null
          : new ProcessOperationException("process '" + name + "' is " + to + " before it was running again", status());
      w.forEach(f -> {
        if (e == null) {
          f.complete(null);
        } else {
          f.completeExceptionally(e);
        }
      });
    }
    sup.publish(new SupervisorEvent.StateChanged(name, sup.wallNow(), from, to, origin, reason));
  }

  private void spawn(Origin origin, String reason, boolean byPolicy) {
    if (!byPolicy) { // asked for anew: a failure to start is news again
      lastStartFailure = null;
      startFailures = 0;
    }
    if (!maySpawn()) { // terminal: a removed process or a closing supervisor never gets a new run
      failStartWaiters(removal != null ? "process was removed" : "supervisor '" + sup.name() + "' is closed");
      if (!state.isActive() && state != ProcessState.STOPPED) {
        cancel(restartTimer);
        restartTimer = null;
        transition(ProcessState.STOPPED, Origin.SHUTDOWN, removal != null ? "removed" : "supervisor closed");
      }
      return;
    }
    if (pendingSpec != null) { // an update waiting for this start
      applySpec(pendingSpec);
      pendingSpec = null;
    }
    if (spawning || current != null) { // one run at a time: a second would be a process nobody tracks
      log.atWarn().addKeyValue("process", name).log("Process {}: a start ({}) while run {} is {}; not started twice", name, reason, run,
          spawning ? "being spawned" : "alive");
      return;
    }
    String unmet = unmetDependency();
    if (unmet != null) { // every start honours the dependencies, the policy's restarts included
      enterWaiting(origin, reason, byPolicy, unmet);
      return;
    }
    run++;
    int thisRun = run;
    policyRestart = byPolicy;
    stopRequested = false;
    killed = false;
    killedBefore = null;
    treeUnseenSinceNanos = -1;
    healthStop = null;
    Counters k = counters;
    counters = new Counters(k.starts() + 1, k.restarts() + (byPolicy ? 1 : 0), k.restartsSucceeded(), k.restartsFailed(),
        k.recoverNanos(), k.recoverCount(), k.uptimeNanos(), k.uptimeCount());
    transition(ProcessState.STARTING, origin, reason);
    runStartNanos = sup.now();
    Instant wallStart = sup.wallNow();
    startedAt = wallStart;
    if (envResolvedFor != spec) { // the JVM's environment never changes: resolved once per spec, not on every restart
      envResolved = Map.copyOf(spec.environment().resolve(System.getenv()));
      envResolvedFor = spec;
    }
    Map<String, String> env = envResolved;
    if (healthMonitor != null) { // health hook: NOTIFY_SOCKET for systemd notify checks
      env = healthMonitor.environment(env);
    }
    Path dir = spec.workingDirectory().orElse(null);
    ProcessSpec runSpec = spec;
    Map<String, String> runEnv = env;
    spawning = true;
    List<Runnable> before = new ArrayList<>(takeDeadRunWork()); // an earlier run's, held for its listeners, comes first
    before.addAll(beforeNextSpawn);
    beforeNextSpawn.clear();
    SpawnStamp stamp = new SpawnStamp();
    java.util.concurrent.atomic.AtomicBoolean beforeTaken = new java.util.concurrent.atomic.AtomicBoolean(before.isEmpty());
    Runnable runBefore = () -> { // once: by prepare, or on the I/O queue when the spawn failed without calling prepare
      if (!beforeTaken.compareAndSet(false, true)) {
        return;
      }
      for (Runnable r : before) { // each on its own, as on the I/O queue: a failed flush does not fail the spawn
        try {
          r.run();
        } catch (RuntimeException e) {
          log.atWarn().addKeyValue("process", name).setCause(e).log("Process {}: work before the next spawn failed", name);
        }
      }
    };
    java.util.concurrent.Callable<SpawnRequest> prepare = () -> {
      runBefore.run();
      Path exe;
      Map<String, String> spawnEnv = runEnv;
      if (sup.backend.hostStartChecks()) {
        StartChecks.checkDirectory(dir);
        exe = StartChecks.resolveExecutable(runSpec.command().get(0), dir, runEnv, lastHead);
        String pwd = StartChecks.pwdFor(runEnv.get("PWD"), dir); // PWD names the directory it runs in, on every backend
        if (pwd != null) {
          Map<String, String> withPwd = new java.util.HashMap<>(runEnv);
          withPwd.put("PWD", pwd);
          spawnEnv = withPwd;
        }
      } else { // the backend checks for itself (it spawns elsewhere, or is a fake)
        exe = Path.of(runSpec.command().get(0));
      }
      stamp.take(sup);
      return new SpawnRequest(name, runSpec.command(), dir, spawnEnv, exe, runSpec.labels());
    };
    Listener listener = new Listener(thisRun);
    String program = runSpec.command().get(0);
    AsyncSpawner async = sup.asyncSpawner;
    if (async != null && ioQueue.isIdle()) {
      // the backend forks on a thread of its own: handed straight to it, no I/O thread in between (one hop
      // from an exit to its restart); with none of this process's blocking work pending that it could overtake
      Runnable done = sup.beginOffLoop();
      CompletionStage<RunningProcess> stage;
      try {
        stage = async.spawn(prepare, listener);
      } catch (RuntimeException | Error e) { // an Error too (a class or native library missing): a failed start, never a lost one
        stage = CompletableFuture.failedFuture(e);
      }
      stage.whenComplete((proc, e) -> {
        try {
          if (e != null && !beforeTaken.get()) {
            // the spawner failed without calling prepare (it threw, or its own executor refused): the last run's output
            // flush and the look for what it left still happen, on the I/O queue, before a next spawn (queued behind it)
            ioQueue.execute(runBefore);
          }
          handOverSpawn(thisRun, stamp.wallOr(wallStart), byPolicy, proc, e == null ? null : spawnFailure(e, program), errorOf(e), stamp);
        } finally {
          done.run();
        }
      });
      return;
    }
    // the binary's lookup and the fork/exec can block (a slow disk, a busy backend): on an I/O thread,
    // so that every other process's supervision goes on meanwhile; the result comes back as a task
    ioQueue.execute(() -> {
      RunningProcess proc = null;
      String failure = null;
      Error error = null;
      try {
        proc = sup.backend.spawn(prepare.call(), listener);
      } catch (Exception e) {
        failure = spawnFailure(e, program);
      } catch (Error e) {
        // a backend's Error (NoClassDefFoundError, UnsatisfiedLinkError, an assertion; "unable to create native thread"
        // is an OutOfMemoryError) is this run's failure to start, decided by the policy as any other: not rethrown,
        // which would leave the run STARTING for good (the I/O queue logs it and goes on)
        failure = spawnFailure(e, program);
        error = e;
      }
      handOverSpawn(thisRun, stamp.wallOr(wallStart), byPolicy, proc, failure, error, stamp);
    });
  }

  /** The {@link Error} a spawn failed with ({@code e}, or the cause of a {@code CompletionException}), to be logged with its trace. */
  private static @Nullable Error errorOf(@Nullable Throwable e) {
    Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    return t instanceof Error error ? error : null;
  }

  /** Why a spawn failed, for its START_FAILED exit: the check's or the backend's own words where it has them. */
  private String spawnFailure(Throwable e, String program) {
    // one line: it goes into a log line, the exit's message and the journal, and a path in it may hold a newline
    return io.github.vigil.HumanFormat.commandLine(spawnFailureRaw(e, program));
  }

  private String spawnFailureRaw(Throwable e, String program) {
    Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    if (t instanceof StartChecks.Failure || t instanceof SpawnException) {
      return String.valueOf(t.getMessage());
    }
    if (t instanceof java.nio.file.InvalidPathException) {
      return "binary " + program + " is not a valid path";
    }
    return "backend " + sup.backend.name() + " failed: " + t;
  }

  /**
   * The spawn's result back to the supervision thread (queued, even from it: never re-entered from within spawn).
   *
   * @param error the {@link Error} the spawn failed with, if it did: its trace is logged with the failure
   */
  private void handOverSpawn(int thisRun, Instant wallStart, boolean byPolicy, @Nullable RunningProcess spawned, @Nullable String failed,
      @Nullable Error error, SpawnStamp stamp) {
    sup.onLoopLater(() -> spawned(thisRun, wallStart, stamp, byPolicy, spawned, failed, error), () -> {
      if (spawned != null) { // the supervisor ended meanwhile: leave nothing running
        spawned.signalTree(Signal.SIGKILL);
      }
    }, e -> {
      supervisionFailed(e, null); // its callers are told at once, with the cause
      try {
        handOverFailed(thisRun, wallStart, spawned, e);
      } catch (RuntimeException | Error again) {
        log.atError().addKeyValue("process", name).setCause(again).log("Process {}: ending run {} after its failed hand-over failed too", name,
            thisRun);
      }
    });
  }

  /**
   * The task that took over run {@code thisRun}'s spawn threw ({@code e}, logged at ERROR by the supervisor): when it
   * threw before the run was taken over (STARTING or STOPPING, no startup grace or stop under way) nothing would ever
   * move the process on. The run ends as a failed start then, naming {@code e}: what was spawned ({@code spawned}) is
   * killed first and waited for, {@link #LEFTOVER_GRACE} at most, on the I/O queue (a next run's spawn comes after it),
   * then the run's START_FAILED exit is decided as any other's (the policy restarts or gives up; a stop asked for
   * meanwhile ends STOPPED). Until then the run counts as being spawned: nothing else is spawned, an exit is held.
   * Supervision thread.
   */
  private void handOverFailed(int thisRun, Instant wallStart, @Nullable RunningProcess spawned, Throwable e) {
    if (thisRun != run || takenOver == thisRun || (state != ProcessState.STARTING && state != ProcessState.STOPPING)) {
      return; // the task got past the run's start (or ended it) before it threw: the run goes on or is over
    }
    spawning = true;
    exitWhileSpawning = null;
    cancel(graceTimer);
    graceTimer = null;
    current = null;
    pid = -1;
    upSinceNanos = 0;
    version++;
    String why = io.github.vigil.HumanFormat.commandLine("the hand-over of its spawn to supervision failed: " + e);
    log.atError().addKeyValue("process", name).log("Process {}: {}; run {} ends as a failed start{}", name, why, thisRun,
        spawned == null ? "" : " once what it spawned is killed");
    ioQueue.execute(() -> {
      if (spawned != null) {
        try {
          spawned.signalTree(Signal.SIGKILL);
          awaitLeftoversGone(spawned);
        } catch (RuntimeException x) {
          log.atWarn().addKeyValue("process", name).setCause(x).log("Process {}: killing run {} after its failed hand-over failed", name, thisRun);
        }
      }
      sup.onLoop(() -> {
        if (run != thisRun || current != null || !spawning) {
          return; // not expected: nothing else ends a run being spawned
        }
        spawning = false;
        exitWhileSpawning = null; // the kill's exit, if it was reported: this end is its
        if (state == ProcessState.STARTING || state == ProcessState.STOPPING) {
          startFailed(thisRun, wallStart, why, null);
        }
      }, () -> log.debug("End of run {} after close dropped", thisRun), x -> supervisionFailed(x, null));
    });
  }

  /**
   * The spawn of run {@code thisRun} came back (a process, or why not). Supervision thread.
   *
   * @param wallStart when the spawn began ({@code stamp}'s), or was asked for when it never began
   */
  private void spawned(int thisRun, Instant wallStart, SpawnStamp stamp, boolean byPolicy, @Nullable RunningProcess proc,
      @Nullable String failure, @Nullable Error error) {
    spawning = false;
    if (thisRun != run) { // not expected (no new run while one is spawning); never leave a process untracked
      if (proc != null) {
        ioQueue.execute(() -> proc.signalTree(Signal.SIGKILL));
      }
      return;
    }
    if (failure != null || proc == null) {
      exitWhileSpawning = null;
      startFailed(thisRun, wallStart, failure != null ? failure : "backend " + sup.backend.name() + " returned no process", error);
      return;
    }
    current = proc;
    pid = proc.pid();
    version++;
    if (stamp.taken()) { // the run began at its fork, not when it was asked for (it may have waited for an I/O thread)
      runStartNanos = stamp.nanos;
      startedAt = wallStart;
    }
    upSinceNanos = runStartNanos;
    addRun(new RunRecord(thisRun, proc.pid(), wallStart, null, null, null));
    // a restart by the policy was said at INFO when it was scheduled: its spawn is detail
    log.atLevel(byPolicy ? org.slf4j.event.Level.DEBUG : org.slf4j.event.Level.INFO).addKeyValue("process", name).addKeyValue("pid", proc.pid())
        .log("Started process {} (pid {}, run {})", name, proc.pid(), thisRun);
    sup.publish(new SupervisorEvent.Started(name, wallStart, proc.pid(), thisRun));
    if (state == ProcessState.STOPPING) { // a stop came while it was being spawned: it goes on now
      sendStop(proc);
    } else {
      if (healthMonitor != null) { // health hook: the run's checks begin
        // the run's own environment, as resolved at its start, and its directory (no update applies while a run is live)
        healthMonitor.runStarted(thisRun, proc.pid(), envResolved, spec.workingDirectory().orElse(null));
      }
      startGrace(thisRun);
    }
    takenOver = thisRun; // in its startup grace, running, or being stopped: a failure after this leaves nothing waiting on it
    Runnable early = exitWhileSpawning;
    exitWhileSpawning = null;
    if (early != null) {
      early.run();
    }
  }

  private void startGrace(int thisRun) {
    if (spec.startupGrace().isZero()) {
      becomeRunning();
    } else {
      graceTimer = sup.schedule(spec.startupGrace(), () -> {
        if (run == thisRun && state == ProcessState.STARTING) {
          becomeRunning();
        }
      });
    }
  }

  private void becomeRunning() {
    graceTimer = null;
    Counters k = counters;
    long recover = 0;
    long recoverCount = 0;
    Duration ttr = null;
    if (crashNanos >= 0) {
      recover = sup.now() - crashNanos;
      recoverCount = 1;
      ttr = Duration.ofNanos(recover);
      crashNanos = -1;
    }
    counters = new Counters(k.starts(), k.restarts(), k.restartsSucceeded() + (policyRestart ? 1 : 0), k.restartsFailed(),
        k.recoverNanos() + recover, k.recoverCount() + recoverCount, k.uptimeNanos(), k.uptimeCount());
    if (ttr != null) {
      RunRecord r = runs.pollLast();
      if (r != null) {
        addRun(new RunRecord(r.run(), r.pid(), r.startedAt(), r.endedAt(), r.exit(), ttr));
      }
    }
    lastStartFailure = null; // a run came up: the next failure to start is news again
    startFailures = 0;
    // publish RUNNING only once the counters and the history say so too: a listener reading them must see it
    transition(ProcessState.RUNNING, Origin.PROCESS, "up for its startup grace of " + io.github.vigil.HumanFormat.duration(spec.startupGrace()));
    ProcessStatus s = status();
    List<CompletableFuture<ProcessStatus>> waiters = new ArrayList<>(startWaiters);
    startWaiters.clear();
    waiters.forEach(w -> w.complete(s));
  }

  /** @param error the {@link Error} the spawn failed with, if it did: logged with its trace (at ERROR) when the failure is news */
  private void startFailed(int thisRun, Instant wallStart, String message, @Nullable Error error) {
    // the same failure again and again (a missing binary) is said once, then summed up when the policy gives up
    if (message.equals(lastStartFailure)) {
      startFailures++;
      log.atDebug().addKeyValue("process", name).log("Process {} could not start ({} times): {}", name, startFailures, message);
    } else {
      lastStartFailure = message;
      startFailures = 1;
      firstStartFailureNanos = sup.now();
      log.atLevel(error != null ? org.slf4j.event.Level.ERROR : org.slf4j.event.Level.WARN).addKeyValue("process", name).setCause(error)
          .log("Process {} could not start: {}", name, message);
    }
    RunRecord last = runs.peekLast();
    if (last == null || last.run() != thisRun) { // a run whose failed hand-over recorded its pid already has its record
      addRun(new RunRecord(thisRun, -1, wallStart, null, null, null));
    }
    ExitInfo exit = new ExitInfo(new Termination.Unknown("not started"), ExitCause.START_FAILED, Duration.ZERO, sup.wallNow(), message, -1);
    ended(thisRun, exit);
  }

  // while deciding: the child's environment as last resolved, and the spec it was resolved for
  private @Nullable ProcessSpec envResolvedFor;
  private Map<String, String> envResolved = Map.of();

  // supervision thread: the last failure to start and how often in a row, to say it once (quiet logs)
  private @Nullable String lastStartFailure;
  private int startFailures;
  private long firstStartFailureNanos;

  /** The end of a run that is not restarted: WARN when it failed (someone should look), INFO otherwise. */
  private void logEnded(ExitInfo exit, org.slf4j.event.Level level, String note) {
    log.atLevel(level).addKeyValue("process", name).log("Process {} ended: {}{}", name, exit, note);
  }

  /** A report from the backend, already on the supervision thread. */
  private void exited(int thisRun, Termination termination) {
    exited(thisRun, termination, false, -1);
  }

  /** As above; {@code oomKilled} when the backend saw the kernel's OOM killer end the run. */
  private void exited(int thisRun, Termination termination, boolean oomKilled, long memoryAtDeathBytes) {
    if (thisRun == run && current == null && spawning) { // reported before the spawn's result: after it
      exitWhileSpawning = () -> { // run by spawned(): its failure ends the run as the exit task's would
        try {
          exited(thisRun, termination, oomKilled, memoryAtDeathBytes);
        } catch (RuntimeException | Error e) {
          log.atError().addKeyValue("process", name).setCause(e).log("Process {}: deciding the exit of run {} failed", name, thisRun);
          exitFailed(thisRun, termination, oomKilled, memoryAtDeathBytes, e);
        }
      };
      return;
    }
    if (thisRun != run || current == null) {
      return;
    }
    OutputCollector out = output;
    beforeNextSpawn.add(out::flush); // file writes: off the supervision thread, before the next run's
    long runNanos = Math.max(0, sup.now() - runStartNanos);
    ExitCause cause = stopRequested ? ExitCause.KILLED_BY_SUPERVISOR
        : oomKilled ? ExitCause.OOM_KILLED : spec.restartPolicy().classify(termination);
    String message = stopRequested ? (stopBy.isEmpty() ? "stopped on request" : "stopped by supervision: " + stopBy) + killedNote()
        : oomKilled ? "killed by the kernel's out-of-memory killer" : "";
    if (healthStop != null && !oomKilled) { // health hook: a run stopped for its health ends as a failure
      cause = healthStopCause;
      message = healthStop + killedNote();
    }
    ExitInfo exit = new ExitInfo(termination, cause, Duration.ofNanos(runNanos), sup.wallNow(), message, memoryAtDeathBytes);
    Counters k = counters;
    counters = new Counters(k.starts(), k.restarts(), k.restartsSucceeded(), k.restartsFailed(), k.recoverNanos(), k.recoverCount(),
        k.uptimeNanos() + runNanos, k.uptimeCount() + 1);
    ended(thisRun, exit);
  }

  /**
   * Whether the restart policy the decision will apply (an update's, if one waits for this run's end) may restart
   * after {@code exit}; start limits and backoff aside, which only the decision knows.
   */
  private boolean restartMayFollow(ExitInfo exit) {
    if (exit.cause() == ExitCause.KILLED_BY_SUPERVISOR) {
      return false;
    }
    RestartPolicy policy = (pendingSpec != null ? pendingSpec : spec).restartPolicy();
    return switch (policy.mode()) {
      case NEVER -> false;
      case ON_FAILURE -> exit.cause().isFailure();
      case ALWAYS -> true;
    };
  }

  /** A run is over (exited or never started): record it, then stop, rest or restart. */
  private void ended(int thisRun, ExitInfo exit) {
    ended(thisRun, exit, false);
  }

  /** @param published its Exited was published already (by an exit task that failed after): decided without it again */
  private void ended(int thisRun, ExitInfo exit, boolean published) {
    endDeciding = thisRun;
    try {
      recordAndDecide(thisRun, exit, published);
    } finally { // no spawn followed at once: the dead run's work goes on its I/O queue once the listeners have the exit
      if (!beforeNextSpawn.isEmpty()) {
        holdDeadRunWork();
      }
    }
  }

  /** Holds the dead run's work ({@link #deadRunWork}) until the events published so far are handed to the listeners. */
  private void holdDeadRunWork() {
    handDeadRunWork(); // an earlier run's still held goes first (a spawn takes it: not expected)
    deadRunWork = List.copyOf(beforeNextSpawn);
    beforeNextSpawn.clear();
    deadRunCounted = sup.beginOffLoop();
    // with no listener this hands it over at once (onLoop runs inline while deciding); the close hands it in holdForStop
    if (sup.afterDelivered(() -> sup.onLoop(this::handDeadRunWork, () -> { })) && deadRunWork != null) {
      deadRunHeldSince = sup.now();
      sup.heldWorkBound().held(this, deadRunHeldSince);
    }
  }

  /**
   * The held work of a dead run onto {@link #ioQueue} if it is the hold that began at {@code since} and the listeners
   * still have it after {@code heldFor} ({@link HeldWorkBound}). Supervision thread.
   */
  void handOverHeldSince(long since, Duration heldFor) {
    if (deadRunWork != null && deadRunHeldSince == since) {
      log.atDebug().addKeyValue("process", name).log("Listeners still have the exit of {} after {}: its output's flush and "
          + "the look for what it left go now", name, HumanFormat.duration(heldFor));
      handDeadRunWork();
    }
  }

  /** The held work of a dead run onto {@link #ioQueue}, if any is still held. Supervision thread. */
  private void handDeadRunWork() {
    takeDeadRunWork().forEach(ioQueue::execute);
  }

  /** @return the held work of a dead run (none held any more), for the caller to run in order before anything else */
  private List<Runnable> takeDeadRunWork() {
    List<Runnable> work = deadRunWork;
    if (work == null) {
      return List.of();
    }
    deadRunWork = null;
    Runnable counted = deadRunCounted;
    deadRunCounted = null;
    if (counted != null) {
      counted.run(); // the task deciding this is counted until the caller has queued the work, which counts it then
    }
    return work;
  }

  private void recordAndDecide(int thisRun, ExitInfo exit, boolean published) {
    Scheduler.Cancellable grace = graceTimer;
    graceTimer = null;
    cancel(grace);
    boolean wasStarting = state == ProcessState.STARTING;
    if (!published) {
      lastExit = exit;
      RunRecord r = runs.pollLast();
      if (r != null && r.run() == thisRun) {
        addRun(new RunRecord(r.run(), r.pid(), r.startedAt(), exit.at(), exit, r.timeToRecover()));
      } else if (r != null) {
        addRun(r);
      }
      sup.publishExit(new SupervisorEvent.Exited(name, exit.at(), thisRun, exit), restartMayFollow(exit));
      endPublished = thisRun;
      diagnoses.afterEnd(thisRun, exit, wasStarting); // diagnosis hook (with the spec of the run that ended): off the supervision thread
    }
    if (pendingSpec != null) { // an update(NEXT_START) takes effect once the run it waited for is over
      applySpec(pendingSpec);
      pendingSpec = null;
    }
    if (healthMonitor != null) { // health hook: checks end with the run; its health change follows the Exited it comes from
      healthMonitor.runEnded("run " + thisRun + " ended: " + exit.cause());
    }
    if (policyRestart && wasStarting) {
      Counters k = counters;
      counters = new Counters(k.starts(), k.restarts(), k.restartsSucceeded(), k.restartsFailed() + 1, k.recoverNanos(),
          k.recoverCount(), k.uptimeNanos(), k.uptimeCount());
    }
    // health hook: a stop for health goes on to the restart policy, unless a command asked for a stop meanwhile
    boolean stopForHealth = healthStop != null && stopWaiters.isEmpty() && !pendingStart;
    if (state == ProcessState.STOPPING && !stopForHealth) {
      awaitTreeThenStop();
      return;
    }
    if (stopForHealth) {
      cancel(stopTimer);
      stopTimer = null;
      stopRequested = false;
    }
    RunningProcess old = current;
    current = null;
    if (old != null) { // the look for descendants reads /proc: off the supervision thread, before the next spawn
      beforeNextSpawn.add(() -> {
        if (old.isTreeAlive()) {
          // like systemd's KillMode=control-group: what the dead process left behind goes with it
          log.atWarn().addKeyValue("process", name).log("Process {} exited but left descendants running; killing them", name);
          old.signalTree(Signal.SIGKILL);
          awaitLeftoversGone(old);
        }
      });
    }
    boolean failure = exit.cause().isFailure();
    if (failure && crashNanos < 0) {
      crashNanos = sup.now();
    }
    transition(failure ? ProcessState.CRASHED : ProcessState.EXITED, Origin.PROCESS, exit.toString());
    pid = -1; // after the state, so that no status shows RUNNING without a pid
    upSinceNanos = 0; // no run is up: a restart's STARTING shows no uptime until its spawn returns
    version++;
    if (!supervisedOnLoop) {
      logEnded(exit, failure ? org.slf4j.event.Level.WARN : org.slf4j.event.Level.INFO, " (supervision is off)");
      failStartWaiters("ended while supervision is off: " + exit);
      return;
    }
    if (heldForStop || !maySpawn()) {
      failStartWaiters("ended while being stopped: " + exit);
      return;
    }
    RestartPolicy policy = spec.restartPolicy();
    RestartDecision decision = policy.decide(exit, restartHistory, sup.now(), sup.settings.random());
    if (!(decision instanceof RestartDecision.Stay)) {
      String unmet = unmetDependency();
      if (unmet != null) { // its dependency is down (likely why it ended): wait for it, using up no start limit, growing no backoff
        log.atInfo().addKeyValue("process", name).log("Process {} ended: {}; it restarts once its dependency is back", name, exit);
        enterWaiting(Origin.POLICY, "restart after " + exit.cause(), true, unmet);
        return;
      }
    }
    Group g = group;
    if (g != null && decision instanceof RestartDecision.Restart && g.childEnded(this, name)) {
      failStartWaiters("its group " + g.name() + " escalated"); // the group stops it, with the others
      return;
    }
    if (decision instanceof RestartDecision.Restart restart) {
      Duration delay = restart.delay();
      int attempt = restart.attempt();
      String why = "restart attempt " + attempt + " after " + exit.cause();
      // held by its ONE_FOR_ALL group (just now, in childEnded) until the siblings before it run: said so, not only the backoff
      String held = restartHold != null ? restartHoldWhy : null;
      // one line per restart, at INFO: the policy is doing its job; a repeated failure to start is said once
      boolean repeat = exit.cause() == ExitCause.START_FAILED && startFailures > 1;
      org.slf4j.event.Level level = repeat ? org.slf4j.event.Level.DEBUG : org.slf4j.event.Level.INFO;
      if (log.isEnabledForLevel(level)) { // its durations are formatted only when it is written: this is the restart's path
        log.atLevel(level).addKeyValue("process", name)
            .log("Process {} ended: {}; restart {} in {} (start limit {} per {}){}", name, exit, attempt,
                io.github.vigil.HumanFormat.duration(delay), policy.maxRestarts(), io.github.vigil.HumanFormat.period(policy.window()),
                held == null ? "" : "; " + held);
      }
      if (held == null) {
        transition(ProcessState.BACKOFF, Origin.POLICY, why + " in " + io.github.vigil.HumanFormat.duration(delay));
      } else {
        heldBackoffWhy = why;
        heldBackoffDueNanos = Durations.saturatedAdd(sup.now(), Durations.saturatedNanos(delay));
        transition(ProcessState.BACKOFF, Origin.POLICY, heldDetail(why, delay, held));
      }
      sup.publish(new SupervisorEvent.RestartScheduled(name, sup.wallNow(), attempt, delay, exit));
      Runnable[] self = new Runnable[1];
      Runnable restartNow = () -> {
        restartTimer = null;
        if (state != ProcessState.BACKOFF || heldForStop || !maySpawn()) {
          return;
        }
        if (restartHold != null) { // due, but its group is still starting the siblings before it: it runs when released
          heldRestart = self[0];
          String waitingFor = restartHoldWhy;
          if (waitingFor != null && state == ProcessState.BACKOFF) { // its backoff is over: only the siblings hold it now
            setDetail(heldDetail(why, Duration.ZERO, waitingFor));
          }
          return;
        }
        String unmet = unmetDependency();
        if (unmet != null) { // a dependency went down during the backoff: wait, and record no restart
          enterWaiting(Origin.POLICY, why, true, unmet);
          return;
        }
        spawnRestart(policy, attempt, why);
      };
      self[0] = restartNow;
      if (delay.isZero() && exit.cause() != ExitCause.START_FAILED) {
        restartNow.run(); // no timer hop: crash-to-restart latency is the spawn alone
      } else if (delay.isZero()) {
        sup.onLoopLater(restartNow); // a failed start would otherwise recurse into the next one
      } else {
        try {
          restartTimer = sup.schedule(delay, restartNow);
        } catch (RuntimeException | Error e) { // the injected scheduler threw: no timer would ever end this backoff
          restartNotScheduled(exit, attempt, delay, e);
        }
      }
    } else if (decision instanceof RestartDecision.GiveUp giveUp) {
      String repeated = startFailures > 1 ? " (failed to start " + startFailures + " times in "
          + io.github.vigil.HumanFormat.duration(Duration.ofNanos(Math.max(0, sup.now() - firstStartFailureNanos)))
          + (giveUp.reason().contains(String.valueOf(lastStartFailure)) ? "" : ": " + lastStartFailure) + ")"
          : "";
      gaveUp(giveUp, exit, repeated);
    } else {
      logEnded(exit, failure ? org.slf4j.event.Level.WARN : org.slf4j.event.Level.INFO, "");
      failStartWaiters("ended: " + exit);
    }
  }

  /**
   * The policy's restart, due now (after its backoff, or deferred to now): recorded in the restart history (the start
   * limit) and spawned, counted as a restart. Supervision thread.
   */
  private void spawnRestart(RestartPolicy policy, int attempt, String why) {
    int keep = (int) Math.min(Integer.MAX_VALUE, policy.maxRestarts() + 1L); // Integer.MAX_VALUE: no start limit
    restartHistory = restartHistory.withRestart(sup.now(), attempt, policy.window().toNanos(), keep);
    spawn(Origin.POLICY, why, true);
  }

  /**
   * The injected scheduler threw ({@code e}) when asked for the timer of restart {@code attempt}'s backoff: nothing would
   * ever end that BACKOFF. Rather than restart at once (a broken scheduler would turn a crash loop's backoff into none),
   * the process gives up as at its start limit: FAILED naming the cause, said at ERROR under the process key with it,
   * its start waiters failed and its group told; a start runs it again. Supervision thread.
   */
  private void restartNotScheduled(ExitInfo exit, int attempt, Duration delay, Throwable e) {
    restartTimer = null;
    String reason = "restart attempt " + attempt + " in " + io.github.vigil.HumanFormat.duration(delay)
        + " could not be scheduled: " + e;
    log.atError().addKeyValue("process", name).setCause(e).log("Process {}: the scheduler refused the timer of its restart", name);
    gaveUp(new RestartDecision.GiveUp(reason), exit, "");
  }

  /**
   * The policy gave up after {@code exit} (its start limit): FAILED, said ({@code more} ends the log line), the start
   * waiters failed, and its group told. Supervision thread.
   */
  private void gaveUp(RestartDecision.GiveUp giveUp, ExitInfo exit, String more) {
    log.atError().addKeyValue("process", name).log("Process {} failed: {}{}", name, giveUp.reason(), more);
    transition(ProcessState.FAILED, Origin.POLICY, giveUp.reason());
    sup.publish(new SupervisorEvent.Failed(name, sup.wallNow(), giveUp.reason(), exit));
    diagnoses.afterGaveUp(run, exit); // diagnosis hook: a crash loop none of whose runs was diagnosed; off the supervision thread
    failStartWaiters("failed: " + giveUp.reason());
    Group g = group;
    if (g != null) { // a child that cannot be kept running is its group's failure: counted, restarted by the group, or escalated
      g.childFailed(this);
    }
  }

  private void beginStop(Origin origin, String reason) {
    RunningProcess proc = current;
    cancel(graceTimer);
    graceTimer = null;
    if (healthMonitor != null) { // health hook: no checks while stopping
      healthMonitor.runStopping();
    }
    transition(ProcessState.STOPPING, origin, reason);
    stopRequested = true;
    // a stop supervision made (a group's restart strategy, a dependency's end) says so: it was not asked for
    stopBy = origin == Origin.POLICY || origin == Origin.DEPENDENCY ? reason : "";
    killDeadlineNanos = Durations.saturatedAdd(sup.now(), Durations.saturatedNanos(spec.stopTimeout()));
    if (proc == null) {
      return; // still being spawned: spawned() sends the stop once the process exists
    }
    log.atInfo().addKeyValue("process", name).addKeyValue("pid", proc.pid())
        .log("Stopping process {} (pid {}) with {} ({})", name, proc.pid(), spec.stopSignal(), reason);
    sendStop(proc);
  }

  /**
   * Sends the stop signal (off the supervision thread: finding descendants and signalling can block) and arms the stop
   * timeout. When sending it throws, the stop goes on to SIGKILL at once, as its timeout would: the run may never hear it.
   */
  private void sendStop(RunningProcess proc) {
    Signal stopSignal = spec.stopSignal();
    // asked now: the backend may find the tree by a look it took after now, shared with the stops asked with this one
    long asked = System.nanoTime();
    int thisRun = run;
    signalOffLoop(proc, stopSignal, asked, e -> {
      if (run == thisRun && state == ProcessState.STOPPING && current == proc && !killed) {
        log.atError().addKeyValue("process", name).setCause(e).log("Process {}: sending {} to stop it failed", name, stopSignal);
        killedBefore = stopSignal + " could not be sent";
        killTree("could not be sent " + stopSignal + " (" + e + ")");
      }
    });
    stopTimer = sup.schedule(spec.stopTimeout(), () -> {
      if (run == thisRun && state == ProcessState.STOPPING) {
        killTree("did not stop within " + io.github.vigil.HumanFormat.duration(spec.stopTimeout()));
      }
    });
  }

  /** How an exit's message says that its stop killed it: "" when it did not. */
  private String killedNote() {
    if (!killed) {
      return "";
    }
    String before = killedBefore;
    return before != null ? " (killed: " + before + ")"
        : " (killed after the stop timeout of " + io.github.vigil.HumanFormat.duration(spec.stopTimeout()) + ")";
  }

  /**
   * SIGKILL to the current run's tree, once in a stop. When sending it throws, the run may be running still: the stop's
   * callers are told, with the cause (the state stays STOPPING, which it is); the stop's timeout or its next tree check
   * tries again, and the run's exit, once heard, ends the stop as ever. Supervision thread.
   */
  private void killTree(String why) {
    RunningProcess proc = current;
    if (proc != null && !killed) {
      killed = true;
      log.atWarn().addKeyValue("process", name).log("Process {} {}; sending SIGKILL to it and its descendants", name, why);
      long asked = System.nanoTime();
      int thisRun = run;
      signalOffLoop(proc, Signal.SIGKILL, asked, e -> {
        if (run == thisRun && current == proc) {
          killed = false; // not sent: the next try sends it again
          log.atError().addKeyValue("process", name).setCause(e).log("Process {}: sending SIGKILL to it and its descendants failed; "
              + "it may be running still ({})", name, state);
          if (state == ProcessState.STOPPING) {
            supervisionFailed(e, null);
          }
        }
      });
    }
  }

  /**
   * {@code signal} to {@code proc}'s tree on the I/O queue; when the backend throws, {@code ifFailed} runs with the error
   * on the supervision thread (its run may be over by then: it checks).
   */
  private void signalOffLoop(RunningProcess proc, Signal signal, long asked, java.util.function.Consumer<Throwable> ifFailed) {
    ioQueue.execute(() -> {
      try {
        proc.signalTree(signal, asked);
      } catch (RuntimeException | Error e) {
        sup.onLoop(() -> ifFailed.accept(e), () -> { });
      }
    });
  }

  /** The main process is gone; wait for its descendants (they got the stop signal too), then STOPPED. */
  private void awaitTreeThenStop() {
    RunningProcess proc = current;
    if (proc == null) {
      finishStop();
      return;
    }
    int thisRun = run;
    long asked = System.nanoTime(); // the trees of the runs that ended with this one: one look at /proc for them all
    ioQueue.execute(() -> { // isTreeAlive reads /proc: on an I/O thread, the answer back as a task
      boolean alive;
      try {
        alive = proc.isTreeAlive(asked);
      } catch (RuntimeException | Error e) {
        sup.onLoop(() -> {
          if (run == thisRun && state == ProcessState.STOPPING && current == proc) {
            treeCheckFailed(e);
          }
        }, () -> { });
        return;
      }
      sup.onLoop(() -> {
        if (run == thisRun && state == ProcessState.STOPPING && current == proc) {
          treeUnseenSinceNanos = -1;
          treeChecked(proc, alive);
        }
      }, () -> { });
    });
  }

  /**
   * The check of the stopped run's tree threw ({@code e}): what the run left is not known, so it gets SIGKILL at once, as
   * at the stop's timeout, and the tree is checked again; a tree that cannot be checked for {@link #KILL_GRACE} is given
   * up on as one that survives SIGKILL is: STOPPED (its run's exit was heard). Said at ERROR, once in a stop. Supervision
   * thread.
   */
  private void treeCheckFailed(Throwable e) {
    long now = sup.now();
    if (treeUnseenSinceNanos < 0) {
      treeUnseenSinceNanos = now;
      log.atError().addKeyValue("process", name).setCause(e).log("Process {}: checking for its descendants after its exit failed", name);
      killTree("could not have its descendants checked (" + e + ")");
    } else {
      log.atDebug().addKeyValue("process", name).log("Process {}: checking for its descendants failed again: {}", name, e.toString());
      killTree("could not have its descendants checked (" + e + ")"); // again only when its SIGKILL could not be sent
    }
    if (now >= Durations.saturatedAdd(treeUnseenSinceNanos, KILL_GRACE.toNanos())) {
      log.atError().addKeyValue("process", name).log("Descendants of {} could not be checked for {} ({}); giving up on them", name,
          io.github.vigil.HumanFormat.duration(KILL_GRACE), e.toString());
      finishStop();
      return;
    }
    int thisRun = run;
    sup.schedule(TREE_POLL, () -> {
      if (run == thisRun && state == ProcessState.STOPPING) {
        awaitTreeThenStop();
      }
    });
  }

  private void treeChecked(RunningProcess proc, boolean alive) {
    if (alive) {
      long now = sup.now();
      if (now >= killDeadlineNanos) {
        killTree("left descendants running past the stop timeout");
      }
      if (killed && now >= Durations.saturatedAdd(killDeadlineNanos, KILL_GRACE.toNanos())) {
        log.atError().addKeyValue("process", name).log("Descendants of {} survive SIGKILL; giving up on them", name);
      } else {
        int thisRun = run;
        sup.schedule(TREE_POLL, () -> {
          if (run == thisRun && state == ProcessState.STOPPING) {
            awaitTreeThenStop();
          }
        });
        return;
      }
    }
    finishStop();
  }

  /** The run and what it left are gone (or given up on): STOPPED, then a start that waited for it. */
  private void finishStop() {
    cancel(stopTimer);
    stopTimer = null;
    current = null;
    stopRequested = false;
    transition(ProcessState.STOPPED, Origin.PROCESS, "stopped");
    pid = -1; // after the state, as in ended()
    upSinceNanos = 0;
    version++;
    log.atInfo().addKeyValue("process", name).log("Process {} stopped", name);
    ProcessStatus s = status();
    List<CompletableFuture<ProcessStatus>> waiters = new ArrayList<>(stopWaiters);
    stopWaiters.clear();
    waiters.forEach(w -> w.complete(s));
    if (state != ProcessState.STOPPED) { // a stop waiter started it again (a group restarting its children): that start serves
      pendingStart = false;              // a pending one too, and its waiters wait for it (found by EngineModelTest, seed 809)
      return;
    }
    if (pendingStart) {
      pendingStart = false;
      Origin o = pendingOrigin;
      String r = pendingReason;
      pendingOrigin = Origin.API;
      pendingReason = "start after stop";
      spawn(o, r, false); // refuses (and fails the waiters) once removed or closing; waits for dependencies
    } else {
      failStartWaiters("stopped before it was running"); // e.g. stopped for its dependency's end (OnExit.STOP)
    }
  }

  /**
   * A liveness check with action RESTART became unhealthy, or a resource rule with action RESTART was
   * broken, in run {@code forRun}: stop the run like any stop (stop signal, stop timeout, SIGKILL); it
   * ends with {@code cause} ({@link ExitCause#HEALTH_CHECK_FAILED} or {@link ExitCause#RESOURCE_LIMIT})
   * and the restart policy decides what follows. Supervision thread.
   */
  void restartForHealth(int forRun, String reason, ExitCause cause) {
    if (forRun != run || current == null || (state != ProcessState.STARTING && state != ProcessState.RUNNING)) {
      return;
    }
    if (!supervisedOnLoop) {
      log.atWarn().addKeyValue("process", name).log("Process {} is unhealthy but supervision is off: not restarting ({})", name, reason);
      return;
    }
    sup.publish(new SupervisorEvent.CommandIssued(name, sup.wallNow(), Command.RESTART, Origin.HEALTH_CHECK, reason));
    healthStop = reason;
    healthStopCause = cause;
    beginStop(Origin.HEALTH_CHECK, reason);
  }

  /**
   * Holds this process's next policy restart (the one its current end will schedule) until
   * {@link #releaseRestart(Object)} with the same {@code token}: a {@code ONE_FOR_ALL} group starts the
   * siblings declared before it first, as OTP starts all children in declared order. Its backoff still
   * runs meanwhile. While held, its detail (and the {@code StateChanged} into {@code BACKOFF}, and the log line of the
   * restart) says {@code waitingFor}, and the backoff left; once released, as any restart's.
   *
   * @param waitingFor for what it waits, in words: {@code waiting for a to be RUNNING (group g ...)}
   */
  void holdRestart(Object token, String waitingFor) {
    restartHold = token;
    heldRestart = null;
    restartHoldWhy = waitingFor;
    heldBackoffWhy = null;
  }

  /**
   * The detail of a restart held by its group: its own words, the backoff left (none: due), and for what it waits,
   * as {@code restart attempt 2 after CRASHED in 5.00 s at the earliest: waiting for a to be RUNNING (group g ...)}.
   */
  private static String heldDetail(String why, Duration backoffLeft, String waitingFor) {
    return why + (backoffLeft.isZero() ? "" : " in " + io.github.vigil.HumanFormat.duration(backoffLeft) + " at the earliest") + ": " + waitingFor;
  }

  /** A new detail in the same state (no event, as a WAITING start's). Supervision thread. */
  private void setDetail(String d) {
    if (!d.equals(detail)) {
      detail = d;
      version++;
    }
  }

  /**
   * Ends the hold of {@link #holdRestart(Object)}: a restart that came due meanwhile runs now, else its
   * timer runs it when due. Completes once the process is RUNNING; fails if it rests in another state.
   */
  CompletableFuture<Void> releaseRestart(Object token) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    sup.onLoop(() -> {
      if (restartHold == token) {
        restartHold = null;
        restartHoldWhy = null;
        Runnable r = heldRestart;
        heldRestart = null;
        String backoffWhy = heldBackoffWhy;
        heldBackoffWhy = null;
        if (r != null) {
          r.run();
        } else if (backoffWhy != null && state == ProcessState.BACKOFF) { // its backoff runs on: said as any restart's, with the time left
          setDetail(backoffWhy + " in " + io.github.vigil.HumanFormat.duration(Duration.ofNanos(Math.max(0, Durations.saturatedSub(heldBackoffDueNanos, sup.now())))));
        }
      }
      switch (state) {
        case RUNNING -> f.complete(null);
        case BACKOFF, STARTING, WAITING, STOPPING -> runningWaiters.add(f);
        default -> f.completeExceptionally(new ProcessOperationException("process '" + name + "' is " + state + " before it was running again", status()));
      }
    }, () -> f.completeExceptionally(sup.closedError("group restart of '" + name + "'")));
    return f;
  }

  /** Completes once the process is RUNNING (at once if it is); fails if it is STOPPED or FAILED first. */
  CompletableFuture<Void> whenRunning() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    sup.onLoop(() -> {
      if (state == ProcessState.RUNNING) {
        f.complete(null);
      } else {
        runningWaiters.add(f);
      }
    }, () -> f.completeExceptionally(sup.closedError("group restart of '" + name + "'")));
    return f;
  }

  // --- dependencies (supervision thread) ------------------------------------------------------

  /** Null when every dependency meets its condition now; else what this process waits for. */
  private @Nullable String unmetDependency() {
    for (Dependency d : spec.dependencies()) {
      ManagedProcess dep = sup.process(d.name());
      if (dep == null) {
        continue; // cannot be removed while depended on; gone only at close
      }
      ProcessState s = dep.state;
      if (d.condition() == Dependency.Condition.HEALTHY) {
        HealthState h = dep.healthMonitor == null ? HealthState.UNKNOWN : dep.healthMonitor.state();
        if (h != HealthState.HEALTHY || !(s == ProcessState.STARTING || s == ProcessState.RUNNING)) {
          return "waiting for " + d.name() + " to be HEALTHY (it is " + s + ", health " + h + ")";
        }
      } else if (s != ProcessState.RUNNING) {
        return "waiting for " + d.name() + " to be RUNNING (it is " + s + ")";
      }
    }
    return null;
  }

  /**
   * A start of {@code group} in declared order will start this process once {@code before} is {@code RUNNING}:
   * until then it is {@code WAITING}, its detail saying for what (it was {@code STOPPED} with no detail). Only from a
   * resting state without a run or a start on its way. Supervision thread.
   */
  void awaitTurn(Group group, String before, Origin origin) {
    String why = "waiting for " + before + " to be RUNNING (group " + group.name() + " starts its members in declared order)";
    switch (state) {
      case STOPPED, EXITED, CRASHED, FAILED -> {
        if (!heldForStop) {
          turnOf = group;
          transition(ProcessState.WAITING, origin, why);
        }
      }
      case WAITING -> {
        if (turnOf != null) { // a nested group's start names the member before it in that group
          turnOf = group;
          detail = why;
          version++;
        }
      }
      default -> { }
    }
  }

  /** {@code group}'s start ended before it reached this process ({@code why}): back to {@code STOPPED}. Supervision thread. */
  void turnLost(Group group, String why) {
    if (state == ProcessState.WAITING && turnOf == group) {
      transition(ProcessState.STOPPED, Origin.DEPENDENCY, why);
    }
  }

  private void enterWaiting(Origin origin, String reason, boolean byPolicy, String unmet) {
    waitOrigin = origin;
    waitReason = reason;
    waitByPolicy = byPolicy;
    cancel(restartTimer);
    restartTimer = null;
    if (state == ProcessState.WAITING) {
      detail = unmet;
      version++;
      return;
    }
    log.atInfo().addKeyValue("process", name).log("Process {} {}", name, unmet);
    transition(ProcessState.WAITING, Origin.DEPENDENCY, unmet);
  }

  /**
   * A start waiting in WAITING for its dependencies: spawns now if they all meet their conditions, else says in its
   * detail for what it waits. Returns that, or null when it spawned. Supervision thread.
   */
  private @Nullable String goOnOrWait() {
    String unmet = unmetDependency();
    if (unmet == null) {
      spawn(waitOrigin, waitReason + "; dependencies ready", waitByPolicy);
    } else {
      detail = unmet;
      version++;
    }
    return unmet;
  }

  /**
   * A process this one depends on changed state or health (the event says how). A start waiting for
   * it goes on once every dependency meets its condition; a running process applies its
   * {@link Dependency.OnExit} when the dependency's run ended.
   */
  void dependencyMoved(SupervisorEvent event) {
    if (state == ProcessState.WAITING) {
      if (heldForStop || turnOf != null || !maySpawn()) { // one waiting for its turn in a group is started by the group
        return;
      }
      String unmet = goOnOrWait();
      if (unmet != null && event instanceof SupervisorEvent.StateChanged sc && (sc.to() == ProcessState.FAILED || sc.to() == ProcessState.STOPPED)) {
        // a caller waiting for this start learns now; the process itself keeps waiting for the dependency
        failStartWaiters("dependency " + sc.process() + " is " + sc.to() + ": " + unmet);
      }
      return;
    }
    if (!(event instanceof SupervisorEvent.StateChanged sc) || (sc.to() != ProcessState.CRASHED && sc.to() != ProcessState.EXITED)
        || (state != ProcessState.STARTING && state != ProcessState.RUNNING)) {
      return;
    }
    Dependency d = spec.dependencies().stream().filter(x -> x.name().equals(event.process())).findFirst().orElse(null);
    if (d == null || d.onExit() == Dependency.OnExit.KEEP) {
      return;
    }
    String why = "dependency " + d.name() + " ended (" + sc.reason() + ")";
    sup.publish(new SupervisorEvent.CommandIssued(name, sup.wallNow(), d.onExit() == Dependency.OnExit.RESTART ? Command.RESTART : Command.STOP,
        Origin.DEPENDENCY, why + "; onExit " + d.onExit()));
    if (d.onExit() == Dependency.OnExit.RESTART) {
      pendingStart = true;
      pendingOrigin = Origin.DEPENDENCY;
      pendingReason = "restart with " + d.name();
    }
    beginStop(Origin.DEPENDENCY, why);
  }

  /**
   * A supervision task of this process threw ({@code e}, logged at ERROR by the supervisor): a backend's call on the
   * supervision thread, or a fault of the engine's. The transition it was to make may never come, so every caller waiting
   * for this process to run or to stop (and {@code command}'s own, if one) is told now, with {@code e} as the cause,
   * rather than left waiting for good. Supervision thread.
   */
  private void supervisionFailed(Throwable e, @Nullable CompletableFuture<ProcessStatus> command) {
    ProcessStatus s = status();
    ProcessOperationException error = new ProcessOperationException("process '" + name + "': a supervision task failed ("
        + e + "); its state may be stale: " + s.state(), s, e);
    List<CompletableFuture<ProcessStatus>> waiters = new ArrayList<>(startWaiters);
    waiters.addAll(stopWaiters);
    startWaiters.clear();
    stopWaiters.clear();
    if (command != null) {
      waiters.add(command);
    }
    waiters.forEach(w -> w.completeExceptionally(error));
    List<CompletableFuture<Void>> running = new ArrayList<>(runningWaiters);
    runningWaiters.clear();
    running.forEach(w -> w.completeExceptionally(error));
  }

  /**
   * The task deciding run {@code thisRun}'s exit threw ({@code e}, logged at ERROR by the supervisor; a backend's
   * report it could not read, a hook or a fault of the engine's). The run is over all the same: when the task threw
   * before the run's end was carried through (the process still holds it: STARTING, RUNNING or STOPPING with a dead
   * run, which nothing would ever move on) it ends now as a failure naming {@code e} (the restart policy decides; a stop
   * asked for ends STOPPED), its Exited published once, logged at ERROR under the process's name; its waiters are
   * completed as for any end, and its later reports find the run ended. Otherwise (or when that fails too) whoever waits
   * for this process is told at once ({@link #supervisionFailed}). Supervision thread.
   */
  private void exitFailed(int thisRun, @Nullable Termination termination, boolean oomKilled, long memoryAtDeathBytes, Throwable e) {
    boolean ended;
    try {
      ended = endAfterFailedExit(thisRun, termination, oomKilled, memoryAtDeathBytes, e);
    } catch (RuntimeException | Error again) {
      log.atError().addKeyValue("process", name).setCause(again).log("Process {}: ending run {} after its exit's failed decision failed too",
          name, thisRun);
      ended = false;
    }
    if (!ended) { // its state may be stale: whoever waits for this process is told now, with the cause
      supervisionFailed(e, null);
    }
  }

  /** @return whether it ended run {@code thisRun} (its waiters are then completed as for any end), false when it was not for it to */
  private boolean endAfterFailedExit(int thisRun, @Nullable Termination termination, boolean oomKilled, long memoryAtDeathBytes, Throwable e) {
    if (thisRun != run || current == null) {
      return false; // a later run, or the decision got past the run's end (or the exit waits for its spawn's hand-over)
    }
    String why = io.github.vigil.HumanFormat.commandLine("deciding its exit failed: " + e);
    boolean published = endPublished == thisRun && lastExit != null;
    ExitInfo exit;
    if (published) {
      exit = lastExit;
    } else {
      long runNanos = Math.max(0, sup.now() - runStartNanos);
      // the exit as far as it is known: a failure (unless a stop was asked), as what ended it could not be decided
      ExitCause cause = stopRequested ? ExitCause.KILLED_BY_SUPERVISOR : oomKilled ? ExitCause.OOM_KILLED : ExitCause.ERROR_EXIT;
      Termination t = termination != null ? termination : new Termination.Unknown("not reported by backend " + sup.backend.name());
      exit = new ExitInfo(t, cause, Duration.ofNanos(runNanos), sup.wallNow(), (stopRequested ? "stopped on request; " : "") + why,
          memoryAtDeathBytes);
      if (endDeciding != thisRun) { // its uptime, unless the failed decision counted it
        Counters k = counters;
        counters = new Counters(k.starts(), k.restarts(), k.restartsSucceeded(), k.restartsFailed(), k.recoverNanos(), k.recoverCount(),
            k.uptimeNanos() + runNanos, k.uptimeCount() + 1);
      }
      OutputCollector out = output;
      beforeNextSpawn.add(out::flush);
    }
    log.atError().addKeyValue("process", name).log("Process {}: {}; run {} ends as {}", name, why, thisRun, exit.cause());
    ended(thisRun, exit, published);
    return true;
  }

  private void failStartWaiters(String why) {
    if (startWaiters.isEmpty()) {
      return;
    }
    ProcessStatus s = status();
    List<CompletableFuture<ProcessStatus>> waiters = new ArrayList<>(startWaiters);
    startWaiters.clear();
    ProcessOperationException e = new ProcessOperationException("process '" + name + "' did not reach RUNNING: " + why, s);
    waiters.forEach(w -> w.completeExceptionally(e));
  }

  private void addRun(RunRecord r) {
    runs.addLast(r);
    while (runs.size() > HISTORY_LIMIT) {
      runs.removeFirst();
    }
    runsView = List.copyOf(runs);
  }

  private static void cancel(Scheduler.@Nullable Cancellable c) {
    if (c != null) {
      c.cancel();
    }
  }

  /**
   * Last resort at close: SIGKILLs whatever of this process is left, from any thread, without waiting.
   *
   * @return the run signalled, to wait for with {@link #awaitGone}, or null when nothing was left
   */
  @Nullable RunningProcess killNow() {
    RunningProcess proc = current;
    if (proc != null && proc.isTreeAlive()) {
      log.atWarn().addKeyValue("process", name).log("Killing process {} at close", name);
      proc.signalTree(Signal.SIGKILL);
      return proc;
    }
    return null;
  }

  /**
   * When a run's spawn began: taken on the thread that spawns, just before the backend forks, after what waited before
   * it (an I/O thread's turn, the look for what the last run left, the start checks). A run's start, its uptime and its
   * end's run duration count from it: taken when the start was asked for, they counted a wait for the I/O threads too
   * (a black-box run: a program that dies at once read "exit 1 after 862 ms" on its first run, 24 to 84 ms later).
   */
  private static final class SpawnStamp {
    volatile long nanos;
    volatile @Nullable Instant wall;

    void take(DefaultSupervisor sup) {
      nanos = sup.now();
      wall = sup.wallNow();
    }

    boolean taken() {
      return wall != null;
    }

    Instant wallOr(Instant requested) {
      Instant w = wall;
      return w != null ? w : requested;
    }
  }

  /**
   * Waits, {@link #LEFTOVER_GRACE} at most, until what a dead run left is gone after its {@code SIGKILL}, before the next
   * spawn or the end of the look: a killed process frees its memory before it closes its sockets (50 to 75 ms for
   * 300 MB here), and a restart that went on at once found its port still held by the dying leftover ("Address already
   * in use"). Only where something was left, which is said at WARN: a run that left nothing waits for nothing.
   */
  private void awaitLeftoversGone(RunningProcess old) {
    long deadline = System.nanoTime() + LEFTOVER_GRACE.toNanos();
    while (old.isTreeAlive()) {
      if (System.nanoTime() - deadline > 0) {
        log.atWarn().addKeyValue("process", name).log("Process {}: what its last run left is still running {} after SIGKILL; "
            + "going on without it", name, HumanFormat.duration(LEFTOVER_GRACE));
        return;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(LEFTOVER_POLL_NANOS);
    }
  }

  /**
   * Waits until the trees of {@code killed} are gone, {@link #KILL_GRACE} for all of them together: a close with many
   * processes stuck past SIGKILL (in uninterruptible sleep) waits once, not once for each (100 such took 500 s).
   */
  static void awaitGone(List<RunningProcess> killed) {
    long deadline = System.nanoTime() + KILL_GRACE.toNanos();
    List<RunningProcess> left = new ArrayList<>(killed);
    while (!left.isEmpty() && System.nanoTime() - deadline < 0) {
      left.removeIf(p -> !p.isTreeAlive());
      if (left.isEmpty()) {
        return;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Frees what the process holds once it is stopped and forgotten. */
  void release() {
    output.close();
    if (healthMonitor != null) { // health hook: the notify socket goes with the process
      healthMonitor.close();
    }
  }

  /**
   * Receives the backend's reports for one run. An exit is decided at once on the backend's thread when
   * nothing else is deciding or waiting to ({@code DefaultSupervisor.decideAtOnce}), else handed to the
   * supervision thread.
   */
  private final class Listener implements ProcessListener {
    private final int runNumber;

    Listener(int runNumber) {
      this.runNumber = runNumber;
    }

    @Override
    public void onOutput(StdStream stream, byte[] buffer, int offset, int length) {
      output.accept(runNumber, stream, buffer, offset, length);
    }

    @Override
    public void onExit(Termination termination) {
      sup.decideAtOnce(() -> exited(runNumber, termination), () -> log.debug("Exit of run {} after close dropped", runNumber),
          e -> exitFailed(runNumber, termination, false, -1, e));
    }

    @Override
    public void onOomKill(Termination termination, long memoryAtDeathBytes) {
      sup.decideAtOnce(() -> exited(runNumber, termination, true, memoryAtDeathBytes),
          () -> log.debug("Exit of run {} after close dropped", runNumber), e -> exitFailed(runNumber, termination, true, memoryAtDeathBytes, e));
    }
  }
}
