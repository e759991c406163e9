package io.github.vigil.calendar;

import static java.util.Objects.requireNonNull;

import io.github.vigil.HumanFormat;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * When a supervised process should run, or an attachment be watched, by a trading calendar.
 *
 * <ul>
 *   <li>{@link #always()}: today's behaviour, the default; with a calendar ({@link #always(TradingCalendar)})
 *       only to give it freeze windows.
 *   <li>{@link #inSession(TradingCalendar)}: started {@link #lead()} before the first session of each
 *       trade day opens, supervised (restarted by its policy) until the last session closes, then no
 *       longer restarted, and stopped gracefully {@link #lag()} after that close; kept down between
 *       trade days and on days without sessions. Between the sessions of one day it stays up (through
 *       gaps up to {@link #maxGap()}, 12 hours by default), or, with {@link BetweenSessions#STOP}, gets
 *       a window per session. For an attachment the same window,
 *       from open minus lead to close plus lag, is its watch window.
 * </ul>
 * {@link FreezeWindow}s add times in which a crashed process is not restarted.
 *
 * <pre>{@code
 * Schedule gateway = Schedule.inSession(shfe).withLead(Duration.ofMinutes(5)).withLag(Duration.ofMinutes(10))
 *     .withFreeze(FreezeWindow.daily("closing-auction", LocalTime.of(14, 57), LocalTime.of(15, 0)));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind always or in session
 * @param calendar the calendar, or {@code null} for {@link #always()}
 * @param lead how long before the first open a process starts (at most 12 hours)
 * @param lag how long after the last close it is stopped (at most 12 hours)
 * @param betweenSessions whether it stays up between the sessions of one trade day
 * @param maxGap with {@link BetweenSessions#STAY_UP}, the longest gap between two sessions of a trade
 *     day that it stays up through (12 hours by default): a Shanghai Monday's night session opens on
 *     Friday evening, and the process is not kept up over the weekend until Monday's day session; positive (to
 *     stop between every two sessions, use {@link BetweenSessions#STOP})
 * @param freezes times without restarts, each with its own name
 */
public record Schedule(Kind kind, @Nullable TradingCalendar calendar, Duration lead, Duration lag, BetweenSessions betweenSessions,
    Duration maxGap, List<FreezeWindow> freezes) {

  /** Always, or by sessions. */
  public enum Kind {
    ALWAYS,
    IN_SESSION
  }

  /** What a process does between two sessions of one trade day. */
  public enum BetweenSessions {
    STAY_UP,
    STOP
  }

  /** Where a schedule is at an instant. */
  public enum Phase {
    /** Always up and supervised. */
    ALWAYS,
    /** Inside its window: up and restarted by its policy. */
    UP,
    /** After the close, before the lag ends: up, but not restarted. */
    CLOSING,
    /** Outside its window: kept down (an attachment: not watched). */
    DOWN
  }

  private static final Duration MAX_SHIFT = Duration.ofHours(12);

  /** The default {@link #maxGap()}: 12 hours. */
  public static final Duration DEFAULT_MAX_GAP = Duration.ofHours(12);

  public Schedule {
    requireNonNull(kind, "kind");
    requireNonNull(lead, "lead");
    requireNonNull(lag, "lag");
    requireNonNull(betweenSessions, "betweenSessions");
    requireNonNull(maxGap, "maxGap");
    freezes = List.copyOf(freezes);
    if (maxGap.isNegative() || maxGap.isZero()) {
      throw new IllegalArgumentException("maxGap must be positive: " + HumanFormat.duration(maxGap));
    }
    if (kind == Kind.IN_SESSION && calendar == null) {
      throw new IllegalArgumentException("an in-session schedule needs a calendar");
    }
    if (!freezes.isEmpty() && calendar == null) {
      throw new IllegalArgumentException("freeze windows need a calendar: use Schedule.always(calendar) or inSession(calendar)");
    }
    Set<String> names = new HashSet<>();
    for (FreezeWindow f : freezes) {
      if (!names.add(f.name())) { // events and logs name a window: two of one name could not be told apart
        throw new IllegalArgumentException("freeze window '" + f.name() + "' is given twice: each freeze window of a schedule needs its own name");
      }
    }
    if (lead.isNegative() || lead.compareTo(MAX_SHIFT) > 0) {
      throw new IllegalArgumentException("lead must be between 0 and 12 hours: " + HumanFormat.duration(lead));
    }
    if (lag.isNegative() || lag.compareTo(MAX_SHIFT) > 0) {
      throw new IllegalArgumentException("lag must be between 0 and 12 hours: " + HumanFormat.duration(lag));
    }
  }

  /** Always up and supervised: the default. */
  public static Schedule always() {
    return new Schedule(Kind.ALWAYS, null, Duration.ZERO, Duration.ZERO, BetweenSessions.STAY_UP, DEFAULT_MAX_GAP, List.of());
  }

  /** Always up, with a calendar for {@linkplain #withFreeze freeze windows}. */
  public static Schedule always(TradingCalendar calendar) {
    return new Schedule(Kind.ALWAYS, requireNonNull(calendar, "calendar"), Duration.ZERO, Duration.ZERO, BetweenSessions.STAY_UP, DEFAULT_MAX_GAP, List.of());
  }

  /** Up from the first open to the last close of each trade day, without lead or lag. */
  public static Schedule inSession(TradingCalendar calendar) {
    return new Schedule(Kind.IN_SESSION, requireNonNull(calendar, "calendar"), Duration.ZERO, Duration.ZERO, BetweenSessions.STAY_UP, DEFAULT_MAX_GAP, List.of());
  }

  /** Starts this long before the open. */
  public Schedule withLead(Duration d) {
    return new Schedule(kind, calendar, d, lag, betweenSessions, maxGap, freezes);
  }

  /** Stops this long after the close. */
  public Schedule withLag(Duration d) {
    return new Schedule(kind, calendar, lead, d, betweenSessions, maxGap, freezes);
  }

  /** Stays up between sessions of a day, or stops. */
  public Schedule withBetweenSessions(BetweenSessions b) {
    return new Schedule(kind, calendar, lead, lag, b, maxGap, freezes);
  }

  /**
   * With {@link BetweenSessions#STAY_UP}: stays up through gaps between sessions of a day up to this long, stops for longer ones.
   *
   * @throws IllegalArgumentException when {@code d} is zero or negative, naming it (to stop between every two sessions, use
   *     {@link #withBetweenSessions} {@link BetweenSessions#STOP})
   */
  public Schedule withMaxGap(Duration d) {
    return new Schedule(kind, calendar, lead, lag, betweenSessions, d, freezes);
  }

  /**
   * Adds a freeze window.
   *
   * @throws IllegalArgumentException when the schedule has a freeze window of that name already, naming it
   */
  public Schedule withFreeze(FreezeWindow w) {
    List<FreezeWindow> all = new ArrayList<>(freezes);
    all.add(requireNonNull(w, "freeze"));
    return new Schedule(kind, calendar, lead, lag, betweenSessions, maxGap, all);
  }

  /** One up window: started at {@code start}, supervised until {@code close}, stopped at {@code stop}. */
  record Window(LocalDate tradeDay, Instant start, Instant close, Instant stop) {}

  /** A freeze window in force: which, and until when. */
  record Freeze(FreezeWindow window, Instant start, Instant end) {}

  /** The up windows of {@code tradeDay}, in order (overlapping ones merged). */
  List<Window> windows(LocalDate tradeDay) {
    List<Session> sessions = requireNonNull(calendar).sessions(tradeDay);
    List<Window> out = new ArrayList<>();
    if (sessions.isEmpty()) {
      return out;
    }
    for (Session s : sessions) {
      Window w = new Window(tradeDay, s.open().minus(lead), s.close(), s.close().plus(lag));
      Window last = out.isEmpty() ? null : out.get(out.size() - 1);
      boolean stayUp = last != null && betweenSessions == BetweenSessions.STAY_UP
          && Duration.between(last.close(), s.open()).compareTo(maxGap) <= 0;
      if (last != null && (stayUp || !w.start().isAfter(last.stop()))) {
        out.set(out.size() - 1, new Window(tradeDay, last.start(), w.close(), w.stop()));
      } else {
        out.add(w);
      }
    }
    return out;
  }

  /** The trade days whose windows may hold {@code t}: the one {@code t} belongs to and its neighbours. */
  private List<LocalDate> daysAround(Instant t) {
    TradingCalendar c = requireNonNull(calendar);
    LocalDate d = c.tradeDay(t);
    return List.of(c.previousTradingDay(d), d, c.nextTradingDay(d));
  }

  /** Where the schedule is at {@code t}. */
  public Phase phaseAt(Instant t) {
    if (kind == Kind.ALWAYS) {
      return Phase.ALWAYS;
    }
    Phase p = Phase.DOWN;
    for (LocalDate d : daysAround(t)) {
      for (Window w : windows(d)) {
        if (!t.isBefore(w.start()) && t.isBefore(w.close())) {
          return Phase.UP;
        }
        if (!t.isBefore(w.close()) && t.isBefore(w.stop())) {
          p = Phase.CLOSING;
        }
      }
    }
    return p;
  }

  /** The freeze window in force at {@code t}, if any. */
  @Nullable Freeze freezeAt(Instant t) {
    if (freezes.isEmpty()) {
      return null;
    }
    for (LocalDate d : daysAround(t)) {
      for (FreezeWindow f : freezes) {
        for (Instant[] iv : f.intervals(calendar, d)) {
          if (!t.isBefore(iv[0]) && t.isBefore(iv[1])) {
            return new Freeze(f, iv[0], iv[1]);
          }
        }
      }
    }
    return null;
  }

  /** The next instant after {@code t} at which the phase or the freeze may change, or {@code null} for never. */
  public @Nullable Instant nextChange(Instant t) {
    if (calendar == null) {
      return null;
    }
    TradingCalendar c = calendar;
    Instant best = null;
    LocalDate d = c.previousTradingDay(c.tradeDay(t));
    for (int i = 0; i < 400 && (best == null || i < 4); i++, d = c.nextTradingDay(d)) {
      List<Instant> edges = new ArrayList<>();
      if (kind == Kind.IN_SESSION) {
        for (Window w : windows(d)) {
          edges.add(w.start());
          edges.add(w.close());
          edges.add(w.stop());
        }
      }
      for (FreezeWindow f : freezes) {
        for (Instant[] iv : f.intervals(c, d)) {
          edges.add(iv[0]);
          edges.add(iv[1]);
        }
      }
      for (Instant e : edges) {
        if (e.isAfter(t) && (best == null || e.isBefore(best))) {
          best = e;
        }
      }
    }
    return best;
  }

  @Override
  public String toString() {
    if (kind == Kind.ALWAYS) {
      return calendar == null ? "always" : "always (" + calendar.name() + ")" + (freezes.isEmpty() ? "" : ", freeze " + freezes);
    }
    return "in session (" + calendar.name() + "), lead " + HumanFormat.duration(lead) + ", lag " + HumanFormat.duration(lag)
        + (betweenSessions == BetweenSessions.STOP ? ", stopped between sessions"
            : ", up between sessions less than " + HumanFormat.duration(maxGap) + " apart")
        + (freezes.isEmpty() ? "" : ", freeze " + freezes);
  }
}
