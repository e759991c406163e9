package io.github.vigil.journal;

import static java.util.Objects.requireNonNull;

import io.github.vigil.journal.RestartReport.CauseCount;
import io.github.vigil.journal.RestartReport.Restart;
import io.github.vigil.journal.RestartReport.TradeDay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Turns journal rows into reports: {@link #restarts} over a period and {@link #lastCrash}. Pure functions
 * of the rows given (the events of one process, in the order they were written), so a report over a
 * known history has known figures. {@link JournalReader} reads the rows and calls these.
 *
 * <p>Thread-safe: stateless.
 */
public final class RestartAnalysis {
  /** States in which a process runs or is being started: a JVM that ends then takes the process with it. */
  private static final Set<String> LIVE = Set.of("STARTING", "RUNNING");
  /** When a killed JVM's process was last heard of, in the report's zone, as the command line writes times. */
  private static final java.time.format.DateTimeFormatter LAST_SEEN = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss",
      java.util.Locale.ROOT);
  private static final Set<String> FAILURES = Set.of("ERROR_EXIT", "SIGNALED", "START_FAILED", "HEALTH_CHECK_FAILED", "OOM_KILLED",
      "RESOURCE_LIMIT");

  private RestartAnalysis() {}

  /** Whether an exit cause (by name) counts as a crash. */
  static boolean isFailure(@Nullable String exitCause) {
    return exitCause != null && FAILURES.contains(exitCause);
  }

  /**
   * The restart report of {@code process} over {@code [from, to)}.
   *
   * @param events the process's events from {@code from} on (later ones only complete recovery times), in order
   * @param zone the time zone of the hour-of-day pattern
   * @param calendar the trade days of the per-trade-day table
   */
  public static RestartReport restarts(String process, Instant from, Instant to, List<JournalEvent> events, ZoneId zone,
      TradeCalendar calendar) {
    return restarts(process, from, to, false, events, zone, calendar, Map.of(), Map.of());
  }

  /**
   * {@link #restarts(String, Instant, Instant, List, ZoneId, TradeCalendar)}, knowing when the journal last heard of the
   * process before each registration (by the {@code Registered} event's id; its last row, a status snapshot included,
   * which the events alone do not hold): a {@code SUPERVISOR_ENDED} restart's "last heard of" is the later of that and
   * the last state change heard. Where {@code toIncluded}, the period is {@code (from, to]}: a restart at {@code to}
   * is in it, one at {@code from} is not (a period looked back over from now, now included). {@code childExits} gives,
   * by the id of a group's stop command of the process ({@link #groupCommand}), the last exit of the child whose end
   * its group's restart answered (the child's {@code Exited} stamped at or before that command), where the journal has
   * one: a {@link RestartCause#GROUP} restart's detail says how the child ended. It gives too, by the id of a restart
   * command because a dependency ended ({@link #dependencyRestart}), the last exit of that dependency stamped at or before
   * it: a {@link RestartCause#DEPENDENCY} restart's detail says how the dependency ended.
   */
  static RestartReport restarts(String process, Instant from, Instant to, boolean toIncluded, List<JournalEvent> events, ZoneId zone,
      TradeCalendar calendar, Map<Long, Instant> heardBefore, Map<Long, JournalEvent> childExits) {
    requireNonNull(process, "process");
    requireNonNull(zone, "zone");
    requireNonNull(calendar, "calendar");
    if (!to.isAfter(from)) {
      throw new IllegalArgumentException("period must end after it starts: " + from + " to " + to);
    }
    List<Building> all = new ArrayList<>();
    List<Building> notDone = new ArrayList<>();
    Map<String, HostState> hosts = new HashMap<>();
    for (JournalEvent e : events) {
      if (!e.process().equals(process)) {
        continue;
      }
      HostState h = hosts.computeIfAbsent(e.host(), k -> new HostState());
      if (e.run() != null && !e.type().equals("Registered")) {
        h.lastRun = e.run();
      }
      switch (e.type()) {
        case "Registered" -> {
          // registered again while the last state heard was a live one: the JVM that supervised it ended without the
          // journal hearing the process end (a graceful close journals the stop); the next JVM started it again
          Building b = h.scheduled != null ? h.scheduled // its restart was due when the JVM ended: the next JVM did it
              : h.candidate != null && !restedAfter(h.candidate, heardBefore.get(e.id())) ? h.candidate // a crash heard whose restart the next JVM did
              : h.lastState != null && LIVE.contains(h.lastState) ? supervisorEnded(e, h, zone, heardBefore.get(e.id())) : null;
          if (b != null) {
            all.add(b);
            h.awaitingRecovery = b;
            h.down(b.at, b);
          }
          h.command = null;
          h.candidate = null;
          h.scheduled = null;
          h.breach = null;
          h.lastState = null;
          h.dropGroup(notDone);
          h.dropGaveUp(notDone);
        }
        case "Removed" -> {
          h.cancel(e, notDone);
          h.lastState = null;
          h.dropGroup(notDone);
          h.dropGaveUp(notDone);
        }
        case "CommandIssued" -> {
          GroupCommand gc = groupCommand(e);
          if (gc != null) {
            h.groupCommand(e, gc, childExits.get(e.id()), notDone);
            continue;
          }
          String dependency = dependencyRestart(e);
          if (dependency != null) {
            h.dependencyRestart(e, dependency, childExits.get(e.id()), notDone);
            continue;
          }
          if ("START".equals(e.command()) || "STOP".equals(e.command()) || "RESTART".equals(e.command())) {
            // a command's start, stop or restart: a group's restart under way is not what starts it now, nor does a
            // group start again a crash its policy gave up on once someone else has started or stopped it
            h.dropGroup(notDone);
            h.dropGaveUp(notDone);
          }
          if ("RESTART".equals(e.command())) {
            h.command = e;
          } else if ("STOP".equals(e.command())) {
            h.cancel(e, notDone); // a restart waiting for its backoff is not done: no restart, as the supervisor counts it
            h.command = null;
            h.candidate = null;
            h.awaitingRecovery = null;
            h.down(e.at(), null); // stopped on purpose: down no more for the restart's sake
          }
        }
        case "ResourceLimitExceeded" -> h.breach = e;
        case "Exited" -> {
          Building stopped = h.group;
          if (stopped != null && (stopped.cause == RestartCause.GROUP || stopped.cause == RestartCause.DEPENDENCY) && !stopped.exitHeard) {
            stopped.exit = e; // the run its group (or its dependency's end) stopped: its uptime, run number and exit cause
            stopped.exitHeard = true;
          }
          JournalEvent cmd = h.command;
          h.command = null;
          h.candidate = null;
          if (cmd != null && "API".equals(cmd.origin()) && !isFailure(e.exitCause())) {
            Building b = build(e, RestartCause.MANUAL, cmd, h.breach);
            all.add(b);
            h.awaitingRecovery = b;
            h.down(e.at(), b);
          } else if (isFailure(e.exitCause())) {
            h.candidate = build(e, classify(e.exitCause()), cmd, h.breach);
            JournalEvent deferral = h.earlyDeferral;
            if (deferral != null && deferral.at().equals(e.at())) {
              // its RestartDeferred was written first (heard through the trading supervision, on another thread)
              h.defer(deferral);
            }
          }
          h.earlyDeferral = null;
          if (!"RESOURCE_LIMIT".equals(e.exitCause())) {
            h.breach = null;
          }
        }
        case "RestartScheduled" -> {
          // a restart once it is done (the process STARTING again), as the supervisor counts it: a stop or the close
          // during the backoff cancels it
          if (h.candidate != null) {
            h.scheduled = h.candidate;
            h.scheduled.delay = e.delayMs() == null ? null : Duration.ofMillis(e.delayMs());
            h.candidate = null;
          }
          h.breach = null;
        }
        case "RestartDeferred" -> {
          // a run that ended in a freeze window is restarted at its end (delay_ms to it): a restart once it is done, as
          // one scheduled after a backoff; a stop or the close before the window's end cancels it. One left for a person
          // is no restart
          if (h.candidate != null) {
            h.defer(e);
          } else {
            h.earlyDeferral = e; // before its exit: the exit at the same instant is the one it defers
          }
          h.breach = null;
        }
        case "ScheduleStopped" -> {
          // the schedule stopped it (the close cut a freeze window short, a close while in backoff, the lag): its
          // restart not done is cancelled by that, said as the schedule says it. Heard through the trading supervision,
          // it may be written after the stop's own events at the same instant, which cancelled it as a plain stop
          if (h.scheduled != null) {
            h.cancel(e, notDone);
          } else if (h.lastCancelled != null && e.at().equals(h.lastCancelled.cancelledAt)) {
            h.lastCancelled.cancelledBy = e.reason() != null ? e.reason() : e.type();
          }
        }
        case "Failed" -> {
          // the policy gave up: no recovery to wait for, but the process stays down (h.down stays open); its group may
          // start it again (GroupSpec: a child its policy gave up on is the group's failure), which is its crash's restart.
          // Where nothing does, the crash is one not restarted (notRestarted), the give-up in the policy's words
          Building b = h.candidate;
          if (b != null) {
            b.policyGaveUp = true;
            b.cancelledAt = e.at();
            b.cancelledBy = giveUpReason(e.reason());
            h.downGaveUp = b; // down from its exit until it is RUNNING again, stopped, or the period ends
          }
          h.dropGaveUp(notDone);
          h.gaveUp = b;
          h.candidate = null;
          h.scheduled = null;
          h.awaitingRecovery = null;
        }
        case "StateChanged" -> {
          h.lastState = e.toState();
          h.lastSeen = e.at();
          Building restarted = h.scheduled;
          Building byGroup = h.group;
          if (("STARTING".equals(e.toState()) || "RUNNING".equals(e.toState())) && restarted != null) { // the scheduled restart is done
            all.add(restarted);
            h.awaitingRecovery = restarted;
            h.down(restarted.at, restarted);
            h.scheduled = null;
          } else if ("STARTING".equals(e.toState()) && byGroup != null && h.groupStarted) { // its group's (or dependency's) restart of it is done
            all.add(byGroup);
            h.awaitingRecovery = byGroup;
            h.down(byGroup.at, byGroup);
            h.group = null;
          } else if ("STOPPED".equals(e.toState()) || "FAILED".equals(e.toState())) {
            h.cancel(e, notDone); // no stop command heard before it (a STOP command cancels it first)
          }
          Building waited = h.candidate;
          if ("STARTING".equals(e.toState()) && restarted == null && waited != null && "POLICY".equals(e.origin())) {
            // the policy's restart that waited (WAITING) for a dependency down at the exit: no RestartScheduled (no
            // backoff), a restart all the same, as the supervisor counts it
            all.add(waited);
            h.awaitingRecovery = waited;
            h.down(waited.at, waited);
          }
          if ("STARTING".equals(e.toState())) {
            // a crash whose restart was heard (RestartScheduled, RestartDeferred) is no candidate any more; one still a
            // candidate was not restarted by its policy but started again in this JVM (an API or schedule start): it is
            // no restart, and above all not one by the next JVM, which restarts the run that starts now
            h.candidate = null;
            h.dropGroup(notDone);
            h.dropGaveUp(notDone);
          }
          if ("RUNNING".equals(e.toState()) && h.awaitingRecovery != null) {
            h.awaitingRecovery.recovery = Duration.between(h.awaitingRecovery.at, e.at());
            h.awaitingRecovery = null;
          }
          if ("RUNNING".equals(e.toState())) {
            h.down(e.at(), null);
          }
        }
        default -> {
          // other events do not change the analysis
        }
      }
    }
    java.util.function.Predicate<Instant> within = toIncluded ? t -> t.isAfter(from) && !t.isAfter(to)
        : t -> !t.isBefore(from) && t.isBefore(to);
    List<Restart> inPeriod = new ArrayList<>();
    for (Building b : all) {
      if (within.test(b.at)) {
        inPeriod.add(b.toRestart(to));
      }
    }
    inPeriod.sort(Comparator.comparing(Restart::at).reversed());
    // the restarts scheduled and not done: cancelled, or still due at the end of what the journal holds
    hosts.values().forEach(h -> {
      if (h.scheduled != null) {
        notDone.add(h.scheduled);
      }
      h.dropGaveUp(notDone); // a crash its policy gave up on that nothing started again: not restarted
      Building g = h.group;
      if (g != null && g.wasScheduled) {
        if (h.groupStarted) {
          notDone.add(g); // the group's restart of it under way at the end of the journal: still due
        } else {
          h.dropGroup(notDone); // its scheduled restart that the group's stop cancelled, and no start by the group since
        }
      }
    });
    List<RestartReport.NotRestarted> notRestarted = new ArrayList<>();
    for (Building b : notDone) {
      if (within.test(b.at)) {
        notRestarted.add(new RestartReport.NotRestarted(b.toRestart(to), b.delay, b.cancelledAt, b.cancelledBy, b.freezeWindow,
            b.policyGaveUp));
      }
    }
    notRestarted.sort(Comparator.comparing((RestartReport.NotRestarted n) -> n.exit().at()).reversed());
    int total = inPeriod.size();
    double days = Duration.between(from, to).toMillis() / 86_400_000.0;
    double rate = total / days;
    Duration meanUptime = mean(inPeriod.stream().map(Restart::uptime).filter(d -> d != null).toList());
    Duration mttr = mean(inPeriod.stream().filter(r -> r.cause() != RestartCause.MANUAL).map(Restart::recovery).filter(d -> d != null).toList());
    List<CauseCount> causes = counts(inPeriod, total);
    causes.sort(Comparator.comparing(CauseCount::count).reversed().thenComparing(CauseCount::cause));
    Integer[] hours = new Integer[24];
    java.util.Arrays.fill(hours, 0);
    for (Restart r : inPeriod) {
      int hour = r.at().atZone(zone).getHour();
      hours[hour] = hours[hour] + 1;
    }
    Map<String, List<Restart>> byDay = new TreeMap<>();
    for (Restart r : inPeriod) {
      byDay.computeIfAbsent(calendar.tradeDay(r.at()), k -> new ArrayList<>()).add(r);
    }
    List<TradeDay> tradeDays = new ArrayList<>();
    byDay.forEach((day, rs) -> {
      Duration down = rs.stream().map(Restart::downtime).reduce(Duration.ZERO, Duration::plus);
      List<CauseCount> c = counts(rs, rs.size());
      tradeDays.add(new TradeDay(day, rs.size(), down, c));
    });
    RestartReport draft = new RestartReport(process, from, to, total, rate, meanUptime, mttr, causes, inPeriod, List.of(hours), tradeDays,
        List.of(), notRestarted);
    List<String> suggestions = new ArrayList<>();
    // the record's holes first: figures over a period the journal lost events of are short by what it lost
    long lost = 0;
    for (JournalEvent e : events) {
      if (e.type().equals("EventsDropped") && within.test(e.at()) && e.metricValue() != null) {
        lost += e.metricValue().longValue();
      }
    }
    if (lost > 0) {
      suggestions.add("the journal lost " + io.github.vigil.HumanFormat.count(lost, "event", "events") + " of " + process + " in this period (its buffer was full: the database "
          + "was unreachable or slow; vigil events shows when): restarts then are missing from these figures");
    }
    suggestions.addAll(Suggestions.forRestarts(draft, zone));
    return new RestartReport(process, from, to, total, rate, meanUptime, mttr, causes, inPeriod, List.of(hours), tradeDays, suggestions,
        notRestarted);
  }

  /** Counts per cause in {@link RestartCause} order, zero counts left out. */
  private static List<CauseCount> counts(List<Restart> rs, int total) {
    Map<RestartCause, Integer> n = new EnumMap<>(RestartCause.class);
    for (Restart r : rs) {
      n.merge(r.cause(), 1, Integer::sum);
    }
    List<CauseCount> out = new ArrayList<>();
    n.forEach((c, k) -> out.add(new CauseCount(c, k, total == 0 ? 0 : k * 100.0 / total)));
    return out;
  }

  private static @Nullable Duration mean(List<Duration> ds) {
    if (ds.isEmpty()) {
      return null;
    }
    long sum = 0;
    for (Duration d : ds) {
      sum += d.toMillis();
    }
    return Duration.ofMillis(Math.round((double) sum / ds.size()));
  }

  static RestartCause classify(@Nullable String exitCause) {
    if (exitCause == null) {
      return RestartCause.ERROR_EXIT;
    }
    return switch (exitCause) {
      case "OOM_KILLED" -> RestartCause.OOM_KILL;
      case "SIGNALED" -> RestartCause.SIGNAL;
      case "HEALTH_CHECK_FAILED" -> RestartCause.HEALTH;
      case "RESOURCE_LIMIT" -> RestartCause.RESOURCE_LIMIT;
      default -> RestartCause.ERROR_EXIT;
    };
  }

  /**
   * Whether the JVM that heard {@code crash} lived on past its policy's decision, which it takes at once on the exit
   * (its {@code RestartScheduled} comes with the exit's events): the journal heard of the process (a status snapshot, an
   * event) more than {@link #DECIDED_WITHIN} after the crash, and no restart was scheduled. Such a crash rested (a
   * policy of {@code NEVER}, supervision off, a restart left for a person): the next JVM's registration is no restart of
   * it. Without that sign (a JVM killed right after the exit) the next JVM is taken to have done the restart.
   */
  private static boolean restedAfter(Building crash, @Nullable Instant heard) {
    return heard != null && heard.isAfter(crash.at.plus(DECIDED_WITHIN));
  }

  /** How long after an exit its restart is decided, with room to spare: the decision is one step of the supervisor. */
  private static final Duration DECIDED_WITHIN = Duration.ofSeconds(1);

  /**
   * The give-up of a {@code Failed} event in the policy's words without the last exit, which its row gives: {@code start
   * limit reached: 2 restarts within 1 h (at most 2 allowed)}; {@code restart policy gave up} without a reason.
   */
  static String giveUpReason(@Nullable String reason) {
    if (reason == null || reason.isBlank()) {
      return "restart policy gave up";
    }
    int lastExit = reason.indexOf("; last exit: ");
    return lastExit < 0 ? reason : reason.substring(0, lastExit);
  }

  /** A restart by the next JVM of a process the last one ran when it ended; {@code registered}: the next one's registration. */
  private static Building supervisorEnded(JournalEvent registered, HostState h, ZoneId zone, @Nullable Instant heard) {
    Building b = new Building();
    b.at = registered.at();
    b.cause = RestartCause.SUPERVISOR_ENDED;
    b.exit = registered;
    b.run = h.lastRun;
    Instant seen = h.lastSeen;
    if (heard != null && (seen == null || heard.isAfter(seen))) {
      seen = heard; // a snapshot or another event after its last state change: the JVM was still there then
    }
    // its cause says "supervisor ended": the clause up to the time fits a line of the command line's timeline (it read
    // "the supervisor's JVM ended while it was RUNNING (last heard of at ...); ...", 113 characters in one cell)
    b.detail = "its JVM ended while it was " + h.lastState + ", last heard of at "
        + (seen == null ? "?" : LAST_SEEN.format(seen.atZone(zone))) + "; the next JVM started it again";
    return b;
  }

  private static Building build(JournalEvent exit, RestartCause cause, @Nullable JournalEvent cmd, @Nullable JournalEvent breach) {
    Building b = new Building();
    b.at = exit.at();
    b.cause = cause;
    b.exit = exit;
    b.memory = exit.memoryBytes();
    b.limit = exit.memoryLimitBytes();
    switch (cause) {
      case MANUAL -> {
        b.actor = cmd != null ? cmd.actor() : null;
        String why = cmd != null && cmd.reason() != null ? cmd.reason() : "restart requested";
        b.detail = b.actor != null ? "by " + b.actor + ": " + why : why + " (through the API; no actor named)";
      }
      case OOM_KILL -> b.detail = "killed by the OOM killer" + (exit.memoryLimitBytes() != null ? " in a memory limit" : "");
      case SIGNAL -> b.detail = (exit.signalName() != null ? exit.signalName() : "signal " + exit.signal())
          + (exit.signal() != null ? ": " + Signals.meaning(exit.signal()) : "") + (Boolean.TRUE.equals(exit.coreDumped()) ? " (core dumped)" : "")
          + (exit.signal() != null && exit.coreDumped() == null ? " (inferred from exit status " + (128 + exit.signal()) + ")" : "");
      case ERROR_EXIT -> b.detail = "START_FAILED".equals(exit.exitCause()) ? "could not start: " + exit.reason()
          : exit.exitCode() != null ? "exit code " + exit.exitCode() : String.valueOf(exit.reason());
      case HEALTH -> b.detail = cmd != null && cmd.reason() != null ? cmd.reason() : String.valueOf(exit.reason());
      case RESOURCE_LIMIT -> {
        b.detail = breach != null && breach.reason() != null ? breach.reason() : String.valueOf(exit.reason());
        if (breach != null && "RESIDENT_MEMORY".equals(breach.metric())) {
          if (b.memory == null && breach.metricValue() != null) {
            b.memory = breach.metricValue().longValue();
          }
          if (breach.metricLimit() != null) {
            b.limit = breach.metricLimit().longValue();
          }
        }
      }
    }
    return b;
  }

  /**
   * The report of the last crash in {@code exits} (a failure exit: error exit, signal, OOM kill, health
   * or resource restart, failed start; not one with an {@code OutsideWindow} row beside it, which its trading supervision
   * recorded outside the process's window), or empty when there was none.
   *
   * @param events the process's events from some time before the crash on, in order
   * @param snapshotsBefore the process's last snapshots up to the crash, oldest first
   */
  public static Optional<CrashReport> lastCrash(String process, List<JournalEvent> events, List<JournalSnapshot> snapshotsBefore) {
    JournalEvent crash = null;
    int index = -1;
    Set<String> outside = new java.util.HashSet<>(); // the exits recorded outside the process's window: no crash
    for (JournalEvent e : events) {
      if (e.process().equals(process) && "OutsideWindow".equals(e.type()) && e.run() != null) {
        outside.add(e.host() + "\n" + e.run() + "\n" + e.at().toEpochMilli());
      }
    }
    for (int i = events.size() - 1; i >= 0; i--) {
      JournalEvent e = events.get(i);
      if (e.process().equals(process) && "Exited".equals(e.type()) && isFailure(e.exitCause())
          && !outside.contains(e.host() + "\n" + e.run() + "\n" + e.at().toEpochMilli())) {
        crash = e;
        index = i;
        break;
      }
    }
    if (crash == null) {
      return Optional.empty();
    }
    Duration recovery = null;
    String notRunAgain = null; // what the journal says kept it from running again, where something did
    for (int i = index + 1; i < events.size(); i++) {
      JournalEvent e = events.get(i);
      if (!e.host().equals(crash.host()) || !e.process().equals(process)) {
        continue;
      }
      if ("StateChanged".equals(e.type()) && "RUNNING".equals(e.toState())) {
        recovery = Duration.between(crash.at(), e.at());
        break;
      }
      if ("Failed".equals(e.type())) {
        notRunAgain = "its restart policy gave up" + (e.reason() == null ? "" : " (" + e.reason() + ")");
        break;
      }
      if ("StateChanged".equals(e.type()) && "STOPPED".equals(e.toState())) {
        notRunAgain = "it was stopped before its restart" + (e.reason() == null ? "" : " (" + e.reason() + ")");
        break;
      }
    }
    Boolean core = coreDumped(crash);
    Boolean exists = null;
    if (crash.corePath() != null && crash.corePath().startsWith("/")) {
      exists = Files.exists(Path.of(crash.corePath()));
    }
    CrashReport draft = new CrashReport(crash.host(), process, crash.at(), crash.run() == null ? 0 : crash.run(), crash.pid(), String.valueOf(crash.exitCause()),
        termination(crash), crash.signal(), crash.signalName(), crash.signal() != null ? Signals.meaning(crash.signal()) : null, core,
        crash.corePath(), exists, crash.exitCode(),
        // a run that never started had no uptime (as in the restarts' timeline), not one of 0 ms
        crash.runMs() != null && !"START_FAILED".equals(crash.exitCause()) ? Duration.ofMillis(crash.runMs()) : null, crash.memoryBytes(),
        crash.memoryLimitBytes(), recovery, snapshotsBefore, crash.stderrTail(), List.of());
    List<String> s = Suggestions.forCrash(draft, notRunAgain);
    return Optional.of(new CrashReport(draft.host(), draft.process(), draft.at(), draft.run(), draft.pid(), draft.exitCause(), draft.termination(),
        draft.signal(), draft.signalName(), draft.signalMeaning(), draft.coreDumped(), draft.coreLocation(), draft.coreFileExists(),
        draft.exitCode(), draft.uptime(), draft.memoryBytes(), draft.memoryLimitBytes(), draft.recovery(), draft.lastSamples(),
        draft.stderrTail(), s));
  }

  /** Whether the exit dumped core: no without a signal, not known (null) beside a signal inferred from the exit status. */
  private static @Nullable Boolean coreDumped(JournalEvent e) {
    return e.signal() == null ? Boolean.FALSE : e.coreDumped();
  }

  private static String termination(JournalEvent e) {
    String t = e.termination();
    return t != null ? t : String.valueOf(e.reason());
  }

  private static final class HostState {
    @Nullable JournalEvent command;
    @Nullable JournalEvent breach;
    @Nullable Building candidate;
    /** A crash whose restart the policy scheduled ({@code RestartScheduled}) and that is not done yet: no restart yet. */
    @Nullable Building scheduled;
    /** The last restart a stop, the close or a removal cancelled (a ScheduleStopped at its instant says why). */
    @Nullable Building lastCancelled;
    /** A RestartDeferred written before the exit it defers (same instant), which comes next. */
    @Nullable JournalEvent earlyDeferral;
    @Nullable Building awaitingRecovery;
    /** The restart the process is down after (not RUNNING since), recovered or not. */
    @Nullable Building down;
    /** The state the last StateChanged went to, and when; null after a registration or a removal. */
    @Nullable String lastState;
    @Nullable Instant lastSeen;
    /** The run the last event of a run named. */
    @Nullable Integer lastRun;
    /**
     * A restart by its supervision group under way: begun by the group's stop of it (a {@link RestartCause#GROUP}
     * restart, or the crash whose restart the stop overtook), or by the group's start of a crash its policy gave up on;
     * done when the process is {@code STARTING} after the group's start command ({@link #groupStarted}). A command's
     * start or stop, or a registration, leaves it undone: no restart.
     */
    @Nullable Building group;
    /** Whether the group's start command of {@link #group} was heard: its next {@code STARTING} is the restart. */
    boolean groupStarted;
    /** The crash its restart policy gave up on ({@code Failed}), which its group may start again. */
    @Nullable Building gaveUp;
    /** The crash its policy gave up on whose downtime is open (until the process runs again, is stopped or restarted). */
    @Nullable Building downGaveUp;

    /**
     * The group's stop or start of this process ({@code e}, read as {@code gc}); {@code childExit} is the last exit of
     * the child whose end the group answers, where the journal has one.
     */
    void groupCommand(JournalEvent e, GroupCommand gc, @Nullable JournalEvent childExit, List<Building> notDone) {
      if ("STOP".equals(e.command())) {
        command = null;
        Building b;
        if (scheduled != null) { // a crash in its backoff (or deferred): the group stops it and starts it again, its restart
          b = scheduled;
          scheduled = null;
          b.wasScheduled = true;
        } else if (candidate != null) { // a crash heard just before, held for this stop: its restart is the group's start
          b = candidate;
          candidate = null;
        } else if (lastState != null && LIVE.contains(lastState)) { // running (or starting): the group restarts it
          b = new Building();
          b.at = e.at();
          b.cause = RestartCause.GROUP;
          b.exit = e; // until the exit of the run it stops is heard
          awaitingRecovery = null;
          down(e.at(), null);
        } else {
          // stopped, failed or waiting: its start again by the group is a start, not a restart; or stopped by its group
          // already (a second end of the child before its restart was done): that restart, still one, goes on
          return;
        }
        b.group = gc.group();
        b.groupReason = e.reason();
        b.groupStopAt = e.at();
        if (b.cause == RestartCause.GROUP) {
          b.sibling = gc.child();
          b.detail = gc.detail(childExit);
        }
        group = b;
        groupStarted = false;
      } else if ("START".equals(e.command())) {
        if (group == null && gaveUp != null) { // a crash its policy gave up on: the group starts it again itself
          group = gaveUp;
          group.group = gc.group();
          group.detail = group.detail + "; its restart policy gave up, group " + gc.group() + " started it again";
          group.policyGaveUp = false; // restarted after all: a restart, not one of notRestarted
          group.cancelledAt = null;
          group.cancelledBy = null;
          gaveUp = null;
        }
        dropGaveUp(notDone);
        Building b = group;
        if (b == null) {
          return; // a start in the group's order of a member that was not running: no restart
        }
        if (!groupStarted && b.cause == RestartCause.GROUP && b.sibling == null && gc.child() != null) {
          // stopped as its group escalated, started again by the parent's restart of that group: the parent's words
          b.group = gc.group();
          b.sibling = gc.child();
          b.detail = gc.detail(childExit);
        } else if (!groupStarted && b.cause != RestartCause.GROUP && b.groupReason != null) {
          b.detail = b.detail + "; started again by group " + gc.group();
        }
        if (!groupStarted) {
          b.group = gc.group(); // the group that starts it again (its own, or the one around it after an escalation)
        }
        groupStarted = true;
      }
    }

    /**
     * A restart of the process because a dependency it restarts with ({@code Dependency.OnExit.RESTART}) ended:
     * {@code e}, core's {@code CommandIssued} {@code RESTART} of origin {@code DEPENDENCY}, which then stops the process
     * and starts it again. Held as {@link #group} is, already started: done when the process is {@code STARTING} again
     * (after {@code WAITING} for the dependency, if it waits), undone by a command's start or stop, a registration, a
     * removal. Counted only where the process ran (or was starting): core restarts nothing else for a dependency.
     * {@code dependencyExit} is the dependency's last exit at or before {@code e}, where the journal has one.
     */
    void dependencyRestart(JournalEvent e, String dependency, @Nullable JournalEvent dependencyExit, List<Building> notDone) {
      dropGroup(notDone);
      dropGaveUp(notDone);
      command = null;
      if (lastState == null || !LIVE.contains(lastState)) {
        return;
      }
      Building b = new Building();
      b.at = e.at();
      b.cause = RestartCause.DEPENDENCY;
      b.exit = e; // until the exit of the run it stops is heard
      b.dependency = dependency;
      b.dependencyExit = dependencyExit(requireNonNull(e.reason()), dependencyExit);
      b.detail = "dependency " + dependency + " " + b.dependencyExit;
      awaitingRecovery = null;
      down(e.at(), null);
      group = b;
      groupStarted = true; // core starts it again itself: its next STARTING is the restart
    }

    /**
     * The group's restart under way is not done (a command's start or stop, a registration, a removal, a start not by the
     * group): none. Where the group's stop had cancelled a crash's scheduled restart, that restart is one not done, as a
     * stop during the backoff makes it ({@link RestartReport#notRestarted}), cancelled by the group's stop.
     */
    void dropGroup(List<Building> notDone) {
      Building b = group;
      group = null;
      if (b != null && b.wasScheduled && b.groupStopAt != null) {
        b.cancelledAt = b.groupStopAt;
        b.downUntil = b.groupStopAt;
        b.cancelledBy = b.groupReason + " (POLICY)";
        notDone.add(b);
        lastCancelled = b;
      }
    }

    /**
     * The candidate's restart deferred by {@code deferral} to a freeze window's end: scheduled, done when the process
     * starts again; none when the window leaves it for a person (no delay).
     */
    void defer(JournalEvent deferral) {
      Building b = candidate;
      candidate = null;
      if (b == null || deferral.delayMs() == null) {
        return;
      }
      b.delay = Duration.ofMillis(deferral.delayMs());
      b.freezeWindow = freezeWindow(deferral.reason());
      scheduled = b;
    }

    /** The scheduled restart, if any, cancelled by {@code e} (a stop, the close, a removal): into {@code notDone}. */
    void cancel(JournalEvent e, List<Building> notDone) {
      Building b = scheduled;
      if (b == null) {
        return;
      }
      b.cancelledAt = e.at();
      b.downUntil = e.at();
      b.cancelledBy = e.type().equals("Removed") ? "removed" : e.reason() != null ? e.reason() : e.type();
      if (e.origin() != null) {
        b.cancelledBy += " (" + e.origin() + ")";
      }
      notDone.add(b);
      scheduled = null;
      lastCancelled = b;
    }

    /**
     * The crash its policy gave up on ({@link #gaveUp}) is not restarted: nothing started it again (a command, a
     * registration, a removal, a start not by its group, the end of the journal): into {@code notDone}.
     */
    void dropGaveUp(List<Building> notDone) {
      Building b = gaveUp;
      gaveUp = null;
      if (b != null && b.policyGaveUp) {
        notDone.add(b);
      }
    }

    /** Ends the open downtime at {@code at} and opens {@code next}'s (null: none). */
    void down(Instant at, @Nullable Building next) {
      if (down != null && down.downUntil == null) {
        down.downUntil = at;
      }
      down = next;
      Building g = downGaveUp;
      if (g != null && g != next && g.downUntil == null) {
        g.downUntil = at; // the crash given up on is down until the process runs again, is stopped or restarted
      }
      downGaveUp = null;
    }
  }

  private static final class Building {
    Instant at = Instant.EPOCH;
    RestartCause cause = RestartCause.ERROR_EXIT;
    String detail = "";
    @Nullable String actor;
    @Nullable JournalEvent exit;
    @Nullable Long memory;
    @Nullable Long limit;
    @Nullable Duration recovery;
    /** The run, where {@code exit} names none (a supervisor that ended: the registration after it). */
    @Nullable Integer run;
    /** When the process was RUNNING again, restarted again or stopped; null while it is still down. */
    @Nullable Instant downUntil;
    /** The backoff of its scheduled restart, or the time to the end of the freeze window it was deferred to. */
    @Nullable Duration delay;
    /** The freeze window its restart was deferred to the end of; null for a restart after a backoff. */
    @Nullable String freezeWindow;
    /** The supervision group that starts it again, and the child whose end made it (of a GROUP restart). */
    @Nullable String group;
    @Nullable String sibling;
    /** The dependency whose end made it restart, and how that ended in words (of a DEPENDENCY restart). */
    @Nullable String dependency;
    @Nullable String dependencyExit;
    /** The reason of the group's stop of it, and when; null where the group did not stop it (it started a crash given up on). */
    @Nullable String groupReason;
    @Nullable Instant groupStopAt;
    /** Whether it is a crash whose scheduled (or deferred) restart the group's stop took over. */
    boolean wasScheduled;
    /** Whether its restart policy gave up on it ({@code Failed}): cancelledBy is the give-up's reason. */
    boolean policyGaveUp;
    /** Whether {@link #exit} is the Exited of the run its group stopped (not yet the stop command). */
    boolean exitHeard;
    /** When its scheduled restart was cancelled, and by what; null while it is due (or once done). */
    @Nullable Instant cancelledAt;
    @Nullable String cancelledBy;

    /** The restart; a downtime without a recovery ends at the period's end {@code to} at the latest. */
    Restart toRestart(Instant to) {
      JournalEvent e = requireNonNull(exit);
      Instant end = downUntil == null || downUntil.isAfter(to) ? to : downUntil;
      Duration downtime = recovery != null ? recovery : end.isAfter(at) ? Duration.between(at, end) : Duration.ZERO;
      // a run that never started had no uptime (not one of 0 ms, which would pull the mean down)
      Duration uptime = e.runMs() == null || "START_FAILED".equals(e.exitCause()) ? null : Duration.ofMillis(e.runMs());
      int runNumber = e.run() != null ? e.run() : run != null ? run : 0;
      return new Restart(at, cause, detail, actor, runNumber, uptime,
          memory, limit, recovery, e.signal(), e.signalName(), coreDumped(e), e.corePath(), e.exitCode(), e.stderrTail(),
          e.exitCause(), downtime, group, cause == RestartCause.GROUP ? sibling : null, cause == RestartCause.DEPENDENCY ? dependency : null,
          cause == RestartCause.DEPENDENCY ? dependencyExit : null);
    }
  }

  /** {@code group G (STRATEGY): CHILD ended} (or {@code ... failed (its restart policy gave up)}), as core writes it. */
  private static final java.util.regex.Pattern GROUP_RESTART = java.util.regex.Pattern.compile(
      "group (\\S+) \\((ONE_FOR_ONE|ONE_FOR_ALL|REST_FOR_ONE)\\): (\\S+) (ended|failed \\(its restart policy gave up\\))");
  /** {@code group G escalated: ...}: a group past its intensity stops all its children. */
  private static final java.util.regex.Pattern GROUP_ESCALATED = java.util.regex.Pattern.compile("group (\\S+) escalated: .*", java.util.regex.Pattern.DOTALL);

  /**
   * A supervision group's stop or start of a process, as the journal has it: a {@code CommandIssued} {@code STOP} or
   * {@code START} of origin {@code POLICY} whose reason is the group's ({@code group desk (REST_FOR_ONE): md ended},
   * core's {@code Group} words, or {@code group desk escalated: ...}). A group's stop or start an operator asked for is of
   * origin {@code API} ({@code group desk stopped}): not one.
   *
   * @param group the group
   * @param strategy its strategy; null for an escalation's stop
   * @param child the child whose end the group answers; null for an escalation's stop
   * @param end {@code ended} or {@code failed (its restart policy gave up)}; null for an escalation's stop
   */
  record GroupCommand(String group, @Nullable String strategy, @Nullable String child, @Nullable String end) {
    /**
     * The detail of a GROUP restart: {@code with group desk (REST_FOR_ONE): md crashed (SIGKILL)}, the child's end in
     * the words of its last exit ({@code childExit}) where the journal has it, else as the group said it ({@code ended}).
     */
    String detail(@Nullable JournalEvent childExit) {
      if (strategy == null) {
        return "with group " + group + ", which escalated (intensity exceeded)";
      }
      String how;
      if (childExit == null) {
        how = end;
      } else if (end != null && end.startsWith("failed")) {
        how = "failed: its restart policy gave up after " + exitWords(childExit);
      } else {
        how = (isFailure(childExit.exitCause()) ? "crashed (" : "exited (") + exitWords(childExit) + ")";
      }
      return "with group " + group + " (" + strategy + "): " + child + " " + how;
    }
  }

  /** The group's command that {@code e} is, or null where it is none (see {@link GroupCommand}). */
  static @Nullable GroupCommand groupCommand(JournalEvent e) {
    if (!"CommandIssued".equals(e.type()) || !"POLICY".equals(e.origin()) || e.reason() == null
        || !("STOP".equals(e.command()) || "START".equals(e.command()))) {
      return null;
    }
    java.util.regex.Matcher m = GROUP_RESTART.matcher(e.reason());
    if (m.matches()) {
      return new GroupCommand(m.group(1), m.group(2), m.group(3), m.group(4));
    }
    m = GROUP_ESCALATED.matcher(e.reason());
    return m.matches() ? new GroupCommand(m.group(1), null, null, null) : null;
  }

  /** {@code dependency D ended (...); onExit RESTART}: core's restart of a process because its dependency D ended. */
  private static final java.util.regex.Pattern DEPENDENCY_RESTART = java.util.regex.Pattern.compile(
      "dependency (\\S+) ended \\((.*)\\); onExit RESTART", java.util.regex.Pattern.DOTALL);

  /**
   * The dependency whose end the restart command {@code e} answers, or null where {@code e} is none: a {@code
   * CommandIssued} {@code RESTART} of origin {@code DEPENDENCY} whose reason is core's ({@code dependency feed ended
   * (...); onExit RESTART}).
   */
  static @Nullable String dependencyRestart(JournalEvent e) {
    if (!"CommandIssued".equals(e.type()) || !"DEPENDENCY".equals(e.origin()) || !"RESTART".equals(e.command()) || e.reason() == null) {
      return null;
    }
    java.util.regex.Matcher m = DEPENDENCY_RESTART.matcher(e.reason());
    return m.matches() ? m.group(1) : null;
  }

  /**
   * How the dependency of a DEPENDENCY restart ended, in words: {@code crashed (SIGKILL)}, {@code exited (exit code 0)},
   * from its last exit ({@code dependencyExit}) where the journal has it, else as core said it in the restart command's
   * {@code reason} ({@code ended (...)}). Its detail is {@code dependency NAME} and these words.
   */
  private static String dependencyExit(String reason, @Nullable JournalEvent dependencyExit) {
    if (dependencyExit == null) {
      java.util.regex.Matcher m = DEPENDENCY_RESTART.matcher(reason);
      return m.matches() ? "ended (" + m.group(2) + ")" : "ended";
    }
    return (isFailure(dependencyExit.exitCause()) ? "crashed (" : "exited (") + exitWords(dependencyExit) + ")";
  }

  /** An exit in a few words: {@code SIGKILL}, {@code exit code 3}, {@code OOM kill}, {@code could not start}. */
  private static String exitWords(JournalEvent x) {
    String cause = String.valueOf(x.exitCause());
    return switch (cause) {
      case "SIGNALED" -> x.signalName() != null ? x.signalName() : "signal " + x.signal();
      case "OOM_KILLED" -> "OOM kill";
      case "START_FAILED" -> "could not start";
      case "HEALTH_CHECK_FAILED" -> "health check failed";
      case "RESOURCE_LIMIT" -> "resource limit";
      default -> x.exitCode() != null ? "exit code " + x.exitCode() : cause;
    };
  }

  /**
   * The freeze window a {@code RestartDeferred}'s reason names ({@code ended inside freeze window NAME (...)}, as the
   * journal writes it); {@code "?"} where it names none.
   */
  static String freezeWindow(@Nullable String reason) {
    String prefix = "ended inside freeze window ";
    if (reason == null || !reason.startsWith(prefix)) {
      return "?";
    }
    int end = reason.indexOf(" (", prefix.length());
    return end < 0 ? "?" : reason.substring(prefix.length(), end);
  }

  /** Distinct values in order (used by suggestions). */
  static <T> List<T> distinct(List<T> in) {
    return new ArrayList<>(new LinkedHashSet<>(in));
  }
}
