package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatistics;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.calendar.FreezeWindow;
import io.github.vigil.calendar.Schedule;
import io.github.vigil.calendar.SessionRule;
import io.github.vigil.calendar.TradingCalendar;
import io.github.vigil.calendar.TradingSupervision;
import io.github.vigil.journal.Journal;
import io.github.vigil.journal.JournalReader;
import io.github.vigil.journal.ProcessSummary;
import io.github.vigil.journal.RestartReport;
import io.github.vigil.journal.TradeCalendar;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.TradingDayClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real process killed (SIGKILL) inside a trading freeze window, its restart deferred to the window's end
 * ({@code RestartDeferred}): the journal counts that restart once it is done, at the window's end, as it counts a
 * restart after a backoff (CancelledRestartTest). It counted it when it was deferred, so a stop or the supervisor's close
 * inside the window left a restart in vigil status and vigil restarts that never happened (the supervisor started the
 * process no more: its ProcessStatistics said 1 start). Such a one is now listed under "Scheduled, not restarted" with
 * what cancelled it. The supervisor's {@code ProcessStatistics.restarts()} counts the restart done at the window's end
 * as the journal does: one restart (the policy's, done by the trading supervision at the window's end).
 */
@Timeout(60)
class DeferredRestartCancelledTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String NOW = "2026-12-14T18:00:00Z";

  private final TradingDayClock clock = TradingDayClock.startingAt(LONDON, LocalDate.of(2026, 12, 14), "07:30"); // a Monday

  @TempDir
  Path dir;

  /** What the test does inside the freeze window, after the kill's restart was deferred. */
  private enum Then { CLOSE, STOP, WINDOW_ENDS, SESSION_CLOSES }

  /** The supervisor's statistics at the end, and the journal's database. */
  private record Ran(ProcessStatistics statistics, Path db) {}

  @Test
  void aDeferredRestartTheCloseCancelledIsNoRestart() throws Exception {
    Ran ran = run(Then.CLOSE);
    assertThat(ran.statistics().starts()).as("the supervisor started it once: no restart at the window's end").isEqualTo(1);
    assertThat(ran.statistics().restarts()).isZero();
    try (JournalReader reader = JournalReader.open(ran.db().toString(), null)) {
      ProcessSummary summary = reader.status(Instant.parse(NOW)).stream().filter(s -> s.process().equals("gw")).findFirst().orElseThrow();
      assertThat(summary.state()).isEqualTo(ProcessState.STOPPED.name());
      assertThat(summary.restarts24h()).as("restarts in 24 h: the deferred one never happened").isZero();
      RestartReport report = report(reader);
      assertThat(report.total()).isZero();
      assertThat(report.timeline()).isEmpty();
      assertThat(report.notRestarted()).singleElement().satisfies(n -> {
        assertThat(n.exit().at()).isEqualTo(clock.at("12:00").plusSeconds(30));
        assertThat(n.freezeWindow()).isEqualTo("auction");
        assertThat(n.delay()).as("to the window's end").isEqualTo(Duration.ofSeconds(90));
        assertThat(n.cancelledAt()).isEqualTo(clock.at("12:01"));
        assertThat(n.cancelledBy()).isEqualTo("supervisor closing (SHUTDOWN)");
        assertThat(n.exit().downtime()).isEqualTo(Duration.ofSeconds(30));
      });
    }
    String[] common = {"--zone", "UTC", "--now", NOW, "--color", "never", "--width", "160"};
    CliGoldenTest.Result status = CliGoldenTest.runOn(ran.db(), concat(new String[] {"status", "--json"}, common));
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out()).contains("\"restarts24h\": 0");
    CliGoldenTest.Result r = CliGoldenTest.runOn(ran.db(), concat(new String[] {"restarts", "gw", "--period", "1d"}, common));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("No restarts in the period.", "Scheduled, not restarted (not counted above)");
    assertThat(TableText.words(r.out())).contains("2026-12-14 12:00:30 crash by signal, run 1 (SIGKILL: killed", "): its restart deferred to the "
        + "end of freeze window auction (in 1 min 30 s) was cancelled 30.0 s after the exit: supervisor closing (SHUTDOWN)");
    CliGoldenTest.Result json = CliGoldenTest.runOn(ran.db(), concat(new String[] {"restarts", "gw", "--period", "1d", "--json"}, common));
    assertThat(json.out()).contains("\"total\": 0", "\"freezeWindow\": \"auction\"", "\"delayMs\": 90000",
        "\"cancelledBy\": \"supervisor closing (SHUTDOWN)\"");
  }

  @Test
  void aDeferredRestartAStopCancelledIsNoRestart() throws Exception {
    Ran ran = run(Then.STOP);
    assertThat(ran.statistics().starts()).isEqualTo(1);
    try (JournalReader reader = JournalReader.open(ran.db().toString(), null)) {
      RestartReport report = report(reader);
      assertThat(report.total()).isZero();
      assertThat(report.notRestarted()).singleElement().satisfies(n -> {
        assertThat(n.freezeWindow()).isEqualTo("auction");
        assertThat(n.cancelledAt()).isEqualTo(clock.at("12:01"));
        assertThat(n.cancelledBy()).endsWith("(API)");
      });
    }
  }

  @Test
  void aDeferredRestartDoneAtTheWindowsEndIsARestart() throws Exception {
    Ran ran = run(Then.WINDOW_ENDS);
    assertThat(ran.statistics().starts()).as("started again at the window's end").isEqualTo(2);
    assertThat(ran.statistics().restarts()).as("the supervisor counts the restart the journal counts").isEqualTo(1);
    try (JournalReader reader = JournalReader.open(ran.db().toString(), null)) {
      RestartReport report = report(reader);
      assertThat(report.total()).isEqualTo(1);
      assertThat(report.notRestarted()).isEmpty();
      assertThat(report.timeline()).singleElement().satisfies(x -> {
        assertThat(x.at()).isEqualTo(clock.at("12:00").plusSeconds(30));
        assertThat(x.recovery()).as("from the kill to RUNNING at the window's end").isEqualTo(Duration.ofSeconds(90));
      });
    }
  }

  /**
   * A freeze window that the session's close ends (a closing auction, 16:25 to 16:30) and a schedule that stops the
   * process 10 minutes after the close: at the close the deferred restart is called off, and the report says the session
   * closed. It said the restart was due until the stop at 16:40, then cancelled by that stop ('stop requested (API)').
   */
  @Test
  void aDeferredRestartTheSessionsCloseCalledOffIsNoRestartAndSaysSo() throws Exception {
    Ran ran = run(Then.SESSION_CLOSES);
    assertThat(ran.statistics().starts()).isEqualTo(1);
    assertThat(ran.statistics().restarts()).isZero();
    try (JournalReader reader = JournalReader.open(ran.db().toString(), null)) {
      RestartReport report = report(reader);
      assertThat(report.total()).isZero();
      assertThat(report.notRestarted()).singleElement().satisfies(n -> {
        assertThat(n.exit().at()).isEqualTo(clock.at("16:26"));
        assertThat(n.freezeWindow()).isEqualTo("closing-auction");
        assertThat(n.delay()).isEqualTo(Duration.ofMinutes(4));
        assertThat(n.cancelledAt()).as("at the close, not at the stop after the lag").isEqualTo(clock.at("16:30"));
        assertThat(n.cancelledBy()).isEqualTo("stopped by its schedule, trade day 2026-12-14: the session closed before the end of "
            + "freeze window closing-auction, to which its restart was deferred: called off");
      });
    }
    String[] common = {"--zone", "UTC", "--now", NOW, "--color", "never", "--width", "200"};
    CliGoldenTest.Result r = CliGoldenTest.runOn(ran.db(), concat(new String[] {"restarts", "gw", "--period", "1d"}, common));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(TableText.words(r.out())).contains("its restart deferred to the end of freeze window closing-auction (in 4 min 00 s) was cancelled "
        + "4 min 00 s after the exit: stopped by its schedule, trade day 2026-12-14: the session closed");
  }

  private static RestartReport report(JournalReader reader) throws Exception {
    Instant now = Instant.parse(NOW);
    return reader.restarts("gw", now.minus(Duration.ofDays(1)), now, ZoneId.of("UTC"), TradeCalendar.calendarDays(ZoneId.of("UTC")));
  }

  /**
   * Runs {@code sleep} in an 08:00 to 16:30 session with a freeze window from 12:00 to 12:02, kills it at 12:00:30 and,
   * once its restart is deferred, does {@code then} at 12:01 (or lets the window end); for {@code SESSION_CLOSES} the
   * freeze window is the last 5 minutes of the session, the kill at 16:26 and the schedule's stop 10 minutes after the close.
   */
  private Ran run(Then then) throws Exception {
    Path db = dir.resolve("journal.db");
    TradingCalendar lse = TradingCalendar.builder("lse").zone(LONDON).session(SessionRule.of("day", LocalTime.of(8, 0), LocalTime.of(16, 30)))
        .build();
    ProcessStatistics statistics;
    try (Journal journal = Journal.builder().sqlite(db).host("gw1").clock(clock).batchInterval(Duration.ofMillis(100))
        .snapshotInterval(Duration.ZERO).build()) {
      try (Supervisor sup = Supervisor.builder().name("deferred").ticker(clock).scheduler(clock).instantSource(clock)
          .closeTimeout(Duration.ofSeconds(5)).build()) {
        ProcessController gw = sup.register(ProcessSpec.builder("gw").command("sleep", "1000").startupGrace(Duration.ZERO)
            .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(5)))).autoStart(false).build());
        Schedule schedule = then == Then.SESSION_CLOSES
            ? Schedule.inSession(lse).withLag(Duration.ofMinutes(10)).withFreeze(FreezeWindow.beforeClose("closing-auction", Duration.ofMinutes(5)))
            : Schedule.inSession(lse).withFreeze(FreezeWindow.daily("auction", LocalTime.of(12, 0), LocalTime.of(12, 2)));
        try (TradingSupervision trading = TradingSupervision.builder(sup).schedule("gw", schedule)
            .instantSource(clock).scheduler(clock).build()) {
          journal.attach(sup, trading);
          EventRecorder rec = new EventRecorder();
          trading.subscribe(rec);
          trading.start();
          clock.advanceTo(clock.at("08:00"));
          rec.awaitState("gw", ProcessState.RUNNING, 1, WAIT);
          clock.advanceTo(then == Then.SESSION_CLOSES ? clock.at("16:26") : clock.at("12:00").plusSeconds(30)); // inside the freeze window
          long pid = gw.status().pid();
          assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly()).isTrue(); // SIGKILL
          rec.await(SupervisorEvent.RestartDeferred.class, e -> true, 1, WAIT);
          assertThat(sup.awaitIdle(WAIT)).isTrue();
          assertThat(gw.status().state()).isEqualTo(ProcessState.CRASHED);
          switch (then) {
            case CLOSE -> clock.advanceTo(clock.at("12:01"));
            case STOP -> {
              clock.advanceTo(clock.at("12:01"));
              gw.stop(WAIT);
            }
            case SESSION_CLOSES -> {
              clock.advanceTo(clock.at("16:30")); // the close, and the window's end
              rec.awaitState("gw", ProcessState.STOPPED, 1, WAIT);
              clock.advanceTo(clock.at("16:40")); // the schedule's stop, lag after the close
              assertThat(sup.awaitIdle(WAIT)).isTrue();
            }
            case WINDOW_ENDS -> {
              clock.advanceTo(clock.at("12:02"));
              rec.awaitState("gw", ProcessState.RUNNING, 2, WAIT);
              gw.stop(WAIT);
            }
            default -> throw new AssertionError(then);
          }
          statistics = gw.statistics();
        }
      }
      assertThat(journal.flush(WAIT)).isTrue();
    }
    return new Ran(statistics, db);
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
