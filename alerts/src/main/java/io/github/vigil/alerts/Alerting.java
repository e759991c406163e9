package io.github.vigil.alerts;

import static java.util.Objects.requireNonNull;

import io.github.vigil.HumanFormat;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessState;
import io.github.vigil.ResourceRule;
import io.github.vigil.Scheduler;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Ticker;
import java.time.Duration;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds alerts to a {@link Supervisor}: its events go to an {@link AlertEvaluator}; every
 * {@code sampleInterval} each running process is sampled ({@link ProcessController#sample()}, and each attachment that
 * has found its processes, {@link io.github.vigil.AttachedProcess#sample()}; on a thread of this class, never the
 * supervision thread) for the CPU and memory rules and the {@link AnomalyDetectors}; alerts go to the listener, usually a
 * {@link NotificationPipeline}.
 *
 * <pre>{@code
 * NotificationPipeline pipeline = NotificationPipeline.builder()
 *     .route(Route.builder("desk").sink(new SlackSink("desk", slackWebhook)).build())
 *     .route(Route.builder("fleet").sink(AlertmanagerSink.builder("am", URI.create("http://alertmanager:9093")).build())
 *         .groupWait(Duration.ZERO).repeatInterval(Duration.ofMinutes(3)).build())
 *     .build();
 * try (Alerting alerting = Alerting.builder(supervisor).rules(AlertRules.defaults()).listener(pipeline).build()) { ... }
 * }</pre>
 *
 * <p>With a {@linkplain Builder#stateDirectory state directory} the alerts outlive a crash of the JVM: which alerts the
 * sinks were told are firing is kept in its {@code alerts.state}, and the next {@code Alerting} there (the JVM started
 * again after a {@code kill -9}) tells the sinks that were told an alert fires that it resolved, once it finds its
 * condition over (the process runs again), and takes up without a new notification the alerts that still fire; without
 * one, an alert firing when the JVM died stayed firing at a webhook or chat for ever.
 *
 * <p>Threads: {@code vigil-alerts-sampler} samples; {@code vigil-alerts-timer} runs the rules' delayed
 * checks unless a scheduler is given; {@code vigil-alerts-state} writes the state file (while there is something to
 * write). Thread-safe; {@link #close()} stops them and unsubscribes (the listener is the caller's to close).
 */
public final class Alerting implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Alerting.class);

  private final Supervisor supervisor;
  private final AlertEvaluator evaluator;
  private final @Nullable AnomalyDetectors detectors;
  private final Ticker ticker;
  private final InstantSource clock;
  private final Scheduler scheduler;
  private final @Nullable ThreadScheduler ownScheduler;
  private final ExecutorService sampler;
  private final Duration sampleInterval;
  private final AutoCloseable subscription;
  private final @Nullable AlertState state;
  private final List<Scheduler.Cancellable> claims = new java.util.ArrayList<>();
  private volatile boolean closed;

  /**
   * How long an alert of a process remembered from an earlier JVM waits for the process to be heard of (registered or
   * attached) before it is resolved as one of a process no longer supervised.
   */
  static final Duration UNCLAIMED_AFTER = Duration.ofMinutes(1);

  private Alerting(Builder b) {
    this.supervisor = b.supervisor;
    AlertListener listener = requireNonNull(b.listener, "listener (set one with Builder.listener)");
    NotificationPipeline pipeline = listener instanceof NotificationPipeline np ? np : null;
    List<AlertState.Remembered> earlier = List.of();
    if (b.stateDirectory != null) {
      Path file = b.stateDirectory.resolve(AlertState.FILE_NAME);
      // which sinks were told: the pipeline knows; a listener of another kind was told what the rules have firing
      this.state = new AlertState(file, pipeline != null ? pipeline::toldFiring
          : this::firingAndRemembered);
      if (pipeline != null) {
        pipeline.onToldChanged(state::request); // first: it throws if another Alerting keeps this pipeline's state
      } else {
        AlertListener given = listener;
        listener = a -> {
          given.onAlert(a);
          state.request();
        };
      }
      earlier = AlertState.read(file);
    } else {
      this.state = null;
    }
    this.ticker = b.ticker;
    this.clock = b.clock;
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownScheduler = null;
    } else {
      this.ownScheduler = new ThreadScheduler("vigil-alerts-timer");
      this.scheduler = ownScheduler;
    }
    this.evaluator = new AlertEvaluator(b.rules, listener, ticker, scheduler, clock, b.schedules);
    if (state != null && !earlier.isEmpty()) {
      List<Alert> taken = pipeline != null ? pipeline.restore(earlier) : earlier.stream().map(AlertState.Remembered::alert).toList();
      if (pipeline != null) {
        evaluator.onTakenUp(pipeline::takenUp); // its escalation timers, as the rules find it still firing
      }
      // an attachment NOT_FOUND when its remembered HIGH_CPU/HIGH_MEMORY is taken up is asked to look now: one that finds
      // nothing sends no event
      evaluator.firstLooks(name -> supervisor.attached(name).map(a -> a.rescan().thenApply(io.github.vigil.AttachStatus::state)));
      io.github.vigil.calendar.TradingSupervision trading = b.trading;
      if (trading != null) {
        evaluator.scheduleStates(trading::state); // a NOT_RUNNING taken up inside a freeze window: down on purpose
      }
      evaluator.remember(taken, name -> supervisor.controller(name).map(ProcessController::status),
          name -> supervisor.group(name).map(io.github.vigil.GroupController::state),
          name -> supervisor.attached(name).map(a -> a.status().state()));
      log.info("Alerting for supervisor {}: {} the sinks were told fire before this JVM started, from {}: {}; each"
          + " resolves at the sinks told once its condition is found over", supervisor.name(),
          io.github.vigil.HumanFormat.count(taken.size(), "alert", "alerts"), state.file(),
          taken.stream().map(Alert::key).toList());
      for (String process : new java.util.LinkedHashSet<>(taken.stream().map(Alert::process).toList())) {
        try {
          claims.add(scheduler.schedule(UNCLAIMED_AFTER, () -> evaluator.claimOrForget(process)));
        } catch (java.util.concurrent.RejectedExecutionException | IllegalStateException e) {
          // not thrown out of build(): the pipeline would keep this half-built Alerting as the keeper of its state
          log.atWarn().addKeyValue("process", process).log("Process {}: the look in {} that resolves its remembered alerts"
              + " {} as not supervised here, unless it is heard of by then, not set, the scheduler refused it ({}); they are"
              + " taken up when it is heard of, and stay firing till then", process,
              io.github.vigil.HumanFormat.duration(UNCLAIMED_AFTER),
              taken.stream().filter(a -> a.process().equals(process)).map(Alert::key).toList(), e.toString());
        }
      }
    }
    java.util.function.Consumer<Anomaly> anomalyListener = b.anomalyListener;
    this.detectors = b.anomalies == null ? null : new AnomalyDetectors(b.anomalies, a -> {
      if (anomalyListener != null) {
        try {
          anomalyListener.accept(a);
        } catch (RuntimeException e) {
          log.atWarn().addKeyValue("process", a.process()).setCause(e).log("Anomaly listener failed on {}", a.summary());
        }
      }
      evaluator.onAnomaly(a);
    });
    this.sampleInterval = b.sampleInterval;
    this.sampler = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "vigil-alerts-sampler");
      t.setDaemon(true);
      return t;
    });
    // with a trading supervision, its stream: an exit after a process's close arrives as OutsideWindow, not as a crash
    this.subscription = b.trading != null ? b.trading.subscribe(this::onEvent) : supervisor.subscribe(this::onEvent);
    // processes registered before this subscription: their specs (labels, resource rules) all the same
    for (ProcessController c : supervisor.controllers()) {
      evaluator.onEvent(new SupervisorEvent.Registered(c.name(), clock.instant(), c.spec()));
    }
    // attachments made before: their specs (labels) all the same, and their remembered alerts are taken up now (an
    // attachment sends no event until its state changes)
    for (io.github.vigil.AttachedProcess a : supervisor.attachedProcesses()) {
      evaluator.onEvent(new SupervisorEvent.Attached(a.name(), clock.instant(), a.spec()));
    }
    // groups registered before: a group sends no event until it is started; its remembered alerts are taken up now
    for (io.github.vigil.GroupController g : supervisor.groups()) {
      evaluator.claimOrForget(g.name());
    }
    if (!sampleInterval.isZero()) {
      scheduleSampling();
    }
    if (state != null) {
      state.request(); // what was read, less what was left out or resolved at once
    }
  }

  /** Alerts for {@code supervisor}. */
  public static Builder builder(Supervisor supervisor) {
    return new Builder(supervisor);
  }

  private void onEvent(SupervisorEvent e) {
    evaluator.onEvent(e);
    if (detectors != null) {
      synchronized (detectors) {
        if (e instanceof SupervisorEvent.RestartScheduled && !evaluator.isGone(e.process())) { // not late, after a removal
          detectors.onRestart(e.process(), ticker.read() / 1e9, e.at());
        } else if (e instanceof SupervisorEvent.Removed || e instanceof SupervisorEvent.Detached
            || e instanceof SupervisorEvent.AttachStateChanged a && a.to() != io.github.vigil.AttachState.RUNNING) {
          // an attachment that lost its processes: their series end with them, and the evaluator resolved their
          // anomalies; the processes it finds next start afresh (else an anomaly still active there never fires again)
          detectors.forget(e.process());
        }
      }
    }
  }

  /**
   * The next sampling, a {@code sampleInterval} from now. One the scheduler refuses (a scheduler given to the builder,
   * shut down while this is open) is said at WARN naming the supervisor and the rules that then go unheard, not thrown:
   * out of the sampling thread, it ended that thread and sampling with it, silently, so HIGH_CPU, HIGH_MEMORY and the
   * anomalies never fired again.
   */
  private void scheduleSampling() {
    if (closed) {
      return;
    }
    try {
      scheduleNextSample();
    } catch (java.util.concurrent.RejectedExecutionException | IllegalStateException e) {
      if (!closed) {
        log.warn("Alerting for supervisor {}: sampling stopped, the scheduler refused the next sample in {} ({}); HIGH_CPU,"
            + " HIGH_MEMORY and anomalies are no longer evaluated, for any process", supervisor.name(),
            io.github.vigil.HumanFormat.duration(sampleInterval), e.toString());
      }
    }
  }

  private void scheduleNextSample() {
    scheduler.schedule(sampleInterval, () -> {
      try {
        sampler.execute(() -> {
          try {
            sampleAll();
          } finally {
            scheduleSampling();
          }
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // closed
      }
    });
  }

  /**
   * Samples every running process once, now, on the calling thread; what the sampling thread does every period. Running
   * processes are the registered processes whose state is {@link ProcessState#RUNNING} and the attachments that have
   * found their processes ({@link io.github.vigil.AttachState#RUNNING}; the matched processes summed, as
   * {@link io.github.vigil.AttachedProcess#sample()} reads them): each once, by its own name. An attachment that lost
   * its process is not sampled until it finds one again.
   */
  public void sampleAll() {
    for (ProcessController c : supervisor.controllers()) {
      if (closed) {
        return;
      }
      if (c.status().state() != ProcessState.RUNNING) {
        continue;
      }
      sample(c.name(), c::sample).ifPresent(sample -> onSample(c.name(), sample, memoryLimit(c)));
    }
    for (io.github.vigil.AttachedProcess a : supervisor.attachedProcesses()) {
      if (closed) {
        return;
      }
      if (a.status().state() != io.github.vigil.AttachState.RUNNING) {
        continue;
      }
      sample(a.name(), a::sample).ifPresent(sample -> onSample(a.name(), sample, memoryLimit(a.name(), List.of())));
    }
  }

  private static Optional<ProcessSample> sample(String name, java.util.function.Supplier<Optional<ProcessSample>> read) {
    try {
      return read.get();
    } catch (RuntimeException e) {
      log.atDebug().addKeyValue("process", name).setCause(e).log("Sampling {} for alerts failed", name);
      return Optional.empty();
    }
  }

  private void onSample(String name, ProcessSample sample, double memoryLimit) {
    if (evaluator.isGone(name)) {
      return; // sampled before it was removed or detached: the detectors forgot it, and are not to start it afresh
    }
    evaluator.onSample(name, sample);
    if (detectors != null) {
      synchronized (detectors) {
        detectors.onSample(name, sample, ticker.read() / 1e9, clock.instant(), memoryLimit);
      }
    }
  }

  private double memoryLimit(ProcessController c) {
    return memoryLimit(c.name(), c.spec().resourceRules());
  }

  /** The rules' {@code memoryLimit} of {@code name}, else its {@code residentMemoryAbove} rule's (an attachment has none). */
  private double memoryLimit(String name, List<ResourceRule> resourceRules) {
    RuleConfig rc = evaluator.rules().configFor(name);
    if (rc.memoryLimit() > 0) {
      return rc.memoryLimit();
    }
    for (ResourceRule r : resourceRules) {
      if (r.metric() == ResourceRule.Metric.RESIDENT_MEMORY) {
        return r.limit();
      }
    }
    return Double.NaN;
  }

  /** What a listener that is not a pipeline was told fires, for the state file. */
  private List<AlertState.Remembered> firingAndRemembered() {
    return evaluator.firingAndRemembered().stream().map(a -> new AlertState.Remembered(a, Map.of())).toList();
  }

  /** The rules at work. */
  public AlertEvaluator evaluator() {
    return evaluator;
  }

  /** The alerts firing now. */
  public List<Alert> firing() {
    return evaluator.firing();
  }

  /** Unsubscribes, stops sampling and the timer thread, and writes the state file a last time (if there is one). */
  @Override
  public void close() {
    closed = true;
    try {
      subscription.close();
    } catch (Exception e) {
      log.debug("Unsubscribing the alerts failed", e);
    }
    sampler.shutdownNow();
    try {
      sampler.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (claims) {
      claims.forEach(Scheduler.Cancellable::cancel);
    }
    if (ownScheduler != null) {
      ownScheduler.close();
    }
    if (state != null) {
      state.close(); // the last write, here; a pipeline closed after this writes its last changes on its own thread
    }
  }

  /** Builds {@link Alerting}. Not thread-safe. */
  public static final class Builder {
    private final Supervisor supervisor;
    private AlertRules rules = AlertRules.defaults();
    private @Nullable AlertListener listener;
    private Duration sampleInterval = Duration.ofSeconds(10);
    private @Nullable AnomalySettings anomalies = AnomalySettings.defaults();
    private Ticker ticker = Ticker.system();
    private InstantSource clock = InstantSource.system();
    private @Nullable Scheduler scheduler;
    private java.util.function.@Nullable Consumer<Anomaly> anomalyListener;
    private java.util.function.Function<String, java.util.Optional<io.github.vigil.calendar.Schedule>> schedules =
        name -> java.util.Optional.empty();
    private io.github.vigil.calendar.@Nullable TradingSupervision trading;
    private @Nullable Path stateDirectory;

    private Builder(Supervisor supervisor) {
      this.supervisor = requireNonNull(supervisor, "supervisor");
    }

    /** The rules (default {@link AlertRules#defaults()}). */
    public Builder rules(AlertRules r) {
      rules = requireNonNull(r, "rules");
      return this;
    }

    /** Who hears the alerts (required): a {@link NotificationPipeline}, usually. */
    public Builder listener(AlertListener l) {
      listener = requireNonNull(l, "listener");
      return this;
    }

    /** How often running processes and attachments are sampled (default 10 s; zero: never, events only). */
    public Builder sampleInterval(Duration d) {
      requireNonNull(d, "sampleInterval");
      if (d.isNegative()) {
        throw new IllegalArgumentException("sampleInterval must not be negative: " + HumanFormat.duration(d));
      }
      sampleInterval = d;
      return this;
    }

    /** Anomaly detection settings (default {@link AnomalySettings#defaults()}, tuned for 10 s samples). */
    public Builder anomalies(AnomalySettings s) {
      anomalies = requireNonNull(s, "anomalies");
      return this;
    }

    /**
     * Hears every anomaly as it starts and ends, before it becomes an ANOMALY alert (on the sampling
     * thread or the event thread; must not block).
     */
    public Builder anomalyListener(java.util.function.Consumer<Anomaly> listener) {
      anomalyListener = requireNonNull(listener, "anomalyListener");
      return this;
    }

    /** No anomaly detection. */
    public Builder noAnomalies() {
      anomalies = null;
      return this;
    }

    /** Monotonic time (default the system's). */
    public Builder ticker(Ticker t) {
      ticker = requireNonNull(t, "ticker");
      return this;
    }

    /** Wall clock of alerts (default the system's). */
    public Builder clock(InstantSource c) {
      clock = requireNonNull(c, "clock");
      return this;
    }

    /**
     * Runs the rules' delayed checks and the sampling period (default a daemon thread of its own). A check or sample it
     * refuses (shut down while this is open) is said at WARN naming the process and the rule, and never thrown out of
     * the supervisor's event thread, the sampling thread or {@code build()}.
     */
    public Builder scheduler(Scheduler s) {
      scheduler = requireNonNull(s, "scheduler");
      return this;
    }

    /**
     * The processes' schedules, from {@code trading} (of this supervisor): {@code NOT_RUNNING} fires only where a
     * process's schedule expects it up (see {@link AlertEvaluator}), and the events are heard through
     * {@code trading}, so that an exit or a loss outside a process's window (a crash after the close) raises
     * nothing: it arrives as an {@link io.github.vigil.SupervisorEvent.OutsideWindow}. Give the same clock to both.
     */
    public Builder schedules(io.github.vigil.calendar.TradingSupervision trading) {
      this.trading = requireNonNull(trading, "trading");
      return schedules(name -> java.util.Optional.of(trading.schedule(name)));
    }

    /** The processes' schedules by name (empty: always expected up); must not block. Events come from the supervisor. */
    public Builder schedules(java.util.function.Function<String, java.util.Optional<io.github.vigil.calendar.Schedule>> s) {
      schedules = requireNonNull(s, "schedules");
      return this;
    }

    /**
     * Keeps, in {@code dir}'s {@code alerts.state}, which alerts the sinks were told are firing, so that after this JVM
     * is killed the next {@code Alerting} on {@code dir} tells them of the alerts that resolved meanwhile (usually the
     * supervisor's {@linkplain Supervisor.Builder#stateDirectory state directory}; default none: an alert firing when
     * the JVM died stays firing at a webhook, a chat or a mailbox).
     *
     * <p>When built, {@code Alerting} reads the file (a missing one is nothing remembered; one it cannot read or parse
     * is said at WARN with its path and ignored). An alert remembered is taken up when its process is first heard of
     * (registered, or already registered): if its condition is over then (the process runs again, is healthy again, its
     * run that used too much CPU ended), or later by the rules as for any alert, the sinks that were told it fires, and
     * only those, are told it resolved, {@code after a restart of the supervising JVM}; until then it fires as before,
     * without a new notification. One of a process not heard of within a minute is resolved as not supervised here.
     * HIGH_CPU, HIGH_MEMORY and ANOMALY alerts were about a run that ended with the earlier JVM, and resolve unless the
     * process already runs (an attached process did not end with the JVM: its HIGH_CPU and HIGH_MEMORY resolve by the
     * rule, from the samples taken here, or if the attachment has lost its process; one that has found none yet, as
     * one made after this {@code Alerting} when it is heard of, is asked to look now ({@link
     * io.github.vigil.AttachedProcess#rescan()}), and resolves if that look finds nothing); see
     * {@link AlertEvaluator} for the rules. A supervision group registered here is supervised here: its GROUP_FAILED
     * fires on until the group runs or is stopped on purpose. So is an attachment made here, before or after this
     * {@code Alerting} is built: its ATTACHMENT_LOST resolves as found again once the attachment finds its process (at
     * once if it is {@link io.github.vigil.AttachState#RUNNING RUNNING} already), and fires on until then.
     *
     * <p>An alert taken up gets the timers an alert of its kind gets here: CRASHED resolves after a run of
     * {@code stableAfter} from when the process is found running, FLAPPING after a window without a restart from when it
     * is taken up, and a {@link NotificationPipeline}'s route escalates it {@code escalateAfter} after it started (at
     * once if that passed while no JVM watched; not if the earlier JVM escalated it).
     *
     * <p>A sink is told an alert fires when a notification saying so was <em>delivered</em> to it (its send returned),
     * and told it resolved when that resolution was: a notification given up after its retries, or dropped, tells it
     * nothing. The file is rewritten (a temporary file renamed over it) after each delivery that changes what the sinks
     * were told, with each occurrence of an alert a sink was told fires (it fired again: the next JVM counts on from its
     * {@link Alert#occurrences()}), and at {@link #close()}, by a thread of {@code Alerting}'s
     * ({@code vigil-alerts-state}; requests that come while a write waits are one write), never by the
     * supervisor's nor by the caller of the listener; with a {@link NotificationPipeline} as the listener it names the
     * route and sink of each (give each {@code Alerting} with a state directory a pipeline of its own), with another
     * listener it keeps what fires. An alert told, or an occurrence counted, in the last milliseconds before the JVM died
     * may be missing from it.
     */
    public Builder stateDirectory(Path dir) {
      stateDirectory = requireNonNull(dir, "stateDirectory");
      return this;
    }

    /** Subscribes and starts sampling. */
    public Alerting build() {
      return new Alerting(this);
    }
  }
}
