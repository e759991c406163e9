package io.github.vigil.micrometer;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.vigil.AttachedProcess;
import io.github.vigil.HumanFormat;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Ticker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes every process of a {@link Supervisor}, and the supervisor itself, as Micrometer meters.
 * A process gets its meters when it is registered (or attached) and loses them when it is removed
 * (or detached); nothing of it stays behind, in the registry or here.
 *
 * <pre>{@code
 * VigilMetrics metrics = VigilMetrics.builder(supervisor)
 *     .naming(MetricNaming.PROCESS_EXPORTER)   // existing process-exporter dashboards work unchanged
 *     .labelTags("desk")                       // the spec label "desk" becomes a tag; no other label does
 *     .build();
 * metrics.bindTo(registry);
 * // ...
 * metrics.close();                             // removes every meter it added
 * }</pre>
 *
 * <p><b>Per process</b>, from the process tree's {@linkplain ProcessController#sample() sample}:
 * CPU seconds (user, system), CPU use, memory (resident, virtual, swapped, proportional), bytes read
 * and written, page faults (major, minor), context switches (voluntary, nonvoluntary), open
 * descriptors, their limit and the worst descriptor ratio, threads, threads and processes by
 * scheduler state, the number of processes, the oldest start time. Named as {@link MetricNaming}
 * says. Counters never go down: what a run or a descendant accumulated stays counted after it ends,
 * as process-exporter's group counters. A field the sampler cannot read reads NaN (absent is not
 * zero); with no process alive, memory, descriptors, threads and processes read 0. A sample reads only the
 * fields of the meters some bound registry kept: a meter a {@code MeterFilter} denied costs no {@code /proc} read.
 *
 * <p><b>Per attached process</b> ({@link Supervisor#attach}): the same sample meters, over the matched
 * processes as a group, with {@code vigil.process.up}, {@code vigil.process.uptime},
 * {@code vigil.attached.state{state}} and {@code vigil.attached.exits}.
 *
 * <p><b>Per supervised process</b>, from its status and events, in both styles: {@code vigil.process.up},
 * {@code vigil.process.state{state}}, {@code vigil.process.health{state}},
 * {@code vigil.process.health.transitions{state}}, {@code vigil.process.restarts{cause}} (restarts
 * by the policy, by the cause of the exit before each), {@code vigil.process.last.exit.code},
 * {@code vigil.process.last.exit.signal}, {@code vigil.process.uptime}, the timer
 * {@code vigil.process.recovery} (crash to {@code RUNNING} again), the timer
 * {@code vigil.supervisor.restart.latency} (exit detected to restart spawned), and per health check
 * the timer {@code vigil.health.check.duration{check, result=passed|failed|timed_out}}, fed once per
 * sample interval from the check's recent results.
 *
 * <p><b>Per supervisor</b>: {@code vigil.supervisor.processes{state}} and
 * {@code vigil.metrics.samples} (samples taken); {@code vigil.metrics.sample.errors{reason}} in
 * Micrometer naming, {@code namedprocess_scrape_errors} and {@code namedprocess_scrape_procread_errors}
 * in process-exporter naming.
 *
 * <p><b>Cost.</b> A process is sampled at most once per {@linkplain Builder#sampleInterval sample
 * interval}, on the thread that reads a meter (a scrape), whatever the number of its meters and of
 * registries bound; the sample is shared through a time-bounded cache. {@link Builder#maxAge} bounds how old
 * a served value may be, slow fields such as Pss included (by default within one sample interval of fresh in
 * process-exporter naming).
 *
 * <p><b>Cardinality</b> is bounded: a fixed set of series per process, enum tags pre-registered per
 * value, no pid tag, spec labels become tags only for the keys given to
 * {@link Builder#labelTags}, and at most {@link Builder#maxProcesses} processes get meters. Bound to
 * one registry, two supervisors whose processes share names need {@linkplain Builder#tags distinct
 * tags}.
 *
 * <p>Thread-safe. Meters may be read from any thread; events are followed on the supervisor's
 * listener thread.
 */
public final class VigilMetrics implements MeterBinder, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VigilMetrics.class);
  private static final Set<String> RESERVED_TAGS = Set.of(
      "process", "groupname", "mode", "memtype", "ctxswitchtype", "fault", "state", "direction", "cause", "check", "result", "reason");
  /**
   * Label names the Prometheus client reserves for the timers' series: {@code quantile} for a summary's, {@code le} for
   * a histogram's buckets. A tag of that name on a timer makes every scrape of the registry throw, the application's
   * own meters included.
   */
  private static final Set<String> PROMETHEUS_RESERVED_TAGS = Set.of("quantile", "le");

  private final Supervisor supervisor;
  private final MetricNaming naming;
  private final Duration sampleInterval;
  private final @Nullable Duration maxAge;
  private final Ticker ticker;
  private final List<String> labelTags;
  private final Tags tags;
  private final int maxProcesses;
  private final Cache<ProcessProbe, ProcessProbe.Reading> readings;
  private final ProcessProbe.Counters counters = new ProcessProbe.Counters();

  private final Object lock = new Object();
  private final Map<String, ProcessProbe> probes = new ConcurrentHashMap<>(); // written under lock
  private final Map<MeterRegistry, Binding> bindings = new IdentityHashMap<>(); // guarded by lock
  private final Set<String> overCap = new LinkedHashSet<>(); // guarded by lock
  private final AutoCloseable subscription;
  private boolean closed; // guarded by lock

  /** The meters added to one registry. */
  private static final class Binding {
    final List<Meter> supervisorMeters = new ArrayList<>();
    final Map<ProcessProbe, List<Meter>> processMeters = new HashMap<>();
  }

  private VigilMetrics(Builder b) {
    this.supervisor = b.supervisor;
    this.naming = b.naming;
    this.sampleInterval = b.sampleInterval;
    this.maxAge = b.maxAge != null ? b.maxAge : b.naming == MetricNaming.PROCESS_EXPORTER ? b.sampleInterval : null;
    this.labelTags = List.copyOf(b.labelTags);
    this.tags = b.tags;
    this.maxProcesses = b.maxProcesses;
    Ticker ticker = b.ticker;
    this.ticker = ticker;
    this.readings = Caffeine.newBuilder()
        .expireAfterWrite(sampleInterval)
        .ticker(ticker::read)
        .executor(Runnable::run) // expired and invalidated readings go at once, on the caller's thread
        .build();
    this.subscription = supervisor.subscribe(this::onEvent);
    for (ProcessController c : supervisor.controllers()) {
      add(MeteredProcess.of(c));
    }
    for (AttachedProcess a : supervisor.attachedProcesses()) {
      add(MeteredProcess.of(a));
    }
  }

  /** A binder with the defaults: Micrometer naming, a 5 second sample interval, no label as a tag. */
  public static VigilMetrics of(Supervisor supervisor) {
    return builder(supervisor).build();
  }

  /** A builder for a binder of {@code supervisor}. */
  public static Builder builder(Supervisor supervisor) {
    return new Builder(supervisor);
  }

  /** The naming style in use. */
  public MetricNaming naming() {
    return naming;
  }

  /** How long one sample of a process serves its meters. */
  public Duration sampleInterval() {
    return sampleInterval;
  }

  /**
   * The oldest a value served by a process meter may be ({@link Builder#maxAge}); empty when the
   * sampler's own re-reading of slow fields is all that bounds it.
   */
  public Optional<Duration> maxAge() {
    return Optional.ofNullable(maxAge);
  }

  /**
   * Adds the meters of the supervisor and of every process now registered to {@code registry}, and
   * of every process registered later, until {@link #close()}. Binding the same registry twice does
   * nothing.
   *
   * @throws IllegalStateException after {@link #close()}
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    requireNonNull(registry, "registry");
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("VigilMetrics of supervisor '" + supervisor.name() + "' is closed");
      }
      if (bindings.containsKey(registry)) {
        return;
      }
      Binding binding = new Binding();
      bindings.put(registry, binding);
      registerSupervisorMeters(registry, binding.supervisorMeters);
      for (ProcessProbe p : probes.values()) {
        binding.processMeters.put(p, registerProcessMeters(registry, p));
      }
    }
  }

  /**
   * Removes every meter this binder added, from every registry, and stops following the supervisor.
   * Idempotent.
   */
  @Override
  public void close() {
    try {
      subscription.close();
    } catch (Exception e) {
      log.warn("Unsubscribing from supervisor {} failed", supervisor.name(), e);
    }
    synchronized (lock) {
      closed = true;
      for (Map.Entry<MeterRegistry, Binding> e : bindings.entrySet()) {
        MeterRegistry registry = e.getKey();
        e.getValue().processMeters.values().forEach(meters -> meters.forEach(registry::remove));
        e.getValue().supervisorMeters.forEach(registry::remove);
      }
      bindings.clear();
      for (ProcessProbe p : probes.values()) {
        p.retired = true;
        p.recoveryTimers.clear();
        p.restartLatencyTimers.clear();
        p.healthTimers.clear();
      }
      probes.clear();
      overCap.clear();
    }
    readings.invalidateAll();
  }

  // --- processes coming and going --------------------------------------------------------------

  /** Starts metering {@code process}; replaces an older process of the same name. */
  void add(MeteredProcess process) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      ProcessProbe existing = probes.get(process.name());
      if (existing != null) {
        if (existing.source.handle() == process.handle()) {
          return;
        }
        remove(process.name());
      }
      if (probes.size() >= maxProcesses) {
        if (overCap.add(process.name())) {
          log.atWarn().addKeyValue("process", process.name()).log(
              "Process {} gets no meters: {} processes are metered already, the most allowed (maxProcesses)",
              process.name(), maxProcesses);
        }
        return;
      }
      ProcessProbe probe = new ProcessProbe(process, this::reading, counters, ticker, maxAge, sampleInterval);
      for (Map.Entry<MeterRegistry, Binding> e : bindings.entrySet()) {
        e.getValue().processMeters.put(probe, registerProcessMeters(e.getKey(), probe));
      }
      probes.put(process.name(), probe); // last: whoever sees the probe sees its meters
    }
  }

  /**
   * The probe's reading of this interval. A meter read by a scrape under way when its process is
   * removed must not leave the probe in the cache: removal marks it retired before invalidating it,
   * so a load that slipped in after the invalidation sees the mark and takes itself out again.
   */
  private ProcessProbe.Reading reading(ProcessProbe p) {
    if (p.retired) {
      return ProcessProbe.Reading.GONE;
    }
    ProcessProbe.Reading r = readings.get(p, ProcessProbe::load);
    if (!r.covers(p.fields())) {
      // loaded while its meters were being registered (a scrape under way): the ones registered since read fields
      // it did not ask for, which would read NaN until the interval ends
      readings.invalidate(p);
      r = readings.get(p, ProcessProbe::load);
    }
    if (p.retired) {
      readings.invalidate(p);
    }
    return r;
  }

  /** The counters once every metered process has this interval's sample (taken now where it has none yet). */
  private ProcessProbe.Counters freshCounters() {
    for (ProcessProbe p : probes.values()) {
      reading(p);
    }
    return counters;
  }

  /** Stops metering the process of that name and forgets it. */
  void remove(String name) {
    ProcessProbe probe;
    synchronized (lock) {
      overCap.remove(name);
      probe = probes.remove(name);
      if (probe == null) {
        return;
      }
      for (Map.Entry<MeterRegistry, Binding> e : bindings.entrySet()) {
        List<Meter> meters = e.getValue().processMeters.remove(probe);
        if (meters != null) {
          meters.forEach(e.getKey()::remove);
        }
      }
      probe.retired = true;
      probe.recoveryTimers.clear();
      probe.restartLatencyTimers.clear();
      probe.healthTimers.clear();
      promoteOverCap();
    }
    readings.invalidate(probe);
  }

  /** A place is free: the first process left out for {@code maxProcesses} gets its meters now. */
  private void promoteOverCap() {
    for (String name : List.copyOf(overCap)) {
      overCap.remove(name);
      Optional<MeteredProcess> current = current(name);
      if (current.isPresent()) {
        add(current.get());
        return;
      }
    }
  }

  /** The supervised or attached process of that name now, if any. */
  private Optional<MeteredProcess> current(String name) {
    Optional<ProcessController> c = supervisor.controller(name);
    if (c.isPresent()) {
      return Optional.of(MeteredProcess.of(c.get()));
    }
    return supervisor.attached(name).map(MeteredProcess::of);
  }

  private void onEvent(SupervisorEvent event) {
    if (event instanceof SupervisorEvent.Registered || event instanceof SupervisorEvent.Attached) {
      current(event.process()).ifPresent(this::add);
      return;
    }
    if (event instanceof SupervisorEvent.Removed || event instanceof SupervisorEvent.Detached) {
      // a later registration or attachment of the same name has replaced the probe already if its handle differs
      ProcessProbe p = probes.get(event.process());
      if (p == null) {
        // one left out for maxProcesses: forgotten too, or every removed name would stay here while at the cap (a
        // later registration of the name is added again, and logged, by its own event, which comes after this one)
        synchronized (lock) {
          overCap.remove(event.process());
        }
      } else if (current(event.process()).map(c -> c.handle() != p.source.handle()).orElse(true)) {
        remove(event.process());
      }
      return;
    }
    ProcessProbe p = probes.get(event.process());
    if (p == null) {
      return;
    }
    if (event instanceof SupervisorEvent.RestartScheduled r) {
      p.restartScheduled(r.after());
    } else if (event instanceof SupervisorEvent.Exited x) {
      p.exited(x.exit(), x.at());
    } else if (event instanceof SupervisorEvent.Started s) {
      p.started(s.at());
    } else if (event instanceof SupervisorEvent.StateChanged s) {
      if (s.to() == ProcessState.STARTING && s.origin() == io.github.vigil.Origin.POLICY) {
        p.restartSpawning();
      } else if (s.to() == ProcessState.RUNNING) {
        p.running(s.at());
      }
    } else if (event instanceof SupervisorEvent.HealthChanged h) {
      p.healthChanged(h.to());
    }
  }

  // --- meters ------------------------------------------------------------------------------------

  private List<Meter> registerProcessMeters(MeterRegistry registry, ProcessProbe p) {
    Tags labels = Tags.empty();
    Map<String, String> specLabels = p.source.labels();
    for (String key : labelTags) {
      labels = labels.and(key, specLabels.getOrDefault(key, ""));
    }
    Tags vigilTags = tags.and(labels).and("process", p.name);
    Tags groupTags = tags.and(labels).and("groupname", p.name);
    return MeterCatalog.register(registry, naming, p, vigilTags, groupTags);
  }

  private void registerSupervisorMeters(MeterRegistry registry, List<Meter> meters) {
    for (ProcessState s : ProcessState.values()) {
      meters.add(Gauge.builder("vigil.supervisor.processes", supervisor, sup -> count(sup.controllers(), s))
          .description("Processes of the supervisor by lifecycle state").tags(tags).tag("state", MeterCatalog.lower(s))
          .strongReference(true).register(registry));
    }
    // each of these first takes this interval's samples (shared with the process meters, so no extra cost): a
    // scrape that reads them before the process meters no longer shows the previous scrape's count (item 15)
    meters.add(FunctionCounter.builder("vigil.metrics.samples", counters, c -> freshCounters().samples.sum())
        .description("Samples of processes taken for meters, at most one per process per sample interval")
        .tags(tags).register(registry));
    if (naming == MetricNaming.PROCESS_EXPORTER) {
      // counters, as the exporter types them; Micrometer's Prometheus registry (client_java 1.x) renders every
      // counter with the _total suffix, in its TYPE line and samples alike, which the exporter's Go client does not
      meters.add(FunctionCounter.builder("namedprocess.scrape.errors", counters, c -> freshCounters().errors.sum())
          .description("general scrape errors: no proc metrics collected during a cycle").tags(tags).register(registry));
      meters.add(FunctionCounter.builder("namedprocess.scrape.procread.errors", counters, c -> freshCounters().vanished.sum())
          .description("incremented each time a proc's metrics collection fails").tags(tags).register(registry));
    } else {
      String d = "Samples that failed (the sampler threw) or found the process gone while it was running";
      meters.add(FunctionCounter.builder("vigil.metrics.sample.errors", counters, c -> freshCounters().errors.sum())
          .description(d).tags(tags).tag("reason", "failed").register(registry));
      meters.add(FunctionCounter.builder("vigil.metrics.sample.errors", counters, c -> freshCounters().vanished.sum())
          .description(d).tags(tags).tag("reason", "vanished").register(registry));
    }
  }

  private static double count(Collection<ProcessController> controllers, ProcessState state) {
    int n = 0;
    for (ProcessController c : controllers) {
      if (c.status().state() == state) {
        n++;
      }
    }
    return n;
  }

  // --- for tests in this package -----------------------------------------------------------------

  int meteredProcesses() {
    return probes.size();
  }

  int leftOut() {
    synchronized (lock) {
      return overCap.size();
    }
  }

  long cachedReadings() {
    readings.cleanUp();
    return readings.estimatedSize();
  }

  @Nullable ProcessProbe probe(String name) {
    return probes.get(name);
  }

  @Override
  public String toString() {
    return "VigilMetrics{" + supervisor.name() + ", " + naming + ", " + probes.size() + " processes}";
  }

  /**
   * Builds a {@link VigilMetrics}. Setters check their argument at once; not thread-safe.
   */
  public static final class Builder {
    private final Supervisor supervisor;
    private MetricNaming naming = MetricNaming.MICROMETER;
    private Duration sampleInterval = Duration.ofSeconds(5);
    private @Nullable Duration maxAge;
    private final Set<String> labelTags = new LinkedHashSet<>();
    private Tags tags = Tags.empty();
    private int maxProcesses = 1000;
    private Ticker ticker = Ticker.system();

    private Builder(Supervisor supervisor) {
      this.supervisor = requireNonNull(supervisor, "supervisor");
    }

    /** How meters are named; {@link MetricNaming#MICROMETER} by default. */
    public Builder naming(MetricNaming n) {
      this.naming = requireNonNull(n, "naming");
      return this;
    }

    /**
     * How long one sample of a process serves all its meters before the next read of a meter takes a
     * new one; 5 seconds by default. Shorter than the scrape interval means one sample per scrape.
     */
    public Builder sampleInterval(Duration interval) {
      requireNonNull(interval, "sampleInterval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("sampleInterval must be positive: " + HumanFormat.duration(interval));
      }
      this.sampleInterval = interval;
      return this;
    }

    /**
     * The oldest a value served by a process meter may be, counted from the moment the operating system
     * was read: a sample serves its meters for up to the {@linkplain #sampleInterval sample interval},
     * and the sampler is asked for fields it re-reads less often than it samples (see
     * {@link io.github.vigil.ProcessSample#age}: on Linux Pss, the descriptor limit, a multithreaded
     * process's thread states and context switches) no older than {@code maxAge} minus that interval, so
     * equal to the interval means they are read on every sample. A gauge whose field a sampler still
     * served older (one that ignores the request) reads NaN rather than a stale value.
     *
     * <p>By default, the sample interval in {@link MetricNaming#PROCESS_EXPORTER} naming (every value
     * within one sample interval of fresh, as the exporter reads everything on every scrape); no bound
     * in {@link MetricNaming#MICROMETER} naming, where the sampler re-reads slow fields on its own
     * schedule (10 s on Linux), which costs less.
     *
     * @throws IllegalArgumentException when negative or zero; {@link #build()} refuses one shorter than
     *     the sample interval
     */
    public Builder maxAge(Duration age) {
      requireNonNull(age, "maxAge");
      if (age.isNegative() || age.isZero()) {
        throw new IllegalArgumentException("maxAge must be positive: " + HumanFormat.duration(age));
      }
      this.maxAge = age;
      return this;
    }

    /**
     * Spec labels that become tags, under the same key, on every meter of a process; a process without
     * the label gets an empty value. No label becomes a tag unless named here, since each distinct
     * value is a new series.
     *
     * @throws IllegalArgumentException on a blank key or one Vigil's meters use already ({@code process},
     *     {@code groupname}, {@code mode}, {@code memtype}, {@code ctxswitchtype}, {@code fault},
     *     {@code state}, {@code direction}, {@code cause}, {@code check}, {@code result}, {@code reason}), or one
     *     Prometheus reserves for the series of Vigil's timers ({@code quantile}, {@code le})
     */
    public Builder labelTags(String... keys) {
      for (String key : requireNonNull(keys, "labelTags")) {
        if (key == null || key.isBlank()) {
          throw new IllegalArgumentException("labelTags key must not be blank: '" + key + "'");
        }
        checkTagKey("labelTags", key);
        labelTags.add(key);
      }
      return this;
    }

    /**
     * Tags added to every meter, e.g. the supervisor's name when several share a registry.
     *
     * @throws IllegalArgumentException on a key Vigil's meters use already or one Prometheus reserves for the series of
     *     Vigil's timers, as {@link #labelTags} (a common {@code process} tag mislabelled the supervisor's own meters,
     *     a {@code quantile} tag made every scrape fail)
     */
    public Builder tags(Iterable<Tag> extra) {
      Tags more = Tags.of(requireNonNull(extra, "tags"));
      more.forEach(t -> checkTagKey("tags", t.getKey()));
      this.tags = this.tags.and(more);
      return this;
    }

    /** {@link #tags(Iterable)} from key/value pairs. */
    public Builder tags(String... keyValues) {
      return tags(Tags.of(requireNonNull(keyValues, "tags")));
    }

    private static void checkTagKey(String what, String key) {
      if (RESERVED_TAGS.contains(key)) {
        throw new IllegalArgumentException(what + " key '" + key + "' is a tag of Vigil's meters already");
      }
      if (PROMETHEUS_RESERVED_TAGS.contains(key)) {
        throw new IllegalArgumentException(what + " key '" + key + "' is a label Prometheus reserves for "
            + ("le".equals(key) ? "histogram buckets" : "summary quantiles") + ": on Vigil's timers it makes every scrape fail");
      }
    }

    /**
     * At most this many processes get meters (1000 by default); later ones are logged and left out
     * until a metered one is removed.
     */
    public Builder maxProcesses(int max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxProcesses must not be negative: " + max);
      }
      this.maxProcesses = max;
      return this;
    }

    /** The clock that ages samples; the system's by default. */
    public Builder ticker(Ticker t) {
      this.ticker = requireNonNull(t, "ticker");
      return this;
    }

    /** Creates the binder and starts following the supervisor; meters appear once it is bound to a registry. */
    public VigilMetrics build() {
      if (maxAge != null && maxAge.compareTo(sampleInterval) < 0) {
        throw new IllegalArgumentException("maxAge (" + HumanFormat.duration(maxAge) + ") must not be shorter than sampleInterval ("
            + HumanFormat.duration(sampleInterval) + "): a sample serves its meters that long");
      }
      return new VigilMetrics(this);
    }

    @Override
    public String toString() {
      return "VigilMetrics.Builder{naming=" + naming + ", sampleInterval=" + sampleInterval + ", maxAge=" + maxAge
          + ", labelTags=" + labelTags
          + ", tags=" + tags + ", maxProcesses=" + maxProcesses + "}";
    }
  }
}
