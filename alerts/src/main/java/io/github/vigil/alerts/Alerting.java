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
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds alerts to a {@link Supervisor}: its events go to an {@link AlertEvaluator}; every
 * {@code sampleInterval} each running process is sampled ({@link ProcessController#sample()}, on a
 * thread of this class, never the supervision thread) for the CPU and memory rules and the
 * {@link AnomalyDetectors}; alerts go to the listener, usually a {@link NotificationPipeline}.
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
 * <p>Threads: {@code vigil-alerts-sampler} samples; {@code vigil-alerts-timer} runs the rules' delayed
 * checks unless a scheduler is given. Thread-safe; {@link #close()} stops both and unsubscribes (the
 * listener is the caller's to close).
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
  private volatile boolean closed;

  private Alerting(Builder b) {
    this.supervisor = b.supervisor;
    this.ticker = b.ticker;
    this.clock = b.clock;
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownScheduler = null;
    } else {
      this.ownScheduler = new ThreadScheduler("vigil-alerts-timer");
      this.scheduler = ownScheduler;
    }
    this.evaluator = new AlertEvaluator(b.rules, requireNonNull(b.listener, "listener (set one with Builder.listener)"), ticker,
        scheduler, clock, b.schedules);
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
    if (!sampleInterval.isZero()) {
      scheduleSampling();
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
        if (e instanceof SupervisorEvent.RestartScheduled) {
          detectors.onRestart(e.process(), ticker.read() / 1e9, e.at());
        } else if (e instanceof SupervisorEvent.Removed || e instanceof SupervisorEvent.Detached) {
          detectors.forget(e.process());
        }
      }
    }
  }

  private void scheduleSampling() {
    if (closed) {
      return;
    }
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

  /** Samples every running process once, now, on the calling thread; what the sampling thread does every period. */
  public void sampleAll() {
    for (ProcessController c : supervisor.controllers()) {
      if (closed) {
        return;
      }
      if (c.status().state() != ProcessState.RUNNING) {
        continue;
      }
      Optional<ProcessSample> s;
      try {
        s = c.sample();
      } catch (RuntimeException e) {
        log.atDebug().addKeyValue("process", c.name()).setCause(e).log("Sampling {} for alerts failed", c.name());
        continue;
      }
      s.ifPresent(sample -> onSample(c, sample));
    }
  }

  private void onSample(ProcessController c, ProcessSample sample) {
    evaluator.onSample(c.name(), sample);
    if (detectors != null) {
      double limit = memoryLimit(c);
      synchronized (detectors) {
        detectors.onSample(c.name(), sample, ticker.read() / 1e9, clock.instant(), limit);
      }
    }
  }

  private double memoryLimit(ProcessController c) {
    RuleConfig rc = evaluator.rules().configFor(c.name());
    if (rc.memoryLimit() > 0) {
      return rc.memoryLimit();
    }
    for (ResourceRule r : c.spec().resourceRules()) {
      if (r.metric() == ResourceRule.Metric.RESIDENT_MEMORY) {
        return r.limit();
      }
    }
    return Double.NaN;
  }

  /** The rules at work. */
  public AlertEvaluator evaluator() {
    return evaluator;
  }

  /** The alerts firing now. */
  public List<Alert> firing() {
    return evaluator.firing();
  }

  /** Unsubscribes and stops sampling and the timer thread. */
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
    if (ownScheduler != null) {
      ownScheduler.close();
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

    /** How often running processes are sampled (default 10 s; zero: never, events only). */
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

    /** Runs the rules' delayed checks and the sampling period (default a daemon thread of its own). */
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

    /** Subscribes and starts sampling. */
    public Alerting build() {
      return new Alerting(this);
    }
  }
}
