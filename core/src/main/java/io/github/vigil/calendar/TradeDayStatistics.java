package io.github.vigil.calendar;

import static java.util.Objects.requireNonNull;

import io.github.vigil.Origin;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.SupervisorListener;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Counts starts, restarts, crashes and recoveries per trade day and process, from events: "restarts
 * today" and "MTTR today" that start again from zero at the cut-over. Every
 * {@link TradingSupervision} keeps one ({@link TradingSupervision#statistics()}); one can also listen to
 * a supervisor directly with a single calendar ({@link #of(TradingCalendar, InstantSource)}).
 *
 * <p>An event counts on the trade day of its time stamp; a recovery on the trade day of the crash, once the run that
 * reached {@code RUNNING} has stayed up for its restart policy's {@code stableAfter} from its spawn (known by the
 * clock when asked, or by the run's exit; see {@link DayStatistics#recoveries()}): the policy's stable period is the
 * supervisor's spec of the process, else the one of its {@code Registered} event heard, else the default policy's
 * (60 s). A deferred restart counts on the trade day it is done. Exits recorded as {@link SupervisorEvent.OutsideWindow}
 * count only as {@code outsideWindow}. The last {@value #KEPT_DAYS} trade days are kept.
 *
 * <p>Thread-safe.
 */
public final class TradeDayStatistics implements SupervisorListener {
  /** How many trade days are kept. */
  public static final int KEPT_DAYS = 31;

  private final Function<SupervisorEvent, Optional<LocalDate>> dayOf;
  private final Function<Instant, Optional<LocalDate>> today;
  private final InstantSource clock;
  private final TreeMap<LocalDate, Map<String, long[]>> days = new TreeMap<>();
  private final Function<String, Optional<Duration>> stableAfter;
  /** The first crash not recovered from yet, by process. */
  private final Map<String, Instant> crashedAt = new HashMap<>();
  /** The recoveries that wait for their run to stay up for its stable period, by process. */
  private final Map<String, Pending> pending = new HashMap<>();
  /** When each process's current (or last) run was spawned. */
  private final Map<String, Instant> runStartedAt = new HashMap<>();
  /** The stable periods of the processes heard registered, for a supervisor that cannot be asked. */
  private final Map<String, Duration> registeredStableAfter = new HashMap<>();
  /** The processes whose restart is deferred to a freeze window's end and not done yet. */
  private final java.util.Set<String> deferred = new java.util.HashSet<>();

  /** The default restart policy's stable period, for a process whose own is not known. */
  private static final Duration DEFAULT_STABLE_AFTER = RestartPolicy.onFailure().stableAfter();

  /**
   * A crash whose restart reached {@code RUNNING} at {@code running}: a recovery once that run has stayed up until {@code
   * stableAt}.
   */
  private record Pending(Instant crash, Instant running, Instant stableAt) {}

  // counter slots
  private static final int STARTS = 0;
  private static final int RESTARTS = 1;
  private static final int CRASHES = 2;
  private static final int DEFERRED = 3;
  private static final int OUTSIDE = 4;
  private static final int RECOVERIES = 5;
  private static final int RECOVER_NANOS = 6;

  TradeDayStatistics(Function<SupervisorEvent, Optional<LocalDate>> dayOf, Function<Instant, Optional<LocalDate>> today, InstantSource clock,
      Function<String, Optional<Duration>> stableAfter) {
    this.dayOf = dayOf;
    this.today = today;
    this.clock = clock;
    this.stableAfter = stableAfter;
  }

  /** Statistics filed by one calendar; subscribe it to a supervisor. */
  public static TradeDayStatistics of(TradingCalendar calendar, InstantSource clock) {
    requireNonNull(calendar, "calendar");
    return new TradeDayStatistics(e -> Optional.of(calendar.tradeDay(e.at())), t -> Optional.of(calendar.tradeDay(t)),
        requireNonNull(clock, "clock"), p -> Optional.empty());
  }

  @Override
  public synchronized void onEvent(SupervisorEvent event) {
    settle(event.at());
    if (event instanceof SupervisorEvent.Registered r) {
      registeredStableAfter.put(r.process(), r.spec().restartPolicy().stableAfter());
    }
    if (event instanceof SupervisorEvent.Removed) {
      String p = event.process();
      deferred.remove(p);
      crashedAt.remove(p);
      pending.remove(p);
      runStartedAt.remove(p);
      return;
    }
    Optional<LocalDate> day = dayOf.apply(event);
    if (day.isEmpty() || event instanceof SupervisorEvent.SessionOpened || event instanceof SupervisorEvent.SessionClosed) {
      return;
    }
    String p = event.process();
    if (event instanceof SupervisorEvent.Started st) {
      counters(day.get(), p)[STARTS]++;
      runStartedAt.put(p, st.at());
    } else if (event instanceof SupervisorEvent.Exited x) {
      runEnded(p, x);
    } else if (event instanceof SupervisorEvent.StateChanged s) {
      if (s.to() == ProcessState.CRASHED) {
        counters(day.get(), p)[CRASHES]++;
        crashedAt.putIfAbsent(p, s.at());
      } else if (s.to() == ProcessState.STARTING && s.origin() == Origin.POLICY && s.from() != ProcessState.STOPPED) {
        // a restart of its own policy (after an exit, a backoff, a wait); a sibling its group stopped and starts again
        // (REST_FOR_ONE) comes from STOPPED and is no restart of it, as ProcessStatus.restarts() does not count it
        long[] c = counters(day.get(), p);
        c[RESTARTS]++;
        if (deferred.remove(p)) {
          c[DEFERRED]++; // the restart deferred to a freeze window's end, done
        }
      } else if (s.to() == ProcessState.RUNNING) {
        Instant crash = crashedAt.remove(p);
        if (crash != null) {
          Instant started = runStartedAt.getOrDefault(p, s.at());
          Instant stable = started.plus(stableAfter(p));
          pending.put(p, new Pending(crash, s.at(), stable.isBefore(s.at()) ? s.at() : stable));
          settle(s.at());
        }
      } else if (s.to() == ProcessState.STOPPED) {
        crashedAt.remove(p);
      }
      if (s.to() == ProcessState.STOPPED || s.to() == ProcessState.FAILED
          || (s.to() == ProcessState.STARTING || s.to() == ProcessState.WAITING) && s.origin() != Origin.POLICY) {
        deferred.remove(p); // its deferred restart called off (a stop, the close, a give-up) or overtaken by another start
      }
    } else if (event instanceof SupervisorEvent.RestartDeferred d) {
      if (d.restartAt().isPresent()) {
        deferred.add(p); // counted once done; one left for a person is no restart
      } else {
        deferred.remove(p);
      }
    } else if (event instanceof SupervisorEvent.OutsideWindow o) {
      if (o.event() instanceof SupervisorEvent.Exited || o.event() instanceof SupervisorEvent.AttachedLost) {
        counters(day.get(), p)[OUTSIDE]++;
      }
      if (o.event() instanceof SupervisorEvent.Exited x) {
        runEnded(p, x); // after the close: not counted as a crash, but it says how long the run stayed up
      }
    }
  }

  /**
   * The run that reached {@code RUNNING} after a crash ended: a recovery where it stayed up for its policy's {@code
   * stableAfter} or did not fail; else none, and the crash loop's first crash waits on for a run that stays up.
   */
  private void runEnded(String p, SupervisorEvent.Exited x) {
    Pending w = pending.remove(p);
    if (w == null) {
      return;
    }
    if (x.exit().cause().isFailure() && x.exit().runDuration().compareTo(stableAfter(p)) < 0) {
      crashedAt.put(p, w.crash());
    } else {
      recovered(p, w);
    }
  }

  /** Counts the recoveries whose run has stayed up for its stable window by {@code now}. */
  private void settle(Instant now) {
    if (pending.isEmpty()) {
      return;
    }
    var it = pending.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Pending> e = it.next();
      if (!now.isBefore(e.getValue().stableAt())) {
        it.remove();
        recovered(e.getKey(), e.getValue());
      }
    }
  }

  private void recovered(String p, Pending w) {
    LocalDate crashDay = dayOf.apply(new SupervisorEvent.Removed(p, w.crash())).or(() -> dayOf.apply(new SupervisorEvent.Removed(p, w.running())))
        .orElse(null);
    if (crashDay == null) {
      return;
    }
    long[] c = counters(crashDay, p);
    c[RECOVERIES]++;
    c[RECOVER_NANOS] += Duration.between(w.crash(), w.running()).toNanos();
  }

  /** {@code p}'s restart policy's stable period: its spec's, as the supervisor (or its registration) says. */
  private Duration stableAfter(String p) {
    return stableAfter.apply(p).or(() -> Optional.ofNullable(registeredStableAfter.get(p))).orElse(DEFAULT_STABLE_AFTER);
  }

  private long[] counters(LocalDate day, String process) {
    long[] c = days.computeIfAbsent(day, d -> new HashMap<>()).computeIfAbsent(process, x -> new long[7]);
    while (days.size() > KEPT_DAYS) {
      days.pollFirstEntry();
    }
    return c;
  }

  /** The trade day now, by the calendar; empty without one. */
  public Optional<LocalDate> today() {
    return today.apply(clock.instant());
  }

  /** {@code process}'s counters of the current trade day (zero right after the cut-over). */
  public DayStatistics today(String process) {
    LocalDate d = today().orElseThrow(() -> new IllegalStateException("no calendar: no trade day"));
    return forDay(d, process);
  }

  /** All processes' counters of the current trade day, summed. */
  public DayStatistics todayAll() {
    LocalDate d = today().orElseThrow(() -> new IllegalStateException("no calendar: no trade day"));
    return forDay(d);
  }

  /** {@code process}'s counters of {@code tradeDay}. */
  public synchronized DayStatistics forDay(LocalDate tradeDay, String process) {
    settle(clock.instant());
    Map<String, long[]> m = days.get(requireNonNull(tradeDay, "tradeDay"));
    long[] c = m == null ? null : m.get(process);
    return c == null ? DayStatistics.empty(tradeDay) : stats(tradeDay, c);
  }

  /** All processes' counters of {@code tradeDay}, summed. */
  public synchronized DayStatistics forDay(LocalDate tradeDay) {
    settle(clock.instant());
    long[] sum = new long[7];
    Map<String, long[]> m = days.get(requireNonNull(tradeDay, "tradeDay"));
    if (m != null) {
      for (long[] c : m.values()) {
        for (int i = 0; i < sum.length; i++) {
          sum[i] += c[i];
        }
      }
    }
    return stats(tradeDay, sum);
  }

  /** The counters of {@code processes} (a group's members) on {@code tradeDay}, summed; a name without any counts nothing. */
  public synchronized DayStatistics forDay(LocalDate tradeDay, java.util.Collection<String> processes) {
    settle(clock.instant());
    long[] sum = new long[7];
    Map<String, long[]> m = days.get(requireNonNull(tradeDay, "tradeDay"));
    if (m != null) {
      for (String p : processes) {
        long[] c = m.get(p);
        if (c != null) {
          for (int i = 0; i < sum.length; i++) {
            sum[i] += c[i];
          }
        }
      }
    }
    return stats(tradeDay, sum);
  }

  /** The trade days with counters, oldest first. */
  public synchronized SortedSet<LocalDate> days() {
    settle(clock.instant());
    return new TreeSet<>(days.keySet());
  }

  /** The processes with counters on {@code tradeDay}. */
  public synchronized List<String> processes(LocalDate tradeDay) {
    settle(clock.instant());
    Map<String, long[]> m = days.get(tradeDay);
    return m == null ? List.of() : List.copyOf(new TreeSet<>(m.keySet()));
  }

  private static DayStatistics stats(LocalDate d, long[] c) {
    return new DayStatistics(d, c[STARTS], c[RESTARTS], c[CRASHES], c[DEFERRED], c[OUTSIDE], c[RECOVERIES],
        Duration.ofNanos(c[RECOVERIES] == 0 ? 0 : c[RECOVER_NANOS] / c[RECOVERIES]));
  }
}
