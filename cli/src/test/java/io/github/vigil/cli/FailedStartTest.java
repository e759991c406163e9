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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process that never started (its binary is missing): three failed starts, two of them restarted by the policy,
 * which then gave up. Its reports say what happened: the start's message, how long it was down, where to look
 * (found by a black-box run: RECOVERY "not yet", a day's DOWNTIME 0 ms, stderr tails that are not there, and
 * history's END "unknown (not started)").
 */
@Timeout(60)
class FailedStartTest {
  private static final Instant T = Instant.parse("2026-11-29T10:00:00Z");
  private static final String WHY = "binary /opt/missing/trader not found";
  private static final String[] AT = {"--zone", "UTC", "--now", "2026-11-29T12:00:00Z", "--color", "never", "--width", "120"};

  @TempDir
  static Path dir;

  static Path db;

  @BeforeAll
  static void writeJournal() {
    db = dir.resolve("failed-start.db");
    String p = "trader";
    try (Journal j = Journal.builder().sqlite(db).host("gw1").snapshotInterval(Duration.ZERO).build()) {
      j.onEvent(new SupervisorEvent.Registered(p, T, ProcessSpec.builder(p).command("/opt/missing/trader").build()));
      j.onEvent(new SupervisorEvent.CommandIssued(p, T, SupervisorEvent.Command.START, Origin.API, "start requested"));
      Instant at = T;
      for (int run = 1; run <= 3; run++) {
        ExitInfo exit = new ExitInfo(new Termination.Unknown("not started"), ExitCause.START_FAILED, Duration.ZERO, at, WHY, -1);
        j.onEvent(new SupervisorEvent.StateChanged(p, at, run == 1 ? ProcessState.STOPPED : ProcessState.BACKOFF, ProcessState.STARTING,
            run == 1 ? Origin.API : Origin.POLICY, "start"));
        j.onEvent(new SupervisorEvent.Exited(p, at, run, exit));
        j.onEvent(new SupervisorEvent.StateChanged(p, at, ProcessState.STARTING, ProcessState.CRASHED, Origin.PROCESS, exit.toString()));
        if (run < 3) {
          Duration delay = Duration.ofSeconds(5L * run);
          j.onEvent(new SupervisorEvent.StateChanged(p, at, ProcessState.CRASHED, ProcessState.BACKOFF, Origin.POLICY, "restart"));
          j.onEvent(new SupervisorEvent.RestartScheduled(p, at, run, delay, exit));
          at = at.plus(delay);
        } else {
          j.onEvent(new SupervisorEvent.StateChanged(p, at, ProcessState.CRASHED, ProcessState.FAILED, Origin.POLICY, "gave up"));
          j.onEvent(new SupervisorEvent.Failed(p, at, "could not start 3 times", exit));
        }
      }
      j.flush(Duration.ofSeconds(30));
    }
  }

  private static CliGoldenTest.Result run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(AT));
    return CliGoldenTest.runOn(db, all.toArray(String[]::new));
  }

  @Test
  void restartsSayHowLongItWasDownAndWhereToLook() {
    CliGoldenTest.Result r = run("restarts", "trader", "--period", "1d");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).doesNotContain("not yet", "stderr tails")
        // the first restart until the second (5 s), the second until the period's end (1 h 59 min 55 s, rounded):
        // down from 10:00 to 12:00
        .contains("none, down 5.00 s", "none, down 2 h 00 min")
        .containsPattern("2026-11-29 │\\s+2 │\\s+2 h 00 min │")
        .containsPattern("│ 2\\s+│ 2 per day │ -\\s+│ -");
    // the suggestion wrapped under its number, to 120 columns: read back as one text
    assertThat(TableText.words(r.out())).contains("2 failed starts (the newest: could not start: " + WHY
        + "): vigil diagnose trader says why it could not start");
    CliGoldenTest.Result json = run("restarts", "trader", "--period", "1d", "--json");
    assertThat(json.out()).contains("\"downtimeMs\": 5000", "\"downtimeMs\": 7195000", "\"downtimeMs\": 7200000",
        "\"exitCause\": \"START_FAILED\"");
  }

  @Test
  void historyAndCrashSayWhyItDidNotStart() {
    CliGoldenTest.Result h = run("history", "trader", "--period", "1d");
    assertThat(h.code()).as(h.err()).isZero();
    // the cause in its row, the message under it
    assertThat(h.out()).containsPattern("START_FAILED +│[^\\n]*\\n│ +│ " + java.util.regex.Pattern.quote(WHY) + " +│")
        .doesNotContain("unknown (not started)");
    CliGoldenTest.Result c = run("crash", "trader", "--last");
    assertThat(c.out()).contains(WHY, "vigil diagnose trader");
  }

  /** vigil events: each failed start's Exited row says why, as the log line does; it said START_FAILED (unknown (not started)). */
  @Test
  void eventsSayWhyEachStartFailed() {
    CliGoldenTest.Result ev = run("events", "--since", "3h");
    assertThat(ev.code()).as(ev.err()).isZero();
    List<String> details = TableText.column(ev.out(), "DETAIL", "EVENT");
    for (int run = 1; run <= 3; run++) {
      assertThat(details).as(ev.out()).contains("run " + run + ": START_FAILED: " + WHY);
    }
    assertThat(ev.out()).doesNotContain("unknown (not started)");
  }
}
