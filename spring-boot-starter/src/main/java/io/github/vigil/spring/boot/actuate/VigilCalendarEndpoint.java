package io.github.vigil.spring.boot.actuate;

import static java.util.Objects.requireNonNull;

import io.github.vigil.Supervisor;
import io.github.vigil.calendar.DayStatistics;
import io.github.vigil.calendar.ScheduleState;
import io.github.vigil.calendar.Session;
import io.github.vigil.calendar.TradingCalendar;
import io.github.vigil.calendar.TradingSupervision;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The Actuator endpoint {@code vigilcalendars}: each calendar's trade day and its current and next
 * session, each schedule's state (phase, freeze window in force, next change), and each scheduled
 * process's counters of the current trade day. Read-only.
 *
 * <p>Thread-safe.
 */
@Endpoint(id = "vigilcalendars", defaultAccess = Access.READ_ONLY)
public class VigilCalendarEndpoint {
  private final TradingSupervision trading;
  private final InstantSource clock;
  private final @Nullable Supervisor supervisor;

  /** Describes {@code trading} at the instants of its own clock. */
  public VigilCalendarEndpoint(TradingSupervision trading) {
    this(trading, null);
  }

  /**
   * Describes {@code trading} at the instants of its own clock; a schedule of one of {@code supervisor}'s
   * supervision groups has the kind {@code group}.
   */
  public VigilCalendarEndpoint(TradingSupervision trading, @Nullable Supervisor supervisor) {
    this.trading = requireNonNull(trading, "trading");
    this.clock = trading.clock();
    this.supervisor = supervisor;
  }

  private String kind(ScheduleState s) {
    if (s.attachment()) {
      return "attachment";
    }
    return supervisor != null && supervisor.group(s.name()).isPresent() ? "group" : "process";
  }

  /** Everything: calendars, schedules and today's counters. */
  @ReadOperation
  public CalendarsDescriptor calendars() {
    Instant now = clock.instant();
    List<CalendarDescriptor> calendars = new ArrayList<>();
    for (TradingCalendar c : trading.calendars()) {
      Optional<Session> current = c.sessionAt(now);
      calendars.add(new CalendarDescriptor(c.name(), c.zone().getId(), c.tradeDay(now).toString(), current.isPresent(),
          current.map(SessionDescriptor::of).orElse(null), SessionDescriptor.of(c.nextSession(now)), c.nextCutOver(now).toString()));
    }
    List<ScheduleDescriptor> schedules = new ArrayList<>();
    for (ScheduleState s : trading.states()) {
      DayStatistics today = s.attachment() || s.tradeDay() == null ? null
          : kind(s).equals("group") ? trading.statistics().forDay(s.tradeDay(), processesOf(s.name(), new java.util.LinkedHashSet<>()))
          : trading.statistics().forDay(s.tradeDay(), s.name());
      schedules.add(new ScheduleDescriptor(s.name(), kind(s), s.schedule().toString(),
          s.phase().name().toLowerCase(java.util.Locale.ROOT), s.frozenBy(), str(s.tradeDay()), str(s.nextChange()),
          today == null ? null : DayDescriptor.of(today)));
    }
    return new CalendarsDescriptor(now.toString(), calendars, schedules);
  }

  /** The processes of group {@code name}, through its nested groups: a group's counters are its members' summed. */
  private java.util.Set<String> processesOf(String name, java.util.Set<String> into) {
    Optional<io.github.vigil.GroupController> g = supervisor == null ? Optional.empty() : supervisor.group(name);
    if (g.isEmpty()) {
      into.add(name);
      return into;
    }
    for (String child : g.get().spec().children()) {
      processesOf(child, into);
    }
    return into;
  }

  private static @Nullable String str(@Nullable Object o) {
    return o == null ? null : o.toString();
  }

  /** The endpoint's answer. */
  public record CalendarsDescriptor(String now, List<CalendarDescriptor> calendars, List<ScheduleDescriptor> schedules) {}

  /** One calendar now. */
  public record CalendarDescriptor(String name, String zone, String tradeDay, boolean open, @Nullable SessionDescriptor currentSession,
      SessionDescriptor nextSession, String nextCutOver) {}

  /** One session. */
  public record SessionDescriptor(String name, String tradeDay, String open, String close) {
    static SessionDescriptor of(Session s) {
      return new SessionDescriptor(s.name(), s.tradeDay().toString(), s.open().toString(), s.close().toString());
    }
  }

  /** One process's, group's ({@code kind} {@code group}) or attachment's schedule now, with the process's counters of the trade day. */
  public record ScheduleDescriptor(String name, String kind, String schedule, String phase, @Nullable String frozenBy,
      @Nullable String tradeDay, @Nullable String nextChange, @Nullable DayDescriptor today) {}

  /**
   * A trade day's counters ({@link DayStatistics}), the mean time to recover as a person reads it ({@code "4.85 s"})
   * with its seconds beside, as the vigil endpoint gives durations (it was ISO-8601, {@code "PT1.286316253S"}); null
   * without a recovery (it read "0 ns").
   */
  public record DayDescriptor(String tradeDay, long starts, long restarts, long crashes, long deferredRestarts, long outsideWindow,
      long recoveries, @Nullable String meanTimeToRecover, @Nullable Double meanTimeToRecoverSeconds) {
    static DayDescriptor of(DayStatistics d) {
      boolean any = d.recoveries() > 0;
      return new DayDescriptor(d.tradeDay().toString(), d.starts(), d.restarts(), d.crashes(), d.deferredRestarts(), d.outsideWindow(),
          d.recoveries(), any ? io.github.vigil.HumanFormat.duration(d.meanTimeToRecover()) : null,
          any ? d.meanTimeToRecover().toNanos() / 1e9 : null);
    }
  }
}
