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
import io.github.vigil.journal.Journal;
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
 * A gateway whose supervising JVM was killed twice, as a black-box trial left its journal: three JVMs, each numbering
 * its runs from 1. {@code vigil history} read {@code 1, 2, 1, 1} with nothing to tell the runs apart, and a run whose
 * supervisor was killed read {@code ENDED - ... END UNKNOWN}; it now names each run's supervisor and says the run ended
 * with it, last heard of at the journal's last row of it (a status snapshot here, after its last state change), in the
 * report's zone, as {@code vigil restarts} says it. The restart timeline fits 120 columns (the supervisor-ended detail
 * made it about 220 wide), and a period of 7 days is echoed {@code 7 d}, not {@code 7 d 00 h}.
 */
@Timeout(60)
class KilledSupervisorHistoryTest {
  private static final String P = "feed";
  /** The first JVM registers the feed; the second at +5 min, the third at +10 min. */
  private static final Instant T = Instant.parse("2026-12-05T20:00:00Z");
  /** In Asia/Shanghai (UTC+8), the zone the reports are read in. */
  private static final String[] AT = {"--zone", "Asia/Shanghai", "--now", "2026-12-05T20:20:00Z", "--color", "never", "--width", "120"};

  @TempDir
  static Path dir;

  static Path db;

  @BeforeAll
  static void writeThreeJvms() {
    db = dir.resolve("killed.db");
    // the first JVM: run 1 crashes and is restarted, run 2 is running when the JVM is killed (its last snapshot at +3 min)
    try (Journal j = journal()) {
      register(j, T);
      j.onEvent(new SupervisorEvent.Started(P, T.plusSeconds(1), 3601, 1));
      running(j, T.plusSeconds(2));
      Instant end = T.plusSeconds(60);
      ExitInfo exit = new ExitInfo(new Termination.Signaled(11, "SIGSEGV", false, false), ExitCause.SIGNALED, Duration.ofSeconds(59), end,
          "", -1);
      j.onEvent(new SupervisorEvent.Exited(P, end, 1, exit));
      j.onEvent(new SupervisorEvent.StateChanged(P, end, ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS, exit.toString()));
      j.onEvent(new SupervisorEvent.StateChanged(P, end, ProcessState.CRASHED, ProcessState.BACKOFF, Origin.POLICY, "restart"));
      j.onEvent(new SupervisorEvent.RestartScheduled(P, end, 1, Duration.ofSeconds(1), exit));
      j.onEvent(new SupervisorEvent.StateChanged(P, end.plusSeconds(1), ProcessState.BACKOFF, ProcessState.STARTING, Origin.POLICY, "restart"));
      j.onEvent(new SupervisorEvent.Started(P, end.plusSeconds(1), 3629, 2));
      running(j, end.plusSeconds(2));
      snapshot(j, T.plusSeconds(120), 3629);
      snapshot(j, T.plusSeconds(180), 3629);
      j.flush(Duration.ofSeconds(30));
    } // closed without the run's end, as a killed JVM leaves it
    // the second JVM: run 1 running when this JVM is killed too (last snapshot at +6 min)
    try (Journal j = journal()) {
      register(j, T.plusSeconds(300));
      j.onEvent(new SupervisorEvent.Started(P, T.plusSeconds(301), 3702, 1));
      running(j, T.plusSeconds(302));
      snapshot(j, T.plusSeconds(360), 3702);
      j.flush(Duration.ofSeconds(30));
    }
    // the third JVM: run 1 running now
    try (Journal j = journal()) {
      register(j, T.plusSeconds(600));
      j.onEvent(new SupervisorEvent.Started(P, T.plusSeconds(601), 3800, 1));
      running(j, T.plusSeconds(602));
      snapshot(j, T.plusSeconds(1140), 3800);
      j.flush(Duration.ofSeconds(30));
    }
  }

  private static Journal journal() {
    return Journal.builder().sqlite(db).host("gw1").snapshotInterval(Duration.ZERO).build();
  }

  private static void register(Journal j, Instant at) {
    j.onEvent(new SupervisorEvent.Registered(P, at, ProcessSpec.builder(P).command("/opt/feed/bin/feed").build()));
    j.onEvent(new SupervisorEvent.StateChanged(P, at.plusSeconds(1), ProcessState.STOPPED, ProcessState.STARTING, Origin.API, "start"));
  }

  private static void running(Journal j, Instant at) {
    j.onEvent(new SupervisorEvent.StateChanged(P, at, ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS, "startup grace elapsed"));
  }

  private static void snapshot(Journal j, Instant at, long pid) {
    j.recordSnapshot(new ProcessStatus(P, ProcessState.RUNNING, pid, at.minusSeconds(60), Duration.ofSeconds(60), 0, null, HealthState.HEALTHY,
        true, ""), null, at, Duration.ofMillis(2), null);
  }

  private static CliGoldenTest.Result run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(AT));
    return CliGoldenTest.runOn(db, all.toArray(String[]::new));
  }

  @Test
  void historySaysWhichSupervisorRanEachRunAndThatItsRunEndedWithIt() {
    CliGoldenTest.Result r = run("history", P, "--period", "1d");
    assertThat(r.code()).as(r.err()).isZero();
    String out = r.out();
    // each run under its supervisor's heading: the three JVMs' registrations, 04:00, 04:05 and 04:10 in Shanghai; run 2 of
    // the first under the same heading (the lines between are run 1's note)
    assertThat(out).containsPattern("│ supervisor started 2026-12-06 04:00:00 +│\\n│\\s+1 │ 3601 [^\\n]*\\n(│\\s+│ [^\\n]*\\n)*│\\s+2 │ 3629 ")
        .containsPattern("│ supervisor started 2026-12-06 04:05:00 +│\\n│\\s+1 │ 3702 ")
        .containsPattern("│ supervisor started 2026-12-06 04:10:00 +│\\n│\\s+1 │ 3800 ")
        .contains("Run numbers count from 1 in each supervisor");
    // a run whose supervisor was killed says so, with when it was last heard of (its last snapshot), in the zone asked for
    assertThat(out).doesNotContain("UNKNOWN");
    assertThat(occurrences(out, "ended with its supervisor")).as(out).isEqualTo(2);
    assertThat(out).contains("last heard of at 2026-12-06 04:03:00").contains("last heard of at 2026-12-06 04:06:00");
    // the period as it was asked for
    assertThat(out).contains("(Asia/Shanghai, 1 d)");
  }

  @Test
  void historysJsonNamesTheSupervisorAndTheEnd() {
    CliGoldenTest.Result r = run("history", P, "--period", "1d", "--json");
    assertThat(r.code()).as(r.err()).isZero();
    String out = r.out();
    assertThat(occurrences(out, "\"endedWithSupervisor\": true")).as(out).isEqualTo(2);
    assertThat(occurrences(out, "\"endedWithSupervisor\": false")).as(out).isEqualTo(2);
    assertThat(out).contains("\"lastHeardAt\": \"2026-12-05T20:03:00Z\"").contains("\"lastHeardAt\": \"2026-12-05T20:06:00Z\"");
    assertThat(occurrences(out, "\"supervisorStartedAt\": \"2026-12-05T20:00:00Z\"")).as(out).isEqualTo(2);
    assertThat(out).contains("\"supervisorStartedAt\": \"2026-12-05T20:05:00Z\"").contains("\"supervisorStartedAt\": \"2026-12-05T20:10:00Z\"");
  }

  @Test
  void restartsSaysTheSameLastHeardOf() {
    CliGoldenTest.Result r = run("restarts", P, "--period", "7d");
    assertThat(r.code()).as(r.err()).isZero();
    String out = r.out();
    assertThat(occurrences(out, "supervisor ended")).as(out).isGreaterThanOrEqualTo(2);
    // the last snapshot of each killed JVM's run, not its last state change (04:01:02 and 04:05:02)
    assertThat(out).contains("last heard of at 2026-12-06 04:03:00").contains("last heard of at 2026-12-06 04:06:00");
    assertThat(out).contains("(Asia/Shanghai, 7 d)").doesNotContain("7 d 00 h");
  }

  /**
   * The first run of the JVM after a killed one: restarts gives its "supervisor ended" restart a recovery (the next JVM's
   * registration at 04:05:00 to RUNNING at 04:05:02, and 04:10:00 to 04:10:02), and history gives that run the same, where
   * it read {@code RECOVERY -} (the journal's row has none: the JVM that recovered it heard of no crash).
   */
  @Test
  void historyGivesTheRecoveryAfterAKilledSupervisorThatRestartsGives() {
    CliGoldenTest.Result restarts = run("restarts", P, "--period", "1d");
    assertThat(restarts.out()).containsPattern("│ 1 │ 2026-12-06 04:10:00 │ supervisor ended │\\s+- │ -\\s+│\\s+2\\.00 s │")
        .containsPattern("│ 2 │ 2026-12-06 04:05:00 │ supervisor ended │\\s+- │ -\\s+│\\s+2\\.00 s │");
    CliGoldenTest.Result history = run("history", P, "--period", "1d");
    assertThat(history.code()).as(history.err()).isZero();
    for (String pid : List.of("3702", "3800")) {
      assertThat(history.out().lines().filter(l -> l.contains("│ " + pid + " │")))
          .as(history.out()).singleElement().satisfies(l -> assertThat(l).endsWith("│   2.00 s │"));
    }
    CliGoldenTest.Result json = run("history", P, "--period", "1d", "--json");
    // run 2 of the first JVM (after its crash) and the first runs of the second and third
    assertThat(occurrences(json.out(), "\"recoveryMs\": 2000")).as(json.out()).isEqualTo(3);
  }

  /** The supervisor-ended detail (about 120 characters) made the timeline about 220 columns wide. */
  @Test
  void restartsTimelineFits120Columns() {
    CliGoldenTest.Result r = run("restarts", P, "--period", "7d");
    assertThat(r.code()).as(r.err()).isZero();
    String out = r.out();
    for (String line : out.split("\n")) {
      if (!line.isEmpty() && "┌├│└".indexOf(line.charAt(0)) >= 0) {
        assertThat(line.length()).as("a table line of %d columns:%n%s%n%s", line.length(), line, out).isLessThanOrEqualTo(120);
      }
    }
  }

  private static int occurrences(String s, String part) {
    Matcher m = Pattern.compile(Pattern.quote(part)).matcher(s);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
