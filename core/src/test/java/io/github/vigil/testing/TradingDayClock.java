package io.github.vigil.testing;

import io.github.vigil.Scheduler;
import io.github.vigil.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;

/**
 * The fake clock of the calendar tests: one object that is the supervisor's {@link Ticker}, its {@link Scheduler} and
 * its wall clock ({@link InstantSource}), set to a local time on a trading day in an exchange's zone, and moving only
 * when told. Hand it to every builder ({@code .ticker(clock).scheduler(clock).instantSource(clock)}), name times as
 * {@code clock.at("12:02")} and move with {@code clock.advanceTo(clock.at("12:02"))}.
 *
 * <p>Built on {@link FakeTicker} and {@link ManualScheduler}: {@link #advance} and {@link #advanceTo} run every task
 * that falls due on the calling thread, in due order, each at its due time; the wall clock reads the start plus the
 * ticker's time since the clock was made. Shared through core's test-jar with the other modules' suites; not in
 * vigil-test, which depends on core, so that core's own calendar tests use the same clock.
 *
 * <p>Thread-safe: {@link #instant}, {@link #read}, {@link #schedule} and {@link #pending} may be called from any thread
 * (the supervision and listener threads do); {@link #advance}, {@link #advanceTo}, {@link #moveTo} and {@link #runDue} are meant for the test's
 * thread.
 */
public final class TradingDayClock implements Ticker, Scheduler, InstantSource {
  private final ZoneId zone;
  private final LocalDate day;
  private final Instant start;
  private final FakeTicker ticker = new FakeTicker();
  private final long origin = ticker.read();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);

  private TradingDayClock(ZoneId zone, LocalDate day, LocalTime start) {
    this.zone = zone;
    this.day = day;
    this.start = LocalDateTime.of(day, start).atZone(zone).toInstant();
  }

  /**
   * A clock that reads {@code hhmm} on {@code day} in {@code zone}; {@link #at(String)} names times on that day.
   *
   * @throws java.time.format.DateTimeParseException if {@code hhmm} is no local time such as {@code "07:30"}
   */
  public static TradingDayClock startingAt(ZoneId zone, LocalDate day, String hhmm) {
    return new TradingDayClock(zone, day, LocalTime.parse(hhmm));
  }

  /**
   * The instant of {@code hhmm} (as {@code "12:02"}, or {@code "12:05:29"}) on this clock's day, in its zone.
   *
   * @throws java.time.format.DateTimeParseException if {@code hhmm} is no local time
   */
  public Instant at(String hhmm) {
    return at(day, hhmm);
  }

  /** The instant of {@code hhmm} on the given date, in this clock's zone (a night session's close falls on the next day). */
  public Instant at(int year, int month, int dayOfMonth, String hhmm) {
    return at(LocalDate.of(year, month, dayOfMonth), hhmm);
  }

  private Instant at(LocalDate date, String hhmm) {
    return LocalDateTime.of(date, LocalTime.parse(hhmm)).atZone(zone).toInstant();
  }

  /** The wall clock: the start plus the time this clock has moved. */
  @Override
  public Instant instant() {
    return start.plusNanos(ticker.read() - origin);
  }

  /** The monotonic reading, in nanoseconds. */
  @Override
  public long read() {
    return ticker.read();
  }

  /** Runs {@code task} when this clock is moved to {@code delay} from now or past it. */
  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    return scheduler.schedule(delay, task);
  }

  /** Moves time forward by {@code d}, running every task that falls due, at its due time. */
  public void advance(Duration d) {
    scheduler.advance(d);
  }

  /**
   * Moves time forward to {@code t}, running every task that falls due, at its due time; afterwards the clock reads
   * {@code t}.
   *
   * @throws IllegalArgumentException if {@code t} is before what the clock reads (it cannot go back)
   */
  public void advanceTo(Instant t) {
    Instant now = instant();
    if (t.isBefore(now)) {
      throw new IllegalArgumentException("the clock cannot go back: it reads " + now + ", asked for " + t);
    }
    scheduler.advance(Duration.between(now, t));
    if (!instant().equals(t)) {
      throw new IllegalStateException("moved to " + t + " but the clock reads " + instant());
    }
  }

  /**
   * Moves time forward to {@code t} without running what falls due by then: a schedule's edge the clock has passed
   * whose tick has not run yet (the race of an exit with that edge), until {@link #runDue} or the next advance.
   *
   * @throws IllegalArgumentException if {@code t} is before what the clock reads (it cannot go back)
   */
  public void moveTo(Instant t) {
    Instant now = instant();
    if (t.isBefore(now)) {
      throw new IllegalArgumentException("the clock cannot go back: it reads " + now + ", asked for " + t);
    }
    ticker.advance(Duration.between(now, t));
  }

  /** Runs the tasks due by now, in due order: those {@link #moveTo} passed. */
  public void runDue() {
    scheduler.advance(Duration.ZERO);
  }

  /** Delays from now of the tasks waiting (not cancelled), in due order. */
  public List<Duration> pending() {
    return scheduler.pending();
  }

  @Override
  public String toString() {
    return "TradingDayClock{" + instant().atZone(zone).toLocalDateTime() + " " + zone + ", " + pending().size() + " pending}";
  }
}
