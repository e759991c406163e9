package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.AttachSpec;
import io.github.vigil.AttachState;
import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.HealthState;
import io.github.vigil.HumanFormat;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil status} on a journal of a process that gave up (FAILED) and one that was stopped. */
@Timeout(60)
class StatusCommandTest {
  private static final Instant T = Instant.parse("2026-11-30T01:00:00Z");

  @TempDir
  static Path dir;

  static Path db;

  @BeforeAll
  static void writeJournal() {
    db = dir.resolve("status.db");
    try (Journal j = Journal.builder().sqlite(db).host("gw1").snapshotInterval(Duration.ZERO).build()) {
      for (String p : new String[] {"feed", "orders"}) {
        j.onEvent(new SupervisorEvent.Registered(p, T, ProcessSpec.builder(p).command("/opt/" + p).build()));
        j.onEvent(new SupervisorEvent.StateChanged(p, T, ProcessState.STOPPED, ProcessState.STARTING, Origin.API, "start"));
        j.onEvent(new SupervisorEvent.Started(p, T, p.equals("feed") ? 100 : 200, 1));
        j.onEvent(new SupervisorEvent.StateChanged(p, T.plusSeconds(1), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS, "up"));
        j.recordSnapshot(new ProcessStatus(p, ProcessState.RUNNING, p.equals("feed") ? 100 : 200, T, Duration.ofMinutes(5), 0, null,
            HealthState.HEALTHY, true, ""), null, T.plusSeconds(300), Duration.ofMillis(2), null);
      }
      ExitInfo exit = new ExitInfo(new Termination.Exited(2), ExitCause.ERROR_EXIT, Duration.ofMinutes(10), T.plusSeconds(600), "", -1);
      j.onEvent(new SupervisorEvent.Exited("feed", T.plusSeconds(600), 1, exit));
      j.onEvent(new SupervisorEvent.StateChanged("feed", T.plusSeconds(600), ProcessState.RUNNING, ProcessState.FAILED, Origin.POLICY,
          "gave up"));
      j.onEvent(new SupervisorEvent.Failed("feed", T.plusSeconds(600), "no restarts left", exit));
      j.onEvent(new SupervisorEvent.CommandIssued("orders", T.plusSeconds(700), SupervisorEvent.Command.STOP, Origin.API, "stop"));
      j.onEvent(new SupervisorEvent.StateChanged("orders", T.plusSeconds(700), ProcessState.RUNNING, ProcessState.STOPPING, Origin.API,
          "stop"));
      j.onEvent(new SupervisorEvent.Exited("orders", T.plusSeconds(701), 1, new ExitInfo(Termination.Signaled.of(15, false),
          ExitCause.KILLED_BY_SUPERVISOR, Duration.ofSeconds(700), T.plusSeconds(701), "", -1)));
      j.onEvent(new SupervisorEvent.StateChanged("orders", T.plusSeconds(701), ProcessState.STOPPING, ProcessState.STOPPED, Origin.API,
          "stop"));
      j.flush(Duration.ofSeconds(30));
    }
    // the last snapshots, taken while both ran, saw CPU and memory (a sample the journal's own tests need not build)
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
        java.sql.Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE snapshots SET cpu_percent = 12.5, memory_bytes = 104857600");
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static CliGoldenTest.Result status(String... more) {
    String[] args = new String[more.length + 5];
    System.arraycopy(new String[] {"status", "--zone", "UTC", "--now", "2026-11-30T02:00:00Z"}, 0, args, 0, 5);
    System.arraycopy(more, 0, args, 5, more.length);
    return CliGoldenTest.runOn(db, args);
  }

  /** CPU and memory are those of a running process: a stopped or failed one shows none (it showed its last snapshot's). */
  @Test
  void aProcessNotRunningHasNoCpuNorMemory() {
    CliGoldenTest.Result r = status("--color", "never");
    assertThat(r.out()).containsPattern("feed +│ FAILED +│ +- │ .*│ +- │ +- │ +- │")
        .containsPattern("orders +│ STOPPED +│ +- │ .*│ +- │ +- │ +- │").doesNotContain(HumanFormat.bytes(104_857_600), "12.5%");
    CliGoldenTest.Result json = status("--json");
    assertThat(json.out()).doesNotContain("\"memoryBytes\": 104857600", "\"cpuPercent\": 12.5");
  }

  @Test
  void aFailedProcessIsRed() {
    CliGoldenTest.Result r = status("--color", "always");
    assertThat(r.code()).as(r.err()).isEqualTo(VigilCli.ATTENTION);
    assertThat(r.out()).contains("\u001b[31mFAILED\u001b[0m ").contains("\u001b[0m");
  }

  /** A cell its command coloured ("ended" of vigil crash) takes its visible width: its colour codes misaligned the table. */
  @Test
  void aColouredCellKeepsItsTableAligned() {
    CliGoldenTest.Result r = CliGoldenTest.runOn(db, "crash", "feed", "--color", "always");
    assertThat(r.out()).as(r.err()).contains("\u001b[31m");
    for (String block : r.out().split("\n\n")) { // each table on its own: its lines all as wide
      java.util.List<Integer> widths = block.lines().filter(l -> l.startsWith("\u2502") || l.startsWith("\u250c") || l.startsWith("\u2514"))
          .map(Table::visible).distinct().toList();
      assertThat(widths).as(block).hasSizeLessThanOrEqualTo(1);
    }
  }

  /**
   * {@code --json} says which rows are attachments ({@code "attachment": true}: a process the gateway watches and did not
   * start), as the exit code does: a script read {@code "state": "STOPPED"} alike for a supervised process a person
   * stopped (exit 0) and for an attachment whose watched process ended (exit 1), and could not tell an attachment that
   * never found its process ({@code NOT_FOUND}) from anything else; the JSON had no such field.
   */
  @Test
  void theJsonSaysWhichRowsAreAttachments() {
    Path attached = dir.resolve("attached.db");
    try (Journal j = Journal.builder().sqlite(attached).host("gw1").snapshotInterval(Duration.ZERO).build()) {
      j.onEvent(new SupervisorEvent.Registered("job", T, ProcessSpec.builder("job").command("/opt/job").build()));
      j.onEvent(new SupervisorEvent.StateChanged("job", T, ProcessState.STOPPED, ProcessState.STARTING, Origin.API, "start"));
      j.onEvent(new SupervisorEvent.Started("job", T, 300, 1));
      j.onEvent(new SupervisorEvent.StateChanged("job", T.plusSeconds(1), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS, "up"));
      j.onEvent(new SupervisorEvent.StateChanged("job", T.plusSeconds(60), ProcessState.RUNNING, ProcessState.STOPPING, Origin.API, "stop"));
      j.onEvent(new SupervisorEvent.Exited("job", T.plusSeconds(61), 1, new ExitInfo(Termination.Signaled.of(15, false),
          ExitCause.KILLED_BY_SUPERVISOR, Duration.ofSeconds(60), T.plusSeconds(61), "", -1)));
      j.onEvent(new SupervisorEvent.StateChanged("job", T.plusSeconds(61), ProcessState.STOPPING, ProcessState.STOPPED, Origin.API, "stop"));
      j.onEvent(new SupervisorEvent.Attached("ext-feed", T, AttachSpec.builder("ext-feed").commandLine("quote-feed").build()));
      j.onEvent(new SupervisorEvent.AttachStateChanged("ext-feed", T.plusSeconds(1), AttachState.NOT_FOUND, AttachState.RUNNING, "found"));
      j.onEvent(new SupervisorEvent.AttachStateChanged("ext-feed", T.plusSeconds(120), AttachState.RUNNING, AttachState.STOPPED, "ended"));
      j.onEvent(new SupervisorEvent.Attached("ext-missing", T, AttachSpec.builder("ext-missing").commandLine("no-such-feed").build()));
      j.flush(Duration.ofSeconds(30));
    }
    CliGoldenTest.Result json = CliGoldenTest.runOn(attached, "status", "--json", "--now", "2026-11-30T02:00:00Z");
    assertThat(json.code()).as(json.err()).isEqualTo(VigilCli.ATTENTION);
    assertThat(json.out())
        .containsPattern("(?s)\"process\": \"job\",\\s*\"state\": \"STOPPED\",\\s*\"attachment\": false,")
        .containsPattern("(?s)\"process\": \"ext-feed\",\\s*\"state\": \"STOPPED\",\\s*\"attachment\": true,")
        .containsPattern("(?s)\"process\": \"ext-missing\",\\s*\"state\": \"NOT_FOUND\",\\s*\"attachment\": true,");
  }
}
