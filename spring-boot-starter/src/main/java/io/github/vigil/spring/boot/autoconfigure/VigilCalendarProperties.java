package io.github.vigil.spring.boot.autoconfigure;

import io.github.vigil.calendar.FreezeWindow;
import io.github.vigil.calendar.Schedule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Trading calendars ({@code vigil.calendars.*}) and schedules ({@code vigil.schedules.*}), converted
 * into the core's {@link io.github.vigil.calendar.TradingCalendar} and {@link Schedule} by
 * {@link VigilCalendarAutoConfiguration}:
 * <pre>
 * vigil:
 *   calendars:
 *     shfe:
 *       zone: Asia/Shanghai
 *       cut-over: "18:00"
 *       sessions: ["night 21:00-02:30 previous-trading-day not-after-holiday", "day 09:00-15:00"]
 *       holidays: ["2026-10-01..2026-10-07"]
 *   schedules:
 *     order-gateway: { calendar: shfe, lead: 5m, lag: 10m, freezes: [{ name: pre-close, from: "14:50", to: "14:55" }] }
 *     trader-account001: { calendar: shfe, lead: 15m }      # an attachment: its watch window
 * </pre>
 */
@ConfigurationProperties("vigil")
public class VigilCalendarProperties {

  /** Trading calendars by name. */
  private Map<String, CalendarProperties> calendars = new LinkedHashMap<>();

  /**
   * Schedules by the name of a supervised process (when it runs) or an attachment (when it is
   * watched); a process without one runs always.
   */
  private Map<String, ScheduleProperties> schedules = new LinkedHashMap<>();

  public Map<String, CalendarProperties> getCalendars() {
    return calendars;
  }

  public void setCalendars(Map<String, CalendarProperties> calendars) {
    this.calendars = calendars;
  }

  public Map<String, ScheduleProperties> getSchedules() {
    return schedules;
  }

  public void setSchedules(Map<String, ScheduleProperties> schedules) {
    this.schedules = schedules;
  }

  /** One trading calendar: a calendar file, or the settings below. */
  public static class CalendarProperties {

    /** Calendar file in Vigil's calendar format; when set, no other setting of this calendar may be. */
    private @Nullable Path file;

    /** Time zone of every local time of the calendar, e.g. Asia/Shanghai. */
    private @Nullable String zone;

    /** Local time at which the trade day moves on, e.g. 18:00; by default the earliest evening open, else 00:00. */
    private @Nullable String cutOver;

    /** Weekdays that trade unless they are holidays, e.g. MON-FRI or SUN-THU. */
    private String weekdays = "MON-FRI";

    /** Sessions, each "name hh:mm-hh:mm [previous-calendar-day|previous-trading-day] [not-after-holiday]". */
    private List<String> sessions = new ArrayList<>();

    /** Holidays: dates (2026-10-01) or ranges (2026-10-01..2026-10-07). */
    private List<String> holidays = new ArrayList<>();

    /** File of holidays: one date or range per line; '#' starts a comment. */
    private @Nullable Path holidaysFile;

    /** Days that trade although their weekday does not: dates or ranges. */
    private List<String> extraTradingDays = new ArrayList<>();

    public @Nullable Path getFile() {
      return file;
    }

    public void setFile(@Nullable Path file) {
      this.file = file;
    }

    public @Nullable String getZone() {
      return zone;
    }

    public void setZone(@Nullable String zone) {
      this.zone = zone;
    }

    public @Nullable String getCutOver() {
      return cutOver;
    }

    public void setCutOver(@Nullable String cutOver) {
      this.cutOver = cutOver;
    }

    public String getWeekdays() {
      return weekdays;
    }

    public void setWeekdays(String weekdays) {
      this.weekdays = weekdays;
    }

    public List<String> getSessions() {
      return sessions;
    }

    public void setSessions(List<String> sessions) {
      this.sessions = sessions;
    }

    public List<String> getHolidays() {
      return holidays;
    }

    public void setHolidays(List<String> holidays) {
      this.holidays = holidays;
    }

    public @Nullable Path getHolidaysFile() {
      return holidaysFile;
    }

    public void setHolidaysFile(@Nullable Path holidaysFile) {
      this.holidaysFile = holidaysFile;
    }

    public List<String> getExtraTradingDays() {
      return extraTradingDays;
    }

    public void setExtraTradingDays(List<String> extraTradingDays) {
      this.extraTradingDays = extraTradingDays;
    }
  }

  /** When a process runs, or an attachment is watched. */
  public static class ScheduleProperties {

    /** Name of the calendar (a key of vigil.calendars). */
    private @Nullable String calendar;

    /** Whether the process runs "in-session" (needs a calendar) or "always" (a calendar then only gives freeze windows). */
    private Schedule.Kind mode = Schedule.Kind.IN_SESSION;

    /** How long before the first session of a trade day opens the process starts (an attachment: is watched). */
    private Duration lead = Duration.ZERO;

    /** How long after the last session of a trade day closes the process is stopped (an attachment: no longer watched). */
    private Duration lag = Duration.ZERO;

    /** Whether the process stays up between the sessions of one trade day ("stay-up") or is stopped ("stop"). */
    private Schedule.BetweenSessions betweenSessions = Schedule.BetweenSessions.STAY_UP;

    /** With "stay-up": the longest gap between two sessions of a trade day that the process stays up through. */
    private Duration maxGap = Schedule.DEFAULT_MAX_GAP;

    /** Freeze windows, in which a crashed process is not restarted. */
    private List<FreezeProperties> freezes = new ArrayList<>();

    public Duration getMaxGap() {
      return maxGap;
    }

    public void setMaxGap(Duration maxGap) {
      this.maxGap = maxGap;
    }

    public @Nullable String getCalendar() {
      return calendar;
    }

    public void setCalendar(@Nullable String calendar) {
      this.calendar = calendar;
    }

    public Schedule.Kind getMode() {
      return mode;
    }

    public void setMode(Schedule.Kind mode) {
      this.mode = mode;
    }

    public Duration getLead() {
      return lead;
    }

    public void setLead(Duration lead) {
      this.lead = lead;
    }

    public Duration getLag() {
      return lag;
    }

    public void setLag(Duration lag) {
      this.lag = lag;
    }

    public Schedule.BetweenSessions getBetweenSessions() {
      return betweenSessions;
    }

    public void setBetweenSessions(Schedule.BetweenSessions betweenSessions) {
      this.betweenSessions = betweenSessions;
    }

    public List<FreezeProperties> getFreezes() {
      return freezes;
    }

    public void setFreezes(List<FreezeProperties> freezes) {
      this.freezes = freezes;
    }
  }

  /** A freeze window: daily local times on each trading day, or the last part of every session. */
  public static class FreezeProperties {

    /** Name of the window, for events and logs. */
    private String name = "freeze";

    /** Daily start, local time, e.g. 14:55. */
    private @Nullable String from;

    /** Daily end, local time, e.g. 15:00. */
    private @Nullable String to;

    /** Length of a window ending at each session's close, instead of from and to. */
    private @Nullable Duration beforeClose;

    /** What happens to a restart inside the window: "defer-to-end" or "leave-for-a-person". */
    private FreezeWindow.Action action = FreezeWindow.Action.DEFER_TO_END;

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public @Nullable String getFrom() {
      return from;
    }

    public void setFrom(@Nullable String from) {
      this.from = from;
    }

    public @Nullable String getTo() {
      return to;
    }

    public void setTo(@Nullable String to) {
      this.to = to;
    }

    public @Nullable Duration getBeforeClose() {
      return beforeClose;
    }

    public void setBeforeClose(@Nullable Duration beforeClose) {
      this.beforeClose = beforeClose;
    }

    public FreezeWindow.Action getAction() {
      return action;
    }

    public void setAction(FreezeWindow.Action action) {
      this.action = action;
    }
  }
}
