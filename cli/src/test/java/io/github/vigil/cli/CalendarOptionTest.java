package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.Origin;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Termination;
import io.github.vigil.journal.Journal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --calendar FILE}: an exchange calendar with a night session from 21:00, the trade day moving on at 21:00, and
 * the October holidays, over a journal of restarts around them. A restart on the evening before the holidays, and one
 * on a holiday, belong to the first trading day after them; one in a night session to the next trading day; Friday
 * night's to Monday. {@code --trade-day-rollover 21:00} (weekdays, holidays unknown) filed the holiday eve's under
 * 2026-10-01, a holiday.
 */
@Timeout(120)
class CalendarOptionTest {
  static final String CALENDAR = """
      # a night desk in Shanghai: an example, not an exchange's data
      name      = night-desk
      zone      = Asia/Shanghai
      cut-over  = 21:00
      weekdays  = MON-FRI
      session   = night 21:00-02:30 previous-trading-day not-after-holiday
      session   = day 09:00-15:00
      holidays  = 2026-10-01..2026-10-07
      """;

  /** The restarts (the exit of each run but the last), with the trade day each belongs to; Shanghai is UTC+8. */
  static final List<Instant> EXITS = List.of(
      Instant.parse("2026-09-30T12:30:00Z"),  // Wednesday 20:30, before the cut-over: 2026-09-30
      Instant.parse("2026-09-30T14:00:00Z"),  // Wednesday 22:00, the evening before the holidays: 2026-10-08
      Instant.parse("2026-10-03T02:00:00Z"),  // Saturday 10:00, a holiday: 2026-10-08
      Instant.parse("2026-10-08T13:30:00Z"),  // Thursday 21:30, night session: 2026-10-09
      Instant.parse("2026-10-09T15:00:00Z")); // Friday 23:00, night session: Monday 2026-10-12
  static final Instant NOW = Instant.parse("2026-10-10T00:00:00Z");
  static final Instant FIRST_START = Instant.parse("2026-09-30T01:00:00Z");

  @TempDir
  static Path dir;

  static Path db;
  static Path calendar;

  @BeforeAll
  static void writeTheCalendarAndTheJournal() throws Exception {
    calendar = dir.resolve("night-desk.calendar");
    Files.writeString(calendar, CALENDAR, StandardCharsets.UTF_8);
    db = dir.resolve("journal.db");
    try (Journal journal = Journal.builder().sqlite(db).host("gw1").snapshotInterval(Duration.ZERO).build()) {
      feed(journal);
      assertThat(journal.flush(Duration.ofSeconds(30))).isTrue();
    }
  }

  /** A process that exits 3 at each of {@link #EXITS} and is restarted 5 s later, as the engine's events have it. */
  private static void feed(Journal journal) {
    String p = "orders";
    ProcessSpec spec = ProcessSpec.builder(p).command("/opt/orders/bin/orders").build();
    journal.onEvent(new SupervisorEvent.Registered(p, FIRST_START.minusSeconds(1), spec));
    journal.onEvent(new SupervisorEvent.StateChanged(p, FIRST_START, ProcessState.STOPPED, ProcessState.STARTING, Origin.API, "start"));
    journal.onEvent(new SupervisorEvent.Started(p, FIRST_START, 100, 1));
    journal.onEvent(new SupervisorEvent.StateChanged(p, FIRST_START.plusSeconds(1), ProcessState.STARTING, ProcessState.RUNNING,
        Origin.PROCESS, "startup grace elapsed"));
    Instant started = FIRST_START;
    int run = 1;
    for (Instant x : EXITS) {
      ExitInfo exit = new ExitInfo(new Termination.Exited(3), ExitCause.ERROR_EXIT, Duration.between(started, x), x, "", -1);
      journal.onEvent(new SupervisorEvent.Exited(p, x, run, exit));
      journal.onEvent(new SupervisorEvent.StateChanged(p, x, ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS, exit.toString()));
      journal.onEvent(new SupervisorEvent.StateChanged(p, x, ProcessState.CRASHED, ProcessState.BACKOFF, Origin.POLICY, "restart"));
      journal.onEvent(new SupervisorEvent.RestartScheduled(p, x, 1, Duration.ofSeconds(5), exit));
      Instant next = x.plusSeconds(5);
      journal.onEvent(new SupervisorEvent.StateChanged(p, next, ProcessState.BACKOFF, ProcessState.STARTING, Origin.POLICY, "restart"));
      run++;
      journal.onEvent(new SupervisorEvent.Started(p, next, 100 + run, run));
      journal.onEvent(new SupervisorEvent.StateChanged(p, next.plusSeconds(1), ProcessState.STARTING, ProcessState.RUNNING,
          Origin.PROCESS, "startup grace elapsed"));
      started = next;
    }
  }

  static CliGoldenTest.Result run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--now", NOW.toString(), "--color", "never"));
    return CliGoldenTest.runOn(db, all.toArray(String[]::new));
  }

  /** The TRADE DAY table's rows of {@code vigil restarts}: day and count. */
  private static List<String> tradeDayRows(String out) {
    String table = out.substring(out.indexOf("Trade days"));
    List<String> rows = new ArrayList<>();
    Matcher m = Pattern.compile("│ (\\d{4}-\\d\\d-\\d\\d) │ +(\\d+) │").matcher(table);
    while (m.find()) {
      rows.add(m.group(1) + " " + m.group(2));
    }
    return rows;
  }

  @Test
  void restartsOnAHolidayEveAndAtNightRollToTheCalendarsTradeDay() {
    CliGoldenTest.Result r = run("restarts", "orders", "--period", "14d", "--calendar", calendar.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(tradeDayRows(r.out())).as(r.out()).containsExactly("2026-09-30 1", "2026-10-08 2", "2026-10-09 1", "2026-10-12 1");
    // no --zone: times and hours are the calendar's zone's
    assertThat(r.out()).contains("(Asia/Shanghai, 14 d)").contains("Hour of day (Asia/Shanghai)").contains("2026-09-30 22:00:00");
    CliGoldenTest.Result json = run("restarts", "orders", "--period", "14d", "--calendar", calendar.toString(), "--json");
    assertThat(json.code()).as(json.err()).isZero();
    assertThat(json.out().replaceAll("\\s+", " ")).contains("\"tradeDay\": \"2026-09-30\", \"restarts\": 1",
        "\"tradeDay\": \"2026-10-08\", \"restarts\": 2", "\"tradeDay\": \"2026-10-09\", \"restarts\": 1",
        "\"tradeDay\": \"2026-10-12\", \"restarts\": 1").doesNotContain("\"tradeDay\": \"2026-10-01\"");
  }

  /** The rollover knows no holidays: the evening before them is filed under the first of them. */
  @Test
  void aRolloverWithoutTheCalendarFilesTheHolidayEveUnderAHoliday() {
    CliGoldenTest.Result r = run("restarts", "orders", "--period", "14d", "--trade-day-rollover", "21:00", "--zone", "Asia/Shanghai");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(tradeDayRows(r.out())).as(r.out()).contains("2026-10-01 1");
  }

  /** {@code --zone} wins over the calendar's for the times shown; the trade days stay the calendar's. */
  @Test
  void zoneSetsTheTimesShownNotTheTradeDays() {
    CliGoldenTest.Result r = run("restarts", "orders", "--period", "14d", "--calendar", calendar.toString(), "--zone", "UTC");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("(UTC, 14 d)").contains("2026-09-30 14:00:00").contains("Hour of day (UTC)");
    assertThat(tradeDayRows(r.out())).containsExactly("2026-09-30 1", "2026-10-08 2", "2026-10-09 1", "2026-10-12 1");
  }

  @Test
  void historyShowsEachRunsTradeDay() {
    CliGoldenTest.Result r = run("history", "orders", "--period", "14d", "--calendar", calendar.toString());
    assertThat(r.code()).as(r.err()).isZero();
    // run 3 started Wednesday 22:00:05, after the holiday eve's cut-over; run 6 Friday 23:00:05
    assertThat(r.out()).as(r.out()).contains("TRADE DAY").containsPattern("│ +3 │ +103 │ 2026-10-08 │ 2026-09-30 22:00:05 │")
        .containsPattern("│ +6 │ +106 │ 2026-10-12 │ 2026-10-09 23:00:05 │");
    CliGoldenTest.Result json = run("history", "orders", "--period", "14d", "--calendar", calendar.toString(), "--json");
    assertThat(json.out().replaceAll("\\s+", " ")).contains("\"run\": 3, \"pid\": 103, \"tradeDay\": \"2026-10-08\"",
        "\"run\": 6, \"pid\": 106, \"tradeDay\": \"2026-10-12\"");
    assertThat(run("history", "orders", "--period", "14d", "--zone", "UTC").out()).doesNotContain("TRADE DAY");
  }

  @Test
  void calendarAndRolloverTogetherAreRefusedNamingBoth() {
    CliGoldenTest.Result r = run("restarts", "orders", "--calendar", calendar.toString(), "--trade-day-rollover", "21:00");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--calendar and --trade-day-rollover cannot be used together");
  }

  @Test
  void aMissingCalendarFileIsNamed() {
    Path missing = dir.resolve("no-such.calendar");
    for (List<String> command : List.of(List.of("restarts", "orders"), List.of("history", "orders"), List.of("status", "--zone", "UTC"),
        List.of("events", "--since", "1d"))) {
      List<String> args = new ArrayList<>(command);
      args.addAll(List.of("--calendar", missing.toString()));
      CliGoldenTest.Result r = run(args.toArray(String[]::new));
      assertThat(r.code()).as(command.toString()).isEqualTo(2);
      // the path once (it read "vigil: --calendar PATH: cannot read calendar file PATH: it does not exist")
      assertThat(r.err().strip()).as(command.toString()).isEqualTo("vigil: --calendar: cannot read calendar file " + missing + ": it does not exist");
    }
  }

  @Test
  void aMalformedCalendarFileIsNamedWithItsLine() throws Exception {
    Path bad = dir.resolve("bad.calendar");
    Files.writeString(bad, CALENDAR.replace("2026-10-01..2026-10-07", "2026-13-01"), StandardCharsets.UTF_8);
    CliGoldenTest.Result r = run("restarts", "orders", "--calendar", bad.toString(), "--zone", "UTC");
    assertThat(r.code()).isEqualTo(2);
    // the path once, with the line and the value (it read "vigil: --calendar PATH: line 8 of bad.calendar: ...")
    assertThat(r.err().strip()).isEqualTo("vigil: --calendar: line 8 of " + bad + ": '2026-13-01' is not a date (expected yyyy-mm-dd)");
  }
}
