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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil history} of a realistic bad day fits an operator's terminal: a long process name, seven-digit pids, two
 * supervisors on one host (the first killed), a crash whose signal was inferred, an OOM kill with its memory and limit, a
 * failed start whose message names a long path, and a second host with a long name. Its rows were about 180 columns
 * wide (a SUPERVISOR STARTED column, END holding the whole reason, MEMORY AT END); the table and the lines around it now
 * fit 120 columns (and 80 where asked), and every figure and word of them is still there.
 */
@Timeout(60)
class HistoryWidthTest {
  private static final String P = "shfe-market-data-feed-handler-primary-gateway-connection";
  private static final Instant T = Instant.parse("2026-12-05T01:00:00Z");
  private static final String WHY = "cannot run program /opt/shfe/market-data/feed-handler/releases/2026.12.05-hotfix-3/bin/feed-handler: "
      + "error=13, Permission denied";
  private static final String[] AT = {"--period", "1d", "--zone", "UTC", "--now", "2026-12-05T08:00:00Z", "--color", "never"};

  @TempDir
  static Path dir;

  static Path db;

  @BeforeAll
  static void writeABadDay() {
    db = dir.resolve("bad-day.db");
    ProcessSpec spec = ProcessSpec.builder(P).command("/opt/shfe/market-data/feed-handler/current/bin/feed-handler", "--venue", "SHFE")
        .label("vigil.linux.memory.max", "64M").build(); // the memory limit the journal reads (Journal.MEMORY_MAX_LABEL)
    // the first supervisor: a crash by an inferred SIGSEGV, an OOM kill, a failed start, then a run its JVM was killed under
    try (Journal j = journal("gw1")) {
      j.onEvent(new SupervisorEvent.Registered(P, T, spec));
      Instant at = T.plusSeconds(1);
      at = run(j, at, 4194301, 1, new Termination.Signaled(11, "SIGSEGV", false, false), ExitCause.SIGNALED, Duration.ofMinutes(59), "", -1);
      at = run(j, at, 4194302, 2, Termination.Signaled.of(9, false), ExitCause.OOM_KILLED, Duration.ofMinutes(40), "killed by the OOM killer",
          63L << 20);
      ExitInfo failed = new ExitInfo(new Termination.Unknown("not started"), ExitCause.START_FAILED, Duration.ZERO, at, WHY, -1);
      j.onEvent(new SupervisorEvent.Exited(P, at, 3, failed));
      at = at.plusSeconds(5);
      j.onEvent(new SupervisorEvent.Started(P, at, 4194304, 4));
      j.onEvent(new SupervisorEvent.StateChanged(P, at.plusSeconds(2), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS,
          "startup grace elapsed"));
      j.recordSnapshot(new ProcessStatus(P, ProcessState.RUNNING, 4194304, at, Duration.ofMinutes(10), 0, null, HealthState.HEALTHY, true, ""),
          null, at.plus(Duration.ofMinutes(10)), Duration.ofMillis(2), null);
      j.flush(Duration.ofSeconds(30));
    } // closed without the run's end, as a killed JVM leaves it
    // the second supervisor: a health-check kill, then a run still running
    try (Journal j = journal("gw1")) {
      Instant reg = T.plus(Duration.ofHours(3));
      j.onEvent(new SupervisorEvent.Registered(P, reg, spec));
      Instant at = run(j, reg.plusSeconds(1), 4194399, 1, Termination.Signaled.of(15, false), ExitCause.HEALTH_CHECK_FAILED,
          Duration.ofHours(2), "", -1);
      j.onEvent(new SupervisorEvent.Started(P, at, 4194400, 2));
      j.recordSnapshot(new ProcessStatus(P, ProcessState.RUNNING, 4194400, at, Duration.ofMinutes(50), 0, null, HealthState.HEALTHY, true, ""),
          null, T.plus(Duration.ofMinutes(7 * 60 - 10)), Duration.ofMillis(2), null);
      j.flush(Duration.ofSeconds(30));
    }
    // another gateway of the fleet, with a long host name
    try (Journal j = journal("gw-shanghai-futures-07")) {
      j.onEvent(new SupervisorEvent.Registered(P, T.plusSeconds(30), spec));
      run(j, T.plusSeconds(32), 2718281, 1, new Termination.Exited(3), ExitCause.ERROR_EXIT, Duration.ofMinutes(5), "", -1);
      j.flush(Duration.ofSeconds(30));
    }
  }

  private static Journal journal(String host) {
    return Journal.builder().sqlite(db).host(host).snapshotInterval(Duration.ZERO).build();
  }

  /** A run started at {@code at} that ends after {@code up}; the next starts 10 s later, which is returned. */
  private static Instant run(Journal j, Instant at, long pid, int run, Termination how, ExitCause cause, Duration up, String message,
      long memory) {
    j.onEvent(new SupervisorEvent.Started(P, at, pid, run));
    j.onEvent(new SupervisorEvent.StateChanged(P, at.plusSeconds(2), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS,
        "startup grace elapsed"));
    Instant end = at.plus(up);
    ExitInfo exit = new ExitInfo(how, cause, up, end, message, memory);
    j.onEvent(new SupervisorEvent.Exited(P, end, run, exit));
    j.onEvent(new SupervisorEvent.StateChanged(P, end, ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS, exit.toString()));
    j.onEvent(new SupervisorEvent.StateChanged(P, end, ProcessState.CRASHED, ProcessState.BACKOFF, Origin.POLICY, "restart"));
    j.onEvent(new SupervisorEvent.RestartScheduled(P, end, run, Duration.ofSeconds(10), exit));
    j.onEvent(new SupervisorEvent.StateChanged(P, end.plusSeconds(10), ProcessState.BACKOFF, ProcessState.STARTING, Origin.POLICY, "restart"));
    return end.plusSeconds(10);
  }

  private static String history(String... args) {
    List<String> all = new ArrayList<>(List.of("history", P));
    all.addAll(List.of(args));
    all.addAll(List.of(AT));
    CliGoldenTest.Result r = CliGoldenTest.runOn(db, all.toArray(String[]::new));
    assertThat(r.code()).as(r.err()).isZero();
    return r.out();
  }

  @Test
  void oneHostsBadDayFits120ColumnsWithEverythingInIt() {
    String out = history("--host", "gw1", "--width", "120");
    TableText.assertFits(out, 120);
    String text = TableText.words(out);
    assertThat(text).contains("Runs of " + P, "supervisor started 2026-12-05 01:00:00", "supervisor started 2026-12-05 04:00:00",
        "Run numbers count from 1 in each supervisor");
    for (String pid : List.of("4194301", "4194302", "4194304", "4194399", "4194400")) {
      assertThat(text).contains(pid);
    }
    assertThat(column(out, "END")).as(out).containsExactly("SIGNALED", "OOM_KILLED", "START_FAILED", "supervisor ended",
        "HEALTH_CHECK_FAILED", "running");
    // each run's cause in its row, and how it ended in words under it
    assertThat(text).contains("SIGNALED", "killed by SIGSEGV (inferred from exit status 139)", "OOM_KILLED", "killed by SIGKILL",
        "memory at end 63.0 MiB (limit 64.0 MiB)", "START_FAILED", WHY, "supervisor ended",
        "ended with its supervisor (JVM killed or gone), last heard of at 2026-12-05 02:49:26", "HEALTH_CHECK_FAILED", "killed by SIGTERM",
        "running");
    // times, uptimes and recoveries
    assertThat(text).contains("2026-12-05 01:00:01 2026-12-05 01:59:01 59 min 00 s", "2026-12-05 04:00:01 2026-12-05 06:00:01 2 h 00 min",
        "≥ 10 min 00 s", "12.0 s");
  }

  /**
   * In a terminal of 80 columns: the widest columns wrapped (a date over its time, {@code HEALTH_} {@code CHECK_}
   * {@code FAILED}), the long message's path after a slash; every figure and word still there, in its cell.
   */
  @Test
  void oneHostsBadDayFits80Columns() {
    String out = history("--host", "gw1", "--width", "80");
    TableText.assertFits(out, 80);
    assertThat(column(out, "PID")).as(out).containsExactly("4194301", "4194302", "-", "4194304", "4194399", "4194400");
    assertThat(column(out, "STARTED")).as(out).containsExactly("2026-12-05 01:00:01", "2026-12-05 01:59:11", "2026-12-05 02:39:21",
        "2026-12-05 02:39:26", "2026-12-05 04:00:01", "2026-12-05 06:00:11");
    assertThat(column(out, "END")).as(out).containsExactly("SIGNALED", "OOM_KILLED", "START_FAILED", "supervisor ended",
        "HEALTH_CHECK_FAILED", "running");
    assertThat(column(out, "UPTIME")).as(out).containsExactly("59 min 00 s", "40 min 00 s", "-", "≥ 10 min 00 s", "2 h 00 min", "2 h 00 min");
    assertThat(TableText.words(out)).contains("supervisor started 2026-12-05 04:00:00", "killed by SIGSEGV (inferred from exit status 139)",
        "memory at end 63.0 MiB (limit 64.0 MiB)", "ended with its supervisor (JVM killed or gone), last heard of at 2026-12-05 02:49:26");
    assertThat(TableText.words(out).replace("/ ", "/")).contains(WHY);
  }

  /** Without --host: a HOST column, its long name too, still within 120 columns. */
  @Test
  void theFleetsHistoryFits120Columns() {
    String out = history("--width", "120");
    TableText.assertFits(out, 120);
    assertThat(TableText.words(out)).contains("HOST", "gw-shanghai-futures-07", "2718281", "ERROR_EXIT", "exit code 3", "gw1: supervisor started 2026-12-05 01:00:00",
        "gw-shanghai-futures-07: supervisor started 2026-12-05 01:00:30", "killed by SIGSEGV (inferred from exit status 139)");
  }

  @Test
  void theWidthIsTheTerminalsWhereColumnsSaysIt() {
    assertThat(VigilCli.Common.width(null)).isEqualTo(120);
    assertThat(VigilCli.Common.width("200")).isEqualTo(200);
    assertThat(VigilCli.Common.width(" 80 ")).isEqualTo(80);
    assertThat(VigilCli.Common.width("wide")).isEqualTo(120);
    assertThat(VigilCli.Common.width("0")).isEqualTo(120);
  }

  private static List<String> column(String out, String header) {
    return TableText.column(out, header, "RUN");
  }
}
