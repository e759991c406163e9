package io.github.vigil.alerts;

import io.github.vigil.HumanFormat;
import static java.util.Objects.requireNonNull;

import io.github.vigil.AttachState;
import io.github.vigil.ExitInfo;
import io.github.vigil.HealthState;
import io.github.vigil.Origin;
import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.ResourceRule;
import io.github.vigil.Scheduler;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.SupervisorListener;
import io.github.vigil.Ticker;
import io.github.vigil.calendar.Schedule;
import io.github.vigil.calendar.ScheduleState;
import io.github.vigil.calendar.TradingSupervision;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert rules at work: turns a supervisor's events ({@link #onEvent}), samples ({@link #onSample})
 * and anomalies ({@link #onAnomaly}) into alerts that fire and resolve, and hands each to an
 * {@link AlertListener} (usually a {@link NotificationPipeline}).
 *
 * <table>
 *   <caption>Rules</caption>
 *   <tr><th>type</th><th>fires</th><th>resolves</th></tr>
 *   <tr><td>NOT_RUNNING</td><td>left RUNNING (not by an API stop or shutdown) and not back within the grace, unless FAILED fires for it</td><td>RUNNING again, or stopped on purpose</td></tr>
 *   <tr><td>CRASHED</td><td>each run ending with a failure cause (again = one more occurrence)</td><td>a run lasting {@code stableAfter}, or stopped on purpose</td></tr>
 *   <tr><td>FLAPPING</td><td>more than N restarts scheduled within the window</td><td>a window without a restart, or stopped on purpose</td></tr>
 *   <tr><td>FAILED</td><td>the start limit was reached</td><td>a run lasting {@code stableAfter} (or the process's restart
 *   policy's, if longer), or stopped on purpose</td></tr>
 *   <tr><td>HIGH_CPU / HIGH_MEMORY</td><td>every sample above the threshold for the duration (of a supervised process
 *   or an attachment)</td><td>a sample below 90 % of the threshold, or the process stops (an attachment: loses its
 *   process)</td></tr>
 *   <tr><td>HEALTH_CHECK_FAILING</td><td>health UNHEALTHY</td><td>health HEALTHY, or stopped</td></tr>
 *   <tr><td>ATTACHMENT_LOST</td><td>an attachment's state NOT_FOUND, STOPPED or ERROR</td><td>RUNNING again, or detached</td></tr>
 *   <tr><td>ANOMALY</td><td>a detector reports an active anomaly</td><td>the detector reports it cleared, or stopped on purpose (an attachment: loses its process)</td></tr>
 *   <tr><td>GROUP_FAILED</td><td>a group without a parent exceeded its intensity: all its processes stopped</td><td>the group
 *   RUNNING again, or stopped on purpose</td></tr>
 * </table>
 *
 * <p>Time is the injected {@link Ticker} (durations, windows) and {@link InstantSource} (alert
 * stamps); delayed checks (grace, stable run, flapping window) run through the injected
 * {@link Scheduler}. Thread-safe: every input is serialized on this object; the listener is called
 * outside the lock, in the order the alerts were made. Nothing here blocks or does I/O.
 *
 * <p>With {@linkplain #AlertEvaluator(AlertRules, AlertListener, Ticker, Scheduler, InstantSource, Function) schedules}
 * (trading calendars: {@link Schedule}, usually a {@link TradingSupervision}'s), {@code NOT_RUNNING} fires only where
 * the process's schedule expects it up ({@link Schedule.Phase#UP} or {@link Schedule.Phase#ALWAYS}) when its grace
 * ends: a process down in {@code CLOSING} or {@code DOWN} raises nothing then, and is checked again a grace after
 * the schedule's {@linkplain Schedule#nextChange next change} (the next open), firing if it is still down. A run that
 * ended inside a freeze window ({@link SupervisorEvent.RestartDeferred}) is down on purpose until the window ends:
 * {@code NOT_RUNNING} does not fire (one that fired is resolved) until a grace after the window's end (for a restart
 * left for a person, the schedule's next change after the exit), and fires then if the process is still down.
 */
public final class AlertEvaluator implements SupervisorListener {
  private static final Logger log = LoggerFactory.getLogger(AlertEvaluator.class);
  /** Samples in a row without a field HIGH_MEMORY needs before a WARN says it cannot fire. */
  private static final int SAMPLES_TO_SAY_CANNOT_FIRE = 3;

  private final AlertRules rules;
  private final AlertListener listener;
  private final Ticker ticker;
  private final Scheduler scheduler;
  private final InstantSource clock;
  private final Function<String, Optional<Schedule>> schedules;
  private final Map<String, Proc> processes = new HashMap<>();
  /**
   * Processes and attachments removed or detached, until registered or attached again or {@link #FORGET_GONE_AFTER}
   * later, each with the number of its removal: anything heard of one after it went is late and ignored (a sample taken
   * before it went, as the sampling thread races the event thread; an anomaly of that sample; a health result, a state
   * change or a diagnosis the engine publishes after the {@code Removed}). Each made a stale entry that could fire and
   * never resolve.
   */
  private final Map<String, Long> gone = new HashMap<>();
  private long removals;
  /**
   * How long a name removed or detached is remembered as gone. What can still arrive for it comes within seconds: a
   * sample the sampling thread took before the removal is heard within that sampling pass (an anomaly of it with it), and
   * what the engine publishes after a {@code Removed} was under way at the removal (a diagnosis, whose checks run within
   * their timeouts, 10 s by default; a health check's result in flight). Ten minutes is far past all of it; the set then
   * holds only the names removed in the last ten minutes, and does not grow with every process ever removed.
   */
  static final Duration FORGET_GONE_AFTER = Duration.ofMinutes(10);
  private final Object lock = new Object();
  // alerts made under the lock, handed to the listener after it, in order
  private final List<Alert> outbox = new ArrayList<>();
  private final Object deliveryLock = new Object();
  /** Alerts an earlier JVM's sinks were told are firing, by process, until this evaluator first hears of the process. */
  private final Map<String, List<Alert>> remembered = new LinkedHashMap<>();
  /** Keys of the alerts taken up from {@link #remembered}: their resolution says it came after a restart. */
  private final java.util.Set<String> adopted = new java.util.HashSet<>();
  private Function<String, Optional<ProcessStatus>> statusOf = name -> Optional.empty();
  private Function<String, Optional<io.github.vigil.GroupState>> groupStateOf = name -> Optional.empty();
  private Function<String, Optional<AttachState>> attachStateOf = name -> Optional.empty();
  /** Asks an attachment to look for its process now; the state it finds (see {@link #firstLooks}). Empty: cannot be asked. */
  private volatile Function<String, Optional<java.util.concurrent.CompletionStage<AttachState>>> lookFor =
      name -> Optional.empty();
  /** Looks to ask for ({@link #lookFor}), after the lock: a remembered alert of an attachment waits for their result. */
  private final List<Runnable> looks = new ArrayList<>();
  /** Where a process's schedule stands now (the freeze window in force), for a remembered NOT_RUNNING; empty without. */
  private Function<String, Optional<ScheduleState>> scheduleStateOf = name -> Optional.empty();
  /** Remembered alerts taken up still firing, for {@link #onTakenUp}'s hook, handed to it after the lock. */
  private final List<Alert> takenUp = new ArrayList<>();
  private volatile java.util.function.@Nullable Consumer<Alert> takenUpHook;

  /** Per process: what the rules remember. */
  private static final class Proc {
    final String name;
    Map<String, String> labels = Map.of();
    @Nullable ProcessSpec spec;
    ProcessState state = ProcessState.STOPPED;
    final Map<String, Alert> firing = new LinkedHashMap<>();
    Scheduler.@Nullable Cancellable notRunningTimer;
    Scheduler.@Nullable Cancellable stableTimer;
    Scheduler.@Nullable Cancellable flapTimer;
    long[] restarts = new long[0];   // ring of restart times (ticker), newest at (head - 1)
    int head;
    int count;
    long lastRestart;
    long cpuAboveSince = -1;
    long memoryAboveSince = -1;
    long generation;  // bumped on every run start, so stale timers do nothing
    long runningSince;  // ticker: when the current run was seen RUNNING (or, taken up, found running)
    // the run ended inside a freeze window, which restarts nothing before this instant: down on purpose until then
    @Nullable Instant frozenUntil;
    String frozenBy = "";
    boolean stoppingOnPurpose;  // STOPPING by the API or a shutdown: the STOPPED that ends it is on purpose too
    int samplesWithoutMemory;  // in a row
    boolean attachmentLost;  // an attachment NOT_FOUND, STOPPED or ERROR: a sample taken before it lost its process is late
    final java.util.Set<AlertType> saidCannotFire = java.util.EnumSet.noneOf(AlertType.class); // once per process and type
    // the last crashes of the CRASHED firing now ("OOM_KILLED"), and the last failures of the HEALTH_CHECK_FAILING ("HTTP 503")
    final Occurrences crashes = new Occurrences(Occurrences.SHOWN);
    final Occurrences healthFailures = new Occurrences(Occurrences.SHOWN);
    // the restarts within the flapping window (dropped as they leave it, at each restart), what each was after ("after
    // exit code 3"): FLAPPING counts and names them
    final Occurrences restartsInWindow = new Occurrences(Integer.MAX_VALUE);

    Proc(String name) {
      this.name = name;
    }
  }

  /**
   * An evaluator of {@code rules} telling {@code listener}.
   *
   * @param rules the rules
   * @param listener hears every alert
   * @param ticker monotonic time for durations and windows
   * @param scheduler runs the delayed checks
   * @param clock wall-clock stamps of alerts
   */
  public AlertEvaluator(AlertRules rules, AlertListener listener, Ticker ticker, Scheduler scheduler, InstantSource clock) {
    this(rules, listener, ticker, scheduler, clock, name -> Optional.empty());
  }

  /**
   * An evaluator of {@code rules} telling {@code listener}, whose {@code NOT_RUNNING} rule follows each
   * process's schedule.
   *
   * @param rules the rules
   * @param listener hears every alert
   * @param ticker monotonic time for durations and windows
   * @param scheduler runs the delayed checks
   * @param clock wall-clock stamps of alerts, and the instant a schedule is asked about
   * @param schedules a process's schedule by name, empty for one without (always expected up); called
   *     under this evaluator's lock, so it must not block (e.g. {@code name -> Optional.of(trading.schedule(name))})
   */
  public AlertEvaluator(AlertRules rules, AlertListener listener, Ticker ticker, Scheduler scheduler, InstantSource clock,
      Function<String, Optional<Schedule>> schedules) {
    this.schedules = requireNonNull(schedules, "schedules");
    this.rules = requireNonNull(rules, "rules");
    this.listener = requireNonNull(listener, "listener");
    this.ticker = requireNonNull(ticker, "ticker");
    this.scheduler = requireNonNull(scheduler, "scheduler");
    this.clock = requireNonNull(clock, "clock");
  }

  /** The rules in use. */
  public AlertRules rules() {
    return rules;
  }

  /** The alerts firing now, by key. */
  public List<Alert> firing() {
    synchronized (lock) {
      List<Alert> out = new ArrayList<>();
      processes.values().forEach(p -> out.addAll(p.firing.values()));
      return out;
    }
  }

  /** The alerts firing now, and those remembered from an earlier JVM not taken up yet (of processes not heard of yet). */
  List<Alert> firingAndRemembered() {
    synchronized (lock) {
      List<Alert> out = new ArrayList<>();
      processes.values().forEach(p -> out.addAll(p.firing.values()));
      remembered.values().forEach(out::addAll);
      return out;
    }
  }

  /**
   * Alerts an earlier JVM's sinks were told are firing (its {@link Alerting} was killed with them firing). Each process's
   * are taken up when this evaluator first hears of it (its {@code Registered} event, any event or sample), before
   * that is evaluated, from what {@code statusOf} says of it then (its current status, e.g. the supervisor's controller's):
   * <ul>
   *   <li>one whose condition no longer holds is resolved at once: {@code NOT_RUNNING} of a process that runs,
   *       {@code HEALTH_CHECK_FAILING} of one healthy, {@code NOT_RUNNING} outside the process's scheduled
   *       window, or of one down inside a freeze window ({@link #scheduleStates}: down on purpose until it ends, it fires
   *       again a grace after it if still down, as after a run that ended there), {@code HIGH_CPU} and
   *       {@code HIGH_MEMORY} of a process that does not run (their run ended with the earlier JVM; of an attachment, one
   *       that has lost its process, or finds none at a look asked for when it is taken up ({@link #firstLooks}; else a
   *       minute after): an attached process does not end with the JVM, and one still running is sampled here and
   *       resolves by the rule), every {@code ANOMALY} (the detectors start afresh) and any alert whose rule is off;
   *   <li>the others fire here as they did there, without a notification: they resolve by the rules as any alert
   *       does ({@code CRASHED} and {@code FAILED} after a run of {@code stableAfter} from when the process is found
   *       running: a start limit is per JVM, so this one starts a process that gave up there, even one that still crashes
   *       at once; {@code FLAPPING} after a window without a restart
   *       from now, the others when the process runs, is healthy, is found, is stopped on purpose or removed), and
   *       firing again is one more occurrence.
   * </ul>
   * A resolution of such an alert says {@code after a restart of the supervising JVM}. One taken up still firing gets
   * the timers of its kind: {@code CRASHED}'s stable run from when the process is found running, {@code FLAPPING}'s
   * window from now; {@link #onTakenUp}'s hook hears it for the timers of the listener's (a route's escalation).
   * Called before the evaluator hears anything; {@code statusOf} must not block (it is called under this evaluator's
   * lock).
   */
  void remember(List<Alert> alerts, Function<String, Optional<ProcessStatus>> statusOf) {
    remember(alerts, statusOf, name -> Optional.empty(), name -> Optional.empty());
  }

  /**
   * As {@link #remember(List, Function)}, with the state of the supervision groups and of the attachments by name:
   * <ul>
   *   <li>a group registered here is supervised here (its remembered {@code GROUP_FAILED} fires on until it runs or is
   *       stopped on purpose, as one raised here does; it was resolved as not supervised here a minute after the start,
   *       as a group sends no event until it is started), and one {@code RUNNING} when taken up has its
   *       {@code GROUP_FAILED} resolved;
   *   <li>an attachment made here is supervised here, whether it was made before or after this evaluator (one made
   *       before sends it no event, and its alerts were resolved as not supervised here a minute after the start): its
   *       remembered {@code ATTACHMENT_LOST} resolves as found again when the attachment is {@code RUNNING} when taken
   *       up, else fires on until the attachment finds its process or is detached; one whose name is a registered process
   *       or group here, not an attachment, resolves when taken up, as no longer an attachment.
   * </ul>
   */
  void remember(List<Alert> alerts, Function<String, Optional<ProcessStatus>> statusOf,
      Function<String, Optional<io.github.vigil.GroupState>> groupStateOf, Function<String, Optional<AttachState>> attachStateOf) {
    synchronized (lock) {
      this.statusOf = requireNonNull(statusOf, "statusOf");
      this.groupStateOf = requireNonNull(groupStateOf, "groupStateOf");
      this.attachStateOf = requireNonNull(attachStateOf, "attachStateOf");
      for (Alert a : alerts) {
        if (a.isFiring()) {
          remembered.computeIfAbsent(a.process(), k -> new ArrayList<>()).add(a);
        }
      }
    }
  }

  /**
   * Where each process's schedule stands now, by name (usually {@link TradingSupervision#state(String)}): a remembered
   * {@code NOT_RUNNING} taken up while the process is down inside a freeze window ({@link ScheduleState#freeze()}) is
   * judged as one of a run that ended there: resolved, and fired again a grace after the window's end
   * ({@link ScheduleState#next()}) if the process is still down. Called before the evaluator hears anything;
   * {@code stateOf} must not block (it is called under this evaluator's lock).
   */
  void scheduleStates(Function<String, Optional<ScheduleState>> stateOf) {
    synchronized (lock) {
      this.scheduleStateOf = requireNonNull(stateOf, "scheduleStates");
    }
  }

  /**
   * How to ask an attachment, by name, to look for its process now ({@link io.github.vigil.AttachedProcess#rescan()}),
   * completing with the state that look leaves it in: a remembered {@code HIGH_CPU} or {@code HIGH_MEMORY} of an
   * attachment {@code NOT_FOUND} when taken up (one made after this evaluator is heard of before it has looked) resolves
   * when that look finds nothing. An attachment that finds nothing sends no event, its state staying {@code NOT_FOUND}:
   * without this, such an alert waits {@link Alerting#UNCLAIMED_AFTER}. The function must not block (it is called
   * outside this evaluator's lock, on the thread that delivers its alerts); the stage may complete on any thread.
   */
  void firstLooks(Function<String, Optional<java.util.concurrent.CompletionStage<AttachState>>> lookFor) {
    this.lookFor = requireNonNull(lookFor, "firstLooks");
  }

  /**
   * Takes up the remembered alerts of {@code process} if this evaluator has not heard of it yet: as they are when it
   * runs (its status says so) or exists, else resolved as of a process that is no longer supervised.
   */
  void claimOrForget(String process) {
    synchronized (lock) {
      if (!remembered.containsKey(process)) {
        return;
      }
      if (statusOf.apply(process).isPresent() || groupStateOf.apply(process).isPresent()
          || attachStateOf.apply(process).isPresent()) {
        proc(process);
      } else {
        for (Alert a : remembered.remove(process)) {
          adopted.add(a.key());
          outbox.add(resolvedNow(a, "not supervised here"));
        }
      }
    }
    deliver();
  }

  /** The process's memory, made when first heard of; a remembered alert of it is taken up then. Under the lock. */
  private Proc proc(String name) {
    Proc p = processes.get(name);
    if (p == null) {
      p = new Proc(name);
      processes.put(name, p);
      List<Alert> earlier = remembered.remove(name);
      if (earlier != null) {
        adopt(p, earlier);
      }
    }
    return p;
  }

  private void adopt(Proc p, List<Alert> earlier) {
    RuleConfig c = rules.configFor(p.name);
    Optional<ProcessStatus> status = statusOf.apply(p.name);
    ProcessState now = status.map(ProcessStatus::state).orElse(null);
    if (now != null) {
      p.state = now;
    }
    for (Alert a : earlier) {
      adopted.add(a.key());
      String over = null;
      if (!c.isEnabled(a.type())) {
        over = "its rule is off";
      } else {
        switch (a.type()) {
          case NOT_RUNNING:
            if (now == ProcessState.RUNNING) {
              over = "running again";
            } else if (!expectedUp(p.name)) {
              over = "not expected up now by its schedule";
            } else {
              Optional<ScheduleState> frozen = scheduleStateOf.apply(p.name)
                  .filter(st -> st.frozenBy() != null && st.nextChange() != null);
              if (frozen.isPresent()) {
                // down inside a freeze window, in which nothing is restarted: down on purpose until it ends, as a run
                // that ends there is (RestartDeferred); looked at again a grace after the window, as that one is. It fired
                // on through the window, a page for a process deliberately not running
                over = downInsideFreeze(p, c, requireNonNull(frozen.get().nextChange()),
                    requireNonNull(frozen.get().frozenBy()), a.description());
              }
            }
            break;
          case FAILED:
            // not over because it runs: start limits are per JVM, so this one starts it again even if it still crashes
            // at once; it resolves after a stable run, as CRASHED does
            break;
          case HIGH_CPU:
          case HIGH_MEMORY: {
            // a supervised run ended with the earlier JVM; an attached process did not, and is sampled here if found
            Optional<AttachState> attached = attachStateOf.apply(p.name);
            if (attached.isPresent() && attached.get() == AttachState.NOT_FOUND) {
              // an attachment made after this evaluator is heard of (Attached) before its first look: NOT_FOUND may be
              // "not looked for yet"; a look asked for now decides (one that finds nothing sends no event), then its samples
              over = null;
              scheduleFirstLook(p, a);
            } else if (attached.isPresent()) {
              over = attached.get() == AttachState.RUNNING ? null : "the attachment lost its process ("
                  + attached.get().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")";
            } else {
              over = now == ProcessState.RUNNING ? null : "the run ended";
            }
            break;
          }
          case HEALTH_CHECK_FAILING:
            over = status.isPresent() && status.get().health() == HealthState.HEALTHY ? "healthy again" : null;
            break;
          case ANOMALY:
            over = "its detector starts afresh";
            break;
          case ATTACHMENT_LOST: {
            Optional<AttachState> attached = attachStateOf.apply(p.name);
            if (attached.isEmpty() && (status.isPresent() || groupStateOf.apply(p.name).isPresent())) {
              // the name is a registered process or group now: nothing attached of that name can be found again, and
              // its own rules say whether it is down
              over = "no longer an attachment: " + (status.isPresent() ? "a supervised process" : "a supervision group")
                  + " of that name is supervised here";
            } else {
              over = attached.filter(st -> st == AttachState.RUNNING).isPresent() ? "found again" : null;
            }
            break;
          }
          case GROUP_FAILED:
            over = groupStateOf.apply(p.name).filter(g -> g == io.github.vigil.GroupState.RUNNING).isPresent()
                ? "running again" : null;
            break;
          default:
            break;
        }
      }
      if (over != null) {
        outbox.add(resolvedNow(a, over));
        continue;
      }
      p.firing.put(a.key(), a);
      log.atInfo().addKeyValue("process", p.name).log("Alert {} fired before this JVM started and fires still, as far as"
          + " is known: taken up without a new notification", a.key());
      takenUp.add(a);
      if ((a.type() == AlertType.CRASHED || a.type() == AlertType.FAILED) && now == ProcessState.RUNNING) {
        p.runningSince = ticker.read(); // from when it is found running: its run's start is not known here
        scheduleStable(p, c);
      } else if (a.type() == AlertType.FLAPPING) {
        p.lastRestart = ticker.read();
        scheduleFlapEnd(p, c);
      }
    }
  }

  /**
   * A remembered HIGH_CPU or HIGH_MEMORY {@code a} of an attachment {@code NOT_FOUND} when taken up: resolved when a look
   * asked for now ({@link #firstLooks}) finds nothing, or at the latest {@link Alerting#UNCLAIMED_AFTER} later if the
   * attachment has not found its process by then (an attachment that finds nothing sends no event; one that finds its
   * process and loses it again resolves it by its AttachStateChanged). Under the lock.
   */
  private void scheduleFirstLook(Proc p, Alert a) {
    looks.add(() -> lookFor.apply(p.name).ifPresent(look -> look.whenComplete((seen, error) -> {
      if (seen == AttachState.NOT_FOUND) {
        notFound(p, a);
      }
    })));
    schedule(p.name, "the look for the process of remembered alert " + a.key(), Alerting.UNCLAIMED_AFTER,
        "it resolves only when the attachment's look finds nothing, or once it loses the process it found",
        () -> notFound(p, a));
  }

  /**
   * {@code task} in {@code delay} on the scheduler: {@code what}, a timer of process {@code process}'s rules; null when the
   * scheduler refuses it (a scheduler given to {@link Alerting} or to this evaluator, shut down while they are open). A
   * refusal is not thrown out of the caller (a supervisor's event thread, where it left the event's alerts unsent, or a
   * timer's, where it ended a rule's timers for the process): it is said at WARN naming the process, the timer and
   * {@code consequence}, what the rule then does not do. Under the lock.
   */
  private Scheduler.@Nullable Cancellable schedule(String process, String what, Duration delay, String consequence,
      Runnable task) {
    try {
      return scheduler.schedule(delay, task);
    } catch (java.util.concurrent.RejectedExecutionException | IllegalStateException e) {
      log.atWarn().addKeyValue("process", process).log("Process {}: {} in {} not set, the scheduler refused it ({}); {}",
          process, what, HumanFormat.duration(delay), e.toString(), consequence);
      return null;
    }
  }

  /** Resolves {@code a}, taken up for {@code p}, as of an attachment that has not found its process, unless it has now. */
  private void notFound(Proc p, Alert a) {
    synchronized (lock) {
      Proc q = processes.get(p.name);
      if (q != p || !sameStart(q.firing.get(a.key()), a)
          || attachStateOf.apply(p.name).filter(st -> st == AttachState.RUNNING).isPresent()) {
        return;
      }
      q.firing.remove(a.key());
      outbox.add(resolvedNow(a, "the attachment has not found its process"));
    }
    deliver();
  }

  private static boolean sameStart(@Nullable Alert a, Alert b) {
    return a != null && a.startsAt().equals(b.startsAt());
  }

  private boolean expectedUp(String name) {
    Optional<Schedule> schedule = schedules.apply(name);
    if (schedule.isEmpty()) {
      return true;
    }
    Schedule.Phase phase = schedule.get().phaseAt(clock.instant());
    return phase == Schedule.Phase.UP || phase == Schedule.Phase.ALWAYS;
  }

  /** {@code a} resolved now; one taken up from an earlier JVM says so. Under the lock. */
  private Alert resolvedNow(Alert a, String why) {
    boolean earlier = adopted.remove(a.key());
    return a.resolved(clock.instant(), earlier ? why + ", after a restart of the supervising JVM" : why);
  }

  @Override
  public void onEvent(SupervisorEvent event) {
    synchronized (lock) {
      if (event instanceof SupervisorEvent.Registered || event instanceof SupervisorEvent.Attached) {
        gone.remove(event.process());
      } else if (gone.containsKey(event.process())) {
        return; // late: it was removed or detached, and its entry is not to be made again
      }
      Proc p = proc(event.process());
      RuleConfig c = rules.configFor(p.name);
      if (event instanceof SupervisorEvent.Registered r) {
        p.spec = r.spec();
        p.labels = r.spec().labels();
        if (p.stableTimer != null) { // taken up before the spec was known: FAILED's stable run may be the policy's
          scheduleStable(p, c);
        }
      } else if (event instanceof SupervisorEvent.Attached a) {
        p.labels = a.spec().labels();
      } else if (event instanceof SupervisorEvent.StateChanged s) {
        stateChanged(p, c, s);
      } else if (event instanceof SupervisorEvent.Exited x) {
        exited(p, c, x.exit());
      } else if (event instanceof SupervisorEvent.RestartScheduled r) {
        restartScheduled(p, c, r);
      } else if (event instanceof SupervisorEvent.RestartDeferred d) {
        restartDeferred(p, c, d);
      } else if (event instanceof SupervisorEvent.Failed f) {
        fire(p, c, AlertType.FAILED, "", p.name + " failed: " + f.reason(), "last exit: " + f.lastExit());
      } else if (event instanceof SupervisorEvent.GroupFailed g && g.toParent() == null) {
        // its processes are stopped by the group, not on purpose: each raised only NOT_RUNNING, a grace later
        fire(p, c, AlertType.GROUP_FAILED, "", "group " + p.name + " gave up and stopped all its processes: " + g.reason(),
            "the failures of " + g.child() + " escalated; start the group again once the cause is found");
      } else if (event instanceof SupervisorEvent.GroupStateChanged g) {
        if (g.to() == io.github.vigil.GroupState.RUNNING) {
          resolve(p, AlertType.GROUP_FAILED, "", "running again");
        } else if (g.to() == io.github.vigil.GroupState.STOPPED && (g.origin() == Origin.API || g.origin() == Origin.SHUTDOWN)) {
          resolve(p, AlertType.GROUP_FAILED, "", "stopped on purpose (" + g.origin().name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
      } else if (event instanceof SupervisorEvent.HealthChanged h) {
        if (h.to() == HealthState.UNHEALTHY) {
          fire(p, c, AlertType.HEALTH_CHECK_FAILING, "", p.name + " is unhealthy: " + h.message(), history(p, c,
              AlertType.HEALTH_CHECK_FAILING, p.healthFailures, h.message(), h.message(), "health check failures", true, ""));
        } else if (h.to() == HealthState.HEALTHY) {
          resolve(p, AlertType.HEALTH_CHECK_FAILING, "", "healthy again");
        }
      } else if (event instanceof SupervisorEvent.AttachStateChanged a) {
        p.attachmentLost = a.to() != AttachState.RUNNING;
        if (a.to() == AttachState.RUNNING) {
          resolve(p, AlertType.ATTACHMENT_LOST, "", "found again");
        } else if (a.to() == AttachState.NOT_FOUND || a.to() == AttachState.STOPPED || a.to() == AttachState.ERROR) {
          String state = a.to().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
          // what its samples said was about the processes it lost: as a supervised run's end resolves them
          p.cpuAboveSince = -1;
          p.memoryAboveSince = -1;
          resolve(p, AlertType.HIGH_CPU, "", "the attachment lost its process (" + state + ")");
          resolve(p, AlertType.HIGH_MEMORY, "", "the attachment lost its process (" + state + ")");
          // its anomalies too (a leak, a spike, zombies of the processes it lost): they stayed firing after the loss
          for (Alert an : new ArrayList<>(p.firing.values())) {
            if (an.type() == AlertType.ANOMALY) {
              p.firing.remove(an.key());
              outbox.add(resolvedNow(an, "the attachment lost its process (" + state + ")"));
            }
          }
          fire(p, c, AlertType.ATTACHMENT_LOST, "", p.name + " is " + state + (a.message().isEmpty() ? "" : ": " + a.message()),
              a.message());
        }
      } else if (event instanceof SupervisorEvent.Detached || event instanceof SupervisorEvent.Removed) {
        resolveAll(p, event instanceof SupervisorEvent.Detached ? "detached" : "removed");
        processes.remove(p.name);
        long removal = ++removals;
        gone.put(p.name, removal);
        schedule(p.name, "forgetting its removal", FORGET_GONE_AFTER,
            "what is heard of it is ignored until it is registered or attached again", () -> {
              synchronized (lock) {
                gone.remove(p.name, removal); // not if registered and removed again since: that removal's own timer forgets it
              }
            });
      }
    }
    deliver();
  }

  private void stateChanged(Proc p, RuleConfig c, SupervisorEvent.StateChanged s) {
    // core ends a requested stop with STOPPING (origin API or SHUTDOWN), then STOPPED of origin PROCESS once the run is
    // gone: that STOPPED keeps the request's purpose (NOT_RUNNING fired a grace after every API stop of a live process)
    boolean onPurpose = s.origin() == Origin.API || s.origin() == Origin.SHUTDOWN
        || (s.to() == ProcessState.STOPPED && s.from() == ProcessState.STOPPING && p.stoppingOnPurpose);
    p.stoppingOnPurpose = s.to() == ProcessState.STOPPING && onPurpose;
    p.state = s.to();
    switch (s.to()) {
      case RUNNING:
        p.generation++;
        p.frozenUntil = null;
        cancel(p.notRunningTimer);
        p.notRunningTimer = null;
        p.runningSince = ticker.read();
        resolve(p, AlertType.NOT_RUNNING, "", "running again");
        // FAILED waits for a stable run: a start after giving up (by a person, or a new JVM, whose start limit is
        // fresh) that crashes again at once has not recovered; resolved at RUNNING, it paged again at the next limit
        scheduleStable(p, c);
        break;
      case STOPPED:
      case STOPPING:
        if (onPurpose) {
          cancel(p.notRunningTimer);
          p.notRunningTimer = null;
          p.frozenUntil = null;
          cancel(p.stableTimer);
          p.stableTimer = null;
          cancel(p.flapTimer);
          p.flapTimer = null;
          String why = "stopped on purpose (" + s.origin().name().toLowerCase(java.util.Locale.ROOT) + ")";
          // flapping and anomalies too: they stayed firing after the stop, and a shutdown's last word was "[FIRING] flapping"
          for (AlertType t : List.of(AlertType.NOT_RUNNING, AlertType.CRASHED, AlertType.FAILED,
              AlertType.HEALTH_CHECK_FAILING, AlertType.HIGH_CPU, AlertType.HIGH_MEMORY, AlertType.FLAPPING)) {
            resolve(p, t, "", why);
          }
          for (Alert a : new ArrayList<>(p.firing.values())) {
            if (a.type() == AlertType.ANOMALY) {
              p.firing.remove(a.key());
              outbox.add(resolvedNow(a, why));
            }
          }
          p.cpuAboveSince = -1;
          p.memoryAboveSince = -1;
          break;
        }
        // fall through: stopped by a policy or dependency counts as down
      case EXITED:
      case CRASHED:
      case BACKOFF:
      case FAILED:
        cancel(p.stableTimer);
        p.stableTimer = null;
        p.cpuAboveSince = -1;
        p.memoryAboveSince = -1;
        resolve(p, AlertType.HIGH_CPU, "", "the run ended");
        resolve(p, AlertType.HIGH_MEMORY, "", "the run ended");
        if (s.from() == ProcessState.EXITED && s.to() == ProcessState.STOPPED) {
          break;
        }
        if (c.isEnabled(AlertType.NOT_RUNNING) && p.notRunningTimer == null) {
          long gen = p.generation;
          String reason = s.reason();
          p.notRunningTimer = schedule(p.name, "the grace of rule NOT_RUNNING", c.notRunningGrace(),
              "NOT_RUNNING does not fire for this run's end", () -> notRunningDue(p.name, gen, reason, ""));
        }
        break;
      default:
        break;
    }
  }

  /**
   * The run ended inside a freeze window, which restarts it at the window's end (or leaves it for a person): it is down
   * on purpose until then, so {@code NOT_RUNNING} neither fires nor stays firing before that; still down a grace after
   * the window, it fires. A window left for a person ends, for this, at the schedule's next change after the exit.
   */
  private void restartDeferred(Proc p, RuleConfig c, SupervisorEvent.RestartDeferred d) {
    Instant until = d.restartAt().orElseGet(() -> schedules.apply(p.name).map(s -> s.nextChange(d.at())).orElse(null));
    if (until == null) {
      log.debug("Process {}: restart left for a person by freeze window {}, whose end is not known here", p.name, d.window());
      return;
    }
    // it comes after the run's StateChanged (as RestartScheduled does): the grace timer that started then finds the mark
    resolve(p, AlertType.NOT_RUNNING, "", downInsideFreeze(p, c, until, d.window(), d.exit().toString()));
  }

  /**
   * {@code p} is down on purpose until {@code until}, the end of freeze window {@code window}: marked so, and, if no
   * grace timer runs for it (one that fired already, with a zero grace, is resolved by the caller, as is a remembered one
   * taken up inside the window), looked at again a grace after the window; else the grace timer of the run's end (or the
   * one running) finds the mark. Returns why its NOT_RUNNING resolves. Under the lock.
   */
  private String downInsideFreeze(Proc p, RuleConfig c, Instant until, String window, String reason) {
    p.frozenUntil = until;
    p.frozenBy = window;
    if (c.isEnabled(AlertType.NOT_RUNNING) && p.state != ProcessState.RUNNING && p.notRunningTimer == null && until.isAfter(clock.instant())) {
      long gen = p.generation;
      p.notRunningTimer = schedule(p.name, "the look of rule NOT_RUNNING after freeze window " + window,
          Duration.between(clock.instant(), until).plus(c.notRunningGrace()),
          "NOT_RUNNING does not fire if the process is still down after the window",
          () -> notRunningDue(p.name, gen, reason, " after freeze window " + window + " ended"));
    }
    return "not restarted inside freeze window " + window + " until " + until;
  }

  /** @param since how the summary says since when it is down ({@code ""}: the grace after it went down) */
  private void notRunningDue(String name, long generation, String reason, String since) {
    synchronized (lock) {
      Proc p = processes.get(name);
      if (p == null || p.generation != generation || p.state == ProcessState.RUNNING) {
        return;
      }
      p.notRunningTimer = null;
      RuleConfig c = rules.configFor(name);
      Instant frozenUntil = p.frozenUntil;
      if (frozenUntil != null && clock.instant().isBefore(frozenUntil)) {
        // its run ended inside a freeze window: not restarted on purpose until the window ends; look a grace after that
        log.debug("Process {} is down inside freeze window {}: no alert, checked again a grace after {}", name, p.frozenBy, frozenUntil);
        p.notRunningTimer = schedule(name, "the look of rule NOT_RUNNING after freeze window " + p.frozenBy,
            Duration.between(clock.instant(), frozenUntil).plus(c.notRunningGrace()),
            "NOT_RUNNING does not fire if the process is still down after the window",
            () -> notRunningDue(name, generation, reason, " after freeze window " + p.frozenBy + " ended"));
        return;
      }
      Optional<Schedule> schedule = schedules.apply(name);
      if (schedule.isPresent()) {
        Instant now = clock.instant();
        Schedule.Phase phase = schedule.get().phaseAt(now);
        if (phase != Schedule.Phase.UP && phase != Schedule.Phase.ALWAYS) {
          // not expected up now: look again a grace after the schedule next changes (its next open)
          Instant next = schedule.get().nextChange(now);
          log.debug("Process {} is down while its schedule is {}: no alert{}", name, phase,
              next == null ? "" : ", checked again a grace after " + next);
          if (next != null) {
            p.notRunningTimer = schedule(name, "the look of rule NOT_RUNNING into its scheduled window",
                Duration.between(now, next).plus(c.notRunningGrace()),
                "NOT_RUNNING does not fire if the process is still down when its schedule expects it up",
                () -> notRunningDue(name, generation, reason, " into its scheduled window"));
          }
          return;
        }
      }
      if (p.firing.containsKey(key(p, AlertType.FAILED, ""))) {
        // it gave up (its start limit): FAILED, critical too, says it already and resolves once it runs stably; one
        // incident, one page (they both fired a grace apart)
        log.debug("Process {} is down and FAILED fires for it: no NOT_RUNNING", name);
        return;
      }
      fire(p, c, AlertType.NOT_RUNNING, "", name + " has not been running for " + HumanFormat.duration(c.notRunningGrace())
          + since + " (" + p.state.name().toLowerCase(java.util.Locale.ROOT) + ")", reason);
    }
    deliver();
  }

  private void exited(Proc p, RuleConfig c, ExitInfo exit) {
    cancel(p.stableTimer);
    p.stableTimer = null;
    if (!exit.cause().isFailure()) {
      return;
    }
    // a start that failed has no termination nor run time to tell: its message is the cause (binary not found, ...)
    String summary = exit.cause() == io.github.vigil.ExitCause.START_FAILED
        ? p.name + " could not start: " + (exit.message().isEmpty() ? "start failed" : exit.message())
        : p.name + " crashed: " + exit.cause().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
            + " (" + exit.termination() + ") after " + HumanFormat.duration(exit.runDuration());
    fire(p, c, AlertType.CRASHED, "", summary, crashDescription(p, c, exit));
  }

  /**
   * The description of the CRASHED that {@code exit} fires (or fires again): the exit's message for the first crash; once
   * it fired again, its crashes' causes ({@link #history}: {@code 3 crashes since 2026-01-05T09:30:02Z: SIGSEGV (core
   * dumped) at 09:30:02, OOM_KILLED at 09:31:10, OOM_KILLED at 09:31:40; last: <the exit's message>}). Under the lock.
   */
  private String crashDescription(Proc p, RuleConfig c, ExitInfo exit) {
    return history(p, c, AlertType.CRASHED, p.crashes, crashCause(exit), exit.message(), "crashes", false, exit.message());
  }

  /**
   * The description of {@code type} (firing for one cause at a time: CRASHED, HEALTH_CHECK_FAILING) that an occurrence,
   * {@code what} in a few words, fires or fires again now, {@code kept} keeping its occurrences: {@code first} for the
   * first; once it fired again, its occurrences ({@link Occurrences#describe}: the last few with their times, how many
   * came before, then {@code latest}). The summary says the latest only; this says what they all were. Under the lock.
   */
  private String history(Proc p, RuleConfig c, AlertType type, Occurrences kept, String what, String first, String noun,
      boolean byWhat, String latest) {
    if (!c.isEnabled(type)) {
      return first;
    }
    Alert prev = p.firing.get(key(p, type, ""));
    if (prev == null) {
      kept.clear();
    }
    kept.add(ticker.read(), clock.instant(), what);
    return prev == null ? first : kept.describe(prev.occurrences() + 1, noun, prev.startsAt(), byWhat, latest);
  }

  /**
   * A run's end in a few words: {@code exit code 3}, {@code SIGSEGV (core dumped)}, {@code OOM_KILLED} (a clean exit, that
   * a restart can follow: {@code exit code 0}).
   */
  static String crashCause(ExitInfo exit) {
    if ((exit.cause() == io.github.vigil.ExitCause.ERROR_EXIT || exit.cause() == io.github.vigil.ExitCause.NORMAL)
        && exit.termination() instanceof io.github.vigil.Termination.Exited e) {
      return "exit code " + e.code();
    }
    if (exit.cause() == io.github.vigil.ExitCause.SIGNALED && exit.termination() instanceof io.github.vigil.Termination.Signaled s) {
      return s.name() + (s.coreDumped() ? " (core dumped)" : "");
    }
    return exit.cause().name();
  }

  /**
   * Resolves CRASHED and FAILED once the run has lasted long enough: CRASHED after the rules' {@code stableAfter}, FAILED
   * after that or the process's restart policy's {@code stableAfter} (a run that resets its backoff), whichever is
   * longer. Counted from {@link Proc#runningSince}; one timer, for the next that is due. Under the lock.
   */
  private void scheduleStable(Proc p, RuleConfig c) {
    cancel(p.stableTimer);
    p.stableTimer = null;
    long next = Long.MAX_VALUE;
    for (AlertType t : List.of(AlertType.CRASHED, AlertType.FAILED)) {
      if (p.firing.containsKey(key(p, t, ""))) {
        next = Math.min(next, stableAfter(p, c, t).toNanos());
      }
    }
    if (next == Long.MAX_VALUE) {
      return;
    }
    long gen = p.generation;
    Duration delay = Duration.ofNanos(Math.max(0, next - (ticker.read() - p.runningSince)));
    p.stableTimer = schedule(p.name, "the stable-run timer of rules CRASHED and FAILED", delay,
        "what of them fires does not resolve after a stable run (a stop on purpose resolves it)", () -> {
      synchronized (lock) {
        Proc q = processes.get(p.name);
        if (q != p || q.generation != gen || q.state != ProcessState.RUNNING) {
          return;
        }
        q.stableTimer = null;
        RuleConfig now = rules.configFor(q.name);
        long ran = ticker.read() - q.runningSince;
        for (AlertType t : List.of(AlertType.CRASHED, AlertType.FAILED)) {
          Duration needed = stableAfter(q, now, t);
          if (ran >= needed.toNanos()) {
            resolve(q, t, "", "running for " + HumanFormat.duration(needed));
          }
        }
        scheduleStable(q, now); // what is left: FAILED, when its stable run is longer
      }
      deliver();
    });
  }

  /** How long a run must last to resolve {@code type} (CRASHED or FAILED). */
  private static Duration stableAfter(Proc p, RuleConfig c, AlertType type) {
    if (type == AlertType.FAILED && p.spec != null && p.spec.restartPolicy().stableAfter().compareTo(c.stableAfter()) > 0) {
      return p.spec.restartPolicy().stableAfter();
    }
    return c.stableAfter();
  }

  private void restartScheduled(Proc p, RuleConfig c, SupervisorEvent.RestartScheduled r) {
    int n = c.flappingRestarts();
    if (p.restarts.length != n + 1) {
      p.restarts = new long[n + 1];
      p.head = 0;
      p.count = 0;
    }
    long now = ticker.read();
    if (c.isEnabled(AlertType.FLAPPING)) {
      p.restartsInWindow.dropBefore(now - c.flappingWindow().toNanos());
      p.restartsInWindow.add(now, clock.instant(), "after " + crashCause(r.after()));
    }
    p.restarts[p.head] = now;
    p.head = (p.head + 1) % p.restarts.length;
    p.count = Math.min(p.count + 1, p.restarts.length);
    p.lastRestart = now;
    // the oldest of the last n+1 restarts: within the window means more than n in the window
    long oldest = p.restarts[p.head % p.restarts.length];
    boolean flapping = p.count == p.restarts.length && now - oldest <= c.flappingWindow().toNanos();
    if (flapping) {
      // the restarts within the window, from the first firing (already more than n): what each was after
      Instant first = p.restartsInWindow.first();
      fire(p, c, AlertType.FLAPPING, "", p.name + " is flapping: more than " + n + " restarts within "
          + HumanFormat.duration(c.flappingWindow()), p.restartsInWindow.describe(p.restartsInWindow.size(), "restarts",
          first == null ? clock.instant() : first, false, "restart " + r.attempt() + " after " + r.after()));
    }
    if (p.firing.containsKey(key(p, AlertType.FLAPPING, ""))) {
      scheduleFlapEnd(p, c);
    }
  }

  /** FLAPPING resolves a window after the last restart, unless another comes. */
  private void scheduleFlapEnd(Proc p, RuleConfig c) {
    cancel(p.flapTimer);
    long at = p.lastRestart;
    p.flapTimer = schedule(p.name, "the end of rule FLAPPING's window", c.flappingWindow(),
        "FLAPPING does not resolve after a window without a restart (a stop on purpose resolves it)", () -> {
      synchronized (lock) {
        Proc q = processes.get(p.name);
        if (q != p || q.lastRestart != at) {
          return;
        }
        q.flapTimer = null;
        resolve(q, AlertType.FLAPPING, "", "no restart for " + HumanFormat.duration(c.flappingWindow()));
      }
      deliver();
    });
  }

  /**
   * A sample of {@code process}'s tree (of a supervised process), or of its matched processes summed (of an attachment:
   * {@link io.github.vigil.AttachedProcess#sample()}); HIGH_CPU and HIGH_MEMORY read it. A vanished sample, or a
   * field the sampler could not read, changes nothing, and so does a sample of an attachment that lost its process
   * (taken before the loss); where HIGH_MEMORY is on and cannot fire (three samples in a row
   * without resident memory, as on the JDK backend, or a share without a base) a WARN says so, once per process.
   */
  public void onSample(String process, ProcessSample sample) {
    synchronized (lock) {
      if (gone.containsKey(process)) {
        return;
      }
      Proc p = proc(process); // may take up remembered alerts: what that resolves is delivered below, whatever the sample
      if (!sample.vanished() && !p.attachmentLost) {
        judge(p, rules.configFor(process), sample);
      }
    }
    deliver();
  }

  /** The threshold rules on one sample of a process that is there. Under the lock. */
  private void judge(Proc p, RuleConfig c, ProcessSample sample) {
    long now = ticker.read();
    if (c.isEnabled(AlertType.HIGH_CPU) && sample.has(ProcessSample.Field.CPU_PERCENT)) { // not in a run's first sample
      double limit = c.cpuThresholdPercent();
      double v = sample.get(ProcessSample.Field.CPU_PERCENT);
      p.cpuAboveSince = threshold(p, c, AlertType.HIGH_CPU, v, limit, p.cpuAboveSince, now, c.cpuFor(),
          String.format(java.util.Locale.ROOT, "%.1f%% CPU", v), String.format(java.util.Locale.ROOT, "%.1f%%", limit));
    }
    if (c.isEnabled(AlertType.HIGH_MEMORY) && !sample.has(ProcessSample.Field.MEMORY_RESIDENT)) {
      if (++p.samplesWithoutMemory == SAMPLES_TO_SAY_CANNOT_FIRE) { // not one a process's exit made unreadable
        cannotFire(p, AlertType.HIGH_MEMORY, "its samples carry no resident memory (" + ProcessSample.Field.MEMORY_RESIDENT
            + "): the JDK backend's sampler reads CPU time only, the Linux backend's reads memory");
      }
    } else if (c.isEnabled(AlertType.HIGH_MEMORY)) {
      p.samplesWithoutMemory = 0;
      double limit = memoryThreshold(p, c);
      if (Double.isNaN(limit)) {
        cannotFire(p, AlertType.HIGH_MEMORY, "a share (withHighMemoryShare) needs a base: no withMemoryLimit is set for it and"
            + " its spec has no residentMemoryAbove resource rule");
      } else {
        double v = sample.get(ProcessSample.Field.MEMORY_RESIDENT);
        p.memoryAboveSince = threshold(p, c, AlertType.HIGH_MEMORY, v, limit, p.memoryAboveSince, now, c.memoryFor(),
            "resident memory " + HumanFormat.bytes(Math.round(v)), HumanFormat.bytes(Math.round(limit)));
      }
    }
  }

  /**
   * Says once per process, at WARN, that an enabled threshold alert cannot fire for it: it would otherwise stay silent
   * whatever the process does.
   */
  private static void cannotFire(Proc p, AlertType type, String why) {
    if (p.saidCannotFire.add(type)) {
      log.atWarn().addKeyValue("process", p.name).log("{} alerts for {} cannot fire: {}", type, p.name, why);
    }
  }

  private long threshold(Proc p, RuleConfig c, AlertType type, double value, double limit, long since, long now,
      Duration forDuration, String what, String limitText) {
    if (value > limit) {
      long s = since < 0 ? now : since;
      if (now - s >= forDuration.toNanos() && !p.firing.containsKey(key(p, type, ""))) {
        fire(p, c, type, "", p.name + ": " + what + " above " + limitText + " for " + HumanFormat.duration(Duration.ofNanos(now - s)),
            what + " (threshold " + limitText + ")");
      }
      return s;
    }
    if (value < 0.9 * limit) {
      resolve(p, type, "", what + ", below " + limitText);
      return -1;
    }
    return since;
  }

  private static double memoryThreshold(Proc p, RuleConfig c) {
    if (c.memoryThreshold() > 0) {
      return c.memoryThreshold();
    }
    double limit = c.memoryLimit() > 0 ? c.memoryLimit() : Double.NaN;
    if (Double.isNaN(limit) && p.spec != null) {
      for (ResourceRule r : p.spec.resourceRules()) {
        if (r.metric() == ResourceRule.Metric.RESIDENT_MEMORY) {
          limit = r.limit();
        }
      }
    }
    return limit * c.memoryShare();
  }

  /**
   * Whether {@code process} was removed or detached (and not registered or attached again since, nor removed more than
   * {@link #FORGET_GONE_AFTER} ago): its samples, anomalies and events are ignored.
   */
  boolean isGone(String process) {
    synchronized (lock) {
      return gone.containsKey(process);
    }
  }

  /** An anomaly a detector reported: active fires (or fires again) ANOMALY for its kind, inactive resolves it. */
  public void onAnomaly(Anomaly anomaly) {
    synchronized (lock) {
      if (gone.containsKey(anomaly.process())) {
        return;
      }
      Proc p = proc(anomaly.process());
      RuleConfig c = rules.configFor(p.name);
      if (anomaly.active()) {
        fire(p, c, AlertType.ANOMALY, anomaly.kind().label(), p.name + ": " + anomaly.summary(), anomaly.summary());
      } else {
        resolve(p, AlertType.ANOMALY, anomaly.kind().label(), anomaly.summary());
      }
    }
    deliver();
  }

  private static String key(Proc p, AlertType type, String detail) {
    return detail.isEmpty() ? p.name + "/" + type.name() : p.name + "/" + type.name() + "/" + detail;
  }

  private void fire(Proc p, RuleConfig c, AlertType type, String detail, String summary, String description) {
    if (!c.isEnabled(type)) {
      return;
    }
    String k = key(p, type, detail);
    Alert prev = p.firing.get(k);
    Alert a = prev == null
        ? Alert.firing(type, detail, p.name, c.severity(type), summary, description, p.labels, clock.instant())
        : prev.again(summary, description);
    p.firing.put(k, a);
    outbox.add(a);
  }

  private void resolve(Proc p, AlertType type, String detail, String why) {
    Alert prev = p.firing.remove(key(p, type, detail));
    if (prev != null) {
      outbox.add(resolvedNow(prev, why));
    }
  }

  private void resolveAll(Proc p, String why) {
    cancel(p.notRunningTimer);
    cancel(p.stableTimer);
    cancel(p.flapTimer);
    for (Alert a : new ArrayList<>(p.firing.values())) {
      p.firing.remove(a.key());
      outbox.add(resolvedNow(a, why));
    }
  }

  private static void cancel(Scheduler.@Nullable Cancellable c) {
    if (c != null) {
      c.cancel();
    }
  }

  /**
   * Has {@code hook} hear each remembered alert ({@link #remember}) taken up still firing, after the listener heard what
   * was made with it (its resolution, if the same input resolved it), outside the rules' lock: so that what would have
   * timed it in the earlier JVM (a route's escalation) is set again here. One hook; must not block.
   */
  void onTakenUp(java.util.function.Consumer<Alert> hook) {
    takenUpHook = requireNonNull(hook, "hook");
  }

  /**
   * Hands what was made to the listener, in order, outside the rules' lock; then what was taken up to its hook; then asks
   * for the looks that alerts taken up wait for ({@link #firstLooks}), outside both locks (a look that completes at once
   * delivers what it resolves).
   */
  private void deliver() {
    List<Runnable> asks;
    synchronized (deliveryLock) {
      List<Alert> batch;
      List<Alert> taken;
      synchronized (lock) {
        if (outbox.isEmpty() && takenUp.isEmpty() && looks.isEmpty()) {
          return;
        }
        batch = new ArrayList<>(outbox);
        outbox.clear();
        taken = new ArrayList<>(takenUp);
        takenUp.clear();
        asks = new ArrayList<>(looks);
        looks.clear();
      }
      for (Alert a : batch) {
        try {
          listener.onAlert(a);
        } catch (RuntimeException e) {
          log.atWarn().addKeyValue("process", a.process()).setCause(e)
              .log("Alert listener failed on {} ({})", a.key(), a.status());
        }
      }
      java.util.function.Consumer<Alert> hook = takenUpHook;
      if (hook != null) {
        for (Alert a : taken) {
          try {
            hook.accept(a);
          } catch (RuntimeException e) {
            log.atWarn().addKeyValue("process", a.process()).setCause(e).log("Taking up alert {} failed", a.key());
          }
        }
      }
    }
    for (Runnable ask : asks) {
      try {
        ask.run();
      } catch (RuntimeException e) {
        log.debug("Asking an attachment to look for its process failed; its remembered alerts wait {}",
            HumanFormat.duration(Alerting.UNCLAIMED_AFTER), e);
      }
    }
  }
}
