package io.github.vigil.calendar;

import static java.util.Objects.requireNonNull;

import io.github.vigil.Origin;
import io.github.vigil.ProcessState;
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
 * <p>An event counts on the trade day of its time stamp; a recovery on the trade day of the crash.
 * Exits recorded as {@link SupervisorEvent.OutsideWindow} count only as {@code outsideWindow}. The last
 * {@value #KEPT_DAYS} trade days are kept.
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
  private final Map<String, Instant> crashedAt = new HashMap<>();

  // counter slots
  private static final int STARTS = 0;
  private static final int RESTARTS = 1;
  private static final int CRASHES = 2;
  private static final int DEFERRED = 3;
  private static final int OUTSIDE = 4;
  private static final int RECOVERIES = 5;
  private static final int RECOVER_NANOS = 6;

  TradeDayStatistics(Function<SupervisorEvent, Optional<LocalDate>> dayOf, Function<Instant, Optional<LocalDate>> today, InstantSource clock) {
    this.dayOf = dayOf;
    this.today = today;
    this.clock = clock;
  }

  /** Statistics filed by one calendar; subscribe it to a supervisor. */
  public static TradeDayStatistics of(TradingCalendar calendar, InstantSource clock) {
    requireNonNull(calendar, "calendar");
    return new TradeDayStatistics(e -> Optional.of(calendar.tradeDay(e.at())), t -> Optional.of(calendar.tradeDay(t)),
        requireNonNull(clock, "clock"));
  }

  @Override
  public synchronized void onEvent(SupervisorEvent event) {
    Optional<LocalDate> day = dayOf.apply(event);
    if (day.isEmpty() || event instanceof SupervisorEvent.SessionOpened || event instanceof SupervisorEvent.SessionClosed) {
      return;
    }
    String p = event.process();
    if (event instanceof SupervisorEvent.Started) {
      counters(day.get(), p)[STARTS]++;
    } else if (event instanceof SupervisorEvent.StateChanged s) {
      if (s.to() == ProcessState.CRASHED) {
        counters(day.get(), p)[CRASHES]++;
        crashedAt.putIfAbsent(p, s.at());
      } else if (s.to() == ProcessState.STARTING && s.origin() == Origin.POLICY && s.from() != ProcessState.STOPPED) {
        // a restart of its own policy (after an exit, a backoff, a wait); a sibling its group stopped and starts again
        // (REST_FOR_ONE) comes from STOPPED and is no restart of it, as ProcessStatus.restarts() does not count it
        counters(day.get(), p)[RESTARTS]++;
      } else if (s.to() == ProcessState.RUNNING) {
        Instant crash = crashedAt.remove(p);
        if (crash != null) {
          LocalDate crashDay = dayOf.apply(new SupervisorEvent.Removed(p, crash)).orElse(day.get());
          long[] c = counters(crashDay, p);
          c[RECOVERIES]++;
          c[RECOVER_NANOS] += Duration.between(crash, s.at()).toNanos();
        }
      } else if (s.to() == ProcessState.STOPPED) {
        crashedAt.remove(p);
      }
    } else if (event instanceof SupervisorEvent.RestartDeferred) {
      counters(day.get(), p)[DEFERRED]++;
    } else if (event instanceof SupervisorEvent.OutsideWindow o) {
      if (o.event() instanceof SupervisorEvent.Exited || o.event() instanceof SupervisorEvent.AttachedLost) {
        counters(day.get(), p)[OUTSIDE]++;
      }
    }
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
    Map<String, long[]> m = days.get(requireNonNull(tradeDay, "tradeDay"));
    long[] c = m == null ? null : m.get(process);
    return c == null ? DayStatistics.empty(tradeDay) : stats(tradeDay, c);
  }

  /** All processes' counters of {@code tradeDay}, summed. */
  public synchronized DayStatistics forDay(LocalDate tradeDay) {
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
    return new TreeSet<>(days.keySet());
  }

  /** The processes with counters on {@code tradeDay}. */
  public synchronized List<String> processes(LocalDate tradeDay) {
    Map<String, long[]> m = days.get(tradeDay);
    return m == null ? List.of() : List.copyOf(new TreeSet<>(m.keySet()));
  }

  private static DayStatistics stats(LocalDate d, long[] c) {
    return new DayStatistics(d, c[STARTS], c[RESTARTS], c[CRASHES], c[DEFERRED], c[OUTSIDE], c[RECOVERIES],
        Duration.ofNanos(c[RECOVERIES] == 0 ? 0 : c[RECOVER_NANOS] / c[RECOVERIES]));
  }
}
