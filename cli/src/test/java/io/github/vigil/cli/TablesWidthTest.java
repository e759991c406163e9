package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.HealthState;
import io.github.vigil.Origin;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Termination;
import io.github.vigil.diagnosis.Diagnosis;
import io.github.vigil.diagnosis.Finding;
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
 * {@code vigil events}, {@code status}, {@code restarts} and {@code crash} on a realistic incident fit an operator's
 * terminal as {@code vigil history} does (see {@link HistoryWidthTest}), and lose no text: a long process name, two
 * supervisors on one host, a second host with a long name, a health check's long reason naming URLs, an operator's
 * long restart reason, a failed start and its diagnosis naming a long path. {@code events} cut its DETAIL at 100
 * characters (the end of the diagnosis's fix, the path an exit names, gone) and drew rows about 250 columns wide; every
 * table now fits 120 columns (and 80 where asked), and each reason reads back whole from its wrapped cell.
 */
@Timeout(60)
class TablesWidthTest {
  private static final String P = "shfe_market_data_feed_handler_primary";
  private static final String Q = "order-router-eu-west";
  private static final String FAR = "gw-shanghai-futures-07";
  private static final Instant T = Instant.parse("2026-12-05T01:00:00Z");
  private static final String RELEASE = "/opt/shfe/market-data/feed-handler/releases/2026.12.05-hotfix-3/bin/feed-handler";
  private static final String WHY = "cannot run program " + RELEASE + ": error=13, Permission denied";
  private static final String HEALTH = "liveness http://127.0.0.1:9000/health/ready?deep=true: timed out after 5.00 s, 3 times in a row; the "
      + "last answer was HTTP 503 Service Unavailable from upstream tcp://180.168.146.187:10131";
  private static final String ASKED = "operator request: feed lagging 4.2 s behind the exchange's sequence numbers after the 01:00 "
      + "session open; see incident INC-20261205-0042";
  private static final Finding CAUSE = Finding.problem(Finding.Check.PROGRAM, Finding.Certainty.CONFIRMED,
      RELEASE + " is not executable (mode 0644, owner deploy)", List.of(), "chmod +x " + RELEASE + ", or fix the release's packaging");
  private static final String[] AT = {"--zone", "UTC", "--now", "2026-12-05T08:00:00Z", "--color", "never"};

  @TempDir
  static Path dir;

  static Path db;

  @BeforeAll
  static void writeTheIncident() {
    db = dir.resolve("incident.db");
    ProcessSpec spec = ProcessSpec.builder(P).command(RELEASE.replace("releases/2026.12.05-hotfix-3", "current"), "--venue", "SHFE")
        .label("vigil.linux.memory.max", "64M").build();
    // the first supervisor: a health-check kill after a long reason, an operator's restart, a crash by SIGSEGV, a failed
    // start and its diagnosis; its JVM then killed with a run up
    try (Journal j = journal("gw1")) {
      j.onEvent(new SupervisorEvent.Registered(P, T, spec));
      Instant at = T.plusSeconds(1);
      j.onEvent(new SupervisorEvent.Started(P, at, 4194301, 1));
      j.onEvent(new SupervisorEvent.StateChanged(P, at.plusSeconds(2), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS,
          "startup grace elapsed"));
      j.onEvent(new SupervisorEvent.HealthChanged(P, at.plus(Duration.ofMinutes(30)), HealthState.HEALTHY, HealthState.UNHEALTHY, HEALTH));
      at = end(j, P, at.plus(Duration.ofMinutes(30)), 1, Termination.Signaled.of(15, false), ExitCause.HEALTH_CHECK_FAILED, Duration.ofMinutes(30));
      j.onEvent(new SupervisorEvent.Started(P, at, 4194302, 2));
      j.onEvent(new SupervisorEvent.StateChanged(P, at.plusSeconds(2), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS,
          "startup grace elapsed"));
      j.onEvent(new SupervisorEvent.CommandIssued(P, at.plus(Duration.ofMinutes(20)), SupervisorEvent.Command.RESTART, Origin.API, ASKED));
      at = end(j, P, at.plus(Duration.ofMinutes(20)), 2, Termination.Signaled.of(15, false), ExitCause.KILLED_BY_SUPERVISOR, Duration.ofMinutes(20));
      j.onEvent(new SupervisorEvent.Started(P, at, 4194303, 3));
      j.onEvent(new SupervisorEvent.StateChanged(P, at.plusSeconds(2), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS,
          "startup grace elapsed"));
      j.recordSnapshot(new ProcessStatus(P, ProcessState.RUNNING, 4194303, at, Duration.ofMinutes(9), 1, null, HealthState.HEALTHY, true, ""),
          null, at.plus(Duration.ofMinutes(9)), Duration.ofMillis(2), null);
      at = end(j, P, at.plus(Duration.ofMinutes(10)), 3, Termination.Signaled.of(11, true), ExitCause.SIGNALED,
          Duration.ofMinutes(10));
      ExitInfo failed = new ExitInfo(new Termination.Unknown("not started"), ExitCause.START_FAILED, Duration.ZERO, at, WHY, -1);
      j.onEvent(new SupervisorEvent.Exited(P, at, 4, failed));
      // as the engine decides a failed start: crashed, a backoff of 30 s, started again
      j.onEvent(new SupervisorEvent.StateChanged(P, at, ProcessState.STARTING, ProcessState.CRASHED, Origin.PROCESS, failed.toString()));
      j.onEvent(new SupervisorEvent.StateChanged(P, at, ProcessState.CRASHED, ProcessState.BACKOFF, Origin.POLICY, "restart"));
      j.onEvent(new SupervisorEvent.RestartScheduled(P, at, 4, Duration.ofSeconds(30), failed));
      j.onEvent(new SupervisorEvent.Diagnosed(P, at.plusSeconds(1), 4,
          new Diagnosis(P, 4, Diagnosis.Trigger.START_FAILED, at.plusSeconds(1), Duration.ofMillis(40), failed, List.of(CAUSE))));
      j.onEvent(new SupervisorEvent.StateChanged(P, at.plusSeconds(30), ProcessState.BACKOFF, ProcessState.STARTING, Origin.POLICY,
          "restart"));
      j.onEvent(new SupervisorEvent.Started(P, at.plusSeconds(30), 4194305, 5));
      j.flush(Duration.ofSeconds(30));
    } // closed without the run's end, as a killed JVM leaves it
    // the second supervisor on gw1: its run still up
    try (Journal j = journal("gw1")) {
      Instant reg = T.plus(Duration.ofHours(3));
      j.onEvent(new SupervisorEvent.Registered(P, reg, spec));
      j.onEvent(new SupervisorEvent.Started(P, reg.plusSeconds(1), 4194399, 1));
      j.onEvent(new SupervisorEvent.StateChanged(P, reg.plusSeconds(3), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS,
          "startup grace elapsed"));
      j.recordSnapshot(new ProcessStatus(P, ProcessState.RUNNING, 4194399, reg.plusSeconds(1), Duration.ofHours(4), 1, null, HealthState.HEALTHY,
          true, ""), null, T.plus(Duration.ofMinutes(7 * 60 - 5)), Duration.ofMillis(2), null);
      j.flush(Duration.ofSeconds(30));
    }
    // another gateway of the fleet, with a long host name: an error exit, restarted
    try (Journal j = journal(FAR)) {
      j.onEvent(new SupervisorEvent.Registered(Q, T.plusSeconds(30), ProcessSpec.builder(Q).command("/opt/router/bin/router").build()));
      j.onEvent(new SupervisorEvent.Started(Q, T.plusSeconds(32), 2718281, 1));
      Instant at = end(j, Q, T.plus(Duration.ofHours(2)), 1, new Termination.Exited(3), ExitCause.ERROR_EXIT, Duration.ofHours(2));
      j.onEvent(new SupervisorEvent.Started(Q, at, 2718282, 2));
      j.onEvent(new SupervisorEvent.StateChanged(Q, at.plusSeconds(2), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS,
          "startup grace elapsed"));
      j.recordSnapshot(new ProcessStatus(Q, ProcessState.RUNNING, 2718282, at, Duration.ofHours(5), 1, null, HealthState.HEALTHY, true, ""),
          null, T.plus(Duration.ofMinutes(7 * 60 - 2)), Duration.ofMillis(2), null);
      j.flush(Duration.ofSeconds(30));
    }
  }

  private static Journal journal(String host) {
    return Journal.builder().sqlite(db).host(host).snapshotInterval(Duration.ZERO).corePattern("/var/crash/core.%e.%p").build();
  }

  /** Run {@code run} ends at {@code end} after {@code up} and is restarted 10 s later, which is returned. */
  private static Instant end(Journal j, String process, Instant end, int run, Termination how, ExitCause cause, Duration up) {
    ExitInfo exit = new ExitInfo(how, cause, up, end, "", -1);
    j.onEvent(new SupervisorEvent.Exited(process, end, run, exit));
    j.onEvent(new SupervisorEvent.StateChanged(process, end, ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS, exit.toString()));
    j.onEvent(new SupervisorEvent.StateChanged(process, end, ProcessState.CRASHED, ProcessState.BACKOFF, Origin.POLICY, "restart"));
    j.onEvent(new SupervisorEvent.RestartScheduled(process, end, run, Duration.ofSeconds(10), exit));
    j.onEvent(new SupervisorEvent.StateChanged(process, end.plusSeconds(10), ProcessState.BACKOFF, ProcessState.STARTING, Origin.POLICY,
        "restart"));
    return end.plusSeconds(10);
  }

  private static String vigil(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(AT));
    CliGoldenTest.Result r = CliGoldenTest.runOn(db, all.toArray(String[]::new));
    assertThat(r.code()).as(r.err()).isIn(VigilCli.OK, VigilCli.ATTENTION);
    return r.out();
  }

  /**
   * The fleet's events: HOST and SUPERVISOR STARTED columns and the long names leave too little for a DETAIL column, so
   * each detail is on lines under its row, as {@code vigil history} puts how a run ended; each reason whole.
   */
  @Test
  void theFleetsEventsFit120ColumnsWithEveryReasonWhole() {
    String out = vigil("events", "--since", "12h", "--width", "120");
    TableText.assertFits(out, 120);
    assertThat(TableText.words(out)).contains("HOST", FAR, "SUPERVISOR STARTED", "Run numbers count from 1 in each supervisor");
    everyReasonWhole(out);
  }

  /** One host's events in 80 columns: the long name wrapped after its underscores, each reason still whole. */
  @Test
  void oneHostsEventsFit80ColumnsWithEveryReasonWhole() {
    String out = vigil("events", "--since", "12h", "--host", "gw1", "--width", "80");
    TableText.assertFits(out, 80);
    everyReasonWhole(out);
    assertThat(TableText.column(out, "PROCESS", "EVENT")).as(out).containsOnly(P);
    assertThat(TableText.column(out, "EVENT", "EVENT")).contains("Registered", "HealthChanged", "CommandIssued", "Exited", "Diagnosed");
  }

  /** Where the other columns leave room, DETAIL stays a column, its long cells wrapped in it, not cut. */
  @Test
  void aDetailColumnWrapsItsLongCells() {
    String out = vigil("events", "--since", "12h", "--host", FAR, "--width", "120");
    TableText.assertFits(out, 120);
    List<String> details = TableText.column(out, "DETAIL", "EVENT");
    assertThat(details).as(out).contains("run 1, pid 2718281", "run 1: ERROR_EXIT (exit code 3)",
        "restart attempt 1 in 10.0 s after ERROR_EXIT (exit code 3) after 2 h 00 min");
    assertThat(out.lines().filter(l -> l.startsWith("│ ") && l.split("│", -1).length == 6 && l.split("│", -1)[3].isBlank()
        && !l.split("│", -1)[4].isBlank())).as("a DETAIL cell wrapped over lines:%n%s", out).isNotEmpty();
  }

  /** Each long reason of the incident, whole in the text (a path broken after a '/' read back joined). */
  private static void everyReasonWhole(String out) {
    String words = TableText.words(out).replace("/ ", "/");
    assertThat(words).as(out).contains("HEALTHY → UNHEALTHY: " + HEALTH, "RESTART (API): " + ASKED, CAUSE.summary() + ": " + CAUSE.fix(),
        "run 3: SIGNALED (killed by SIGSEGV (core dumped))", "run 1, pid 4194399");
  }

  @Test
  void theFleetsStatusFits120ColumnsAndOneHostsFits80() {
    String out = vigil("status", "--width", "120");
    TableText.assertFits(out, 120);
    assertThat(TableText.column(out, "PID", "STATE")).as(out).containsExactlyInAnyOrder("4194399", "2718282");
    assertThat(TableText.column(out, "PROCESS", "STATE")).as(out).containsExactlyInAnyOrder(P, Q);
    // a HOST column of long names and ten columns do not fit 120: SINCE and LAST SEEN on a line under each row
    assertThat(TableText.words(out)).contains(FAR, "RUNNING", "since 2026-12-05 03:00:12, last seen 2026-12-05 07:58:00",
        "since 2026-12-05 04:00:03, last seen 2026-12-05 07:55:00");
    String narrow = vigil("status", "--host", "gw1", "--width", "80");
    TableText.assertFits(narrow, 80);
    assertThat(TableText.column(narrow, "PROCESS", "STATE")).as(narrow).containsExactly(P);
    assertThat(TableText.column(narrow, "PID", "STATE")).as(narrow).containsExactly("4194399");
    // too many columns for 80: SINCE and LAST SEEN on a line under the row
    assertThat(TableText.words(narrow)).contains("since 2026-12-05 04:00:03, last seen 2026-12-05 07:55:00");
  }

  @Test
  void restartsFit80ColumnsWithEveryDetailAndSuggestion() {
    String wide = vigil("restarts", P, "--period", "1d", "--host", "gw1", "--width", "120");
    TableText.assertFits(wide, 120);
    String out = vigil("restarts", P, "--period", "1d", "--host", "gw1", "--width", "80");
    TableText.assertFits(out, 80);
    // each restart's detail and each suggestion, as the JSON has them, whole in the text of either width
    String json = vigil("restarts", P, "--period", "1d", "--host", "gw1", "--json");
    List<String> texts = new ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"detail\": \"([^\"\\\\]*)\"").matcher(json);
    while (m.find()) {
      texts.add(m.group(1));
    }
    String suggestions = json.substring(json.indexOf("\"suggestions\""));
    m = java.util.regex.Pattern.compile("\"([^\"\\\\]{20,})\"").matcher(suggestions);
    while (m.find()) {
      texts.add(m.group(1));
    }
    assertThat(texts).as(json).hasSizeGreaterThan(5).anySatisfy(t -> assertThat(t).contains(RELEASE));
    for (String report : List.of(wide, out)) {
      String words = TableText.words(report).replace("/ ", "/");
      assertThat(words).contains("Restarts of " + P);
      for (String t : texts) {
        assertThat(words).as(report).contains(t.replaceAll("\\s+", " "));
      }
    }
  }

  /** The last crash, a failed start naming a long path: its message and the suggestion naming it whole in 80 columns. */
  @Test
  void theLastCrashFits80Columns() {
    String wide = vigil("crash", P, "--width", "120");
    String out = vigil("crash", P, "--width", "80");
    TableText.assertFits(wide, 120);
    TableText.assertFits(out, 80);
    for (String report : List.of(wide, out)) {
      assertThat(TableText.words(report).replace("/ ", "/")).as(report).contains("Last crash of " + P + " on gw1", "START_FAILED (" + WHY + ")",
          "1. it could not start (" + WHY + "): vigil diagnose " + P + " says why and what to fix");
    }
  }
}
