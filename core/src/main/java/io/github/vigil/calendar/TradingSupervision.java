package io.github.vigil.calendar;

import static java.util.Objects.requireNonNull;

import io.github.vigil.AttachState;
import io.github.vigil.AttachedProcess;
import io.github.vigil.ExitInfo;
import io.github.vigil.GroupController;
import io.github.vigil.GroupSpec;
import io.github.vigil.GroupState;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.RestartPolicy;
import io.github.vigil.RunRecord;
import io.github.vigil.Scheduler;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.SupervisorListener;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link Schedule}s to a {@link Supervisor}'s processes and attachments through its public
 * API, and announces the sessions of its calendars.
 *
 * <pre>{@code
 * TradingSupervision trading = TradingSupervision.builder(supervisor)
 *     .schedule("order-gateway", Schedule.inSession(shfe).withLead(Duration.ofMinutes(5)).withLag(Duration.ofMinutes(10))
 *         .withFreeze(FreezeWindow.daily("closing-auction", LocalTime.of(14, 57), LocalTime.of(15, 0))))
 *     .watch("trader-account001", Schedule.inSession(shfe).withLead(Duration.ofMinutes(15)))
 *     .build();
 * trading.subscribe(event -> log.info("{}", event));   // the supervisor's events and the calendar's
 * trading.start();
 * }</pre>
 *
 * <p><b>What it does.</b> At each edge of a schedule (see {@link Schedule}): at the start of an up
 * window it turns supervision on and {@linkplain ProcessController#start() starts} the process
 * ({@link SupervisorEvent.ScheduleStarted}); at the last close it turns supervision off, so a run that
 * ends after the close is recorded but not restarted; at the close plus the lag it
 * {@linkplain ProcessController#stop() stops} it gracefully ({@link SupervisorEvent.ScheduleStopped})
 * and turns supervision back on once it is stopped. Inside a {@link FreezeWindow} supervision is off
 * (from {@link #start()} on: before it, a run that ends there is restarted by its policy, and said to be
 * no more than an exit, as is one the supervision thread decided before the window's start had turned supervision off
 * there); a run that ends there gives a {@link SupervisorEvent.RestartDeferred}, and at the window's end the
 * process is restarted ({@code ScheduleStarted}, reason "restart deferred by ...") unless the window
 * leaves it for a person, or its restart policy would not have restarted it. That restart is its policy's, done late
 * ({@link ProcessController#restartDeferred}): counted as a restart by its statistics, its {@code STARTING} of origin
 * {@code POLICY}, as a restart after a backoff. Where the session's close ends the window first (a window at the
 * end of the last session, or one that outlasts it) the process is not meant to run after it: at the close that restart
 * is called off, the process stopped with a {@code ScheduleStopped} saying "the session closed before the end of freeze
 * window ...". Where it is meant to run on (between sessions it stays up through, or {@link Schedule#always(TradingCalendar)})
 * the restart is done at the window's end. An exit just after the window's end that the supervision thread still decided
 * with supervision off (the end not applied there yet: it follows the engine's {@code SupervisionChanged} events, heard in
 * order with the exits) is restarted as at that end, whatever the window's action. A restart already waiting
 * in backoff when a window opens goes ahead. Each calendar's sessions are announced with
 * {@link SupervisorEvent.SessionOpened} and {@link SupervisorEvent.SessionClosed}; each attachment's
 * watch window with {@link SupervisorEvent.WatchWindowChanged}, once as the schedule starts and at each edge.
 *
 * <p><b>Groups.</b> A schedule given for a supervision group's name applies the same edges through the
 * group: {@link GroupController#start()} at the start of an up window, {@link GroupController#stop()}
 * lag after the close, supervision of its processes off after the close and inside freeze windows (a
 * run of one of them that ends there gives the events above under the process's name), and a deferred
 * restart done at the window's end by the group's strategy. See {@link Builder#schedule}.
 *
 * <p><b>Dependencies.</b> A process {@code WAITING} for a dependency is already starting: an up window
 * does not start it again, and a scheduled start that ends up waiting (or whose caller's future fails
 * because the dependency was stopped) is logged, not a failure. A process still waiting to restart at
 * the close ({@code BACKOFF} or {@code WAITING}) is stopped: that restart is called off.
 *
 * <p><b>Events.</b> From its creation, {@link #subscribe} delivers the supervisor's events and these, in one ordered
 * stream, except that an exit, a loss or a missing process <em>outside</em> the window in which it is
 * expected (a scheduled process after its close, an attachment outside its watch window) arrives as a
 * {@link SupervisorEvent.OutsideWindow} holding the original event: recorded, but a listener that
 * alerts on {@code Exited}, {@code CRASHED}, {@code AttachedLost} or {@code NOT_FOUND} hears nothing. What decides the
 * restart after a run that ends with supervision off (its {@code RestartDeferred}; a window's end's {@code ScheduleStarted}
 * or the close's {@code ScheduleStopped} for it) comes after that run's {@code Exited} and the {@code StateChanged} to
 * {@code CRASHED} or {@code EXITED} it leads to, as the engine's {@code RestartScheduled} does: a listener hears the crash
 * before the decision about its restart.
 *
 * <p><b>Time and threads.</b> Wall-clock instants come from the {@link InstantSource}; edges are
 * waited for with the {@link Scheduler} (at most an hour at a time, so a wall clock that is set
 * again is followed), by default on one daemon thread {@code vigil-<supervisor>-calendar}; listeners
 * run on one daemon thread {@code vigil-<supervisor>-calendar-events} unless an executor is given.
 * Commands to processes return at once; nothing here blocks the supervision thread.
 * It never fights a person: a process started by hand while its schedule is down is left running.
 *
 * <p>Thread-safe.
 */
public final class TradingSupervision implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TradingSupervision.class);
  private static final Duration MAX_WAIT = Duration.ofHours(1);

  private final Supervisor supervisor;
  private final InstantSource clock;
  private final Scheduler scheduler;
  private final @Nullable ScheduledExecutorService ownTimer;
  private final @Nullable ExecutorService ownDelivery;
  private final Executor delivery;
  private final Map<String, Entry> processes = new LinkedHashMap<>();
  private final Map<String, Entry> watches = new LinkedHashMap<>();
  /** The scheduled groups' processes (nested groups flattened): process name to its group's entry; set in start(). */
  private final Map<String, Entry> groupMembers = new java.util.concurrent.ConcurrentHashMap<>();
  private final List<TradingCalendar> calendars;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final TradeDayStatistics statistics;
  private final Object lock = new Object();
  private Scheduler.@Nullable Cancellable timer;
  private final AutoCloseable subscription;
  private @Nullable Instant lastTick;
  /** Set under the lock, after {@link #groupMembers}; read without it by {@link #scheduledBy}. */
  private volatile boolean started;
  /**
   * The exits deferred to a window's end, by process, as heard: the window's end restarts one the status does not show
   * yet (the engine still between the {@code Exited} and its {@code CRASHED}), which it left as it was.
   */
  private final Map<String, ExitInfo> deferredExits = new java.util.concurrent.ConcurrentHashMap<>();
  /**
   * Under the lock: the freeze windows whose end (or the close that ended them) left a process as it was, no exit of it
   * heard yet; an exit of it heard afterwards that the engine decided with supervision still off (inside that window, or
   * after its end before the engine had it on again) is handled at once, as the window's end would have: restarted, or
   * called off at the close. Dropped once the engine's supervision of it is heard on again: any exit it deferred was
   * heard before that.
   */
  private final Map<String, Schedule.Freeze> endedUnheard = new java.util.HashMap<>();
  /**
   * The processes whose supervision is off as the engine last said ({@link SupervisorEvent.SupervisionChanged}), heard in
   * order with their exits: an exit heard while this holds it was decided with supervision off (the engine publishes the
   * change and decides an exit on one thread, in one order), so its policy did not restart it.
   */
  private final java.util.Set<String> engineUnsupervised = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /**
   * Under the lock: per process whose exit the engine decided with supervision off, heard ({@code Exited}) but its
   * {@code StateChanged} (to {@code CRASHED} or {@code EXITED}) not yet, what decides that exit's restart (its {@code
   * RestartDeferred}, the window's end's {@code ScheduleStarted}, the handling of an exit heard late): done once that
   * state change is heard, so that a listener hears the crash before the decision about its restart, as the engine
   * publishes {@code RestartScheduled} after it.
   */
  private final Map<String, List<Runnable>> untilExitShown = new java.util.HashMap<>();
  private boolean closed;

  private static final class Entry {
    final String name;
    final Schedule schedule;
    Schedule.@Nullable Phase applied;
    Schedule.@Nullable Freeze frozen;
    /** For a group's schedule: its processes, in declared order (nested groups flattened); else empty. */
    List<String> members = List.of();

    boolean isGroup() {
      return !members.isEmpty();
    }

    Entry(String name, Schedule schedule) {
      this.name = name;
      this.schedule = schedule;
    }
  }

  private static final class Listener {
    final SupervisorListener listener;
    boolean failedOnce;

    Listener(SupervisorListener listener) {
      this.listener = listener;
    }
  }

  private TradingSupervision(Builder b) {
    this.supervisor = b.supervisor;
    this.clock = b.instantSource;
    String base = "vigil-" + supervisor.name() + "-calendar";
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownTimer = null;
    } else {
      ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, base));
      this.ownTimer = s;
      this.scheduler = (delay, task) -> {
        var f = s.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
      };
    }
    Executor target;
    if (b.listenerExecutor != null) {
      target = b.listenerExecutor;
      this.ownDelivery = null;
    } else {
      this.ownDelivery = Executors.newSingleThreadExecutor(r -> daemon(r, base + "-events"));
      target = ownDelivery;
    }
    this.delivery = new Serial(target);
    b.processes.forEach((n, s) -> processes.put(n, new Entry(n, s)));
    b.watches.forEach((n, s) -> watches.put(n, new Entry(n, s)));
    List<TradingCalendar> cals = new ArrayList<>(b.calendars);
    for (Entry e : all()) {
      TradingCalendar c = e.schedule.calendar();
      if (c != null && cals.stream().noneMatch(x -> x.name().equals(c.name()))) {
        cals.add(c);
      }
    }
    this.calendars = List.copyOf(cals);
    this.statistics = new TradeDayStatistics(this::tradeDay, t -> calendars.stream().findFirst().map(c -> c.tradeDay(t)), clock,
        p -> supervisor.controller(p).map(c -> c.spec().restartPolicy().stableAfter()));
    listeners.add(new Listener(statistics));
    // from now on, so that the statistics count the starts that happen before start()
    this.subscription = supervisor.subscribe(this::onSupervisorEvent);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** A builder for a supervisor's schedules. */
  public static Builder builder(Supervisor supervisor) {
    return new Builder(supervisor);
  }

  /**
   * Checks that every scheduled process and attachment exists, brings each to where its schedule is
   * now (starting processes inside their window, stopping ones outside it that are not stopped), and
   * waits for the next edge. Idempotent.
   *
   * @throws IllegalArgumentException naming a scheduled process or attachment the supervisor does not have, or a scheduled
   *     process or group that is a child of a group (the group's strategy would start it outside its window)
   */
  public void start() {
    synchronized (lock) {
      if (started || closed) {
        return;
      }
      Map<String, Entry> members = new LinkedHashMap<>();
      for (Entry e : processes.values()) { // as the Spring starter refuses vigil.schedules.<child of a group>
        for (GroupController g : supervisor.groups()) {
          if (g.spec().children().contains(e.name)) {
            String kind = supervisor.group(e.name).isPresent() ? "group" : "process";
            throw new IllegalArgumentException("schedule for " + kind + " '" + e.name + "': it is a child of group '" + g.name()
                + "', whose strategy would start it outside its window; give the schedule to '" + g.name() + "' or take '" + e.name
                + "' out of the group");
          }
        }
      }
      for (Entry e : processes.values()) {
        if (supervisor.controller(e.name).isPresent()) {
          continue;
        }
        GroupController g = supervisor.group(e.name).orElseThrow(() -> new IllegalArgumentException(
            "schedule for process or group '" + e.name + "': the supervisor has no such process or group"
                + (supervisor.attached(e.name).isPresent() ? " ('" + e.name + "' is an attachment: give it a watch window)" : "")));
        e.members = leaves(g.spec());
        for (String m : e.members) { // none has a schedule of its own: refused above, as a child of a group
          Entry other = members.put(m, e);
          if (other != null) {
            throw new IllegalArgumentException("schedules for groups '" + other.name + "' and '" + e.name + "' both cover process '" + m + "'");
          }
        }
      }
      for (Entry e : watches.values()) {
        if (supervisor.attached(e.name).isEmpty()) {
          throw new IllegalArgumentException("watch window for attachment '" + e.name + "': the supervisor has no such attachment"
              + (supervisor.controller(e.name).isPresent() ? " ('" + e.name + "' is a supervised process: give it a schedule)"
                  : supervisor.group(e.name).isPresent() ? " ('" + e.name + "' is a group: give it a schedule)" : ""));
        }
      }
      groupMembers.putAll(members);
      started = true;
      tick();
    }
  }

  /** The processes of a group in declared order, nested groups flattened. */
  private List<String> leaves(GroupSpec spec) {
    List<String> out = new ArrayList<>();
    for (String child : spec.children()) {
      Optional<GroupController> nested = supervisor.group(child);
      if (nested.isPresent()) {
        out.addAll(leaves(nested.get().spec()));
      } else {
        out.add(child);
      }
    }
    return out;
  }

  /**
   * Counters per trade day and process, filed by each process's calendar ("restarts today", "MTTR
   * today"); {@link TradeDayStatistics#today()} is the first calendar's trade day.
   */
  public TradeDayStatistics statistics() {
    return statistics;
  }

  /** The wall clock it follows. */
  public InstantSource clock() {
    return clock;
  }

  /** The calendars in use: those given to the builder and those of the schedules. */
  public List<TradingCalendar> calendars() {
    return calendars;
  }

  /** The calendar with this name. */
  public Optional<TradingCalendar> calendar(String name) {
    return calendars.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /**
   * The schedule of a process, group or attachment; a process in a scheduled group has its group's (nested groups
   * included); {@link Schedule#always()} for one without. {@link #start()} resolves the groups once; before it, a
   * process's group is looked up among the supervisor's groups registered at the time of the call (so the answer does
   * not change at start() unless groups are registered in between). {@link #state(String)} answers by the same schedule.
   */
  public Schedule schedule(String name) {
    Entry e = scheduledBy(name);
    if (e == null) {
      e = watches.get(name);
    }
    return e == null ? Schedule.always() : e.schedule;
  }

  /** The entry that schedules process (or group) {@code name}: its own, or its group's. */
  private @Nullable Entry processEntry(String name) {
    Entry e = processes.get(name);
    return e != null ? e : groupMembers.get(name);
  }

  /**
   * As {@link #processEntry}, and before {@link #start()} a process's group found as start() will find it: the first
   * scheduled group whose processes (nested groups flattened) include it, as the supervisor's groups are now.
   */
  private @Nullable Entry scheduledBy(String name) {
    Entry e = processEntry(name);
    if (e != null) {
      return e;
    }
    if (started) { // not under the lock: asked by listeners, which tick() may run under it (a direct listener executor)
      return groupMembers.get(name);
    }
    for (Entry g : processes.values()) {
      Optional<GroupController> group = supervisor.group(g.name);
      if (group.isPresent() && leaves(group.get().spec()).contains(name)) {
        return g;
      }
    }
    return null;
  }

  /**
   * The trade day of {@code event}: by the calendar of its process's schedule, else (a calendar's own
   * events, or a process without one) by the calendar of that name or the first calendar; empty when
   * there is none.
   */
  public Optional<LocalDate> tradeDay(SupervisorEvent event) {
    return calendarOf(event.process()).map(c -> c.tradeDay(event.at()));
  }

  /** The trade day a run record belongs to: the trade day of its start. */
  public Optional<LocalDate> tradeDay(String process, RunRecord run) {
    return calendarOf(process).map(c -> c.tradeDay(run.startedAt()));
  }

  /** The calendar that files {@code name}'s records. */
  public Optional<TradingCalendar> calendarOf(String name) {
    TradingCalendar c = schedule(name).calendar();
    if (c != null) {
      return Optional.of(c);
    }
    Optional<TradingCalendar> byName = calendar(name);
    return byName.isPresent() ? byName : calendars.stream().findFirst();
  }

  /** Where every schedule stands now: processes first, then attachments, in the order given. */
  public List<ScheduleState> states() {
    Instant now = clock.instant();
    List<ScheduleState> out = new ArrayList<>();
    for (Entry e : processes.values()) {
      out.add(state(e, false, now));
    }
    for (Entry e : watches.values()) {
      out.add(state(e, true, now));
    }
    return out;
  }

  /**
   * Where the schedule of a process, group or attachment stands now; empty for one without a schedule. A process in a
   * scheduled group answers by its group's schedule, as {@link #schedule(String)} gives it (before {@link #start()} too,
   * by the groups registered then): its phase, the group's freeze window in force, the group's next change. The state
   * is named {@code name} (the process asked about), its {@link ScheduleState#schedule()} is the group's.
   */
  public Optional<ScheduleState> state(String name) {
    Instant now = clock.instant();
    Entry e = scheduledBy(name);
    if (e != null) {
      return Optional.of(state(name, e, false, now));
    }
    return watches.containsKey(name) ? Optional.of(state(watches.get(name), true, now)) : Optional.empty();
  }

  private static ScheduleState state(Entry e, boolean attachment, Instant now) {
    return state(e.name, e, attachment, now);
  }

  private static ScheduleState state(String name, Entry e, boolean attachment, Instant now) {
    Schedule s = e.schedule;
    Schedule.Freeze f = s.freezeAt(now);
    return new ScheduleState(name, attachment, s, s.phaseAt(now), f == null ? null : f.window().name(),
        s.calendar() == null ? null : s.calendar().tradeDay(now), s.nextChange(now));
  }

  /**
   * Listens to the supervisor's events and this schedule's, in one ordered stream, until the handle
   * is closed. See the class javadoc for which events are replaced by {@link SupervisorEvent.OutsideWindow}.
   */
  public AutoCloseable subscribe(SupervisorListener listener) {
    Listener l = new Listener(requireNonNull(listener, "listener"));
    listeners.add(l);
    return () -> listeners.remove(l);
  }

  /**
   * Stops waiting for edges and delivering events; leaves every process as it is. Idempotent. Its listeners hear
   * nothing more, the supervisor's events included: close the supervisor first when a listener (such as an
   * {@code Alerting} given this) should hear the stops at the supervisor's close.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (timer != null) {
        timer.cancel();
      }
      try {
        subscription.close();
      } catch (Exception e) {
        log.debug("Unsubscribing from supervisor {} failed", supervisor.name(), e);
      }
    }
    if (ownTimer != null) {
      ownTimer.shutdownNow();
    }
    if (ownDelivery != null) {
      ownDelivery.shutdown();
    }
  }

  private List<Entry> all() {
    List<Entry> out = new ArrayList<>(processes.values());
    out.addAll(watches.values());
    return out;
  }

  // ---- the edges ------------------------------------------------------------------------------

  private void tick() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      Instant now = clock.instant();
      if (lastTick != null) {
        announceSessions(lastTick, now);
      }
      for (Entry e : processes.values()) {
        try {
          if (e.isGroup()) {
            applyGroup(e, now);
          } else {
            applyProcess(e, now);
          }
        } catch (RuntimeException ex) {
          log.atWarn().addKeyValue("process", e.name).setCause(ex).log("Schedule of {} could not be applied: {}", e.name, ex.toString());
        }
      }
      for (Entry e : watches.values()) {
        applyWatch(e, now);
      }
      lastTick = now;
      Instant next = null;
      for (Entry e : all()) {
        Instant n = e.schedule.nextChange(now);
        next = earliest(next, n);
      }
      for (TradingCalendar c : calendars) {
        next = earliest(next, c.nextClose(now));
        next = earliest(next, c.nextOpen(now));
      }
      Duration wait = next == null ? MAX_WAIT : Duration.between(now, next);
      if (wait.compareTo(MAX_WAIT) > 0) {
        wait = MAX_WAIT;
      }
      if (timer != null) {
        timer.cancel();
      }
      timer = scheduler.schedule(wait, this::tick);
    }
  }

  private static @Nullable Instant earliest(@Nullable Instant a, @Nullable Instant b) {
    return a == null ? b : b == null || a.isBefore(b) ? a : b;
  }

  /** Session opens and closes in (from, to], in order. */
  private void announceSessions(Instant from, Instant to) {
    List<SupervisorEvent> out = new ArrayList<>();
    for (TradingCalendar c : calendars) {
      LocalDate d = c.tradeDay(from);
      LocalDate last = c.tradeDay(to);
      for (int i = 0; i < 30 && !d.isAfter(last.plusDays(1)); i++, d = c.nextTradingDay(d)) {
        for (Session s : c.sessions(d)) {
          if (s.open().isAfter(from) && !s.open().isAfter(to)) {
            out.add(new SupervisorEvent.SessionOpened(c.name(), s.open(), s.tradeDay(), s.name(), s.close()));
          }
          if (s.close().isAfter(from) && !s.close().isAfter(to)) {
            out.add(new SupervisorEvent.SessionClosed(c.name(), s.close(), s.tradeDay(), s.name()));
          }
        }
      }
    }
    out.sort(Comparator.comparing(SupervisorEvent::at));
    for (SupervisorEvent e : out) {
      log.atInfo().addKeyValue("calendar", e.process()).log("{}", e);
      publish(e);
    }
  }

  private void applyProcess(Entry e, Instant now) {
    ProcessController c = supervisor.controller(e.name).orElse(null);
    if (c == null) { // removed from the supervisor meanwhile: an exit deferred for it went with it
      deferredExits.remove(e.name);
      endedUnheard.remove(e.name);
      untilExitShown.remove(e.name);
      return;
    }
    boolean settled = false; // the close (or the stop at it) stopped it: nothing left for an exit heard late
    Schedule s = e.schedule;
    Schedule.Phase want = s.phaseAt(now);
    Schedule.Freeze freeze = s.freezeAt(now);
    boolean up = want == Schedule.Phase.UP || want == Schedule.Phase.ALWAYS;
    LocalDate day = s.calendar() == null ? null : s.calendar().tradeDay(now);
    if (want != e.applied) {
      ProcessStatus st = c.status();
      switch (want) {
        case ALWAYS -> { }
        case UP -> {
          c.setSupervised(freeze == null);
          if (resting(st.state())) {
            Session next = s.calendar().currentOrNextSession(now);
            String why = "up window: " + next.calendar() + " session " + next.name() + " of " + next.tradeDay() + " opens at " + next.open();
            log.atInfo().addKeyValue("process", e.name).log("Schedule starts {}: {}", e.name, why);
            startProcess(c);
            publish(new SupervisorEvent.ScheduleStarted(e.name, now, day, why));
          } else if (st.state() == ProcessState.WAITING) {
            // a start is already on its way, waiting for a dependency: no second start, and no failure
            log.atInfo().addKeyValue("process", e.name).log("Schedule of {}: up window, already starting ({})", e.name, st.detail());
          }
        }
        case CLOSING -> {
          c.setSupervised(false);
          log.atInfo().addKeyValue("process", e.name).log("Schedule of {}: closed, no more restarts until it is stopped", e.name);
          if (waitingToStart(st.state())) { // a restart decided before the close does not happen after it
            String why = "closed while waiting to restart";
            publish(new SupervisorEvent.ScheduleStopped(e.name, now, day, why)); // the cause before the stop's own events
            c.stop().whenComplete((x, t) -> c.setSupervised(true));
            settled = true;
          } else if (deferredRestartDue(e.frozen, c)) { // nor one deferred to the end of a freeze window the close cut short
            String why = closedBeforeTheEnd(requireNonNull(e.frozen));
            log.atInfo().addKeyValue("process", e.name).log("Schedule stops {}: {}", e.name, why);
            SupervisorEvent stopped = new SupervisorEvent.ScheduleStopped(e.name, now, day, why);
            afterExitShown(e.name, () -> { // after the exit's state change and its RestartDeferred where they are not heard yet
              publish(stopped);
              c.stop().whenComplete((x, t) -> c.setSupervised(true));
            });
            settled = true;
          }
        }
        case DOWN -> {
          if (e.applied == null && st.state() == ProcessState.STOPPED) {
            c.setSupervised(true);
          } else if (st.state() != ProcessState.STOPPED) {
            c.setSupervised(false);
            // a restart deferred to the end of a freeze window the close (without lag) cut short is called off: said so
            String why = deferredRestartDue(e.frozen, c) ? closedBeforeTheEnd(requireNonNull(e.frozen)) : downReason(e, s, now);
            log.atInfo().addKeyValue("process", e.name).log("Schedule stops {}: {}", e.name, why);
            SupervisorEvent stopped = new SupervisorEvent.ScheduleStopped(e.name, now, day, why);
            afterExitShown(e.name, () -> { // after an exit's state change and its RestartDeferred where they are not heard yet
              publish(stopped); // the cause before the stop's own events
              c.stop().whenComplete((x, t) -> c.setSupervised(true));
            });
          } else {
            c.setSupervised(true);
          }
        }
        default -> throw new AssertionError(want);
      }
      e.applied = want;
    }
    if (up && freeze != null && e.frozen == null) {
      e.frozen = freeze;
      endedUnheard.remove(e.name);
      c.setSupervised(false);
      log.atInfo().addKeyValue("process", e.name).log("Freeze window {} of {} until {}: no restarts", freeze.window().name(), e.name, freeze.end());
    } else if (e.frozen != null && (freeze == null || !up)) {
      Schedule.Freeze was = e.frozen;
      e.frozen = null;
      ExitInfo deferred = deferredExits.remove(e.name);
      if (up) {
        c.setSupervised(true);
        ProcessStatus st = c.status();
        boolean ended = st.state() == ProcessState.CRASHED || st.state() == ProcessState.EXITED;
        // an exit heard and deferred that the status does not show yet: the engine handles it before this restart
        boolean inFlight = !ended && deadRunShown(deferred, st);
        if (restartsAtTheEnd(was, deferred) && (ended && wouldRestart(c.spec(), st.lastExit()) || inFlight)) {
          String why = "restart deferred by freeze window " + was.window().name();
          log.atInfo().addKeyValue("process", e.name).log("Schedule starts {}: {}", e.name, why);
          // after the exit's state change and its RestartDeferred where they are not heard yet (the engine orders the restart)
          SupervisorEvent started = new SupervisorEvent.ScheduleStarted(e.name, now, day, why);
          afterExitShown(e.name, () -> publish(started));
          restartDeferred(c, was);
          settled = true;
        }
      }
      if (deferred == null && !settled && want != Schedule.Phase.DOWN) {
        // an exit the engine decides with supervision still off may still be on its way to the listener (see onSupervisorEvent)
        endedUnheard.put(e.name, was);
      }
    }
  }

  /**
   * Why a process (or group) is stopped on entering {@code DOWN}: lag after a close, or, at {@link #start()} (nothing
   * applied yet), outside its up window, which may not have begun at all yet.
   */
  private static String downReason(Entry e, Schedule s, Instant now) {
    if (e.applied != null) {
      return "window over: stopped " + io.github.vigil.HumanFormat.duration(s.lag()) + " after the close";
    }
    Session next = requireNonNull(s.calendar()).nextSession(now);
    return "outside its up window when the schedule started: next " + next.calendar() + " session " + next.name() + " of "
        + next.tradeDay() + " opens at " + next.open();
  }

  /**
   * Whether a start is already on its way without a run: {@code BACKOFF}, or {@code WAITING} for a
   * dependency. At the close it is called off; at a start it needs no second start (and is no failure).
   */
  private static boolean waitingToStart(ProcessState s) {
    return s == ProcessState.BACKOFF || s == ProcessState.WAITING;
  }

  // ---- groups ---------------------------------------------------------------------------------

  /**
   * The same edges as {@link #applyProcess} for a group: started with {@link GroupController#start()}
   * (its processes in declared order), stopped with {@link GroupController#stop()} (in reverse), and
   * supervision of each process turned off and on as for a scheduled process, so that the group's
   * strategy (which acts only on the ends its processes' policies restart) is off when they are.
   */
  private void applyGroup(Entry e, Instant now) {
    GroupController g = supervisor.group(e.name).orElse(null);
    if (g == null) {
      return;
    }
    List<ProcessController> ms = new ArrayList<>();
    for (String m : e.members) {
      supervisor.controller(m).ifPresent(ms::add);
    }
    Schedule s = e.schedule;
    Schedule.Phase want = s.phaseAt(now);
    Schedule.Freeze freeze = s.freezeAt(now);
    boolean up = want == Schedule.Phase.UP || want == Schedule.Phase.ALWAYS;
    LocalDate day = s.calendar() == null ? null : s.calendar().tradeDay(now);
    java.util.Set<String> settled = new java.util.HashSet<>(); // members stopped at the close: nothing left for an exit heard late
    if (want != e.applied) {
      switch (want) {
        case ALWAYS -> { }
        case UP -> {
          ms.forEach(c -> c.setSupervised(freeze == null));
          boolean allResting = ms.stream().allMatch(c -> resting(c.status().state()));
          if (g.state() != GroupState.RUNNING || allResting) {
            Session next = s.calendar().currentOrNextSession(now);
            String why = "up window: " + next.calendar() + " session " + next.name() + " of " + next.tradeDay() + " opens at " + next.open();
            log.atInfo().addKeyValue("process", e.name).log("Schedule starts group {} {}: {}", e.name, e.members, why);
            startGroup(g, e.name);
            publish(new SupervisorEvent.ScheduleStarted(e.name, now, day, why));
          }
        }
        case CLOSING -> {
          ms.forEach(c -> c.setSupervised(false));
          log.atInfo().addKeyValue("process", e.name).log("Schedule of group {}: closed, no more restarts until it is stopped", e.name);
          for (ProcessController c : ms) {
            if (waitingToStart(c.status().state())) {
              String why = "closed while " + c.name() + " of group " + e.name + " was waiting to restart";
              publish(new SupervisorEvent.ScheduleStopped(c.name(), now, day, why));
              c.stop().whenComplete((x, t) -> c.setSupervised(true));
              settled.add(c.name());
            }
          }
          settled.addAll(stopDeferredMembers(e, ms, now, day));
        }
        case DOWN -> {
          stopDeferredMembers(e, ms, now, day);
          boolean allStopped = ms.stream().allMatch(c -> c.status().state() == ProcessState.STOPPED);
          if (!allStopped || g.state() == GroupState.RUNNING) { // a group left RUNNING (its restart called off at the close) is stopped too
            ms.forEach(c -> c.setSupervised(false));
            String why = downReason(e, s, now);
            log.atInfo().addKeyValue("process", e.name).log("Schedule stops group {} {}: {}", e.name, e.members, why);
            publish(new SupervisorEvent.ScheduleStopped(e.name, now, day, why));
            g.stop().whenComplete((x, t) -> ms.forEach(c -> c.setSupervised(true)));
          } else {
            ms.forEach(c -> c.setSupervised(true));
          }
        }
        default -> throw new AssertionError(want);
      }
      e.applied = want;
    }
    if (up && freeze != null && e.frozen == null) {
      e.frozen = freeze;
      ms.forEach(c -> endedUnheard.remove(c.name()));
      ms.forEach(c -> c.setSupervised(false));
      log.atInfo().addKeyValue("process", e.name).log("Freeze window {} of group {} until {}: no restarts", freeze.window().name(), e.name, freeze.end());
    } else if (e.frozen != null && (freeze == null || !up)) {
      Schedule.Freeze was = e.frozen;
      e.frozen = null;
      List<String> unheard = ms.stream().map(ProcessController::name).filter(n -> !deferredExits.containsKey(n)).toList();
      if (up) {
        ms.forEach(c -> c.setSupervised(true));
        settled.addAll(restartDeferredMembers(g, e, ms, was, now, day));
      }
      ms.forEach(c -> deferredExits.remove(c.name())); // heard for this window: none outlives it
      if (want != Schedule.Phase.DOWN) {
        for (String n : unheard) { // an exit the engine decides with supervision still off may still be on its way (see onSupervisorEvent)
          if (!settled.contains(n)) {
            endedUnheard.put(n, was);
          }
        }
      }
    }
  }

  /**
   * At the close (or the stop right at it): the members whose restart a freeze window deferred to its end, which the close
   * cut short, are stopped, each with a {@code ScheduleStopped} under its own name saying so: that restart is called off.
   */
  private List<String> stopDeferredMembers(Entry e, List<ProcessController> ms, Instant now, @Nullable LocalDate day) {
    Schedule.Freeze frozen = e.frozen;
    List<String> stopped = new ArrayList<>();
    for (ProcessController c : ms) {
      if (deferredRestartDue(frozen, c)) {
        stopped.add(c.name());
        String why = closedBeforeTheEnd(requireNonNull(frozen));
        log.atInfo().addKeyValue("process", c.name()).log("Schedule stops {} of group {}: {}", c.name(), e.name, why);
        SupervisorEvent calledOff = new SupervisorEvent.ScheduleStopped(c.name(), now, day, why);
        afterExitShown(c.name(), () -> { // after the exit's state change and its RestartDeferred where they are not heard yet
          publish(calledOff);
          c.stop().whenComplete((x, t) -> c.setSupervised(true));
        });
      }
    }
    return stopped;
  }

  /**
   * Whether {@code c}'s run ended inside freeze window {@code frozen} (in force until now, supervision off) and its restart
   * is deferred to the window's end, not done yet: ended, a window that defers, a policy that would restart it; or an exit
   * heard and deferred that the status does not show yet (the engine between the {@code Exited} and its {@code CRASHED},
   * as at a window's end: see {@link #deadRunShown}).
   */
  private boolean deferredRestartDue(Schedule.@Nullable Freeze frozen, ProcessController c) {
    if (frozen == null || frozen.window().action() != FreezeWindow.Action.DEFER_TO_END) {
      return false;
    }
    ProcessStatus st = c.status();
    boolean ended = st.state() == ProcessState.CRASHED || st.state() == ProcessState.EXITED;
    return ended ? wouldRestart(c.spec(), st.lastExit()) : deadRunShown(deferredExits.get(c.name()), st);
  }

  /** Why a restart deferred to the end of {@code frozen} is called off at the session's close. */
  private static String closedBeforeTheEnd(Schedule.Freeze frozen) {
    return "the session closed before the end of freeze window " + frozen.window().name() + ", to which its restart was deferred: called off";
  }

  /**
   * At a freeze window's end: the processes that ended inside it (and that their policy would have restarted) are
   * restarted by their policy ({@link ProcessController#restartDeferred}), in declared order, and their group applies
   * its strategy to each such restart as to a restart at once: counted against its intensity (past it the group
   * escalates), the siblings the strategy names stopped in reverse and started again in declared order ({@code
   * REST_FOR_ONE} the ones after it, {@code ONE_FOR_ALL} all the others), and a process that ended too and is one of
   * them is started again by that restart, not restarted by its own policy: one restart, one count, as in OTP. Each
   * process's own group does this, a nested group's by its own strategy; the others stopped and started count no
   * restart of theirs. It did the stops and starts itself for REST_FOR_ONE and ONE_FOR_ALL, which the group never
   * counted: a process ending in every window restarted its siblings without bound. Returns the processes restarted.
   */
  private List<String> restartDeferredMembers(GroupController g, Entry e, List<ProcessController> ms, Schedule.Freeze was, Instant now,
      @Nullable LocalDate day) {
    List<ProcessController> ended = new ArrayList<>();
    for (ProcessController c : ms) {
      ProcessStatus st = c.status();
      ExitInfo deferred = deferredExits.remove(c.name());
      boolean end = st.state() == ProcessState.CRASHED || st.state() == ProcessState.EXITED;
      // an exit heard and deferred that the status does not show yet (see applyProcess)
      boolean inFlight = !end && deadRunShown(deferred, st);
      if (restartsAtTheEnd(was, deferred) && (end && wouldRestart(c.spec(), st.lastExit()) || inFlight)) {
        ended.add(c);
      }
    }
    if (ended.isEmpty()) {
      return List.of();
    }
    String why = "restart deferred by freeze window " + was.window().name();
    log.atInfo().addKeyValue("process", e.name).log("Schedule restarts {} of group {} ({}): {}", ended.stream().map(ProcessController::name).toList(),
        e.name, g.spec().strategy(), why);
    ended.forEach(c -> restartDeferred(c, was)); // in declared order: the first one's group restart takes in the ones after it
    for (ProcessController c : ended) { // after the exit's state change and its RestartDeferred where they are not heard yet
      SupervisorEvent started = new SupervisorEvent.ScheduleStarted(c.name(), now, day, why);
      afterExitShown(c.name(), () -> publish(started));
    }
    return ended.stream().map(ProcessController::name).toList();
  }

  /**
   * Starts a process. Its start may wait in {@code WAITING} for a dependency, and fail for the caller
   * when that dependency is stopped meanwhile while the process keeps waiting: that is logged, not a
   * failure of the schedule.
   */
  private static void startProcess(ProcessController c) {
    c.start().whenComplete((x, t) -> {
      if (t != null) {
        log.atInfo().addKeyValue("process", c.name()).log("Scheduled start of {} did not complete: {}", c.name(), t.toString());
      }
    });
  }

  /**
   * Does the restart a freeze window deferred to its end, as the process's policy's restart (counted as a restart, origin
   * POLICY), not a start of the API. A restart that does not complete is logged, not a failure of the schedule.
   */
  private static void restartDeferred(ProcessController c, Schedule.Freeze was) {
    c.restartDeferred(deferredBy(was)).whenComplete((x, t) -> {
      if (t != null) {
        log.atInfo().addKeyValue("process", c.name()).log("Restart of {} deferred by freeze window {} did not complete: {}", c.name(),
            was.window().name(), t.toString());
      }
    });
  }

  /** The reason a restart deferred to the end of {@code was} is done with. */
  private static String deferredBy(Schedule.Freeze was) {
    return "deferred by freeze window " + was.window().name() + " to its end";
  }

  /** Starts a group; a start that does not complete (stopped meanwhile, a dependency down) is logged, not a failure of the schedule. */
  private static void startGroup(GroupController g, String name) {
    g.start().whenComplete((x, t) -> {
      if (t != null) {
        log.atInfo().addKeyValue("process", name).log("Scheduled start of group {} did not complete: {}", name, t.toString());
      }
    });
  }

  /** Whether a process in {@code s} is resting, so that a start is needed (new states of the engine are left alone). */
  private static boolean resting(ProcessState s) {
    return s == ProcessState.STOPPED || s == ProcessState.EXITED || s == ProcessState.CRASHED || s == ProcessState.FAILED;
  }

  /**
   * Whether {@code st}, not ended, still shows the run that ended with {@code deferred} as live ({@code STARTING} or
   * {@code RUNNING}, started no later than that end): the engine is between the {@code Exited} and the state it leads to.
   * A run started since (by a person, during the window) is not that one; nor is a process stopped since ({@code
   * STOPPED}, whose {@code startedAt} is still the dead run's): a person stopped it, and it stays stopped.
   */
  private static boolean deadRunShown(@Nullable ExitInfo deferred, ProcessStatus st) {
    boolean live = st.state() == ProcessState.STARTING || st.state() == ProcessState.RUNNING;
    return deferred != null && live && st.startedAt() != null && !st.startedAt().isAfter(deferred.at());
  }

  /**
   * Whether the end of freeze window {@code was} restarts a process that ended (and that its policy would restart): one
   * that defers to its end, or any for an exit after it ({@code deferred}, heard) that the engine decided with
   * supervision still off, its end not applied yet: by the clock a plain exit, which the policy restarts.
   */
  private static boolean restartsAtTheEnd(Schedule.Freeze was, @Nullable ExitInfo deferred) {
    return was.window().action() == FreezeWindow.Action.DEFER_TO_END || deferred != null && !deferred.at().isBefore(was.end());
  }

  /** The processes whose exit, deferred to a freeze window's end, it holds now; for tests. */
  java.util.Set<String> deferredExitsHeld() {
    return java.util.Set.copyOf(deferredExits.keySet());
  }

  private static boolean wouldRestart(ProcessSpec spec, @Nullable ExitInfo exit) {
    RestartPolicy p = spec.restartPolicy();
    return switch (p.mode()) {
      case NEVER -> false;
      case ALWAYS -> true;
      case ON_FAILURE -> exit != null && exit.cause().isFailure();
    };
  }

  private void applyWatch(Entry e, Instant now) {
    Schedule.Phase want = e.schedule.phaseAt(now);
    boolean open = want != Schedule.Phase.DOWN;
    Schedule.Phase was = e.applied;
    e.applied = want;
    boolean wasOpen = was != null && was != Schedule.Phase.DOWN;
    // also once as the schedule starts, with where the window stands then: a journal (vigil status) learns that an
    // attachment NOT_FOUND or STOPPED at a gateway's start before the open is outside its window, not missing
    if (was != null && open == wasOpen || e.schedule.kind() == Schedule.Kind.ALWAYS) {
      return;
    }
    AttachState state = supervisor.attached(e.name).map(AttachedProcess::status).map(st -> st.state()).orElse(AttachState.NOT_FOUND);
    LocalDate day = e.schedule.calendar().tradeDay(now);
    publish(new SupervisorEvent.WatchWindowChanged(e.name, now, day, open, state));
  }

  // ---- the supervisor's events ----------------------------------------------------------------

  private void onSupervisorEvent(SupervisorEvent event) {
    heard(event);
    if (event instanceof SupervisorEvent.StateChanged) { // the state the held exit led to, heard: its restart's decision now
      synchronized (lock) {
        List<Runnable> held = untilExitShown.remove(event.process());
        if (held != null) {
          held.forEach(Runnable::run);
        }
      }
    }
  }

  /**
   * Holds the decisions about the restart after an exit of {@code process} the engine decided with supervision off
   * (heard now) until its {@code StateChanged} is heard. Under the lock, before anything is decided about that exit, so
   * that the window's end ({@link #tick()}) sees the hold whenever it sees the exit.
   */
  private void holdUntilExitShown(String process) {
    untilExitShown.putIfAbsent(process, new ArrayList<>());
  }

  /**
   * Runs {@code decision} (about the restart after an exit of {@code process}) once that exit's {@code StateChanged} is
   * heard: now if it was, or if no exit of it is held. Under the lock.
   */
  private void afterExitShown(String process, Runnable decision) {
    List<Runnable> held = untilExitShown.get(process);
    if (held != null) {
      held.add(decision);
    } else {
      decision.run();
    }
  }

  private void heard(SupervisorEvent event) {
    if (event instanceof SupervisorEvent.SupervisionChanged sc) {
      supervisionHeard(sc);
    }
    // a process of a scheduled group by its group's schedule, before start() too, as schedule(name) and state(name) answer
    Entry p = scheduledBy(event.process());
    if (p != null && p.schedule.calendar() != null) {
      Schedule s = p.schedule;
      Schedule.Phase phase = s.phaseAt(event.at());
      boolean up = phase == Schedule.Phase.UP || phase == Schedule.Phase.ALWAYS;
      if (event instanceof SupervisorEvent.Exited x && x.exit().cause() != io.github.vigil.ExitCause.KILLED_BY_SUPERVISOR) {
        // before start() supervision is not off inside a freeze window: the policy restarts it, nothing is deferred; nor
        // where the engine decided it with supervision still on (the window's start not applied on its thread yet): the
        // policy's restart stands, a plain exit (the engine's SupervisionChanged events are heard in order with its exits)
        boolean unsupervised = started && engineUnsupervised.contains(event.process());
        if (unsupervised) {
          synchronized (lock) {
            holdUntilExitShown(event.process());
          }
        }
        Schedule.Freeze f = unsupervised ? s.freezeAt(event.at()) : null;
        if (up && f != null) {
          publish(event);
          ProcessController c = supervisor.controller(event.process()).orElse(null);
          if (c == null || wouldRestart(c.spec(), x.exit())) {
            Instant until = f.window().action() == FreezeWindow.Action.DEFER_TO_END ? f.end() : null;
            synchronized (lock) { // the deferral and its hold at once: the window's end that sees the one sees the other
              Schedule.Phase late = until == null ? null : deferOrLate(p, event.process(), f, x.exit());
              log.atWarn().addKeyValue("process", event.process()).log("Process {} ended inside freeze window {}: restart {}",
                  event.process(), f.window().name(), until == null ? "left for a person" : "deferred to " + until);
              SupervisorEvent deferred = new SupervisorEvent.RestartDeferred(event.process(), event.at(), f.window().name(), until, x.exit());
              afterExitShown(event.process(), () -> {
                publish(deferred);
                if (late != null && c != null) {
                  deferredHeardLate(c, p, f, late, x.exit());
                }
              });
            }
          }
          return;
        }
        if (!up) {
          outside(event, s);
          return;
        }
        Late late = started ? heardAfterTheEnd(p, event.process(), x.exit()) : null;
        if (late != null) { // after the window's end, by the clock, but decided with supervision still off: the end's to handle
          publish(event);
          ProcessController c = supervisor.controller(event.process()).orElse(null);
          if (c != null && wouldRestart(c.spec(), x.exit())) {
            log.atInfo().addKeyValue("process", event.process()).log("Process {} ended after the end of freeze window {}, before "
                + "supervision of it was on again: restarted as at that end", event.process(), late.window().window().name());
            synchronized (lock) {
              afterExitShown(event.process(), () -> deferredHeardLate(c, p, late.window(), late.applied(), x.exit()));
            }
          }
          return;
        }
      }
      if (!up && (event instanceof SupervisorEvent.Failed || event instanceof SupervisorEvent.StateChanged sc
          && (sc.to() == ProcessState.CRASHED || sc.to() == ProcessState.EXITED || sc.to() == ProcessState.FAILED))) {
        outside(event, s);
        return;
      }
    }
    Entry w = watches.get(event.process());
    if (w != null && w.schedule.kind() == Schedule.Kind.IN_SESSION && w.schedule.phaseAt(event.at()) == Schedule.Phase.DOWN
        && (event instanceof SupervisorEvent.AttachedLost || event instanceof SupervisorEvent.AttachStateChanged a
            && (a.to() == AttachState.NOT_FOUND || a.to() == AttachState.ERROR || a.to() == AttachState.STOPPED))) {
      outside(event, w.schedule);
      return;
    }
    publish(event);
  }

  /**
   * Keeps an exit deferred to the end of {@code f} for that end; or, when that end (or the close that ended the window) has
   * already left the process as it was, before this exit was heard, says so: the phase then applied, in which it is
   * handled at once ({@link #deferredHeardLate}). Once only: the window's end is forgotten here.
   */
  private Schedule.@Nullable Phase deferOrLate(Entry e, String process, Schedule.Freeze f, ExitInfo exit) {
    synchronized (lock) { // ordered with tick(): either the window's end sees this exit, or it left a mark this sees
      if (!closed && f.equals(endedUnheard.get(process))) {
        endedUnheard.remove(process);
        // decided with supervision on (a person's, or the window's start not applied yet): its policy's, nothing late to do
        return engineUnsupervised.contains(process) ? e.applied : null;
      }
      deferredExits.put(process, exit);
      return null;
    }
  }

  /** A freeze window whose end left a process as it was, and the phase applied then. */
  private record Late(Schedule.Freeze window, Schedule.Phase applied) {}

  /**
   * An exit outside every freeze window, in an up window, that the engine decided with supervision still off, which a
   * freeze window's end turns on again: that end, not applied yet, is given it (held, as an exit inside the window is, so
   * that it restarts it); or that end, which left the process as it was, is returned, for the exit to be handled now as it
   * would have (once only). Null for any other exit: its policy decided it, or a person turned supervision off.
   */
  private @Nullable Late heardAfterTheEnd(Entry e, String process, ExitInfo exit) {
    synchronized (lock) { // ordered with tick(), as deferOrLate is
      if (closed || !engineUnsupervised.contains(process)) {
        return null;
      }
      if (e.frozen != null) {
        deferredExits.put(process, exit);
        return null;
      }
      Schedule.Freeze was = endedUnheard.remove(process);
      Schedule.Phase applied = e.applied;
      boolean up = applied == Schedule.Phase.UP || applied == Schedule.Phase.ALWAYS;
      // at the close supervision stays off: such an exit is left to the stop at the close plus lag
      return was != null && applied != null && up ? new Late(was, applied) : null;
    }
  }

  /**
   * The engine's supervision of a process, as it said, in order with its exits. Turned on, it decides every later exit
   * with it on: a mark a freeze window's end left for an exit still on its way is dropped, any exit it deferred having been
   * heard before this.
   */
  private void supervisionHeard(SupervisorEvent.SupervisionChanged sc) {
    if (!sc.supervised()) {
      engineUnsupervised.add(sc.process());
      return;
    }
    engineUnsupervised.remove(sc.process());
    synchronized (lock) {
      endedUnheard.remove(sc.process());
    }
  }

  /**
   * An exit inside freeze window {@code was} (or after its end, before the engine had supervision on again) heard after
   * its end, which read the status before the engine showed the exit (still {@code RUNNING}) and so left the process as it
   * was, while the engine deferred it (supervision off until that end): done now as that end would have, unless a person
   * stopped or started it since. In an up window the deferred restart ({@code ScheduleStarted}, by the policy; a group's
   * member by its group's strategy, which the engine applies); at the close that restart is called off ({@code
   * ScheduleStopped}) and the process stopped. The engine does the restart only where the run ended unrestarted; the
   * status, read here, tells a stop or start by a person.
   */
  private void deferredHeardLate(ProcessController c, Entry e, Schedule.Freeze was, Schedule.Phase applied, ExitInfo exit) {
    ProcessStatus st = c.status();
    boolean ended = st.state() == ProcessState.CRASHED || st.state() == ProcessState.EXITED;
    if (ended ? !wouldRestart(c.spec(), st.lastExit()) : !deadRunShown(exit, st)) {
      return; // stopped or started since, or not the run that ended
    }
    Instant now = clock.instant();
    LocalDate day = e.schedule.calendar() == null ? null : e.schedule.calendar().tradeDay(now);
    if (applied == Schedule.Phase.UP || applied == Schedule.Phase.ALWAYS) {
      String why = "restart deferred by freeze window " + was.window().name();
      log.atInfo().addKeyValue("process", c.name()).log("Schedule starts {}, its exit heard after the window's end: {}", c.name(), why);
      publish(new SupervisorEvent.ScheduleStarted(c.name(), now, day, why));
      restartDeferred(c, was);
    } else if (applied == Schedule.Phase.CLOSING) {
      String why = closedBeforeTheEnd(was);
      log.atInfo().addKeyValue("process", c.name()).log("Schedule stops {}, its exit heard after the close: {}", c.name(), why);
      publish(new SupervisorEvent.ScheduleStopped(c.name(), now, day, why));
      c.stop().whenComplete((x, t) -> c.setSupervised(true));
    }
  }

  private void outside(SupervisorEvent event, Schedule s) {
    log.atDebug().addKeyValue("process", event.process()).log("Outside its window, recorded only: {}", event);
    publish(new SupervisorEvent.OutsideWindow(event.process(), event.at(), s.calendar().tradeDay(event.at()), event));
  }

  private void publish(SupervisorEvent event) {
    delivery.execute(() -> {
      for (Listener l : listeners) {
        try {
          l.listener.onEvent(event);
        } catch (VirtualMachineError e) {
          throw e;
        } catch (Throwable t) {
          if (!l.failedOnce) {
            l.failedOnce = true;
            log.warn("Listener {} of trading supervision {} failed on {}; it keeps receiving events", l.listener, supervisor.name(), event, t);
          }
        }
      }
    });
  }

  /** Runs tasks one at a time, in order, on an executor. */
  private static final class Serial implements Executor {
    private final Executor target;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean running;

    Serial(Executor target) {
      this.target = target;
    }

    @Override
    public void execute(Runnable task) {
      synchronized (queue) {
        queue.add(task);
        if (running) {
          return;
        }
        running = true;
      }
      try {
        target.execute(this::drain);
      } catch (RuntimeException e) {
        synchronized (queue) {
          running = false;
          queue.clear();
        }
        log.warn("Event delivery of trading supervision refused: {}", e.toString());
      }
    }

    private void drain() {
      while (true) {
        Runnable r;
        synchronized (queue) {
          r = queue.poll();
          if (r == null) {
            running = false;
            return;
          }
        }
        try {
          r.run();
        } catch (RuntimeException e) {
          log.warn("Event delivery failed", e);
        }
      }
    }
  }

  /** Builds a {@link TradingSupervision}. Setters check their argument at once; not thread-safe. */
  public static final class Builder {
    private final Supervisor supervisor;
    private InstantSource instantSource = InstantSource.system();
    private @Nullable Scheduler scheduler;
    private @Nullable Executor listenerExecutor;
    private final List<TradingCalendar> calendars = new ArrayList<>();
    private final Map<String, Schedule> processes = new LinkedHashMap<>();
    private final Map<String, Schedule> watches = new LinkedHashMap<>();

    private Builder(Supervisor supervisor) {
      this.supervisor = requireNonNull(supervisor, "supervisor");
    }

    /** The wall clock for edges and event stamps; the supervisor's, normally. */
    public Builder instantSource(InstantSource s) {
      this.instantSource = requireNonNull(s, "instantSource");
      return this;
    }

    /** Where edges are waited for; by default a thread of its own. */
    public Builder scheduler(Scheduler s) {
      this.scheduler = requireNonNull(s, "scheduler");
      return this;
    }

    /** Where listeners run; by default a thread of its own. */
    public Builder listenerExecutor(Executor e) {
      this.listenerExecutor = requireNonNull(e, "listenerExecutor");
      return this;
    }

    /** A calendar whose sessions are announced even if no schedule uses it. */
    public Builder calendar(TradingCalendar c) {
      requireNonNull(c, "calendar");
      if (calendars.stream().anyMatch(x -> x.name().equals(c.name()))) {
        throw new IllegalArgumentException("calendar '" + c.name() + "' given twice");
      }
      calendars.add(c);
      return this;
    }

    /**
     * The schedule of a supervised process or of a supervision group ({@link GroupSpec}), resolved by
     * name at {@link TradingSupervision#start()}. A group's schedule is applied through the group: it is
     * {@linkplain GroupController#start() started} at the start of an up window (its processes in
     * declared order) and {@linkplain GroupController#stop() stopped} lag after the close (in reverse);
     * its processes' supervision is turned off at the close and inside freeze windows, so neither their
     * policies nor the group's strategy restart them there; a restart waiting at the close is called
     * off; a restart deferred by a freeze window is done at its end as the group's strategy does it. A
     * process may not have a schedule of its own and be in a scheduled group.
     */
    public Builder schedule(String process, Schedule schedule) {
      requireNonNull(process, "process");
      requireNonNull(schedule, "schedule");
      if (processes.containsKey(process)) {
        throw new IllegalArgumentException("process '" + process + "' has a schedule already");
      }
      processes.put(process, schedule);
      return this;
    }

    /** The watch window of an attachment. */
    public Builder watch(String attachment, Schedule schedule) {
      requireNonNull(attachment, "attachment");
      requireNonNull(schedule, "schedule");
      if (watches.containsKey(attachment)) {
        throw new IllegalArgumentException("attachment '" + attachment + "' has a watch window already");
      }
      if (!schedule.freezes().isEmpty()) {
        throw new IllegalArgumentException("attachment '" + attachment + "': freeze windows apply to supervised processes only");
      }
      watches.put(attachment, schedule);
      return this;
    }

    /** Creates it; nothing happens before {@link TradingSupervision#start()}. */
    public TradingSupervision build() {
      return new TradingSupervision(this);
    }
  }
}
