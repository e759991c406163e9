package io.github.vigil.micrometer;

import io.github.vigil.AttachState;
import io.github.vigil.AttachedProcess;
import io.github.vigil.CheckResult;
import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.HealthReport;
import io.github.vigil.HealthState;
import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.ProcessSample.RunState;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessController;
import io.github.vigil.Ticker;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the meters of one process read: its shared, time-bounded reading (one sample per
 * interval whatever the number of meters and registries), counters made monotonic across runs, and
 * what its events say (restarts by cause, crash and exit instants for the timers).
 *
 * <p>Thread-safe: readings load under the cache's per-key lock, counters under this object's lock;
 * event state is touched only by the supervisor's listener thread, one event at a time.
 */
final class ProcessProbe {
  private static final Logger log = LoggerFactory.getLogger(ProcessProbe.class);

  /** Sample fields that only grow within a run, published as counters. */
  static final Field[] COUNTER_FIELDS = {
      Field.CPU_USER, Field.CPU_SYSTEM, Field.READ_BYTES, Field.WRITE_BYTES, Field.MAJOR_FAULTS, Field.MINOR_FAULTS,
      Field.VOLUNTARY_SWITCHES, Field.INVOLUNTARY_SWITCHES};
  private static final ExitCause[] CAUSES = ExitCause.values();
  private static final HealthState[] HEALTH = HealthState.values();

  /**
   * What one load saw.
   *
   * @param sample the sample, or {@code null} when no process is alive, it vanished, or reading failed
   * @param active whether the process was in an active state, so that a missing sample means "unknown"
   *     rather than "nothing running"
   * @param fields the fields the sample was asked for
   */
  record Reading(@Nullable ProcessSample sample, boolean active, long loadedAt, Set<Field> fields) {
    /** What a probe reads once its process is no longer metered: nothing alive. */
    static final Reading GONE = new Reading(null, false, 0, Set.of());

    /** Whether it was loaded for {@code wanted}: false once meters registered since then read fields it lacks. */
    boolean covers(Set<Field> wanted) {
      return fields == wanted || fields.containsAll(wanted);
    }
  }

  final MeteredProcess source;
  /** Set once the process is no longer metered; its meters may still be read by a scrape under way. */
  volatile boolean retired;
  final String name;
  private final Function<ProcessProbe, Reading> readings;
  private final Counters counters;
  private final Ticker ticker;
  /** The oldest a served value may be, in nanoseconds of {@link #ticker}; -1 for no bound. */
  private final long maxAgeNanos;
  /** How old the sampler may let slow fields be at a sample; null to leave it to the sampler. */
  private final @Nullable Duration slowFieldsMaxAge;
  /**
   * The sample fields the meters kept in some registry read: each file of {@code /proc} costs, so a meter that a
   * {@code MeterFilter} denied adds none. Grows as registries bind; replaced whole, read by loads.
   */
  private volatile Set<Field> fields = Collections.unmodifiableSet(EnumSet.noneOf(Field.class));

  // monotonic counters over runs, guarded by this
  private final long[] carried = new long[Field.values().length];
  private final long[] last = new long[Field.values().length];
  private long seen;
  /** The last sample absorbed: one absorbed again (read twice within an interval) changes nothing, debts included. */
  private @Nullable ProcessSample absorbed;
  private long runPid = -1;
  private @Nullable Instant runStartedAt;

  // from events, written by the listener thread only
  final LongAdder[] restartsByCause = new LongAdder[CAUSES.length];
  final LongAdder[] healthTransitions = new LongAdder[HEALTH.length];
  private volatile @Nullable ExitCause pendingRestartCause; // the cause of the last exit, until a restart after it is counted
  private volatile boolean restartPending;
  private volatile @Nullable Instant exitDetectedAt;
  private volatile @Nullable Instant crashedAt;
  final List<Timer> recoveryTimers = new CopyOnWriteArrayList<>();
  /** Health check duration timers of every registry, by check name and result. */
  final Map<String, List<Timer>> healthTimers = new ConcurrentHashMap<>();
  private final Map<String, Instant> lastHealthResult = new HashMap<>(); // guarded by this
  final List<Timer> restartLatencyTimers = new CopyOnWriteArrayList<>();

  /** Shared by all probes of one {@link VigilMetrics}. */
  static final class Counters {
    final LongAdder samples = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder vanished = new LongAdder();
  }

  ProcessProbe(MeteredProcess source, Function<ProcessProbe, Reading> readings, Counters counters) {
    this(source, readings, counters, Ticker.system(), null, null);
  }

  /**
   * @param maxAge the oldest a value served may be (the reading's age by {@code ticker} plus the sample's
   *     {@linkplain ProcessSample#age age} of the field), or null for no bound
   * @param sampleInterval how long a reading serves; the sampler is asked for slow fields no older than
   *     {@code maxAge} minus this
   */
  ProcessProbe(MeteredProcess source, Function<ProcessProbe, Reading> readings, Counters counters, Ticker ticker,
      @Nullable Duration maxAge, @Nullable Duration sampleInterval) {
    this.source = source;
    this.name = source.name();
    this.readings = readings;
    this.counters = counters;
    this.ticker = ticker;
    this.maxAgeNanos = maxAge == null ? -1 : maxAge.toNanos();
    this.slowFieldsMaxAge = maxAge == null ? null
        : sampleInterval == null || sampleInterval.compareTo(maxAge) >= 0 ? Duration.ZERO : maxAge.minus(sampleInterval);
    for (int i = 0; i < CAUSES.length; i++) {
      restartsByCause[i] = new LongAdder();
    }
    for (int i = 0; i < HEALTH.length; i++) {
      healthTransitions[i] = new LongAdder();
    }
  }

  /** Adds {@code more} to the fields sampled: a meter reading them was kept by a registry. */
  synchronized void need(Set<Field> more) {
    if (!fields.containsAll(more)) {
      EnumSet<Field> next = EnumSet.noneOf(Field.class);
      next.addAll(fields);
      next.addAll(more);
      fields = Collections.unmodifiableSet(next);
    }
  }

  /** The fields each load samples; empty when no sample meter was kept. */
  Set<Field> fields() {
    return fields;
  }

  /** The reading of the current interval; loads one (and samples the process) only when it has expired. */
  Reading reading() {
    return readings.apply(this);
  }

  /** Called by the cache, at most once per process per interval: reads the operating system. */
  Reading load() {
    counters.samples.increment();
    long loadedAt = ticker.read();
    boolean active = source.active();
    Instant started = source.runStartedAt();
    ProcessSample sample = null;
    Set<Field> wanted = fields;
    try {
      Optional<ProcessSample> s = wanted.isEmpty() ? Optional.empty() : source.sample(wanted, slowFieldsMaxAge);
      if (s.isPresent() && s.get().vanished()) {
        if (active) {
          counters.vanished.increment();
        }
        log.atDebug().addKeyValue("process", name).log("Process {} vanished while sampled: {}", name, s.get().vanishedReason().orElse(""));
        active = false;
      } else if (s.isPresent()) {
        sample = s.get();
      } else if (active) {
        active = source.active(); // it may have ended between the two reads: then nothing is alive
      }
    } catch (RuntimeException e) {
      counters.errors.increment();
      log.atDebug().addKeyValue("process", name).setCause(e).log("Sampling process {} failed", name);
    }
    absorb(sample, active, started);
    harvestHealthResults();
    return new Reading(sample, active, loadedAt, wanted);
  }

  static String healthTimerKey(String check, CheckResult.Status result) {
    return check + '\u0000' + result;
  }

  /**
   * Records the health check results that came since the last load into the duration timers. A check
   * keeps its last {@value HealthReport.Check#RECENT_LIMIT} results, so a check that ran more often
   * than that within one interval has its oldest results of the interval left out of the timers.
   */
  private void harvestHealthResults() {
    if (healthTimers.isEmpty()) {
      return;
    }
    HealthReport report;
    try {
      report = source.health();
    } catch (RuntimeException e) {
      log.atDebug().addKeyValue("process", name).setCause(e).log("Reading the health of process {} failed", name);
      return;
    }
    synchronized (this) {
      for (HealthReport.Check check : report.checks()) {
        Instant seen = lastHealthResult.get(check.name());
        for (CheckResult r : check.recent()) {
          if (seen == null || r.at().isAfter(seen)) {
            List<Timer> timers = healthTimers.get(healthTimerKey(check.name(), r.status()));
            if (timers != null) {
              record(timers, r.duration());
            }
          }
        }
        check.last().ifPresent(last -> lastHealthResult.put(check.name(), last.at()));
      }
    }
  }

  /**
   * A member of a tree or group across samples: what it last showed, what its own counters lost (threads that ended),
   * and, per counter with a reaped part ({@link #REAPED}), that part as last shown
   * ({@link ProcessSample#memberReaped}) and what of its growth was taken off because it had been counted already.
   */
  private static final class MemberTotals {
    final long[] last = new long[COUNTER_FIELDS.length];
    final long[] lost = new long[COUNTER_FIELDS.length];
    final long[] deducted = new long[COUNTER_FIELDS.length];
    final long[] reaped = new long[COUNTER_FIELDS.length];
    final long[] owedOld = new long[COUNTER_FIELDS.length];   // owed since the sample before the last: paid now or dropped
    final long[] owedFresh = new long[COUNTER_FIELDS.length]; // owed since this sample: paid now or kept for the next one
    /** What of it went to {@link #carried} when it left a group: a member that comes back counts only beyond it. */
    final long[] carriedOut = new long[COUNTER_FIELDS.length];
    long pid;
    long parentPid = -1;
  }

  /**
   * Whether a counter of {@link #COUNTER_FIELDS} grows when a member reaps a child, by what the child used: CPU and
   * page faults ({@code cutime}, {@code cminflt}, … in a tree), I/O (the kernel adds a reaped child's into its
   * parent's). Not context switches, which a reaped child takes along.
   */
  private static final boolean[] REAPED = reapedCounters();

  private static boolean[] reapedCounters() {
    boolean[] r = new boolean[COUNTER_FIELDS.length];
    for (int c = 0; c < COUNTER_FIELDS.length; c++) {
      Field f = COUNTER_FIELDS[c];
      r[c] = f != Field.VOLUNTARY_SWITCHES && f != Field.INVOLUNTARY_SWITCHES;
    }
    return r;
  }

  /** Members seen in the last sample, by pid and start time; guarded by this. */
  private Map<String, MemberTotals> members = new HashMap<>();
  /** Whether the last sample absorbed was a group's (an attachment's matches); guarded by this. */
  private boolean groupScope;
  /**
   * A group's members that left it, by pid and start time, the last {@value #DEPARTED_KEPT}: a process that no longer
   * matched (it renamed itself, changed its command line) and matches again is the same member, whose counters were
   * carried when it left, and counts only what it used beyond that. Guarded by this.
   */
  private final Map<String, MemberTotals> departed = new java.util.LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, MemberTotals> eldest) {
      return size() > DEPARTED_KEPT;
    }
  };
  private static final int DEPARTED_KEPT = 64;

  /**
   * Folds a sample into the monotonic counters, member by member (pid plus start time), as
   * process-exporter accumulates: what a member used stays counted after it ended, also when another
   * member started in the same interval and the tree's sum did not go down (issue #12 item 12). A new
   * run never makes them go down either. A group (an attachment's matches) is one run while any of it is alive,
   * whatever member its pid names: its members that run on are not counted again when its first or oldest ends; a
   * member that left it alive (no longer matching) and comes back counts only beyond what was carried when it left.
   *
   * <p>A tree's CPU and page faults include what its members' reaped children used, and every process's I/O includes
   * its reaped children's, so a member that ended and was reaped by a member shows again, whole, in its reaper's
   * growth: what it last showed is then owed by its nearest ancestor still in the sample, and taken off that ancestor's
   * growth of the reaped part ({@link ProcessSample#memberReaped}: {@code cutime}, {@code cminflt}, …, the whole
   * for I/O), now or at the next sample (when the child was reaped between the reads of the two, within one sample);
   * what is not paid by then is dropped (a member that left the tree unreaped, orphaned to a reaper outside it, never
   * shows again). The same holds in a group, whose members can be parent and child: there only I/O has a reaped part,
   * a group's CPU and faults being each member's own. So these counters stay monotonic and never count a CPU second,
   * a fault or a byte twice. A debt of a member that left unreaped (orphaned, or a group's member no longer listed)
   * is not told from one that was reaped: it is paid, in that sample or the next, out of what its ancestor's reaped part
   * grew by for other reasons (for I/O, the ancestor's own I/O; for CPU, a child that ancestor reaped). The counter then
   * stays that much, at most what the gone member last showed, below what was used; never above.
   */
  private synchronized void absorb(@Nullable ProcessSample sample, boolean active, @Nullable Instant started) {
    if (sample == null) {
      if (!active) {
        endRun();
      }
      return;
    }
    if (sample.pid() != runPid || (started != null && !started.equals(runStartedAt))) {
      // a group whose pid names another member (its first ended) or whose oldest start changed is the same group: its
      // members, counted by pid and start time, carry on; it ends when nothing of it is alive
      if (sample.scope() != ProcessSample.Scope.GROUP) {
        endRun();
      }
      runPid = sample.pid();
      runStartedAt = started;
    } else if (sample == absorbed) {
      return; // already counted: a reaper's debt is paid from its growth, which a second look at it would not show
    }
    absorbed = sample;
    groupScope = sample.scope() == ProcessSample.Scope.GROUP;
    long[] pids = sample.memberPids();
    Map<String, MemberTotals> now = new HashMap<>(pids.length * 2);
    MemberTotals[] order = new MemberTotals[pids.length];
    for (int m = 0; m < pids.length; m++) {
      String key = pids[m] + "@" + sample.memberStartMillis(m);
      MemberTotals t = members.remove(key);
      if (t == null && groupScope) {
        t = departed.remove(key); // it left the group and matches again: what it used until it left is counted
      }
      if (t == null) {
        t = new MemberTotals();
      }
      now.put(key, t);
      order[m] = t;
      t.pid = pids[m];
      t.parentPid = sample.memberParentPid(m);
    }
    oweForReaped(now); // in every scope: a group's members can be parent and child too
    long[] sums = new long[COUNTER_FIELDS.length];
    for (int m = 0; m < pids.length; m++) {
      MemberTotals t = order[m];
      for (int c = 0; c < COUNTER_FIELDS.length; c++) {
        Field f = COUNTER_FIELDS[c];
        if (!sample.has(f)) {
          continue;
        }
        long v = sample.memberCounter(m, f);
        if (v < 0) {
          v = t.last[c]; // not read for this member this time: keep what it showed
        } else if (v < t.last[c]) {
          t.lost[c] += t.last[c] - v; // its own sum went down (a thread ended and took its switches along)
        }
        t.last[c] = v;
        sums[c] += v + t.lost[c] - t.deducted[c] - t.carriedOut[c];
      }
      for (int c = 0; c < COUNTER_FIELDS.length; c++) {
        if (!REAPED[c]) {
          continue;
        }
        Field f = COUNTER_FIELDS[c];
        long g = 0; // what its reaped part grew by since the last sample
        if (sample.has(f) && sample.memberCounter(m, f) >= 0) {
          long r = sample.memberReaped(m, f);
          g = Math.max(0, r - t.reaped[c]);
          t.reaped[c] = r;
        }
        long payOld = Math.min(t.owedOld[c], g); // the older debt first: it is dropped if not paid now
        long payFresh = Math.min(t.owedFresh[c], g - payOld);
        t.deducted[c] += payOld + payFresh;
        sums[c] -= payOld + payFresh;
        t.owedOld[c] = t.owedFresh[c] - payFresh;
        t.owedFresh[c] = 0;
      }
    }
    for (int c = 0; c < COUNTER_FIELDS.length; c++) {
      Field f = COUNTER_FIELDS[c];
      if (sample.has(f)) { // a field refused this time keeps the sum it had
        last[f.ordinal()] = sums[c];
        seen |= 1L << f.ordinal();
      }
    }
    carryEnded(); // members not seen again: ended since the last sample, what they used stays
    members = now;
  }

  /**
   * For each member of the last sample that is gone from {@code now} (still in {@link #members}), makes its nearest
   * ancestor in {@code now} owe what it last showed of each counter with a reaped part: its reaper counts it again
   * (see {@link #absorb}).
   */
  private void oweForReaped(Map<String, MemberTotals> now) {
    if (members.isEmpty()) {
      return;
    }
    Map<Long, MemberTotals> before = new HashMap<>((members.size() + now.size()) * 2);
    for (MemberTotals t : now.values()) {
      before.put(t.pid, t);
    }
    for (MemberTotals t : members.values()) {
      before.put(t.pid, t); // a pid gone and reused since names the gone one here: it was the parent then
    }
    java.util.Set<MemberTotals> here = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    here.addAll(now.values());
    for (MemberTotals gone : members.values()) {
      long parent = gone.parentPid;
      for (int hops = 0; hops <= before.size() && parent > 0; hops++) {
        MemberTotals a = before.get(parent);
        if (a == null || a == gone) {
          break;
        }
        if (here.contains(a)) {
          // what it showed, and what it still owed for its own reaped children: its reaper counts all of it again
          for (int c = 0; c < COUNTER_FIELDS.length; c++) {
            if (REAPED[c]) {
              a.owedFresh[c] += gone.last[c] + gone.lost[c] + gone.owedOld[c];
            }
          }
          break;
        }
        parent = a.parentPid;
      }
    }
  }

  /**
   * Adds what the members of {@link #members} last showed to {@link #carried}, and forgets them; a group's are kept in
   * {@link #departed}, in case one comes back.
   */
  private void carryEnded() {
    for (Map.Entry<String, MemberTotals> e : members.entrySet()) {
      MemberTotals t = e.getValue();
      for (int c = 0; c < COUNTER_FIELDS.length; c++) {
        long more = t.last[c] + t.lost[c] - t.deducted[c] - t.carriedOut[c];
        carried[COUNTER_FIELDS[c].ordinal()] += more;
        t.carriedOut[c] += more;
        t.owedOld[c] = 0; // a debt is its reaper's, in the sample that saw it go: not carried into a later stay
        t.owedFresh[c] = 0;
      }
      if (groupScope) {
        departed.put(e.getKey(), t);
      }
    }
    members.clear();
  }

  private void endRun() {
    carryEnded();
    for (Field f : COUNTER_FIELDS) {
      last[f.ordinal()] = 0;
    }
    runPid = -1;
    runStartedAt = null;
  }

  // --- what meters read ------------------------------------------------------------------------

  /** A counter field over all runs seen, in its raw unit; NaN until a sample has had it. */
  double total(Field field) {
    reading();
    synchronized (this) {
      int i = field.ordinal();
      return (seen & (1L << i)) == 0 ? Double.NaN : (double) (carried[i] + last[i]);
    }
  }

  /** Seconds of a nanosecond counter field. */
  double seconds(Field field) {
    return total(field) / 1e9;
  }

  /**
   * A gauge field: 0 when no process is alive (nothing uses memory, holds descriptors or runs
   * threads), NaN when the process is alive but the field could not be read.
   */
  double gauge(Field field) {
    Reading r = reading();
    ProcessSample s = r.sample();
    if (s == null) {
      return r.active() ? Double.NaN : 0;
    }
    return tooOld(r, s, field) ? Double.NaN : s.get(field);
  }

  /**
   * Whether {@code field} of the reading is older than the maximum age: how long the reading has served plus
   * how old the sampler says the field was at the sample. Only where a sampler did not honour the age asked
   * (the Linux one does): a stale value is not served, it reads NaN as an unknown one does.
   */
  private boolean tooOld(Reading r, ProcessSample s, Field field) {
    if (maxAgeNanos < 0) {
      return false;
    }
    Optional<Duration> age = s.age(field);
    return age.isPresent() && Math.max(0, ticker.read() - r.loadedAt()) + age.get().toNanos() > maxAgeNanos;
  }

  /** The oldest start of the tree in epoch milliseconds; NaN when none is alive or it is unknown. */
  double startTimeMillis() {
    ProcessSample s = reading().sample();
    return s == null ? Double.NaN : s.get(Field.START_TIME);
  }

  /** CPU use since the previous interval, 1 = one core busy. */
  double cpuUsage() {
    return gauge(Field.CPU_PERCENT) / 100.0;
  }

  /** Threads of the tree in {@code state}. */
  double threads(RunState state) {
    Reading r = reading();
    ProcessSample s = r.sample();
    if (s == null) {
      return r.active() ? Double.NaN : 0;
    }
    return s.threads(state).isPresent() && !tooOld(r, s, Field.THREAD_STATES) ? s.threads(state).getAsLong() : Double.NaN;
  }

  /** Processes of the tree in {@code state}. */
  double processes(RunState state) {
    Reading r = reading();
    ProcessSample s = r.sample();
    if (s == null) {
      return r.active() ? Double.NaN : 0;
    }
    return s.processes(state).isPresent() ? s.processes(state).getAsLong() : Double.NaN;
  }

  /**
   * process-exporter's {@code states}: each process's own state and, for a process with more than one
   * thread, each thread's too (a JVM of 20 threads counts 21). Exact for a single process; for a tree
   * the threads of all members count once some member has several threads.
   */
  double exporterStates(RunState state) {
    Reading r = reading();
    ProcessSample s = r.sample();
    if (s == null) {
      return r.active() ? Double.NaN : 0;
    }
    OptionalLong procs = s.processes(state);
    if (procs.isEmpty()) {
      return Double.NaN;
    }
    OptionalLong threads = s.threads();
    OptionalLong members = s.processes();
    if (threads.isPresent() && members.isPresent() && threads.getAsLong() > members.getAsLong()) {
      OptionalLong inState = s.threads(state);
      return inState.isPresent() && !tooOld(r, s, Field.THREAD_STATES) ? procs.getAsLong() + inState.getAsLong() : Double.NaN;
    }
    return procs.getAsLong();
  }

  // status-based gauges read the status live: it costs no system call, and alerts on "up" should not lag

  double up() {
    return source.up() ? 1 : 0;
  }

  /** The controller of a supervised process; only its meters call this. */
  private ProcessController controller() {
    ProcessController c = source.controller();
    if (c == null) {
      throw new IllegalStateException("not a supervised process: " + name);
    }
    return c;
  }

  double inAttachState(AttachState state) {
    AttachedProcess a = source.attachment();
    return a != null && a.status().state() == state ? 1 : 0;
  }

  double attachedExits() {
    AttachedProcess a = source.attachment();
    return a == null ? Double.NaN : a.status().exits();
  }

  double inState(ProcessState state) {
    return controller().status().state() == state ? 1 : 0;
  }

  double inHealth(HealthState health) {
    return controller().status().health() == health ? 1 : 0;
  }

  double lastExitCode() {
    ExitInfo e = controller().status().lastExit();
    return e != null && e.exitCode().isPresent() ? e.exitCode().getAsInt() : Double.NaN;
  }

  double lastExitSignal() {
    ExitInfo e = controller().status().lastExit();
    return e != null && e.signal().isPresent() ? e.signal().getAsInt() : Double.NaN;
  }

  double uptimeSeconds() {
    return source.uptime().toNanos() / 1e9;
  }

  // --- events (listener thread) ------------------------------------------------------------------

  void restartScheduled(ExitInfo after) {
    pendingRestartCause = after.cause();
  }

  /**
   * A spawn ordered by supervision (origin POLICY): counted as a restart, by the cause of the exit before it, once per
   * exit. Not after a stop supervision made ({@code KILLED_BY_SUPERVISOR}): a group's start of a sibling it stopped is
   * not one of the sibling's restarts, as its {@code ProcessStatus.restarts()} says (the group's restart is the ended
   * child's); there was no made-up cause for it either.
   */
  void restartSpawning() {
    ExitCause cause = pendingRestartCause;
    pendingRestartCause = null;
    if (cause == null || cause == ExitCause.KILLED_BY_SUPERVISOR) {
      return;
    }
    restartsByCause[cause.ordinal()].increment();
    restartPending = true;
  }

  void exited(ExitInfo exit, Instant at) {
    exitDetectedAt = at;
    pendingRestartCause = exit.cause();
    if (exit.cause().isFailure() && crashedAt == null) {
      crashedAt = at;
    }
  }

  void started(Instant at) {
    Instant exit = exitDetectedAt;
    if (restartPending && exit != null) {
      record(restartLatencyTimers, Duration.between(exit, at));
    }
    restartPending = false;
  }

  void running(Instant at) {
    Instant crash = crashedAt;
    if (crash != null) {
      record(recoveryTimers, Duration.between(crash, at));
      crashedAt = null;
    }
  }

  void healthChanged(HealthState to) {
    healthTransitions[to.ordinal()].increment();
  }

  private static void record(List<Timer> timers, Duration d) {
    long nanos = Math.max(0, d.toNanos());
    for (Timer t : timers) {
      t.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public String toString() {
    return "ProcessProbe{" + name + "}";
  }
}
