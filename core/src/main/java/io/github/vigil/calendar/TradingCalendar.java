package io.github.vigil.calendar;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An exchange's trading calendar: its time zone, its trading days, the sessions of each trading day,
 * and the cut-over that assigns every instant, in session or not, to exactly one trade day.
 *
 * <pre>{@code
 * TradingCalendar shfe = TradingCalendar.builder("shfe").zone(ZoneId.of("Asia/Shanghai"))
 *     .cutOver(LocalTime.of(18, 0))
 *     .session(new SessionRule("night", LocalTime.of(21, 0), LocalTime.of(2, 30),
 *         SessionRule.Opens.PREVIOUS_TRADING_DAY, SessionRule.Held.NOT_AFTER_HOLIDAY))
 *     .session(SessionRule.of("morning", LocalTime.of(9, 0), LocalTime.of(11, 30)))
 *     .session(SessionRule.of("afternoon", LocalTime.of(13, 30), LocalTime.of(15, 0)))
 *     .holidays(Holidays.parseList("2026-10-01..2026-10-07", "holidays"))
 *     .build();
 * LocalDate day = shfe.tradeDay(Instant.parse("2026-09-25T13:30:00Z"));  // Friday 21:30: trade day Monday 2026-09-28
 * }</pre>
 *
 * <p><b>Trading days</b> are the trading weekdays (Monday to Friday unless set) that are not
 * holidays, plus any extra trading days. A <em>holiday</em>, for {@link SessionRule.Held#NOT_AFTER_HOLIDAY},
 * is a listed holiday or a trading weekday that is not traded; weekends are not holidays.
 *
 * <p><b>Trade days and the cut-over.</b> With a cut-over time {@code C} (local) that is later than
 * the first open of a day (an <em>evening</em> cut-over, e.g. 18:00, and always when a session opens
 * the day before), the instants from {@code C} on calendar day {@code d - 1} up to {@code C} on day
 * {@code d} belong to the first trading day on or after {@code d}. A cut-over at or before every open
 * (a <em>morning</em> cut-over, e.g. {@code 00:00} or 06:00) starts day {@code d}'s span at {@code C}
 * on {@code d} itself. So with {@code C = 18:00}, Friday 21:00 and Saturday 01:00 belong to Monday,
 * and a whole holiday belongs to the trading day after it. Every session must lie inside its trade day's span
 * ({@link Builder#build()} checks this), so an instant inside a session belongs to that session's
 * trade day, and {@link #tradeDay(Instant)} never decreases as time advances.
 *
 * <p><b>Daylight saving time.</b> Every local time (opens, closes, the cut-over) is resolved on its
 * own date: a local time that falls in a gap (clocks go forward) resolves to the instant the gap ends,
 * e.g. 02:30 on the day clocks jump from 02:00 to 03:00 resolves to 03:00 new time; a local time that
 * occurs twice (clocks go back) resolves to its first occurrence. A session therefore lasts an hour
 * more or less over a change (CME's Sunday-to-Monday session is 22 or 24 hours in those weeks), and a
 * session that lies wholly in a gap is not held that day. Cut-over instants still strictly increase
 * from day to day, which is what keeps trade days monotonic.
 *
 * <p><b>File format</b> ({@link #parse(List, String)}, {@link #load(Path)}): lines of
 * {@code key = value}; {@code #} starts a comment; {@code session}, {@code holidays} and
 * {@code extra-trading-days} may repeat.
 * <pre>
 * name      = shfe
 * zone      = Asia/Shanghai
 * cut-over  = 18:00                      # default: the earliest evening open, else 00:00
 * weekdays  = MON-FRI                    # or MON,TUE,WED,THU,FRI
 * session   = night 21:00-02:30 previous-trading-day not-after-holiday
 * session   = morning 09:00-11:30
 * holidays  = 2026-01-01, 2026-10-01..2026-10-07
 * holidays-file = shfe-2026.holidays     # one date per line, relative to this file
 * extra-trading-days = 2026-09-26
 * </pre>
 * Session options: {@code previous-calendar-day} or {@code previous-trading-day} (default: the trade
 * day itself), and {@code not-after-holiday} (default: always held).
 *
 * <p>Immutable and thread-safe.
 */
public final class TradingCalendar {
  /** How far the day searches look before concluding a calendar has no trading day. */
  private static final int SEARCH_DAYS = 3700;

  private final String name;
  private final ZoneId zone;
  private final ZoneRules rules;
  private final LocalTime cutOver;
  private final Set<DayOfWeek> weekdays;
  private final SortedSet<LocalDate> holidays;
  private final SortedSet<LocalDate> extraTradingDays;
  private final List<SessionRule> sessions;

  /** Whether trade day {@code d}'s span starts at the cut-over on {@code d} itself (else on the day before). */
  private final boolean morningCutOver;

  private TradingCalendar(Builder b, LocalTime cutOver, boolean morningCutOver) {
    this.morningCutOver = morningCutOver;
    this.name = b.name;
    this.zone = requireNonNull(b.zone);
    this.rules = zone.getRules();
    this.cutOver = cutOver;
    this.weekdays = java.util.Collections.unmodifiableSet(EnumSet.copyOf(b.weekdays));
    this.holidays = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(b.holidays));
    this.extraTradingDays = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(b.extraTradingDays));
    List<SessionRule> sorted = new ArrayList<>(b.sessions);
    sorted.sort(Comparator.comparingInt(SessionRule::openSecond));
    this.sessions = List.copyOf(sorted);
  }

  /** A builder for a calendar of this name (letters, digits, {@code .}, {@code _}, {@code -}). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Reads a calendar file (UTF-8); a {@code holidays-file} in it is read relative to the file's folder. Errors name the
   * file by its full (absolute) path, once: {@code line 7 of /etc/desk/shfe.calendar: '2026-13-01' is not a date
   * (expected yyyy-mm-dd)}, {@code cannot read calendar file /etc/desk/shfe.calendar: it does not exist}.
   *
   * @throws IllegalArgumentException on a malformed line, naming the file, the line and the value
   * @throws UncheckedIOException when a file cannot be read, naming it
   */
  public static TradingCalendar load(Path file) {
    requireNonNull(file, "file");
    Path path = file.toAbsolutePath().normalize();
    List<String> lines;
    try {
      lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read calendar file " + path + ": " + Holidays.why(e), e);
    }
    return CalendarFormat.parse(lines, path.toString(), path.getParent());
  }

  /**
   * Parses the lines of a calendar file; {@code source} names it in errors. A {@code holidays-file}
   * is read relative to the working directory.
   *
   * @throws IllegalArgumentException on a malformed line, naming the source, the line and the value
   */
  public static TradingCalendar parse(List<String> lines, String source) {
    return CalendarFormat.parse(requireNonNull(lines, "lines"), requireNonNull(source, "source"), null);
  }

  /**
   * Parses trading weekdays as the calendar file writes them: {@code MON-FRI}, {@code SUN-THU} or
   * {@code MON,TUE,WED}.
   *
   * @throws IllegalArgumentException naming the value that is not a weekday
   */
  public static Set<DayOfWeek> parseWeekdays(String text) {
    return CalendarFormat.weekdays(requireNonNull(text, "text"), "weekdays '" + text + "'");
  }

  /** The calendar's name. */
  public String name() {
    return name;
  }

  /** The zone its local times are in. */
  public ZoneId zone() {
    return zone;
  }

  /** The local time at which the trade day moves on. */
  public LocalTime cutOver() {
    return cutOver;
  }

  /** The weekdays that trade unless they are holidays. */
  public Set<DayOfWeek> tradingWeekdays() {
    return weekdays;
  }

  /** The listed holidays, in order. */
  public SortedSet<LocalDate> holidays() {
    return holidays;
  }

  /** Days that trade although their weekday does not, in order. */
  public SortedSet<LocalDate> extraTradingDays() {
    return extraTradingDays;
  }

  /** The session rules, in the order their sessions open within a trade day. */
  public List<SessionRule> sessionRules() {
    return sessions;
  }

  /** Whether {@code date} is a trading day. */
  public boolean isTradingDay(LocalDate date) {
    if (extraTradingDays.contains(date)) {
      return true;
    }
    return weekdays.contains(date.getDayOfWeek()) && !holidays.contains(date);
  }

  /** Whether {@code date} is a holiday: listed, or a trading weekday that does not trade. */
  public boolean isHoliday(LocalDate date) {
    return !isTradingDay(date) && (holidays.contains(date) || weekdays.contains(date.getDayOfWeek()));
  }

  /** The first trading day on or after {@code date}. */
  public LocalDate tradingDayOnOrAfter(LocalDate date) {
    LocalDate d = date;
    for (int i = 0; i < SEARCH_DAYS; i++, d = d.plusDays(1)) {
      if (isTradingDay(d)) {
        return d;
      }
    }
    throw new IllegalStateException("calendar '" + name + "' has no trading day within " + SEARCH_DAYS + " days from " + date);
  }

  /** The first trading day after {@code date}. */
  public LocalDate nextTradingDay(LocalDate date) {
    return tradingDayOnOrAfter(date.plusDays(1));
  }

  /** The last trading day before {@code date}. */
  public LocalDate previousTradingDay(LocalDate date) {
    LocalDate d = date.minusDays(1);
    for (int i = 0; i < SEARCH_DAYS; i++, d = d.minusDays(1)) {
      if (isTradingDay(d)) {
        return d;
      }
    }
    throw new IllegalStateException("calendar '" + name + "' has no trading day within " + SEARCH_DAYS + " days before " + date);
  }

  /**
   * The trade day {@code t} is filed under: the first trading day on or after the calendar day whose
   * span (from the cut-over before it to the cut-over ending it) holds {@code t}.
   */
  public LocalDate tradeDay(Instant t) {
    return tradingDayOnOrAfter(spanDay(t));
  }

  /** The calendar day {@code d} with {@code spanStart(d) <= t < spanStart(d + 1)}. */
  private LocalDate spanDay(Instant t) {
    LocalDateTime local = LocalDateTime.ofInstant(t, zone);
    LocalDate d = local.toLocalDate();
    if (!morningCutOver && !local.toLocalTime().isBefore(cutOver)) {
      d = d.plusDays(1);
    }
    while (spanStart(d).isAfter(t)) {
      d = d.minusDays(1);
    }
    while (!spanStart(d.plusDays(1)).isAfter(t)) {
      d = d.plusDays(1);
    }
    return d;
  }

  /** The cut-over instant that starts calendar day {@code d}'s span. */
  private Instant spanStart(LocalDate d) {
    return resolve((morningCutOver ? d : d.minusDays(1)).atTime(cutOver));
  }

  /** The instant trade day {@code tradeDay} begins: the cut-over after the previous trading day. */
  public Instant tradeDayStart(LocalDate tradeDay) {
    requireTradingDay(tradeDay);
    return spanStart(previousTradingDay(tradeDay).plusDays(1));
  }

  /** The instant trade day {@code tradeDay} ends: the cut-over at which the next one begins. */
  public Instant tradeDayEnd(LocalDate tradeDay) {
    requireTradingDay(tradeDay);
    return spanStart(tradeDay.plusDays(1));
  }

  /** The next instant after {@code t} at which {@link #tradeDay} changes. */
  public Instant nextCutOver(Instant t) {
    return tradeDayEnd(tradeDay(t));
  }

  private void requireTradingDay(LocalDate d) {
    requireNonNull(d, "tradeDay");
    if (!isTradingDay(d)) {
      throw new IllegalArgumentException("calendar '" + name + "': " + d + " is not a trading day");
    }
  }

  /**
   * The sessions of {@code tradeDay}, in order; empty when it is not a trading day. A session whose
   * rule does not hold that day ({@link SessionRule.Held}) or that lies wholly in a DST gap is left out.
   */
  public List<Session> sessions(LocalDate tradeDay) {
    requireNonNull(tradeDay, "tradeDay");
    if (!isTradingDay(tradeDay)) {
      return List.of();
    }
    List<Session> out = new ArrayList<>(sessions.size());
    for (SessionRule r : sessions) {
      LocalDate openDay = switch (r.opens()) {
        case SAME_DAY -> tradeDay;
        case PREVIOUS_CALENDAR_DAY -> tradeDay.minusDays(1);
        case PREVIOUS_TRADING_DAY -> previousTradingDay(tradeDay);
      };
      if (r.held() == SessionRule.Held.NOT_AFTER_HOLIDAY && holidayBetween(openDay, tradeDay)) {
        continue;
      }
      LocalDateTime open = openDay.atTime(r.open());
      LocalDateTime close = (r.close().isAfter(r.open()) ? openDay : openDay.plusDays(1)).atTime(r.close());
      Instant o = resolve(open);
      Instant c = resolve(close);
      if (c.isAfter(o)) {
        out.add(new Session(name, tradeDay, r.name(), o, c));
      }
    }
    return List.copyOf(out);
  }

  private boolean holidayBetween(LocalDate from, LocalDate toExclusive) {
    for (LocalDate d = from; d.isBefore(toExclusive); d = d.plusDays(1)) {
      if (isHoliday(d)) {
        return true;
      }
    }
    return false;
  }

  /** The session open at {@code t}, if any. */
  public Optional<Session> sessionAt(Instant t) {
    for (Session s : sessions(tradeDay(t))) {
      if (s.contains(t)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** Whether a session is open at {@code t}. */
  public boolean isOpen(Instant t) {
    return sessionAt(t).isPresent();
  }

  /** The first session that opens after {@code t} (strictly). */
  public Session nextSession(Instant t) {
    LocalDate d = tradeDay(t);
    for (int i = 0; i < SEARCH_DAYS; i++, d = nextTradingDay(d)) {
      for (Session s : sessions(d)) {
        if (s.open().isAfter(t)) {
          return s;
        }
      }
    }
    throw new IllegalStateException("calendar '" + name + "' has no session within " + SEARCH_DAYS + " trading days after " + t);
  }

  /** The session open at {@code t}, else the next one to open. */
  public Session currentOrNextSession(Instant t) {
    return sessionAt(t).orElseGet(() -> nextSession(t));
  }

  /** The next instant after {@code t} at which a session opens. */
  public Instant nextOpen(Instant t) {
    return nextSession(t).open();
  }

  /** The next instant after {@code t} at which a session closes. */
  public Instant nextClose(Instant t) {
    return sessionAt(t).map(Session::close).orElseGet(() -> nextSession(t).close());
  }

  /** The first session of the first trade day on or after {@code t}'s trade day that has any, and its last. */
  List<Session> sessionsOfDayOnOrAfter(LocalDate d) {
    LocalDate day = tradingDayOnOrAfter(d);
    for (int i = 0; i < SEARCH_DAYS; i++, day = nextTradingDay(day)) {
      List<Session> s = sessions(day);
      if (!s.isEmpty()) {
        return s;
      }
    }
    throw new IllegalStateException("calendar '" + name + "' has no session within " + SEARCH_DAYS + " trading days after " + d);
  }

  /**
   * Resolves a local date-time in the calendar's zone: in a gap, to the instant the gap ends; in an
   * overlap, to the first occurrence.
   */
  public Instant resolve(LocalDateTime local) {
    List<ZoneOffset> offsets = rules.getValidOffsets(local);
    if (offsets.isEmpty()) {
      ZoneOffsetTransition gap = rules.getTransition(local);
      return gap.getInstant();
    }
    ZoneOffset earliest = offsets.get(0);
    for (ZoneOffset o : offsets) {
      if (o.getTotalSeconds() > earliest.getTotalSeconds()) {
        earliest = o; // the larger offset gives the earlier instant
      }
    }
    return local.toInstant(earliest);
  }

  /** The calendar in its file format; {@link #parse} reads it back to an equal calendar. */
  public String format() {
    StringBuilder sb = new StringBuilder();
    sb.append("name = ").append(name).append('\n');
    sb.append("zone = ").append(zone.getId()).append('\n');
    sb.append("cut-over = ").append(cutOver).append('\n');
    StringBuilder days = new StringBuilder();
    for (DayOfWeek w : weekdays) {
      days.append(days.length() == 0 ? "" : ",").append(w.name(), 0, 3);
    }
    sb.append("weekdays = ").append(days).append('\n');
    for (SessionRule r : sessions) {
      sb.append("session = ").append(r).append('\n');
    }
    for (LocalDate h : holidays) {
      sb.append("holidays = ").append(h).append('\n');
    }
    for (LocalDate x : extraTradingDays) {
      sb.append("extra-trading-days = ").append(x).append('\n');
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TradingCalendar c && name.equals(c.name) && zone.equals(c.zone) && cutOver.equals(c.cutOver)
        && weekdays.equals(c.weekdays) && holidays.equals(c.holidays) && extraTradingDays.equals(c.extraTradingDays)
        && sessions.equals(c.sessions);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(name, zone, cutOver, weekdays, holidays, extraTradingDays, sessions);
  }

  @Override
  public String toString() {
    return "TradingCalendar[" + name + ", " + zone + ", cut-over " + cutOver + ", sessions " + sessions + ", "
        + holidays.size() + " holidays]";
  }

  /**
   * Builds a {@link TradingCalendar}. Setters check their argument at once, {@link #build()} the
   * whole; reusable, not thread-safe.
   */
  public static final class Builder {
    private final String name;
    private ZoneId zone;
    private LocalTime cutOver;
    private Set<DayOfWeek> weekdays = EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);
    private final Set<LocalDate> holidays = new HashSet<>();
    private final Set<LocalDate> extraTradingDays = new HashSet<>();
    private final List<SessionRule> sessions = new ArrayList<>();

    private Builder(String name) {
      if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) {
        throw new IllegalArgumentException("calendar name must be 1 to 64 letters, digits, '.', '_' or '-': '" + name + "'");
      }
      this.name = name;
    }

    /** The zone of every local time; required. */
    public Builder zone(ZoneId z) {
      this.zone = requireNonNull(z, "zone");
      return this;
    }

    /**
     * The local time at which the trade day moves on (see {@link TradingCalendar}). By default the
     * earliest open of a session opening the day before, or {@code 00:00} when there is none.
     */
    public Builder cutOver(LocalTime t) {
      requireNonNull(t, "cutOver");
      if (t.getNano() != 0) {
        throw new IllegalArgumentException("cutOver must be whole seconds: " + t);
      }
      this.cutOver = t;
      return this;
    }

    /** The weekdays that trade unless they are holidays; Monday to Friday by default. */
    public Builder tradingWeekdays(Collection<DayOfWeek> days) {
      requireNonNull(days, "tradingWeekdays");
      if (days.isEmpty()) {
        throw new IllegalArgumentException("tradingWeekdays must not be empty");
      }
      this.weekdays = EnumSet.copyOf(days);
      return this;
    }

    /** Adds holidays. */
    public Builder holidays(Collection<LocalDate> dates) {
      for (LocalDate d : requireNonNull(dates, "holidays")) {
        holidays.add(requireNonNull(d, "holiday"));
      }
      return this;
    }

    /** Adds one holiday. */
    public Builder holiday(LocalDate date) {
      holidays.add(requireNonNull(date, "holiday"));
      return this;
    }

    /** Adds days that trade although their weekday does not (they win over holidays). */
    public Builder extraTradingDays(Collection<LocalDate> dates) {
      for (LocalDate d : requireNonNull(dates, "extraTradingDays")) {
        extraTradingDays.add(requireNonNull(d, "extraTradingDay"));
      }
      return this;
    }

    /** Adds a session rule; names must be unique. */
    public Builder session(SessionRule rule) {
      requireNonNull(rule, "session");
      for (SessionRule r : sessions) {
        if (r.name().equals(rule.name())) {
          throw new IllegalArgumentException("calendar '" + name + "' has two sessions named '" + rule.name() + "'");
        }
      }
      sessions.add(rule);
      return this;
    }

    /**
     * Creates the calendar.
     *
     * @throws IllegalArgumentException when the zone is missing, there is no session, sessions overlap,
     *     or a session lies outside its trade day's span from cut-over to cut-over, naming them
     */
    public TradingCalendar build() {
      if (zone == null) {
        throw new IllegalArgumentException("calendar '" + name + "' needs a zone");
      }
      if (sessions.isEmpty()) {
        throw new IllegalArgumentException("calendar '" + name + "' needs at least one session");
      }
      LocalTime c = cutOver;
      if (c == null) {
        c = sessions.stream().filter(r -> r.opens() != SessionRule.Opens.SAME_DAY).map(SessionRule::open)
            .min(Comparator.naturalOrder()).orElse(LocalTime.MIDNIGHT);
      }
      List<SessionRule> sorted = new ArrayList<>(sessions);
      sorted.sort(Comparator.comparingInt(SessionRule::openSecond));
      int cut = c.toSecondOfDay();
      boolean morning = sorted.get(0).openSecond() >= cut;
      int spanStart = morning ? cut : cut - 86_400;
      if (sorted.stream().map(SessionRule::opens).filter(o -> o != SessionRule.Opens.SAME_DAY).distinct().count() > 1) {
        throw new IllegalArgumentException("calendar '" + name + "': sessions opening the day before must all open on the previous calendar day "
            + "or all on the previous trading day: " + sorted);
      }
      SessionRule previous = null;
      for (SessionRule r : sorted) {
        int open = r.openSecond();
        int close = open + r.lengthSeconds();
        if (open < spanStart || close > spanStart + 86_400) {
          throw new IllegalArgumentException("calendar '" + name + "': session '" + r + "' is not inside its trade day, which runs from the cut-over "
              + c + (morning ? " on the day" : " the day before") + " to the cut-over " + c + (morning ? " the day after" : " on the day"));
        }
        if (previous != null && previous.openSecond() + previous.lengthSeconds() > open) {
          throw new IllegalArgumentException("calendar '" + name + "': sessions '" + previous + "' and '" + r + "' overlap");
        }
        previous = r;
      }
      if (extraTradingDays.isEmpty() && weekdays.isEmpty()) {
        throw new IllegalArgumentException("calendar '" + name + "' has no trading day");
      }
      return new TradingCalendar(this, c, morning);
    }

    @Override
    public String toString() {
      return "TradingCalendar.Builder[" + name + ", " + zone + ", cut-over " + cutOver + ", sessions " + sessions + ", weekdays "
          + weekdays.toString().toLowerCase(Locale.ROOT) + "]";
    }
  }
}
