package io.github.vigil.internal;

import io.github.vigil.CheckResult;
import io.github.vigil.ExitCause;
import io.github.vigil.HealthCheck;
import io.github.vigil.HealthReport;
import io.github.vigil.HealthState;
import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ResourceRule;
import io.github.vigil.Scheduler;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.spi.ProcessSampler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health checks of one process: schedules each check's attempts on the supervisor's
 * {@link Scheduler}, enforces their timeouts, counts results with a {@link CheckTracker} per check,
 * derives the process's health, publishes {@link SupervisorEvent.HealthChanged}, and asks its
 * {@link ManagedProcess} for a restart when a liveness check with action RESTART becomes unhealthy.
 * It also samples the process tree for its {@link ResourceRule}s and acts when one is broken.
 *
 * <p>Everything but {@link #state()} and {@link #report()} runs on the
 * supervision thread; attempts run on the {@link HealthExecutor} and their results come back to that
 * thread. Each run has a generation number, so results of an earlier run are dropped.
 */
final class HealthMonitor {
  private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);

  private final DefaultSupervisor sup;
  private final ManagedProcess owner;
  private final String name;
  private final List<Slot> slots = new ArrayList<>();
  private final List<RuleSlot> rules = new ArrayList<>();

  // supervision-thread state
  private int generation;
  private boolean active;
  private int run;
  private long pid = -1;
  /** The run's environment as its spec resolves it (no NOTIFY_SOCKET): exec checks run with it. */
  private java.util.Map<String, String> runEnvironment = java.util.Map.of();
  /** The run's working directory, null for this JVM's: exec checks run there. */
  private java.nio.file.@Nullable Path runDirectory;

  private volatile HealthState state = HealthState.UNKNOWN;
  private volatile HealthReport report;
  private io.github.vigil.spi.@Nullable NotifySocket notifySocket; // opened for the first run, kept until release
  private @Nullable String notifyFailure;

  /** One check and its state in the current run. */
  private static final class Slot {
    final HealthCheck check;
    final AtomicBoolean customBusy = new AtomicBoolean();
    /** An exec check's program's {@code #!} line, read again only when the file changed, as the process's own program's. */
    final StartChecks.LastHead programHead = new StartChecks.LastHead();
    final ArrayDeque<CheckResult> recent = new ArrayDeque<>();
    final List<Runnable> onResult = new ArrayList<>(); // checkNow() callers waiting for the next result
    @Nullable CheckTracker tracker;
    HealthExecutor.@Nullable Attempt inFlight;
    long attemptStartNanos;
    Scheduler.@Nullable Cancellable next;
    Scheduler.@Nullable Cancellable timeout;
    long attempts;
    long failures;
    // systemd notify checks only
    final Duration watchdog;
    boolean ready;
    boolean pinged;
    long lastPassNanos; // when a WATCHDOG=1 was last recorded as a pass
    String status = "";

    Slot(HealthCheck check) {
      this.check = check;
      this.watchdog = check.probe() instanceof HealthCheck.Probe.SystemdNotify n ? n.watchdog() : Duration.ZERO;
    }

    boolean isNotify() {
      return check.probe() instanceof HealthCheck.Probe.SystemdNotify;
    }

    HealthState state() {
      return tracker == null ? HealthState.UNKNOWN : tracker.state();
    }
  }

  /** One resource rule and its state in the current run. */
  private static final class RuleSlot {
    final ResourceRule rule;
    final Set<ProcessSample.Field> fields;
    final ArrayDeque<CheckResult> recent = new ArrayDeque<>();
    @Nullable ProcessSample previous;
    boolean reading;
    boolean unavailableSaid;
    int above;
    long violations;
    HealthReport.Rule.State state = HealthReport.Rule.State.UNKNOWN;
    long breachedAtNanos; // while BREACHED: when, on the ticker
    java.time.@Nullable Instant breachedAt;
    Scheduler.@Nullable Cancellable next;

    RuleSlot(ResourceRule rule) {
      this.rule = rule;
      switch (rule.metric()) {
        case CPU_PERCENT:
          fields = EnumSet.of(ProcessSample.Field.CPU_TOTAL, ProcessSample.Field.CPU_PERCENT, ProcessSample.Field.START_TIME);
          break;
        case FD_RATIO:
          fields = EnumSet.of(ProcessSample.Field.OPEN_FDS, ProcessSample.Field.FD_LIMIT, ProcessSample.Field.WORST_FD_RATIO);
          break;
        default:
          fields = EnumSet.of(ProcessSample.Field.MEMORY_RESIDENT);
          break;
      }
    }
  }

  HealthMonitor(DefaultSupervisor sup, ManagedProcess owner, ProcessSpec spec) {
    this.sup = sup;
    this.owner = owner;
    this.name = spec.name();
    spec.healthChecks().forEach(c -> slots.add(new Slot(c)));
    spec.resourceRules().forEach(r -> rules.add(new RuleSlot(r)));
    this.report = buildReport();
    if (spec.healthChecks().stream().anyMatch(c -> c.probe() instanceof HealthCheck.Probe.Tcp || c.probe() instanceof HealthCheck.Probe.Http)) {
      sup.healthExecutor().warmUp(spec.healthChecks()); // a fresh JVM's first check is no slower than the next
    }
  }

  HealthState state() {
    return state;
  }

  HealthReport report() {
    return report;
  }

  /**
   * Runs every check but systemd-notify ones now (see {@code ProcessController.checkNow()}) and
   * completes with the report once each has a result, or the run ended. Any thread.
   */
  CompletableFuture<HealthReport> checkNow() {
    CompletableFuture<HealthReport> done = new CompletableFuture<>();
    sup.onLoop(() -> checkNow(done), () -> log.debug("Task after close dropped"), done::completeExceptionally);
    return done;
  }

  /** {@link #checkNow()} on the supervision thread, once the checks' warm-up is over. */
  private void checkNow(CompletableFuture<HealthReport> done) {
    if (!active || slots.isEmpty()) {
      done.complete(report);
      return;
    }
    CompletableFuture<Void> ready = sup.healthExecutor().ready(slots.get(0).check);
    if (!ready.isDone()) { // fire() would only wait for it: wait here, then start every check
      ready.whenComplete((v, e) -> sup.onLoop(() -> checkNow(done), () -> log.debug("Task after close dropped"), done::completeExceptionally));
      return;
    }
    int gen = generation;
    List<Slot> started = new ArrayList<>();
    for (Slot s : slots) {
      if (s.isNotify()) {
        continue;
      }
      if (s.inFlight == null) {
        cancel(s.next); // fire() schedules the next attempt a full interval from now
        s.next = null;
        fire(s, gen);
      }
      if (s.inFlight != null) {
        started.add(s);
      }
    }
    if (started.isEmpty()) {
      done.complete(report);
      return;
    }
    int[] remaining = {started.size()};
    for (Slot s : started) {
      s.onResult.add(() -> {
        if (--remaining[0] == 0) {
          done.complete(report);
        }
      });
    }
    log.atInfo().addKeyValue("process", name).log("Process {}: {} run on request", name,
        io.github.vigil.HumanFormat.count(started.size(), "health check", "health checks"));
  }

  /** Tells the checkNow() callers waiting on {@code s} that its attempt is over. */
  private static void resultArrived(Slot s) {
    if (!s.onResult.isEmpty()) {
      List<Runnable> waiting = new ArrayList<>(s.onResult);
      s.onResult.clear();
      waiting.forEach(Runnable::run);
    }
  }

  // --- hooks from ManagedProcess (supervision thread) --------------------------------------------

  /**
   * A run was spawned: checks begin after their initial delays.
   *
   * @param environment the run's environment as its spec resolves it, which its exec checks get
   * @param directory the run's working directory (null: this JVM's), where its exec checks run
   */
  void runStarted(int runNumber, long runPid, java.util.Map<String, String> environment, java.nio.file.@Nullable Path directory) {
    halt();
    active = true;
    run = runNumber;
    pid = runPid;
    runEnvironment = environment;
    runDirectory = directory;
    int gen = generation;
    long now = sup.now();
    for (Slot s : slots) {
      s.tracker = new CheckTracker(s.check, now);
    }
    if (!slots.isEmpty()) {
      setState(HealthState.STARTING, "run " + runNumber + " started; " + io.github.vigil.HumanFormat.count(slots.size(), "check", "checks") + " pending");
    }
    for (RuleSlot r : rules) {
      r.previous = null;
      r.above = 0;
      if (r.state != HealthReport.Rule.State.BREACHED) {
        r.state = HealthReport.Rule.State.UNKNOWN; // a breach stays until a sample of this run is within the limit
      }
      r.reading = false;
      r.next = sup.schedule(r.rule.interval(), () -> sample(r, gen));
    }
    for (Slot s : slots) {
      if (s.isNotify()) {
        s.ready = false;
        s.pinged = false;
        s.status = "";
        if (notifyFailure != null) {
          s.attemptStartNanos = sup.now();
          record(s, CheckResult.Status.FAILED, notifyFailure, gen);
        } else if (!s.watchdog.isZero()) {
          s.next = sup.schedule(s.watchdog, () -> watchdogTick(s, gen));
        }
        continue;
      }
      if (s.check.initialDelay().isZero()) {
        sup.onLoopLater(() -> fire(s, gen)); // after the spawn's own events
      } else {
        s.next = sup.schedule(s.check.initialDelay(), () -> fire(s, gen));
      }
    }
  }

  // --- systemd notify (supervision thread) --------------------------------------------------------

  /** Registration: a notify check needs a backend that offers the protocol. */
  static void checkSupported(ProcessSpec spec, io.github.vigil.spi.ProcessBackend backend) {
    for (HealthCheck c : spec.healthChecks()) {
      if (c.probe() instanceof HealthCheck.Probe.SystemdNotify && !backend.offersNotifySockets()) {
        throw new IllegalArgumentException("health check '" + c.name() + "' of '" + spec.name()
            + "' needs systemd's notify protocol, which backend '" + backend.name() + "' does not offer (the Linux backend does)");
      }
    }
  }

  /** The environment of the next run: with {@code NOTIFY_SOCKET} (and {@code WATCHDOG_USEC}) for notify checks. */
  java.util.Map<String, String> environment(java.util.Map<String, String> env) {
    Slot notify = slots.stream().filter(Slot::isNotify).findFirst().orElse(null);
    if (notify == null) {
      return env;
    }
    if (notifySocket == null && notifyFailure == null) {
      try {
        notifySocket = sup.backend.openNotifySocket(name, text -> sup.onLoop(() -> onNotify(text)))
            .orElseThrow(() -> new java.io.IOException("backend '" + sup.backend.name() + "' offers no notify sockets"));
      } catch (java.io.IOException | RuntimeException e) {
        notifyFailure = "notify socket could not be opened: " + e.getMessage();
        log.atError().addKeyValue("process", name).log("Process {}: {}", name, notifyFailure, e);
      }
    }
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>(env);
    if (notifySocket != null) {
      out.put("NOTIFY_SOCKET", notifySocket.address());
      if (!notify.watchdog.isZero()) {
        out.put("WATCHDOG_USEC", Long.toString(notify.watchdog.toNanos() / 1000));
      }
    }
    return out;
  }

  private void onNotify(String text) {
    if (!active) {
      return; // between runs, or stopping: a late message of the run before
    }
    for (Slot s : slots) {
      if (!s.isNotify()) {
        continue;
      }
      boolean ready = false;
      boolean trigger = false;
      for (String line : text.split("\n")) {
        if (line.equals("READY=1")) {
          ready = true;
        } else if (line.equals("WATCHDOG=1")) {
          s.pinged = true;
        } else if (line.equals("WATCHDOG=trigger")) {
          trigger = true;
        } else if (line.startsWith("STATUS=")) {
          s.status = line.substring("STATUS=".length());
        }
      }
      s.attemptStartNanos = sup.now();
      if (s.pinged && s.ready && !trigger && !s.watchdog.isZero()) {
        // as systemd: the watchdog fires one full interval after the LAST ping, not at the next fixed tick
        // (which left up to 2x the interval; issue #12 item 9). A pass is recorded at most once per interval.
        int gen = generation;
        cancel(s.next);
        s.next = sup.schedule(s.watchdog, () -> watchdogTick(s, gen));
        s.pinged = false; // a tick that fires now means a full interval without a ping
        if (sup.now() - s.lastPassNanos >= s.watchdog.toNanos()) {
          s.lastPassNanos = sup.now();
          record(s, CheckResult.Status.PASSED, "WATCHDOG=1" + statusSuffix(s), generation);
          continue;
        }
      }
      if (trigger) {
        record(s, CheckResult.Status.FAILED, "WATCHDOG=trigger" + statusSuffix(s), generation);
      } else if (ready && !s.ready) {
        s.ready = true;
        s.pinged = false;
        s.lastPassNanos = sup.now();
        if (!s.watchdog.isZero()) { // the watchdog counts from READY=1: a full interval to the first check
          int gen = generation;
          cancel(s.next);
          s.next = sup.schedule(s.watchdog, () -> watchdogTick(s, gen));
        }
        record(s, CheckResult.Status.PASSED, "READY=1" + statusSuffix(s), generation);
      } else {
        report = buildReport();
      }
    }
  }

  /** Once per watchdog interval after READY=1: a ping must have come since the last tick. */
  private void watchdogTick(Slot s, int gen) {
    if (gen != generation || !active) {
      return;
    }
    s.next = sup.schedule(s.watchdog, () -> watchdogTick(s, gen));
    if (!s.ready) {
      return; // not started yet: the watchdog counts from READY=1, as systemd's
    }
    s.attemptStartNanos = sup.now();
    if (s.pinged) { // pinged, but too soon after the last recorded pass to record another: still a pass
      s.pinged = false;
      s.lastPassNanos = sup.now();
      record(s, CheckResult.Status.PASSED, "WATCHDOG=1" + statusSuffix(s), gen);
    } else {
      record(s, CheckResult.Status.FAILED, "no WATCHDOG=1 within " + io.github.vigil.HumanFormat.duration(s.watchdog) + statusSuffix(s), gen);
    }
  }

  private static String statusSuffix(Slot s) {
    return s.status.isEmpty() ? "" : "; status: " + s.status;
  }

  /** The process is forgotten: its notify socket goes. */
  void close() {
    io.github.vigil.spi.NotifySocket socket = notifySocket;
    notifySocket = null;
    if (socket != null) {
      socket.close();
    }
  }

  /** The run is being stopped: checks end, health is kept until the run has ended. */
  void runStopping() {
    halt();
  }

  /** The run ended: checks end and health is unknown until the next run. */
  void runEnded(String why) {
    halt();
    for (Slot s : slots) {
      s.tracker = null;
    }
    setState(HealthState.UNKNOWN, why);
  }

  private void halt() {
    active = false;
    generation++;
    for (Slot s : slots) {
      cancel(s.next);
      cancel(s.timeout);
      s.next = null;
      s.timeout = null;
      HealthExecutor.Attempt a = s.inFlight;
      s.inFlight = null;
      if (a != null) {
        a.abandon();
      }
      resultArrived(s); // the run is over: no result will come
    }
    for (RuleSlot r : rules) {
      cancel(r.next);
      r.next = null;
    }
  }

  // --- attempts (supervision thread) ------------------------------------------------------------

  private void fire(Slot s, int gen) {
    if (gen != generation || !active) {
      return;
    }
    CompletableFuture<Void> ready = sup.healthExecutor().ready(s.check);
    if (!ready.isDone()) { // a fresh JVM: the first attempt waits for the warm-up, so it is timed warm
      ready.whenComplete((v, e) -> sup.onLoop(() -> fire(s, gen)));
      return;
    }
    if (s.inFlight != null) { // only when a timer ran late: the old attempt is over its timeout by now
      timedOut(s, gen, s.inFlight);
      if (gen != generation || !active) {
        return;
      }
    }
    HealthCheck check = s.check;
    s.attemptStartNanos = sup.now();
    HealthExecutor.Attempt a = sup.healthExecutor().start(check, name, pid, runEnvironment, runDirectory, check.timeout(), s.customBusy,
        s.programHead);
    s.inFlight = a;
    s.timeout = sup.schedule(check.timeout(), () -> {
      if (gen == generation && s.inFlight == a) {
        timedOut(s, gen, a);
      }
    });
    s.next = sup.schedule(check.interval(), () -> fire(s, gen));
    a.result().whenComplete((r, e) -> sup.onLoop(() -> {
      if (gen != generation || s.inFlight != a) {
        return; // abandoned, or from an earlier run
      }
      cancel(s.timeout);
      s.timeout = null;
      HealthExecutor.Result result = r != null ? r : HealthExecutor.Result.fail("check failed: " + e);
      record(s, result.passed() ? CheckResult.Status.PASSED : CheckResult.Status.FAILED, result.message(), gen);
    }));
  }

  private void timedOut(Slot s, int gen, HealthExecutor.Attempt a) {
    s.inFlight = null;
    s.timeout = null;
    a.abandon();
    record(s, CheckResult.Status.TIMED_OUT, "no result within the timeout of " + io.github.vigil.HumanFormat.duration(s.check.timeout()), gen);
  }

  private void record(Slot s, CheckResult.Status status, String message, int gen) {
    try {
      recordResult(s, status, message, gen);
    } finally {
      resultArrived(s);
    }
  }

  private void recordResult(Slot s, CheckResult.Status status, String message, int gen) {
    s.inFlight = null;
    CheckTracker t = s.tracker;
    if (t == null) {
      return;
    }
    long now = sup.now();
    Duration took = Duration.ofNanos(Math.max(0, now - s.attemptStartNanos));
    HealthState before = t.state();
    HealthState after = t.record(status == CheckResult.Status.PASSED, s.attemptStartNanos);
    CheckResult result = new CheckResult(status, message, took, sup.wallNow(), t.lastCounted());
    s.attempts++;
    if (!result.passed()) {
      s.failures++;
    }
    s.recent.addLast(result);
    while (s.recent.size() > HealthReport.Check.RECENT_LIMIT) {
      s.recent.removeFirst();
    }
    HealthCheck check = s.check;
    log.atDebug().addKeyValue("process", name).addKeyValue("check", check.name())
        .log("Health check {} of {}: {}", check.name(), name, result);
    String why = "";
    if (after != before) {
      if (after == HealthState.UNHEALTHY) {
        why = "check '" + check.name() + "' failed " + io.github.vigil.HumanFormat.count(t.consecutiveFailures(), "time", "times") + " in a row: " + message;
        log.atWarn().addKeyValue("process", name).addKeyValue("check", check.name()).log("Process {} {}", name, why);
      } else if (after == HealthState.HEALTHY) {
        why = "check '" + check.name() + "' passed " + io.github.vigil.HumanFormat.count(t.consecutivePasses(), "time", "times") + " in a row: " + message;
        log.atInfo().addKeyValue("process", name).addKeyValue("check", check.name()).log("Process {} {}", name, why);
      }
    }
    HealthState overall = overall();
    if (overall != state) {
      setState(overall, why.isEmpty() ? "check '" + check.name() + "': " + message : why);
    } else {
      report = buildReport();
    }
    if (after == HealthState.UNHEALTHY && before != HealthState.UNHEALTHY && check.role() == HealthCheck.Role.LIVENESS
        && check.action() == HealthCheck.Action.RESTART && gen == generation && active) {
      owner.restartForHealth(run, why, ExitCause.HEALTH_CHECK_FAILED);
    }
  }

  private HealthState overall() {
    if (slots.isEmpty() || (!active && slots.stream().allMatch(s -> s.tracker == null))) {
      return HealthState.UNKNOWN;
    }
    boolean allHealthy = true;
    for (Slot s : slots) {
      HealthState h = s.state();
      if (h == HealthState.UNHEALTHY) {
        return HealthState.UNHEALTHY;
      }
      allHealthy &= h == HealthState.HEALTHY;
    }
    return allHealthy ? HealthState.HEALTHY : HealthState.STARTING;
  }

  private void setState(HealthState to, String message) {
    HealthState from = state;
    state = to;
    report = buildReport();
    if (from == to) {
      return;
    }
    sup.publish(new SupervisorEvent.HealthChanged(name, sup.wallNow(), from, to, message));
  }

  private HealthReport buildReport() {
    List<HealthReport.Check> checks = new ArrayList<>(slots.size());
    for (Slot s : slots) {
      CheckTracker t = s.tracker;
      checks.add(new HealthReport.Check(s.check.name(), s.check.role(), s.state(), t == null ? 0 : t.consecutiveFailures(),
          t == null ? 0 : t.consecutivePasses(), s.attempts, s.failures, List.copyOf(s.recent)));
    }
    List<HealthReport.Rule> ruleReports = new ArrayList<>(rules.size());
    for (RuleSlot r : rules) {
      ruleReports.add(new HealthReport.Rule(r.rule.name(), r.rule.metric(), r.rule.limit(), r.above, r.violations,
          List.copyOf(r.recent), r.state, r.breachedAt));
    }
    return new HealthReport(state, checks, ruleReports);
  }

  // --- resource rules (supervision thread) -------------------------------------------------------

  private void sample(RuleSlot r, int gen) {
    if (gen != generation || !active) {
      return;
    }
    r.next = sup.schedule(r.rule.interval(), () -> sample(r, gen));
    if (r.reading) {
      return; // the previous read has not come back: skip a beat rather than pile up
    }
    ResourceRule rule = r.rule;
    Optional<ProcessSampler> sampler = sup.backend.sampler();
    if (sampler.isEmpty() || !sampler.get().supportedFields().contains(rule.metric().field())) {
      String why = "not readable: backend '" + sup.backend.name() + "' " + (sampler.isEmpty() ? "has no sampler"
          : "samples no " + rule.metric().field());
      if (!r.unavailableSaid) {
        r.unavailableSaid = true;
        log.atWarn().addKeyValue("process", name).addKeyValue("rule", rule.name())
            .log("Resource rule {} of {} is inactive: {} is {}", rule.name(), name, rule.metric().label(), why);
      }
      recordRule(r, CheckResult.Status.FAILED, rule.metric().label() + " " + why, Duration.ZERO, false);
      return;
    }
    r.reading = true;
    long runPid = pid;
    ProcessSample previous = r.previous;
    long started = sup.now();
    sup.healthExecutor().supply(() -> sampler.get().sampleTree(runPid, r.fields, previous))
        .whenComplete((sample, e) -> sup.onLoop(() -> {
          r.reading = false;
          if (gen != generation || !active) {
            return;
          }
          Duration took = Duration.ofNanos(Math.max(0, sup.now() - started));
          if (e != null || sample == null) {
            recordRule(r, CheckResult.Status.FAILED, "sampling failed: " + e, took, false);
            return;
          }
          evaluate(r, sample, took, gen);
        }));
  }

  private void evaluate(RuleSlot r, ProcessSample sample, Duration took, int gen) {
    ResourceRule rule = r.rule;
    if (sample.vanished()) {
      return; // the run is ending; its exit will be reported
    }
    r.previous = sample;
    ProcessSample.Field field = rule.metric().field();
    if (!sample.has(field)) {
      recordRule(r, CheckResult.Status.FAILED, rule.metric().label() + " not read" + (field == ProcessSample.Field.CPU_PERCENT
          ? " (CPU needs a previous sample)" : ""), took, false);
      return;
    }
    double value = sample.get(field);
    boolean over = value > rule.limit();
    r.above = over ? r.above + 1 : 0;
    boolean recovering = !over && r.state == HealthReport.Rule.State.BREACHED;
    Duration breachedFor = recovering ? Duration.ofNanos(Math.max(0, sup.now() - r.breachedAtNanos)) : Duration.ZERO;
    if (recovering) {
      r.breachedAt = null;
    }
    if (recovering || r.state != HealthReport.Rule.State.BREACHED) {
      r.state = over ? HealthReport.Rule.State.ABOVE : HealthReport.Rule.State.WITHIN;
    }
    String seen = rule.metric().label() + " " + rule.metric().format(value) + (over ? " above" : " within") + " the limit of "
        + rule.metric().format(rule.limit());
    recordRule(r, over ? CheckResult.Status.FAILED : CheckResult.Status.PASSED, seen, took, true);
    if (recovering) {
      recovered(r, value, breachedFor); // after the report says WITHIN: a listener reading it must see it
    }
    if (over && r.above == rule.failureThreshold()) {
      r.violations++;
      if (r.state != HealthReport.Rule.State.BREACHED) { // broken again in a later run without recovering: the same breach
        r.breachedAtNanos = sup.now();
        r.breachedAt = sup.wallNow();
      }
      r.state = HealthReport.Rule.State.BREACHED;
      String why = "resource rule '" + rule.name() + "' broken: " + seen + " for "
          + io.github.vigil.HumanFormat.count(rule.failureThreshold(), "sample", "samples") + " in a row";
      log.atWarn().addKeyValue("process", name).addKeyValue("rule", rule.name()).log("Process {}: {}", name, why);
      report = buildReport();
      sup.publish(new SupervisorEvent.ResourceLimitExceeded(name, sup.wallNow(), rule.name(), rule.metric(), value, rule.limit(),
          rule.action(), why));
      if (rule.action() == HealthCheck.Action.RESTART && gen == generation && active) {
        owner.restartForHealth(run, why, ExitCause.RESOURCE_LIMIT);
      }
    }
  }

  /** The first sample within the limit after a breach: the rule has recovered. */
  private void recovered(RuleSlot r, double value, Duration breachedFor) {
    ResourceRule rule = r.rule;
    String why = "resource rule '" + rule.name() + "' back within its limit after " + io.github.vigil.HumanFormat.duration(breachedFor)
        + ": " + rule.metric().label() + " " + rule.metric().format(value) + " within " + rule.metric().format(rule.limit());
    log.atInfo().addKeyValue("process", name).addKeyValue("rule", rule.name()).log("Process {}: {}", name, why);
    sup.publish(new SupervisorEvent.ResourceLimitRecovered(name, sup.wallNow(), rule.name(), rule.metric(), value, rule.limit(),
        breachedFor, why));
  }

  private void recordRule(RuleSlot r, CheckResult.Status status, String message, Duration took, boolean counted) {
    if (!counted && r.state != HealthReport.Rule.State.BREACHED) {
      r.state = HealthReport.Rule.State.UNKNOWN; // not read: nothing known
    }
    r.recent.addLast(new CheckResult(status, message, took, sup.wallNow(), counted));
    while (r.recent.size() > HealthReport.Check.RECENT_LIMIT) {
      r.recent.removeFirst();
    }
    log.atDebug().addKeyValue("process", name).addKeyValue("rule", r.rule.name())
        .log("Resource rule {} of {}: {}", r.rule.name(), name, message);
    report = buildReport();
  }

  private static void cancel(Scheduler.@Nullable Cancellable c) {
    if (c != null) {
      c.cancel();
    }
  }
}
