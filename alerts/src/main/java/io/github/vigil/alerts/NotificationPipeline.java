package io.github.vigil.alerts;

import io.github.vigil.HumanFormat;
import static java.util.Objects.requireNonNull;

import io.github.vigil.Scheduler;
import io.github.vigil.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * From alerts to notifications, Alertmanager's way, inside the JVM: routes, grouping, repeats,
 * escalation, silences, a rate limit per sink, retries with backoff; every drop and failure counted
 * ({@link #stats()}).
 *
 * <ul>
 *   <li><b>De-duplication</b>: an alert is its key; firing again updates it (one more occurrence)
 *       and makes no notification by itself.
 *   <li><b>Grouping</b>: per route, alerts with equal group-by labels form a group. A new group waits
 *       the route's {@code groupWait}, so a burst (a crash loop raising CRASHED, then FLAPPING, then
 *       FAILED) becomes one notification; after that a group that changed (an alert new, resolved or
 *       unsilenced) is notified at most every {@code groupInterval}; but an alert that joins a group already
 *       notified with a severity higher than every alert the group has notified so far (and is not silenced) has the
 *       group notified a {@code groupWait} after it joined, or at its next interval if that comes first.
 *   <li><b>Repeat</b>: a group still firing is notified again every {@code repeatInterval}.
 *   <li><b>Resolved</b>: an alert that resolved is in the group's next notification once, as resolved,
 *       if its firing was notified; then it leaves the group. A sink hears it resolve only if it was told the alert
 *       fires: a notification listing it firing was <em>delivered</em> to that sink (the sink's send returned), not
 *       only admitted. One dropped over the sink's rate limit, or whose delivery was given up after its retries, told
 *       it nothing, and the sink hears no resolution of it; a resolution whose delivery failed stays owed.
 *   <li><b>A failed delivery is told again</b>: when a sink's notification is given up (or dropped from a full
 *       queue) while some of its alerts still fire, or it carried a resolution of an alert the sink was told fires,
 *       that sink, and only it, is told again at the group's next turn, a {@code groupInterval} after the group's last
 *       notification: the group's alerts that fire then and the resolutions it is owed (Alertmanager likewise
 *       notifies again at the next group interval what it could not). It does not wait for the repeat, hours later.
 *   <li><b>A notification dropped over the rate limit is told later</b>, the same way, at the group's next turn that the
 *       sink's {@link RateLimit} allows (a {@code groupInterval} after the group's last notification, and not before a
 *       token is there): the group as it stands then, its alerts that fire then and the resolutions the sink is owed. An
 *       alert that fired and resolved before then, unheard by the sink, is not told at all.
 *   <li><b>Escalation</b>: an alert of a route with {@code escalateTo} still firing after
 *       {@code escalateAfter} joins the target route's groups too (and its resolution follows it there).
 *   <li><b>Silences</b> ({@link #addSilence}): a silenced firing alert is held back; when the silence
 *       ends while it still fires the group is notified; one silenced for its whole life is never notified.
 *   <li><b>Delivery</b>: each sink's notifications one at a time, in order, on a thread of its own (never
 *       the caller's), so that a slow or hung sink holds up no other; a sink over its {@link RateLimit}
 *       drops the notification (and is told its group later, above); a failed attempt, or one that outlives the
 *       send timeout (decided when it passes), is retried per the {@link RetryPolicy}; a full queue drops. All counted per sink.
 * </ul>
 *
 * <p>Time is the injected {@link Ticker}, {@link Scheduler} and {@link InstantSource}. Thread-safe:
 * {@link #onAlert} only updates maps under a lock and schedules; it never blocks nor does I/O, so it
 * may be called on a supervisor's event thread.
 */
public final class NotificationPipeline implements AlertListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NotificationPipeline.class);

  private final Map<String, Route> routes;
  private final Ticker ticker;
  private final Scheduler scheduler;
  private final InstantSource clock;
  private final Map<String, SinkLane> lanes = new LinkedHashMap<>(); // by sink name; one sink per name
  private final @Nullable ThreadScheduler ownScheduler;
  private final RetryPolicy retry;
  private final Map<String, RateLimit> rateLimits;
  private final RateLimit defaultRateLimit;
  private final Duration sendTimeout;

  private final Object lock = new Object();
  private final Map<String, Group> groups = new LinkedHashMap<>();
  private final Map<String, Alert> active = new LinkedHashMap<>();
  private final Map<String, Set<String>> escalatedTo = new HashMap<>();
  private final Map<String, Scheduler.Cancellable> escalationTimers = new HashMap<>();
  private final Map<String, RateLimit.Bucket> buckets = new HashMap<>();
  /**
   * Per sink, the groups whose notification to it was dropped over its rate limit, in the order they were dropped: each
   * is told again when a token is there and those dropped before it were told, one per token (they all came due at the
   * same token, and those beyond it were dropped again and counted again).
   */
  private final Map<String, java.util.LinkedHashSet<Group>> waitingForToken = new HashMap<>();
  /**
   * Groups whose turn the scheduler refused and that have none set since: their turn is set again
   * ({@link #retakeRefused}) when the scheduler next takes a timer of the pipeline, or as the next alert comes.
   */
  private final java.util.LinkedHashSet<Group> turnRefused = new java.util.LinkedHashSet<>();
  /**
   * Escalations the scheduler refused, by timer key, of alerts still firing: set again ({@link #retakeRefused}) when the
   * scheduler next takes a timer of the pipeline, or as the next alert comes, due when they were.
   */
  private final Map<String, RefusedEscalation> escalationRefused = new LinkedHashMap<>();
  /** {@link #retakeRefused} is under way (the timers it sets do not call it again). Guarded by {@code lock}. */
  private boolean retaking;

  /** An escalation the scheduler refused: of {@code alert} (its start), from route {@code from}, due at {@code due}. */
  private record RefusedEscalation(Alert alert, Route from, Route target, Duration after, long due) {}
  private final List<Silence> silences = new CopyOnWriteArrayList<>();
  private final Map<String, SinkCounters> sinkCounters = new LinkedHashMap<>();
  /** Sinks told at WARN that the scheduler refused the watchdog of their send timeout: once per sink. */
  private final Set<String> watchdogRefusedSaid = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Times the watchdogs the scheduler refuses ({@link #watchdogOfOurOwn}); made at the first. Guarded by {@code lock}. */
  private @Nullable ThreadScheduler watchdogThread;
  /** {@link #close()} has ended (or is ending) {@link #watchdogThread}: none is made again. Guarded by {@code lock}. */
  private boolean watchdogThreadEnded;
  private boolean closed;
  /** {@link #close()} tells what is owed: a token goes to any group owed, not only the first in line. */
  private boolean closing;
  /**
   * Told after each flush and each delivery (which sinks were told which alerts fire may have changed) and each occurrence
   * of an alert a sink was told fires (its count changed): {@link Alerting}'s state file.
   */
  private volatile @Nullable Runnable toldChanged;

  private final LongAdder received = new LongAdder();
  private final LongAdder deduplicated = new LongAdder();
  private final LongAdder notifications = new LongAdder();
  private final LongAdder repeats = new LongAdder();
  private final LongAdder escalations = new LongAdder();
  private final LongAdder silenced = new LongAdder();

  private static final class SinkCounters {
    final LongAdder sent = new LongAdder();
    final LongAdder failedAttempts = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder gaveUp = new LongAdder();
    final LongAdder rateLimited = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder timedOut = new LongAdder();
    long retriesPending; // scheduled, not yet submitted; guarded by the pipeline's lock, counted dropped at close

    PipelineStats.SinkStats snapshot() {
      return new PipelineStats.SinkStats(sent.sum(), failedAttempts.sum(), retries.sum(), gaveUp.sum(), rateLimited.sum(),
          dropped.sum(), timedOut.sum());
    }
  }

  /**
   * What one sink of a group's route was told. Guarded by {@code lock}. A sink is told an alert fires only once a
   * notification listing it firing was delivered to it (its send returned, within the send timeout): not when it was
   * admitted, nor when its delivery was given up, dropped or timed out.
   */
  private static final class SinkLedger {
    /**
     * Alerts of the group a notification of which, firing, was admitted for this sink and not given up: delivered,
     * or on its way. A resolution goes into a notification to the sink only for these (or those {@link #told}); whether
     * it is in what the sink hears is decided again when the notification is sent ({@link #toSend}).
     */
    final Set<String> admitted = new HashSet<>();
    /** By key, the alert (firing) a notification delivered to this sink said fires, until one of its resolution is delivered. */
    final Map<String, Alert> told = new LinkedHashMap<>();
    /** Resolutions of told alerts whose delivery to this sink failed for good: told again at the group's next turn. */
    final Map<String, Alert> owedResolved = new LinkedHashMap<>();
    /** A notification of alerts that still fire failed for good: the sink is told again at the group's next turn. */
    boolean missed;

    boolean idle() {
      return told.isEmpty() && owedResolved.isEmpty() && !missed;
    }

    /** It is to be told the group again (a notification to it was given up, dropped or over its rate limit). */
    boolean owed() {
      return missed || !owedResolved.isEmpty();
    }
  }

  /** One group of one route. Guarded by {@code lock}. */
  private static final class Group {
    final Route route;
    final String key;
    final Map<String, String> labels;
    final boolean escalated;
    final Map<String, Alert> alerts = new LinkedHashMap<>();
    Set<String> notifiedFiring = Set.of();
    /** The highest severity of the alerts its notifications have listed firing so far; null before the first. */
    @Nullable Severity notifiedSeverity;
    /** Per sink of the route, by name: what it was told. */
    final Map<String, SinkLedger> sinks = new HashMap<>();
    final long created;
    long lastSent = Long.MIN_VALUE;
    long lastRetold = Long.MIN_VALUE;
    boolean changed;
    Scheduler.@Nullable Cancellable timer;
    long timerDue;
    /** Sinks whose turn of the group the scheduler refused, each counted dropped once, until the group's next turn. */
    final Set<String> refusedFor = new HashSet<>();

    Group(Route route, String key, Map<String, String> labels, boolean escalated, long created) {
      this.route = route;
      this.key = key;
      this.labels = labels;
      this.escalated = escalated;
      this.created = created;
    }

    SinkLedger ledger(String sink) {
      return sinks.computeIfAbsent(sink, k -> new SinkLedger());
    }

    /** Nothing fires or waits for its resolution in it, and no sink is owed anything: it can be forgotten. */
    boolean done() {
      return alerts.isEmpty() && sinks.values().stream().allMatch(SinkLedger::idle);
    }
  }

  private NotificationPipeline(Builder b) {
    this.routes = new LinkedHashMap<>();
    Map<String, NotificationSink> sinksByName = new LinkedHashMap<>();
    for (Route r : b.routes) {
      if (routes.put(r.name(), r) != null) {
        throw new IllegalArgumentException("two routes named " + r.name());
      }
    }
    for (Route r : b.routes) {
      r.escalateTo().ifPresent(t -> {
        if (!routes.containsKey(t)) {
          throw new IllegalArgumentException("route " + r.name() + " escalates to unknown route " + t + "; routes: "
              + routes.keySet());
        }
      });
      for (NotificationSink s : r.sinks()) {
        sinkCounters.putIfAbsent(s.name(), new SinkCounters());
        NotificationSink other = sinksByName.putIfAbsent(s.name(), s);
        if (other != null && other != s) { // their counters, rate limits and lanes would be one
          throw new IllegalArgumentException("two different sinks are named " + s.name() + " (route " + r.name() + "): give each its own name");
        }
      }
    }
    this.ticker = b.ticker;
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownScheduler = null;
    } else {
      this.ownScheduler = new ThreadScheduler("vigil-alerts-timer");
      this.scheduler = ownScheduler;
    }
    this.clock = b.clock;
    this.retry = b.retry;
    this.rateLimits = Map.copyOf(b.rateLimits);
    this.defaultRateLimit = b.defaultRateLimit;
    this.sendTimeout = b.sendTimeout;
    for (String name : b.rateLimits.keySet()) {
      if (!sinksByName.containsKey(name)) {
        throw new IllegalArgumentException("rateLimit names sink " + name + ", which no route has; sinks: " + sinksByName.keySet());
      }
    }
    sinksByName.keySet().forEach(name -> lanes.put(name, new SinkLane(name, b.executor, b.queueCapacity)));
  }

  /** A builder; at least one route is needed. */
  public static Builder builder() {
    return new Builder();
  }

  /** The routes, by name. */
  public Map<String, Route> routes() {
    return Map.copyOf(routes);
  }

  @Override
  public void onAlert(Alert alert) {
    requireNonNull(alert, "alert");
    if (onAlertLocked(alert)) {
      // an occurrence of an alert a sink was told fires: the state file keeps its count (a kill loses none of them)
      Runnable hook = toldChanged;
      if (hook != null) {
        hook.run();
      }
    }
  }

  /** {@link #onAlert}, under the lock; true when an alert some sink was told fires changed (fired again). */
  private boolean onAlertLocked(Alert alert) {
    boolean rememberedChanged = false;
    synchronized (lock) {
      if (closed) {
        return false;
      }
      retakeRefused(); // an alert comes: a scheduler that refused a group's turn may take it now
      received.increment();
      String key = alert.key();
      boolean isNew = false;
      if (alert.isFiring()) {
        Alert prev = active.put(key, alert);
        if (prev != null) {
          deduplicated.increment();
          rememberedChanged = !sameRemembered(prev, alert) && toldAnywhere(key);
        } else {
          isNew = true;
        }
      } else if (active.remove(key) == null) {
        return false;   // resolved but never fired here (e.g. fired before this pipeline existed)
      }
      Set<String> escalated = escalatedTo.getOrDefault(key, Set.of());
      for (Route r : routes.values()) {
        boolean direct = r.matches(alert);
        if (direct || escalated.contains(r.name())) {
          upsert(r, alert, !direct);
        }
        if (direct && r.escalateTo().isPresent()) {
          String timerKey = r.name() + "|" + key;
          if (isNew) {
            Route target = routes.get(r.escalateTo().get());
            Duration after = r.escalateAfter().orElseThrow();
            scheduleEscalation(timerKey, alert, r, target, after, after);
          } else if (!alert.isFiring()) {
            Scheduler.Cancellable c = escalationTimers.remove(timerKey);
            if (c != null) {
              c.cancel();
            }
            escalationRefused.remove(timerKey);
          }
        }
      }
      if (!alert.isFiring()) {
        escalatedTo.remove(key);
      }
    }
    return rememberedChanged;
  }

  /** Whether {@code a} and {@code b} say the same in the state file: occurrences, summary and description. */
  private static boolean sameRemembered(Alert a, Alert b) {
    return a.occurrences() == b.occurrences() && a.summary().equals(b.summary()) && a.description().equals(b.description());
  }

  /** Whether some sink was told {@code key} fires: it is in the state file ({@link #toldFiring}). Under the lock. */
  private boolean toldAnywhere(String key) {
    for (Group g : groups.values()) {
      for (SinkLedger l : g.sinks.values()) {
        if (l.told.containsKey(key)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Sets the timer that escalates {@code alert} from route {@code from} to {@code target} in {@code delay} (its
   * {@code after} from its start). One the scheduler refuses (a scheduler given to the builder and shut down while the
   * pipeline is open) is not thrown out of the caller ({@link #onAlert}'s, or {@link #takenUp}'s): the alert goes on
   * as without an escalation (its routes are told it as ever), the escalation, a notification lost to each sink of
   * {@code target} unless the scheduler takes it later, is counted dropped for each and said at WARN naming the alert
   * and the target route, once; and it is set again, due when it was, when the scheduler next takes a timer of the
   * pipeline or the next alert comes, while the alert fires ({@link #retakeRefused}). Not counted while the pipeline
   * closes (the close calls the escalations off). Under the lock.
   */
  private void scheduleEscalation(String timerKey, Alert alert, Route from, Route target, Duration after, Duration delay) {
    String key = alert.key();
    Instant startsAt = alert.startsAt();
    Scheduler.Cancellable timer;
    try {
      timer = scheduler.schedule(delay, () -> escalate(timerKey, key, startsAt, target, after));
    } catch (RejectedExecutionException | IllegalStateException e) {
      if (closing) {
        return;
      }
      if (escalationRefused.put(timerKey, new RefusedEscalation(alert, from, target, after, ticker.read() + delay.toNanos()))
          != null) {
        return; // refused again as it was set again: counted and said once
      }
      for (NotificationSink s : target.sinks()) {
        counters(s).dropped.increment();
      }
      log.atWarn().addKeyValue("process", alert.process()).log("Alert {} of route {}: its escalation to route {} in {}"
          + " dropped, the scheduler refused it ({}); counted dropped for the sinks of {}, it is set again when the"
          + " scheduler takes a timer of the pipeline again (tried at its next timer or alert) while the alert fires", key,
          from.name(), target.name(), HumanFormat.duration(delay), e.toString(), target.name());
      return;
    }
    escalationTimers.put(timerKey, timer);
    if (escalationRefused.remove(timerKey) != null) {
      log.atInfo().addKeyValue("process", alert.process()).log("Alert {} of route {}: the scheduler took its escalation to"
          + " route {} again, in {}", key, from.name(), target.name(), HumanFormat.duration(delay));
    }
    retakeRefused();
  }

  private void escalate(String timerKey, String key, Instant startsAt, Route target, Duration after) {
    synchronized (lock) {
      escalationTimers.remove(timerKey);
      Alert a = active.get(key);
      if (closed || a == null || !a.startsAt().equals(startsAt)) {
        return;
      }
      if (!escalatedTo.computeIfAbsent(key, k -> new HashSet<>()).add(target.name())) {
        return;
      }
      escalations.increment();
      log.atWarn().addKeyValue("process", a.process())
          .log("Alert {} unresolved for {}: escalated to route {}", key, HumanFormat.duration(after), target.name());
      upsert(target, a, !target.matches(a));
    }
  }

  private static Map<String, String> groupLabels(Route r, Alert a) {
    Map<String, String> gl = new LinkedHashMap<>();
    for (String l : r.groupBy()) {
      gl.put(l, a.labels().getOrDefault(l, ""));
    }
    return gl;
  }

  private void upsert(Route r, Alert a, boolean byEscalation) {
    Map<String, String> gl = groupLabels(r, a);
    String gk = r.name() + gl;
    Group g = groups.get(gk);
    if (a.isFiring()) {
      if (g == null) {
        g = new Group(r, gk, gl, byEscalation, ticker.read());
        groups.put(gk, g);
      }
      Alert prev = g.alerts.put(a.key(), a);
      if (prev == null || !prev.isFiring()) {
        g.changed = true;
        if (raisesSeverity(g, a)) {
          // more urgent than all it told so far (a FAILED critical after a CRASHED warning): a group wait, not the interval
          long now = ticker.read();
          scheduleAt(g, Math.max(now, Math.min(now + r.groupWait().toNanos(), g.lastSent + r.groupInterval().toNanos())));
        } else {
          scheduleChange(g);
        }
      }
    } else {
      if (g == null || !g.alerts.containsKey(a.key())) {
        return;
      }
      g.alerts.put(a.key(), a);
      g.changed = true;
      scheduleChange(g);
    }
  }

  /**
   * Whether {@code a}, joining {@code g} firing, is of a higher severity than every alert the group has notified firing
   * so far, in a group notified already and not silenced now: then the group is notified a {@code groupWait} after it
   * joined, not at the group's next {@code groupInterval}. Under the lock.
   */
  private boolean raisesSeverity(Group g, Alert a) {
    return g.lastSent != Long.MIN_VALUE && (g.notifiedSeverity == null || a.severity().compareTo(g.notifiedSeverity) > 0)
        && silencedUntil(a, clock.instant()).isEmpty();
  }

  private void scheduleChange(Group g) {
    long now = ticker.read();
    long due = g.lastSent == Long.MIN_VALUE ? g.created + g.route.groupWait().toNanos()
        : Math.max(now, g.lastSent + g.route.groupInterval().toNanos());
    scheduleAt(g, due);
  }

  private void scheduleAt(Group g, long due) {
    scheduleAt(g, due, null, true);
  }

  private void scheduleAt(Group g, long due, @Nullable NotificationSink sink) {
    scheduleAt(g, due, sink, true);
  }

  /**
   * Sets {@code g}'s turn at {@code due} (unless one is set sooner). A turn the scheduler refuses (a scheduler given to
   * the builder and shut down while the pipeline is open) is not thrown out of the thread that asked (a sender's, a
   * timer's, or an {@link #onAlert} caller's): it is counted dropped for each sink it was for and said at WARN naming it,
   * once until the group's next turn; what the group has not told then, and what its sinks are owed, is told by
   * {@link #close()} (a turn refused as it closes is not counted: the close calls its turns off). Under the lock.
   *
   * @param sink the one sink the turn is for (it is owed the group), or null: every sink of the group's route
   * @param countRefused false when the caller counts, and says, the notification the turn was to tell the sink again
   *     (its retry refused, or its queue full): one notification lost is counted once; a refused turn is then neither
   *     counted nor said here, and not again until the group's next turn
   */
  private void scheduleAt(Group g, long due, @Nullable NotificationSink sink, boolean countRefused) {
    if (g.timer != null) {
      if (g.timerDue <= due) {
        return;
      }
      g.timer.cancel();
      g.timer = null;
    }
    g.timerDue = due;
    long delay = Math.max(0, due - ticker.read());
    Group target = g;
    try {
      g.timer = scheduler.schedule(Duration.ofNanos(delay), () -> flush(target));
    } catch (RejectedExecutionException | IllegalStateException e) {
      if (closing) {
        return; // the close tells what is news or owed now, and calls off the turns it would set
      }
      turnRefused.add(g);
      for (NotificationSink s : g.route.sinks()) {
        if ((sink == null || sink == s) && g.refusedFor.add(s.name()) && countRefused) {
          counters(s).dropped.increment();
          log.warn("Group {} to sink {}: its turn in {} dropped, the scheduler refused it ({}); the group has no turn, no"
              + " news nor repeat, until the scheduler takes a timer of the pipeline again (tried at its next timer or"
              + " alert); what the group has not told the sink, and what it owes it, is told when the pipeline closes",
              g.key, s.name(), HumanFormat.duration(Duration.ofNanos(delay)), e.toString());
        }
      }
      return;
    }
    if (turnRefused.remove(g)) {
      log.info("Group {}: the scheduler took its turn again, in {}", g.key, HumanFormat.duration(Duration.ofNanos(delay)));
    }
    retakeRefused();
  }

  /**
   * Sets again what the scheduler refused, due when it was (now, if that passed), as the scheduler has just taken another
   * timer, or an alert comes: the turn of each group whose turn it refused ({@link #turnRefused}), and the escalations of
   * alerts that still fire ({@link #escalationRefused}). A turn refused once (a repeat, say) did not come back until the
   * group's news, so a firing group's repeats stopped, with nothing said; an escalation refused once was not set again
   * while its alert fired. Stops at the first the scheduler refuses again (not counted again: each was counted once).
   * Under the lock.
   */
  private void retakeRefused() {
    if (retaking || turnRefused.isEmpty() && escalationRefused.isEmpty() || closing) {
      return;
    }
    retaking = true;
    try {
      for (Group g : List.copyOf(turnRefused)) {
        if (groups.get(g.key) != g || g.timer != null) {
          turnRefused.remove(g); // forgotten, or its turn set since
          continue;
        }
        scheduleAt(g, Math.max(ticker.read(), g.timerDue), null, false);
        if (turnRefused.contains(g)) {
          return; // refused again: tried again at the next timer or alert
        }
      }
      for (Map.Entry<String, RefusedEscalation> e : List.copyOf(escalationRefused.entrySet())) {
        RefusedEscalation r = e.getValue();
        Alert a = active.get(r.alert().key());
        if (!sameStart(a, r.alert()) || escalationTimers.containsKey(e.getKey())
            || escalatedTo.getOrDefault(r.alert().key(), Set.of()).contains(r.target().name())) {
          escalationRefused.remove(e.getKey()); // resolved, fired anew, set since, or escalated
          continue;
        }
        Duration left = Duration.ofNanos(Math.max(0, r.due() - ticker.read()));
        scheduleEscalation(e.getKey(), a, r.from(), r.target(), r.after(), left);
        if (escalationRefused.containsKey(e.getKey())) {
          return;
        }
      }
    } finally {
      retaking = false;
    }
  }

  private void flush(Group g) {
    flush(g, false);
  }

  /**
   * @param newsOnly a close's flush: its news, and what its sinks are owed, not a repeat; nothing to do if the group's
   *     timer notified it since the close looked
   */
  private void flush(Group g, boolean newsOnly) {
    List<Runnable> sends = new ArrayList<>();
    synchronized (lock) {
      if (closed || groups.get(g.key) != g || newsOnly && !g.changed && g.sinks.values().stream().noneMatch(SinkLedger::owed)) {
        return;
      }
      if (newsOnly && g.timer != null) {
        g.timer.cancel(); // ahead of its timer, which would notify it again, as a repeat
      }
      g.timer = null;
      g.refusedFor.clear(); // its turn: a turn refused from now on is a drop again
      Instant now = clock.instant();
      long nowTicks = ticker.read();
      List<Alert> firing = new ArrayList<>();
      List<Alert> resolved = new ArrayList<>();
      Instant silencedUntil = null;
      for (Alert a : List.copyOf(g.alerts.values())) {
        if (a.isFiring()) {
          Optional<Instant> until = silencedUntil(a, now);
          if (until.isPresent()) {
            silenced.increment();
            silencedUntil = silencedUntil == null || until.get().isBefore(silencedUntil) ? until.get() : silencedUntil;
          } else {
            firing.add(a);
          }
        } else {
          // a sink told it fires hears it resolve, even if a silence kept it out of the group's last notification
          if (g.notifiedFiring.contains(a.key()) || g.sinks.values().stream().anyMatch(l -> l.told.containsKey(a.key()))) {
            resolved.add(a);
          }
          g.alerts.remove(a.key());
        }
      }
      boolean changed = g.changed;
      g.changed = false;
      Set<String> firingKeys = new HashSet<>();
      firing.forEach(a -> firingKeys.add(a.key()));
      boolean repeatDue = g.lastSent == Long.MIN_VALUE || nowTicks - g.lastSent >= g.route.repeatInterval().toNanos();
      if (changed ? !firing.isEmpty() || !resolved.isEmpty() : !newsOnly && repeatDue && !firing.isEmpty()) {
        boolean repeat = !changed || (resolved.isEmpty() && firingKeys.equals(g.notifiedFiring));
        Notification n = new Notification(g.route.name(), g.key, g.labels, firing, resolved, now, repeat, g.escalated);
        notifications.increment();
        if (repeat) {
          repeats.increment();
        }
        g.lastSent = nowTicks;
        g.notifiedFiring = firingKeys;
        for (Alert a : firing) {
          g.notifiedSeverity = higher(g.notifiedSeverity, a.severity());
        }
        for (NotificationSink s : g.route.sinks()) {
          SinkLedger l = g.ledger(s.name());
          Notification forSink = forSink(n, l);
          if (forSink == null) {
            l.missed = false;        // it has nothing that fires to hear, nor a resolution it is owed
            leaveLine(g, s);
            continue;
          }
          if (admit(g, s)) {
            l.missed = false;        // told again now
            l.owedResolved.clear();  // in forSink
            l.admitted.addAll(firingKeys);
            sends.add(() -> submit(g, s, forSink, 1));
          } else {
            overRateLimit(g, s, l, forSink);
          }
        }
      } else {
        g.notifiedFiring = Set.copyOf(g.notifiedFiring.stream().filter(k -> g.alerts.containsKey(k)).toList());
        retell(g, firing, now, nowTicks, sends); // neither news nor a repeat: the turn of sinks a notification failed
      }
      for (SinkLedger l : g.sinks.values()) {
        l.admitted.retainAll(g.alerts.keySet()); // a resolved alert has left the group
      }
      if (silencedUntil != null) {
        g.changed = true;  // when the silence ends, its alerts are news
        long wait = Math.max(0, Duration.between(now, silencedUntil).toNanos());
        scheduleAt(g, ticker.read() + wait);
      }
      if (!firing.isEmpty()) {
        scheduleAt(g, g.lastSent + g.route.repeatInterval().toNanos());
      }
      forgetIfDone(g);
    }
    sends.forEach(Runnable::run);
    Runnable hook = toldChanged;
    if (hook != null) {
      hook.run();
    }
  }

  /**
   * The group's turn for the sinks a notification to which failed for good ({@link #notDelivered}): each is told the
   * group's alerts that fire now (its repeat comes as before) and the resolutions it is owed. Under the lock.
   */
  private void retell(Group g, List<Alert> firing, Instant now, long nowTicks, List<Runnable> sends) {
    for (NotificationSink s : g.route.sinks()) {
      SinkLedger l = g.sinks.get(s.name());
      if (l == null || !l.missed && l.owedResolved.isEmpty()) {
        continue;
      }
      List<Alert> owed = List.copyOf(l.owedResolved.values());
      if (firing.isEmpty() && owed.isEmpty()) {
        l.missed = false;
        leaveLine(g, s);
        continue; // what it missed is over, and it was never told it fired
      }
      if (!firstInLine(g, s)) {
        continue; // dropped after others over the limit: told after them, one per token (nextInLine schedules its turn)
      }
      g.lastRetold = nowTicks;
      Notification n = new Notification(g.route.name(), g.key, g.labels, firing, owed, now, false, g.escalated);
      if (admit(g, s)) {
        l.missed = false;
        l.owedResolved.clear();
        log.info("Sink {} is told {} again: its last notification of the group failed or was over its rate limit", s.name(),
            n.title());
        firing.forEach(a -> l.admitted.add(a.key()));
        sends.add(() -> submit(g, s, n, 1));
      } else {
        overRateLimit(g, s, l, n);
      }
    }
  }

  /**
   * {@code n} was dropped for {@code s}, over its rate limit: the sink is told the group again at its next turn that the
   * limit allows (a {@code groupInterval} after the group's last notification, and not before a token is there): the
   * group's alerts that fire then, and the resolutions of {@code n} (owed, as a resolution given up is). Not a queue: what
   * resolved meanwhile, of an alert the sink was never told fires, is not told at all. Under the lock.
   */
  private void overRateLimit(Group g, NotificationSink s, SinkLedger l, Notification n) {
    if (!n.firing().isEmpty()) {
      l.missed = true;
    }
    for (Alert a : n.resolved()) {
      l.owedResolved.put(a.key(), a); // one it turns out it was not told fires is left out as it is sent (toSend)
    }
    if (closing) {
      log.warn("Notification {} to sink {} not sent as the pipeline closes: over its rate limit of {} (what a sink was told"
          + " fires stays in the state file of Alerting, if it keeps one)", n.title(), s.name(),
          rateLimits.getOrDefault(s.name(), defaultRateLimit));
      return;
    }
    if (!firstInLine(g, s)) {
      log.warn("Notification {} to sink {} dropped: over its rate limit of {}; the sink is told the group again after the"
          + " groups dropped before it, one per token, as it stands then", n.title(), s.name(),
          rateLimits.getOrDefault(s.name(), defaultRateLimit));
      return;
    }
    long now = ticker.read();
    long due = dueForToken(g, s, now);
    log.warn("Notification {} to sink {} dropped: over its rate limit of {}; the sink is told the group again in {}, as it"
        + " stands then", n.title(), s.name(), rateLimits.getOrDefault(s.name(), defaultRateLimit),
        HumanFormat.duration(Duration.ofNanos(due - now)));
    scheduleAt(g, due, s);
  }

  /** When {@code g}'s turn for {@code s} may come: a group interval after its last notification, and a token there. */
  private long dueForToken(Group g, NotificationSink s, long now) {
    long last = Math.max(g.lastSent, g.lastRetold);
    return Math.max(last + g.route.groupInterval().toNanos(), now + bucket(s).nanosUntilToken(now));
  }

  /** Whether no group dropped over {@code s}'s limit before {@code g} still waits for a token. Under the lock. */
  private boolean firstInLine(Group g, NotificationSink s) {
    java.util.LinkedHashSet<Group> line = waitingForToken.get(s.name());
    return closing || line == null || !line.contains(g) || line.iterator().next() == g;
  }

  /** {@code g} waits no more for a token of {@code s} (told, or nothing left to tell); the next in line gets its turn. */
  private void leaveLine(Group g, NotificationSink s) {
    java.util.LinkedHashSet<Group> line = waitingForToken.get(s.name());
    if (line == null || line.isEmpty()) {
      return;
    }
    boolean wasFirst = line.iterator().next() == g;
    if (line.remove(g) && wasFirst) {
      nextInLine(s);
    }
  }

  /** Schedules the turn of the first group still waiting for a token of {@code s}; those with nothing to tell leave. */
  private void nextInLine(NotificationSink s) {
    java.util.LinkedHashSet<Group> line = waitingForToken.get(s.name());
    while (line != null && !line.isEmpty()) {
      Group first = line.iterator().next();
      SinkLedger l = first.sinks.get(s.name());
      if (groups.get(first.key) == first && l != null && (l.missed || !l.owedResolved.isEmpty())) {
        scheduleAt(first, dueForToken(first, s, ticker.read()), s);
        return;
      }
      line.remove(first);
    }
  }

  /** Forgets {@code g} once nothing fires in it and no sink waits for a resolution of it. Under the lock. */
  private void forgetIfDone(Group g) {
    if (groups.get(g.key) == g && g.done()) {
      if (g.timer != null) {
        g.timer.cancel();
        g.timer = null;
      }
      groups.remove(g.key);
      turnRefused.remove(g);
      for (NotificationSink s : g.route.sinks()) {
        leaveLine(g, s);
      }
    }
  }

  /**
   * {@code n} as one sink is to hear it: its resolved alerts only those the sink was told fire, or may have been (a
   * notification of them firing admitted for it and not given up), and the resolutions it is owed; null when that
   * leaves nothing to tell it. {@link #toSend} decides again when it is sent.
   */
  private static @Nullable Notification forSink(Notification n, SinkLedger l) {
    List<Alert> resolved = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    for (Alert a : n.resolved()) {
      if (l.admitted.contains(a.key()) || l.told.containsKey(a.key())) {
        resolved.add(a);
        keys.add(a.key());
      }
    }
    for (Alert a : l.owedResolved.values()) {
      if (keys.add(a.key())) {
        resolved.add(a);
      }
    }
    if (n.firing().isEmpty() && resolved.isEmpty()) {
      return null;
    }
    if (resolved.equals(n.resolved())) {
      return n;
    }
    return new Notification(n.route(), n.groupKey(), n.groupLabels(), n.firing(), resolved, n.at(), n.repeat(), n.escalated());
  }

  /**
   * {@code n} as {@code s} may hear it now, as its attempt starts: without the resolutions of alerts a notification
   * of which, firing, was not delivered to it (given up, dropped, or still waiting for a retry: it never heard them
   * fire), and without the firing alerts that resolved since (a late retry would make them fire again at the
   * receiver). Null when nothing is left.
   */
  private @Nullable Notification toSend(Group g, NotificationSink s, Notification n) {
    synchronized (lock) {
      SinkLedger l = g.ledger(s.name());
      List<Alert> firing = n.firing().stream().filter(a -> sameStart(active.get(a.key()), a)).toList();
      List<Alert> resolved = n.resolved().stream().filter(a -> sameStart(l.told.get(a.key()), a)).toList();
      if (firing.isEmpty() && resolved.isEmpty()) {
        return null;
      }
      if (firing.size() == n.firing().size() && resolved.size() == n.resolved().size()) {
        return n;
      }
      return new Notification(n.route(), n.groupKey(), n.groupLabels(), firing, resolved, n.at(), n.repeat(), n.escalated());
    }
  }

  private static Severity higher(@Nullable Severity a, Severity b) {
    return a == null || b.compareTo(a) > 0 ? b : a;
  }

  /** Whether {@code a} is the same alert as {@code b} (the same key and start), not one that fired again since. */
  private static boolean sameStart(@Nullable Alert a, Alert b) {
    return a != null && a.key().equals(b.key()) && a.startsAt().equals(b.startsAt());
  }

  /** {@code n} reached {@code s}: it was told its firing alerts fire, and its resolutions. */
  private void delivered(Group g, NotificationSink s, Notification n) {
    synchronized (lock) {
      SinkLedger l = g.ledger(s.name());
      for (Alert a : n.firing()) {
        l.told.put(a.key(), a);
      }
      for (Alert a : n.resolved()) {
        if (sameStart(l.told.get(a.key()), a)) {
          l.told.remove(a.key());
        }
        if (sameStart(l.owedResolved.get(a.key()), a)) {
          l.owedResolved.remove(a.key());
        }
      }
      forgetIfDone(g);
    }
    Runnable hook = toldChanged;
    if (hook != null) {
      hook.run();
    }
  }

  /**
   * {@code n} did not reach {@code s}, for good (given up after its retries, or dropped): the sink was not told its
   * firing alerts fire, so it hears none of their resolutions; while some of them still fire, or it is owed one of
   * the resolutions, it is told again at the group's next turn, a {@code groupInterval} after its last notification.
   */
  private void notDelivered(Group g, NotificationSink s, Notification n) {
    notDelivered(g, s, n, true);
  }

  /**
   * @param countRefusedTurn false when the caller counts {@code n} dropped (its queue refused it, or the scheduler its
   *     retry): the group's next turn for the sink, which the scheduler may refuse too, is to tell the same notification
   *     again, and is not counted a second time
   */
  private void notDelivered(Group g, NotificationSink s, Notification n, boolean countRefusedTurn) {
    synchronized (lock) {
      if (closed || groups.get(g.key) != g) {
        return;
      }
      SinkLedger l = g.ledger(s.name());
      boolean again = false;
      for (Alert a : n.firing()) {
        if (!sameStart(l.told.get(a.key()), a)) {
          l.admitted.remove(a.key());
        }
        Alert now = g.alerts.get(a.key());
        if (now != null && now.isFiring() && sameStart(now, a)) {
          l.missed = true;
          again = true;
        }
      }
      for (Alert a : n.resolved()) {
        if (sameStart(l.told.get(a.key()), a)) {
          l.owedResolved.put(a.key(), a);
          again = true;
        }
      }
      if (again) {
        long last = Math.max(g.lastSent, g.lastRetold);
        scheduleAt(g, Math.max(ticker.read(), last + g.route.groupInterval().toNanos()), s, countRefusedTurn);
      }
    }
  }

  private Optional<Instant> silencedUntil(Alert a, Instant now) {
    Instant until = null;
    for (Silence s : silences) {
      if (s.matches(a)) {
        Optional<Instant> u = s.window().activeUntil(now);
        if (u.isPresent() && (until == null || u.get().isAfter(until))) {
          until = u.get();
        }
      }
    }
    return Optional.ofNullable(until);
  }

  /**
   * Takes a token of {@code s}'s rate limit for a notification of {@code g}; false when there is none, or when groups
   * dropped before {@code g} still wait for one (they are told first). A drop is counted once: a group already waiting
   * for a token is not counted again at its next turn, nor when it changes meanwhile (it is told as it stands then).
   * Under the lock.
   */
  private boolean admit(Group g, NotificationSink s) {
    java.util.LinkedHashSet<Group> line = waitingForToken.computeIfAbsent(s.name(), k -> new java.util.LinkedHashSet<>());
    boolean waiting = line.contains(g);
    if (firstInLine(g, s) && bucket(s).tryAcquire(ticker.read())) {
      if (waiting) {
        leaveLine(g, s);
      }
      return true;
    }
    if (!waiting) {
      counters(s).rateLimited.increment(); // said, with when it is told again, by overRateLimit
      line.add(g);
    }
    return false;
  }

  private RateLimit.Bucket bucket(NotificationSink s) {
    return buckets.computeIfAbsent(s.name(), n -> rateLimits.getOrDefault(n, defaultRateLimit).bucket(ticker.read()));
  }

  private SinkCounters counters(NotificationSink s) {
    synchronized (sinkCounters) {
      return sinkCounters.computeIfAbsent(s.name(), n -> new SinkCounters());
    }
  }

  private void submit(Group g, NotificationSink s, Notification n, int attempt) {
    if (!lanes.get(s.name()).offer(() -> attempt(g, s, n, attempt))) {
      notDelivered(g, s, n, false); // counted here, once: a refused turn to tell it again is the same loss
      // counted once the sink is owed the group, as gaveUp is: one who reads dropped and then closes has it told again
      // (counted first, a close in between found nothing owed, and the sink never heard of the group)
      counters(s).dropped.increment();
      log.warn("Notification {} to sink {} dropped: its queue is full (its sends are slow or hung) or the pipeline is closed",
          n.title(), s.name());
    }
  }

  /** One attempt's watchdog: interrupts the sender thread once the send timeout passes, and only while it still sends. */
  private static final class Watchdog {
    private final Thread thread = Thread.currentThread();
    private boolean done;
    private boolean fired;

    /** Whether it fired now: the attempt had not ended. */
    synchronized boolean fire() {
      if (!done) {
        fired = true;
        thread.interrupt();
      }
      return fired;
    }

    /** Ends the attempt; a late interrupt can no longer come. Returns whether the watchdog fired. */
    boolean finish() {
      synchronized (this) {
        done = true;
      }
      if (fired) {
        Thread.interrupted();   // clear it, so the pool's next task does not see it
      }
      return fired;
    }
  }

  private void attempt(Group g, NotificationSink s, Notification planned, int attempt) {
    Notification n = toSend(g, s, planned);
    if (n == null) {
      log.debug("Sink {} is not sent {} (attempt {}): it was not told its resolved alerts fire, and its firing ones resolved"
          + " since", s.name(), planned.title(), attempt);
      return;
    }
    SinkCounters c = counters(s);
    Watchdog watchdog = new Watchdog();
    // the outcome of an attempt that outlives its timeout is decided when the timeout passes, not when (if ever) the
    // sink returns: one that ignores the interrupt holds up only its own lane, and is counted and retried meanwhile
    Runnable timeout = () -> {
      if (watchdog.fire()) {
        c.timedOut.increment();
        failed(g, s, n, attempt, new java.util.concurrent.TimeoutException("no answer within " + HumanFormat.duration(sendTimeout)));
      }
    };
    Scheduler.Cancellable timer = scheduleOrNull(sendTimeout, timeout);
    if (timer == null) {
      timer = watchdogOfOurOwn(s, timeout);
    }
    Throwable failure = null;
    try {
      s.send(n);
    } catch (Exception | LinkageError e) {
      failure = e;
    } finally {
      if (timer != null) {
        timer.cancel();
      }
    }
    if (watchdog.finish()) {
      log.debug("Sink {} returned from {} after its {} timeout, which counted it ({})", s.name(), n.title(),
          HumanFormat.duration(sendTimeout), failure == null ? "sent" : failure.toString());
    } else if (failure == null) {
      c.sent.increment();
      log.debug("Sink {} accepted {} (attempt {})", s.name(), n.title(), attempt);
      delivered(g, s, n);
    } else {
      failed(g, s, n, attempt, failure);
    }
  }

  /** A failed attempt: retried per the policy, or given up (then {@link #notDelivered}). */
  private void failed(Group g, NotificationSink s, Notification n, int attempt, Throwable e) {
    SinkCounters c = counters(s);
    c.failedAttempts.increment();
    if (attempt >= retry.maxAttempts()) {
      log.warn("Sink {} gave up on {} after {} attempts: {}", s.name(), n.title(), attempt, e.toString());
      notDelivered(g, s, n);
      // counted once the sink is owed the group: one who reads gaveUp and then closes has it told again (counted
      // first, a close in between found nothing owed and dropped 3 of a deaf sink's 4, not 4)
      c.gaveUp.increment();
      return;
    }
    Duration d = retry.delay(attempt);
    // a retry is counted once the scheduler has taken it, under the lock its task takes first (so that it is counted
    // before it runs); one it refuses never happens, and is counted dropped only: it was counted in retries too
    Scheduler.Cancellable retryTimer;
    synchronized (lock) {
      if (closed) {
        c.dropped.increment();
        return;
      }
      retryTimer = scheduleOrNull(d, () -> {
        synchronized (lock) {
          if (closed) {
            return; // counted dropped by close()
          }
          c.retriesPending--;
        }
        submit(g, s, n, attempt + 1);
      });
      if (retryTimer != null) {
        c.retries.increment();
        c.retriesPending++;
        retakeRefused();
      } else {
        notDelivered(g, s, n, false); // counted here, once: a refused turn to tell it again is the same loss
        // counted once the sink is owed the group, as a drop from its queue and gaveUp are: one who reads dropped and
        // then closes has the close tell it the group (counted first, a close in between found nothing owed, and the
        // sink never heard of the group)
        c.dropped.increment();
      }
    }
    if (retryTimer != null) {
      log.info("Sink {} failed on {} (attempt {} of {}): {}; next try in {}", s.name(), n.title(), attempt,
          retry.maxAttempts(), e.toString(), HumanFormat.duration(d));
    } else {
      log.warn("Notification {} to sink {} dropped: the scheduler refused its retry (attempt {} of {}) after: {}; the sink"
          + " is owed the group, told at the group's next turn, or when the pipeline closes if the scheduler refuses that"
          + " too", n.title(), s.name(), attempt + 1, retry.maxAttempts(), e.toString());
    }
  }

  /**
   * The watchdog {@code timeout} of an attempt of {@code s} that the scheduler refused (a scheduler given to the builder
   * and shut down while the pipeline is open): set on a thread of the pipeline's own, {@code vigil-alerts-watchdog}, made
   * at the first such refusal and ended by {@link #close()}, on the system's clock, so that the send timeout still bounds
   * the attempt (it ran without one, silently: a hung sink held its lane for ever). Said at WARN once per sink. Null once
   * the pipeline has closed: the attempt then runs without a timeout (a close's own wait bounds it).
   */
  private Scheduler.@Nullable Cancellable watchdogOfOurOwn(NotificationSink s, Runnable timeout) {
    ThreadScheduler own;
    synchronized (lock) {
      if (watchdogThread == null && !watchdogThreadEnded) {
        watchdogThread = new ThreadScheduler("vigil-alerts-watchdog");
      }
      own = watchdogThreadEnded ? null : watchdogThread;
    }
    Scheduler.Cancellable c = null;
    if (own != null) {
      try {
        c = own.schedule(sendTimeout, timeout);
      } catch (RejectedExecutionException e) {
        c = null; // ended by a close meanwhile
      }
    }
    if (watchdogRefusedSaid.add(s.name())) {
      if (c != null) {
        log.warn("Sink {}: the scheduler refused the watchdog of its {} send timeout; its attempts are timed on the"
            + " pipeline's own thread vigil-alerts-watchdog, by the system's clock (said once per sink)", s.name(),
            HumanFormat.duration(sendTimeout));
      } else {
        log.warn("Sink {}: the scheduler refused the watchdog of its {} send timeout as the pipeline closed: its attempt"
            + " runs without a timeout (said once per sink)", s.name(), HumanFormat.duration(sendTimeout));
      }
    }
    return c;
  }

  /** {@code task} after {@code delay} on the scheduler; null when the scheduler refuses it (it is closing). */
  private Scheduler.@Nullable Cancellable scheduleOrNull(Duration delay, Runnable task) {
    try {
      return scheduler.schedule(delay, task);
    } catch (RejectedExecutionException | IllegalStateException e) {
      return null;
    }
  }

  /**
   * Has {@code hook} run after every flush of a group (on the thread of the flush: a timer's, or the closing one), every
   * delivery (on the sink's sender thread), where which sinks were told which alerts fire may have changed, and every
   * occurrence of an alert a sink was told fires (on the caller of {@link #onAlert}: the hook must not block), whose
   * count the state file keeps; one hook per pipeline.
   *
   * @throws IllegalStateException when another hook is set: two {@link Alerting}s with a state directory share this pipeline
   */
  synchronized void onToldChanged(Runnable hook) {
    if (toldChanged != null) {
      throw new IllegalStateException("this notification pipeline already keeps the state of another Alerting: give each"
          + " Alerting with a state directory a pipeline of its own");
    }
    toldChanged = requireNonNull(hook, "hook");
  }

  /**
   * The alerts some sink was told are firing (a notification saying so was delivered to it) and was not told yet are
   * resolved (none saying so was delivered), each with the sinks told, per route. Under the lock, in memory only.
   */
  List<AlertState.Remembered> toldFiring() {
    synchronized (lock) {
      Map<String, Alert> alerts = new LinkedHashMap<>();
      Map<String, Map<String, Set<String>>> told = new LinkedHashMap<>();
      for (Group g : groups.values()) {
        g.sinks.forEach((sink, ledger) -> ledger.told.forEach((k, a) -> {
          // resolved here but not told so yet: still firing as far as the sink knows
          Alert firing = active.get(k);
          alerts.putIfAbsent(k, sameStart(firing, a) ? firing : a);
          told.computeIfAbsent(k, x -> new LinkedHashMap<>()).computeIfAbsent(g.route.name(), x -> new HashSet<>()).add(sink);
        }));
      }
      List<AlertState.Remembered> out = new ArrayList<>();
      alerts.forEach((k, a) -> out.add(new AlertState.Remembered(a.isFiring() ? a
          : new Alert(a.key(), a.type(), a.process(), a.severity(), Alert.Status.FIRING, a.summary(), a.description(),
              a.labels(), a.startsAt(), null, a.occurrences()), told.get(k))));
      return out;
    }
  }

  /**
   * Takes up alerts an earlier pipeline (of a JVM that died) told its sinks are firing: each is active again, in its
   * groups, as notified to the sinks that were told (those of the routes and sinks that still exist), so that it firing
   * again makes no notification and its resolution goes to those sinks, and only to them, at the group's next turn.
   * An alert already active here, or whose told sinks are all gone, is left out.
   *
   * @return the alerts taken up
   */
  List<Alert> restore(List<AlertState.Remembered> remembered) {
    List<Alert> taken = new ArrayList<>();
    synchronized (lock) {
      if (closed) {
        return taken;
      }
      long now = ticker.read();
      for (AlertState.Remembered r : remembered) {
        Alert a = r.alert();
        if (active.containsKey(a.key())) {
          continue;
        }
        boolean any = false;
        for (Map.Entry<String, Set<String>> e : r.told().entrySet()) {
          Route route = routes.get(e.getKey());
          if (route == null) {
            continue;
          }
          Set<String> sinks = new HashSet<>();
          route.sinks().forEach(s -> {
            if (e.getValue().contains(s.name())) {
              sinks.add(s.name());
            }
          });
          if (sinks.isEmpty()) {
            continue;
          }
          any = true;
          boolean byEscalation = !route.matches(a);
          if (byEscalation) {
            escalatedTo.computeIfAbsent(a.key(), k -> new HashSet<>()).add(route.name());
          }
          Map<String, String> gl = groupLabels(route, a);
          String gk = route.name() + gl;
          Group g = groups.get(gk);
          if (g == null) {
            g = new Group(route, gk, gl, byEscalation, now - route.groupWait().toNanos());
            // notified a group interval ago: a change (its resolution) is notified at once, then as for any group
            g.lastSent = now - route.groupInterval().toNanos();
            groups.put(gk, g);
          }
          g.alerts.put(a.key(), a);
          Set<String> notified = new HashSet<>(g.notifiedFiring);
          notified.add(a.key());
          g.notifiedFiring = notified;
          g.notifiedSeverity = higher(g.notifiedSeverity, a.severity());
          for (String s : sinks) {
            SinkLedger l = g.ledger(s);
            l.admitted.add(a.key());
            l.told.put(a.key(), a);
          }
          scheduleAt(g, now + route.repeatInterval().toNanos());
        }
        if (any) {
          active.put(a.key(), a);
          taken.add(a);
        }
      }
    }
    return taken;
  }

  /**
   * An alert {@linkplain #restore restored} from an earlier JVM that the rules, taking it up, found still firing: it gets
   * the escalation timer an alert of its routes gets when it first fires here (that JVM's went with it), due
   * {@code escalateAfter} after the alert started, so at once when that passed while no JVM watched; none where the
   * earlier JVM escalated it already (its target route's sinks were told it fires), or where it no longer fires here.
   */
  void takenUp(Alert alert) {
    requireNonNull(alert, "alert");
    synchronized (lock) {
      Alert a = active.get(alert.key());
      if (closed || !sameStart(a, alert)) {
        return;
      }
      Set<String> escalated = escalatedTo.getOrDefault(a.key(), Set.of());
      Instant startsAt = a.startsAt();
      for (Route r : routes.values()) {
        if (r.escalateTo().isEmpty() || !r.matches(a)) {
          continue;
        }
        Route target = routes.get(r.escalateTo().get());
        String timerKey = r.name() + "|" + a.key();
        if (escalated.contains(target.name()) || escalationTimers.containsKey(timerKey)) {
          continue;
        }
        Duration after = r.escalateAfter().orElseThrow();
        Duration left = Duration.between(clock.instant(), startsAt.plus(after));
        scheduleEscalation(timerKey, a, r, target, after, left.isNegative() ? Duration.ZERO : left);
      }
    }
  }

  /** Adds a silence (replacing one with the same id); alerts it matches are held back while it is active. */
  public Silence addSilence(Silence silence) {
    requireNonNull(silence, "silence");
    silences.removeIf(s -> s.id().equals(silence.id()));
    silences.add(silence);
    return silence;
  }

  /** Removes a silence; its alerts still firing are notified at their group's next turn. Returns whether it existed. */
  public boolean removeSilence(String id) {
    boolean removed = silences.removeIf(s -> s.id().equals(id));
    if (removed) {
      synchronized (lock) {
        for (Group g : groups.values()) {
          g.changed = true;
          scheduleChange(g);
        }
      }
    }
    return removed;
  }

  /** The silences, active or not. */
  public List<Silence> silences() {
    return List.copyOf(silences);
  }

  /** The alerts firing now. */
  public List<Alert> firing() {
    synchronized (lock) {
      return List.copyOf(active.values());
    }
  }

  /** What it has done so far. */
  public PipelineStats stats() {
    Map<String, PipelineStats.SinkStats> sinks = new LinkedHashMap<>();
    synchronized (sinkCounters) {
      sinkCounters.forEach((k, v) -> sinks.put(k, v.snapshot()));
    }
    int firing;
    synchronized (lock) {
      firing = active.size();
    }
    return new PipelineStats(received.sum(), deduplicated.sum(), notifications.sum(), repeats.sum(), escalations.sum(),
        silenced.sum(), firing, sinks);
  }

  /**
   * {@code news} with the groups waiting in a sink's line for a token first, in the order they were dropped, then the
   * others in the order they were made: a close's flushes take the tokens left in that order, as the turns of a pipeline
   * that goes on do (the first in line takes the next token). They took them in the order the groups were made, so a group
   * dropped last could take the only token before one dropped first. With more than one sink over its limit, a group takes
   * its place from the first sink's line it is in (sinks in the order declared). Under the lock.
   */
  private List<Group> inDropOrder(List<Group> news) {
    Set<Group> todo = new HashSet<>(news);
    java.util.LinkedHashSet<Group> ordered = new java.util.LinkedHashSet<>();
    for (String sink : lanes.keySet()) {
      java.util.LinkedHashSet<Group> line = waitingForToken.get(sink);
      if (line != null) {
        line.stream().filter(todo::contains).forEach(ordered::add);
      }
    }
    ordered.addAll(news);
    return List.copyOf(ordered);
  }

  /**
   * Stops. A group with news not notified yet (a resolution, a new alert waiting for its group wait or interval) is
   * notified now, and so is a sink owed a notification of its group (one given up after its retries, or dropped over its
   * rate limit) if its rate limit has a token now, one attempt (the groups dropped over it take the tokens left in the
   * order they were dropped); what waits for a sink is still sent, for up to 5 s in all:
   * a graceful shutdown's resolutions reach the sinks (they were dropped, uncounted; an owed one waited for the next
   * JVM). Then what still waits, and retries not yet due, are dropped and counted; a send under way is interrupted;
   * repeats and escalations not yet due are called off; the sender threads end (but that of a sink that ignores
   * interrupts, which is named in a warning). What is owed to a sink with no token left is not sent: its limit is the
   * receiver's, which would refuse it; an owed RESOLVED stays in {@link Alerting}'s state file, for the next JVM.
   */
  @Override
  public void close() {
    List<Group> news;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closing = true;
      // with what a sink is owed (a notification given up or over its rate limit): told now, if its limit has a token,
      // rather than left to the next JVM (an owed RESOLVED stayed in alerts.state, the alert firing at the sink till then)
      news = inDropOrder(groups.values().stream().filter(g -> g.changed || g.sinks.values().stream().anyMatch(SinkLedger::owed))
          .toList());
    }
    news.forEach(g -> flush(g, true)); // now, not at their timers (one that fires meanwhile is not sent twice)
    lanes.values().forEach(SinkLane::stopTaking); // what is queued is sent; a retry that comes due no more
    synchronized (lock) {
      closed = true;
      groups.values().forEach(g -> {
        if (g.timer != null) {
          g.timer.cancel();
        }
      });
      escalationTimers.values().forEach(Scheduler.Cancellable::cancel);
      turnRefused.clear();
      escalationRefused.clear();
      synchronized (sinkCounters) {
        sinkCounters.values().forEach(c -> {
          c.dropped.add(c.retriesPending);
          c.retriesPending = 0;
        });
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    boolean interrupted = false;
    for (Map.Entry<String, SinkLane> e : lanes.entrySet()) {
      try {
        int dropped = e.getValue().close(interrupted ? System.nanoTime() : deadline);
        if (dropped > 0) {
          synchronized (sinkCounters) {
            sinkCounters.get(e.getKey()).dropped.add(dropped);
          }
          log.warn("Sink {}: {} not sent, the pipeline closed", e.getKey(), io.github.vigil.HumanFormat.count(dropped, "notification", "notifications"));
        }
      } catch (InterruptedException ex) {
        interrupted = true;
      }
      Thread stuck = e.getValue().delivering();
      if (stuck != null) {
        log.warn("Sink {} is still in a send after the pipeline closed: it does not end on an interrupt; its thread {} is left",
            e.getKey(), stuck.getName());
      }
    }
    ThreadScheduler watchdogs;
    synchronized (lock) {
      watchdogThreadEnded = true;
      watchdogs = watchdogThread;
    }
    if (watchdogs != null) { // last, as the scheduler: the watchdogs the scheduler refused run on it
      watchdogs.close();
    }
    if (ownScheduler != null) { // last: the watchdogs of the sends above run on it
      ownScheduler.close();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Builds a {@link NotificationPipeline}. Not thread-safe. */
  public static final class Builder {
    private final List<Route> routes = new ArrayList<>();
    private Ticker ticker = Ticker.system();
    private @Nullable Scheduler scheduler;
    private InstantSource clock = InstantSource.system();
    private @Nullable Executor executor;
    private int queueCapacity = 1000;
    private RetryPolicy retry = RetryPolicy.defaults();
    private final Map<String, RateLimit> rateLimits = new HashMap<>();
    private RateLimit defaultRateLimit = new RateLimit(20, Duration.ofMinutes(1));
    private Duration sendTimeout = Duration.ofSeconds(30);

    private Builder() {}

    /** Adds a route. */
    public Builder route(Route route) {
      routes.add(requireNonNull(route, "route"));
      return this;
    }

    /** Monotonic time (default the system's). */
    public Builder ticker(Ticker t) {
      ticker = requireNonNull(t, "ticker");
      return this;
    }

    /**
     * Runs group flushes, escalations, retries and the send timeouts' watchdogs (default: one daemon thread of its own,
     * {@code vigil-alerts-timer}). What it refuses (shut down while the pipeline is open) is never thrown out of
     * {@link NotificationPipeline#onAlert} nor the pipeline's threads: a flush, retry or escalation it refuses is counted
     * dropped and said at WARN, and a watchdog it refuses is set on a thread of the pipeline's own,
     * {@code vigil-alerts-watchdog}, on the system's clock.
     */
    public Builder scheduler(Scheduler s) {
      scheduler = requireNonNull(s, "scheduler");
      return this;
    }

    /** Wall clock for stamps and silences (default the system's). */
    public Builder clock(InstantSource c) {
      clock = requireNonNull(c, "clock");
      return this;
    }

    /**
     * Where sinks run. By default each sink has a thread of its own ({@code vigil-alerts-sender-<sink>}, while it has
     * work), so that a slow or hung sink holds up only its own notifications; on a given executor each sink's sends
     * still run one at a time, and how one sink waits on another is the executor's.
     */
    public Builder executor(Executor e) {
      executor = requireNonNull(e, "executor");
      return this;
    }

    /** Deliveries that may wait for one sink (behind its send under way) before new ones are dropped (default 1000). */
    public Builder queueCapacity(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("queueCapacity must be at least 1: " + n);
      }
      queueCapacity = n;
      return this;
    }

    /** Retries of failed deliveries (default {@link RetryPolicy#defaults()}). */
    public Builder retry(RetryPolicy r) {
      retry = requireNonNull(r, "retry");
      return this;
    }

    /** The rate limit of the sink named {@code sinkName}. */
    public Builder rateLimit(String sinkName, RateLimit limit) {
      rateLimits.put(requireNonNull(sinkName, "sinkName"), requireNonNull(limit, "limit"));
      return this;
    }

    /**
     * The longest one delivery attempt may take (default 30 s): then the sender thread is interrupted,
     * the attempt counts as failed and timed out, and it is retried. Sinks have shorter timeouts of their
     * own (HTTP and SMTP, 10 s); this one bounds any sink, a custom one included.
     */
    public Builder sendTimeout(Duration d) {
      requireNonNull(d, "sendTimeout");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("sendTimeout must be positive: " + HumanFormat.duration(d));
      }
      sendTimeout = d;
      return this;
    }

    /** The rate limit of sinks without their own (default 20 a minute, the chat robots' usual limit). */
    public Builder defaultRateLimit(RateLimit limit) {
      defaultRateLimit = requireNonNull(limit, "limit");
      return this;
    }

    /** The pipeline. */
    public NotificationPipeline build() {
      if (routes.isEmpty()) {
        throw new IllegalStateException("a notification pipeline needs at least one route");
      }
      return new NotificationPipeline(this);
    }
  }
}
