package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.calendar.Schedule;
import io.github.vigil.calendar.SessionRule;
import io.github.vigil.calendar.TradingCalendar;
import io.github.vigil.calendar.TradingSupervision;
import io.github.vigil.journal.Journal;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.TradingDayClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil crash --last} after a trading day whose gateway crashed in session (SIGKILL at 10:00, restarted) and whose
 * last run then ended after the 16:30 close: the last crash is the one in session. An orderly stop is none: the
 * schedule's stop 10 minutes after the close (also where it kills the run after its stop timeout) and an operator's stop
 * through the API end as {@code KILLED_BY_SUPERVISOR}, no failure (these held on the old code). An operator's {@code
 * kill PID} after the close, which the trading supervision records outside the window (no restart, no alert, no crash of
 * the trade day), was shown as the last crash. Real {@code sh}, real signals, the journal in SQLite, the trading clock
 * virtual.
 */
@Timeout(60)
class CrashAfterTheCloseTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String NOW = "2026-12-14T18:00:00Z";

  private final TradingDayClock clock = TradingDayClock.startingAt(LONDON, LocalDate.of(2026, 12, 14), "07:30"); // a Monday

  @TempDir
  Path dir;

  /** What ends the gateway's last run after the close. */
  private enum After { SCHEDULE_STOPS_IT, SCHEDULE_KILLS_IT_AFTER_ITS_STOP_TIMEOUT, AN_OPERATOR_STOPS_IT, AN_OPERATOR_SENDS_SIGTERM }

  @Test
  void theStopAtTheCloseIsNoCrash() throws Exception {
    assertLastCrashIsTheOneInSession(run(After.SCHEDULE_STOPS_IT));
  }

  @Test
  void theKillAfterTheStopTimeoutAtTheCloseIsNoCrash() throws Exception {
    assertLastCrashIsTheOneInSession(run(After.SCHEDULE_KILLS_IT_AFTER_ITS_STOP_TIMEOUT));
  }

  @Test
  void anOperatorsStopAfterTheCloseIsNoCrash() throws Exception {
    assertLastCrashIsTheOneInSession(run(After.AN_OPERATOR_STOPS_IT));
  }

  /**
   * An operator's {@code kill PID} (SIGTERM) of the gateway 5 minutes after the close: recorded outside its window (not
   * restarted, no alert, no crash of the trade day), and {@code vigil events} says so; {@code vigil crash --last} showed it
   * as the last crash.
   */
  @Test
  void anOperatorsKillAfterTheCloseIsNoCrash() throws Exception {
    Path db = run(After.AN_OPERATOR_SENDS_SIGTERM);
    assertLastCrashIsTheOneInSession(db);
    String[] common = {"--zone", "UTC", "--now", NOW, "--color", "never", "--width", "200"};
    CliGoldenTest.Result events = CliGoldenTest.runOn(db, concat(new String[] {"events", "-p", "gw", "--since", "3h"}, common));
    assertThat(events.code()).as(events.err()).isZero();
    assertThat(TableText.words(events.out())).contains("2026-12-14 16:35:00 gw Exited run 2: SIGNALED (killed by SIGTERM)",
        "2026-12-14 16:35:00 gw OutsideWindow outside its window (trade day 2026-12-14), recorded only: Exited run 2");
  }

  private void assertLastCrashIsTheOneInSession(Path db) {
    String[] common = {"--zone", "UTC", "--now", NOW, "--color", "never", "--width", "160"};
    CliGoldenTest.Result json = CliGoldenTest.runOn(db, concat(new String[] {"crash", "gw", "--last", "--json"}, common));
    assertThat(json.code()).as(json.err()).isZero();
    assertThat(json.out()).as("the SIGKILL at 10:00, run 1").contains("\"at\": \"" + clock.at("10:00") + "\"", "\"signal\": \"SIGKILL\"",
        "\"run\": 1");
    CliGoldenTest.Result text = CliGoldenTest.runOn(db, concat(new String[] {"crash", "gw", "--last"}, common));
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out()).contains("SIGKILL").doesNotContain("SIGTERM");
  }

  private Path run(After after) throws Exception {
    Path db = dir.resolve("journal.db");
    TradingCalendar lse = TradingCalendar.builder("lse").zone(LONDON).session(SessionRule.of("day", LocalTime.of(8, 0), LocalTime.of(16, 30)))
        .build();
    try (Journal journal = Journal.builder().sqlite(db).host("gw1").clock(clock).batchInterval(Duration.ofMillis(100))
        .snapshotInterval(Duration.ZERO).build()) {
      try (Supervisor sup = Supervisor.builder().name("close").ticker(clock).scheduler(clock).instantSource(clock)
          .closeTimeout(Duration.ofSeconds(5)).build()) {
        // the last run ignores SIGTERM where the test wants it killed after its stop timeout
        String script = after == After.SCHEDULE_KILLS_IT_AFTER_ITS_STOP_TIMEOUT
            ? "if [ -e " + dir.resolve("second") + " ]; then trap '' TERM; fi; touch " + dir.resolve("second") + "; exec sleep 1000"
            : "exec sleep 1000";
        ProcessController gw = sup.register(ProcessSpec.builder("gw").command("sh", "-c", script).startupGrace(Duration.ZERO)
            .stopTimeout(Duration.ofSeconds(1)).restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(5))))
            .autoStart(false).build());
        try (TradingSupervision trading = TradingSupervision.builder(sup).schedule("gw", Schedule.inSession(lse).withLag(Duration.ofMinutes(10)))
            .instantSource(clock).scheduler(clock).build()) {
          journal.attach(sup, trading);
          EventRecorder rec = new EventRecorder();
          trading.subscribe(rec);
          trading.start();
          clock.advanceTo(clock.at("08:00"));
          rec.awaitState("gw", ProcessState.RUNNING, 1, WAIT);
          clock.advanceTo(clock.at("10:00"));
          assertThat(ProcessHandle.of(gw.status().pid()).orElseThrow().destroyForcibly()).isTrue(); // SIGKILL in session
          rec.await(SupervisorEvent.RestartScheduled.class, e -> true, 1, WAIT);
          // the backoff's timer may be set on the virtual clock just after its event is heard: moved past once it is
          assertThat(io.github.vigil.testing.Processes.eventually(WAIT, () -> clock.pending().contains(Duration.ofSeconds(5)))).isTrue();
          clock.advanceTo(clock.at("10:00").plusSeconds(5));
          rec.awaitState("gw", ProcessState.RUNNING, 2, WAIT);
          if (after == After.AN_OPERATOR_SENDS_SIGTERM) {
            clock.advanceTo(clock.at("16:35"));
            assertThat(ProcessHandle.of(gw.status().pid()).orElseThrow().destroy()).isTrue(); // SIGTERM, as kill PID
            rec.await(SupervisorEvent.OutsideWindow.class, e -> e.event() instanceof SupervisorEvent.Exited, 1, WAIT);
            clock.advanceTo(clock.at("16:40"));
            rec.awaitState("gw", ProcessState.STOPPED, 1, WAIT);
          } else if (after == After.AN_OPERATOR_STOPS_IT) {
            clock.advanceTo(clock.at("16:35"));
            assertThat(gw.stop(WAIT).state()).isEqualTo(ProcessState.STOPPED);
          } else {
            clock.advanceTo(clock.at("16:40")); // the schedule's stop, 10 minutes after the close
            rec.await(SupervisorEvent.ScheduleStopped.class, e -> true, 1, WAIT);
            if (after == After.SCHEDULE_KILLS_IT_AFTER_ITS_STOP_TIMEOUT) {
              assertThat(io.github.vigil.testing.Processes.eventually(WAIT, () -> clock.pending().contains(Duration.ofSeconds(1)))).isTrue();
              clock.advance(Duration.ofSeconds(1));
              // after the kill, the stop waits for the run's tree to be gone by checks that are timers on this clock
              // (CI on 9be6f981, JDK 25: the run's exit heard, STOPPED never, the clock standing): moved on until STOPPED
              assertThat(io.github.vigil.testing.Processes.eventually(WAIT, () -> {
                boolean stopped = rec.of(SupervisorEvent.StateChanged.class, "gw").stream().anyMatch(e -> e.to() == ProcessState.STOPPED);
                if (!stopped) {
                  clock.advance(Duration.ofMillis(20));
                }
                return stopped;
              })).as("STOPPED after the kill").isTrue();
            }
            rec.awaitState("gw", ProcessState.STOPPED, 1, WAIT);
          }
          assertThat(sup.awaitIdle(WAIT)).isTrue();
        }
      }
      assertThat(journal.flush(WAIT)).isTrue();
    }
    return db;
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
