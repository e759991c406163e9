package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.Origin;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
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
 * Two supervising JVMs that registered the job within one second (at .100 and .700), each with a run 1 that exits 3 and
 * is diagnosed: their start times to the second read alike ({@code 20:00:00} twice), so history, events, crash and
 * diagnose show them with milliseconds. The journal's rows are written with their times given, as the JVMs wrote them.
 */
@Timeout(60)
class SupervisorsInOneSecondTest {
  private static final String P = "job";
  private static final Instant FIRST = Instant.parse("2026-12-05T20:00:00.100Z");
  private static final Instant SECOND = Instant.parse("2026-12-05T20:00:00.700Z");
  private static final String[] AT = {"--zone", "UTC", "--now", "2026-12-05T20:10:00Z", "--color", "never"};

  @TempDir
  static Path dir;

  static Path db;

  @BeforeAll
  static void twoSupervisorsInOneSecond() {
    db = dir.resolve("one-second.db");
    int pid = 4100;
    for (Instant reg : List.of(FIRST, SECOND)) {
      try (Journal j = Journal.builder().sqlite(db).host("gw1").snapshotInterval(Duration.ZERO).build()) {
        j.onEvent(new SupervisorEvent.Registered(P, reg, ProcessSpec.builder(P).command("/opt/job").build()));
        j.onEvent(new SupervisorEvent.StateChanged(P, reg, ProcessState.STOPPED, ProcessState.STARTING, Origin.API, "start"));
        Instant started = reg.plusMillis(50);
        j.onEvent(new SupervisorEvent.Started(P, started, ++pid, 1));
        Instant end = reg.plusMillis(150);
        ExitInfo exit = new ExitInfo(new Termination.Exited(3), ExitCause.ERROR_EXIT, Duration.ofMillis(100), end, "", -1);
        j.onEvent(new SupervisorEvent.Exited(P, end, 1, exit));
        j.onEvent(new SupervisorEvent.StateChanged(P, end, ProcessState.STARTING, ProcessState.CRASHED, Origin.PROCESS, exit.toString()));
        Finding f = Finding.problem(Finding.Check.EXIT, Finding.Certainty.POSSIBLE, "exit code 3", List.of("exit 3"), "read its stderr");
        j.onEvent(new SupervisorEvent.Diagnosed(P, end.plusMillis(20), 1,
            new Diagnosis(P, 1, Diagnosis.Trigger.EARLY_EXIT, end.plusMillis(20), Duration.ofMillis(5), exit, List.of(f))));
        j.flush(Duration.ofSeconds(30));
      }
    }
  }

  private static CliGoldenTest.Result run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(AT));
    CliGoldenTest.Result r = CliGoldenTest.runOn(db, all.toArray(String[]::new));
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    return r;
  }

  @Test
  void historyShowsTheSupervisorsStartsWithMilliseconds() {
    String out = run("history", P, "--period", "1h").out();
    assertThat(out).as(out).containsPattern("supervisor started 2026-12-05 20:00:00\\.100 +│\\n│\\s+1 │ 4101 ")
        .containsPattern("supervisor started 2026-12-05 20:00:00\\.700 +│\\n│\\s+1 │ 4102 ");
  }

  @Test
  void eventsShowTheSupervisorsStartsWithMilliseconds() {
    String out = run("events", "-p", P, "--since", "1h").out();
    List<String> exits = out.lines().filter(l -> l.contains(" Exited ")).toList();
    assertThat(exits).as(out).hasSize(2);
    assertThat(exits.get(0)).contains("│ 2026-12-05 20:00:00.100 │");
    assertThat(exits.get(1)).contains("│ 2026-12-05 20:00:00.700 │");
  }

  @Test
  void crashAndDiagnoseNameTheSupervisorWithMilliseconds() {
    assertThat(run("crash", P, "--last").out()).contains("1 (supervisor started 2026-12-05 20:00:00.700), pid 4102");
    String out = run("diagnose", P, "--count", "2").out();
    assertThat(out).as(out).contains("early exit, run 1 (supervisor started 2026-12-05 20:00:00.700)")
        .contains("early exit, run 1 (supervisor started 2026-12-05 20:00:00.100)");
  }
}
