package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.HealthState;
import io.github.vigil.Origin;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.journal.Journal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil status} on this machine's journal after its supervisor was killed: the last record says RUNNING, but the
 * pid is gone. A person on call read RUNNING with a dead pid until the 15-minute stale note (a black-box run).
 */
@Timeout(60)
class StatusGonePidTest {
  @TempDir
  Path dir;

  @Test
  void aRunningRowOfThisHostWhosePidIsGoneIsSaidSoAndExitsOne() throws Exception {
    Process alive = new ProcessBuilder("sleep", "600").start();
    Process dead = new ProcessBuilder("sleep", "600").start();
    try {
      dead.destroyForcibly();
      assertThat(dead.waitFor(30, TimeUnit.SECONDS)).isTrue();
      Path db = dir.resolve("here.db");
      Instant t = Instant.now();
      try (Journal j = Journal.builder().sqlite(db).snapshotInterval(Duration.ZERO).build()) { // this machine's host name
        for (String p : new String[] {"alive", "dead"}) {
          long pid = p.equals("alive") ? alive.pid() : dead.pid();
          j.onEvent(new SupervisorEvent.Registered(p, t, ProcessSpec.builder(p).command("sleep", "600").build()));
          j.onEvent(new SupervisorEvent.StateChanged(p, t, ProcessState.STOPPED, ProcessState.STARTING, Origin.API, "start"));
          j.onEvent(new SupervisorEvent.Started(p, t, pid, 1));
          j.onEvent(new SupervisorEvent.StateChanged(p, t, ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS, "up"));
          j.recordSnapshot(new ProcessStatus(p, ProcessState.RUNNING, pid, t, Duration.ofSeconds(1), 0, null, HealthState.HEALTHY,
              true, ""), null, t, Duration.ofMillis(2), null);
        }
        j.flush(Duration.ofSeconds(30));
      } // closed without recording the runs' ends, as a killed supervisor leaves it

      CliGoldenTest.Result text = CliGoldenTest.runOn(db, "status", "--color", "never");
      assertThat(text.code()).as(text.err()).isEqualTo(1);
      assertThat(text.out()).contains("dead: pid " + dead.pid() + " is not running on this host (" + Journal.defaultHost()
          + "), though the journal's last record says RUNNING").doesNotContain("alive: pid");

      CliGoldenTest.Result json = CliGoldenTest.runOn(db, "status", "--json");
      assertThat(json.code()).isEqualTo(1);
      assertThat(json.out()).containsPattern("(?s)\"process\": \"alive\",[^}]*\"gone\": false")
          .containsPattern("(?s)\"process\": \"dead\",[^}]*\"gone\": true");

      // --now pretends another instant: what runs here now says nothing of it
      assertThat(CliGoldenTest.runOn(db, "status", "--color", "never", "--now", t.plusSeconds(5).toString()).out())
          .doesNotContain("is not running on this host");
    } finally {
      alive.destroyForcibly();
      alive.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * The same journal read by {@code vigil history}, and {@code status}'s uptime: a run of this machine whose pid is gone
   * read "running" in history, with an uptime growing with the time of reading, and so did its uptime in status, while
   * status said under the table that the pid is gone (a black-box run).
   */
  @Test
  void aRunOfThisHostWhosePidIsGoneIsNotRunningInHistoryAndItsUptimeStopsAtItsLastRecord() throws Exception {
    Process alive = new ProcessBuilder("sleep", "600").start();
    Process dead = new ProcessBuilder("sleep", "600").start();
    try {
      dead.destroyForcibly();
      assertThat(dead.waitFor(30, TimeUnit.SECONDS)).isTrue();
      Path db = dir.resolve("history.db");
      Instant now = Instant.now();
      try (Journal j = Journal.builder().sqlite(db).snapshotInterval(Duration.ZERO).build()) {
        for (String p : new String[] {"alive", "dead"}) {
          long pid = p.equals("alive") ? alive.pid() : dead.pid();
          // the dead run started 2 min ago and was last heard of 10 s after; the live one starts now, with its sleep
          Instant t = p.equals("alive") ? now : now.minusSeconds(120);
          Instant seen = p.equals("alive") ? now : t.plusSeconds(10);
          j.onEvent(new SupervisorEvent.Registered(p, t, ProcessSpec.builder(p).command("sleep", "600").build()));
          j.onEvent(new SupervisorEvent.StateChanged(p, t, ProcessState.STOPPED, ProcessState.STARTING, Origin.API, "start"));
          j.onEvent(new SupervisorEvent.Started(p, t, pid, 1));
          j.onEvent(new SupervisorEvent.StateChanged(p, t, ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS, "up"));
          j.recordSnapshot(new ProcessStatus(p, ProcessState.RUNNING, pid, t, Duration.between(t, seen), 0, null,
              HealthState.HEALTHY, true, ""), null, seen, Duration.ofMillis(2), null);
        }
        j.flush(Duration.ofSeconds(30));
      } // closed without recording the runs' ends, as a killed supervisor leaves it

      CliGoldenTest.Result dh = CliGoldenTest.runOn(db, "history", "dead", "--color", "never", "--zone", "UTC");
      assertThat(dh.code()).as(dh.err()).isZero();
      assertThat(dh.out()).contains("≥ 10.0 s").contains("│ gone").doesNotContain("│ running");
      assertThat(TableText.words(dh.out())).contains("pid " + dead.pid() + " is not running on this host: its supervisor ended"
          + " without recording the end of the run (killed, likely), last heard of at ");
      assertThat(CliGoldenTest.runOn(db, "history", "dead", "--json").out()).contains("\"gone\": true");

      CliGoldenTest.Result ah = CliGoldenTest.runOn(db, "history", "alive", "--color", "never", "--zone", "UTC");
      assertThat(ah.out()).contains("│ running").doesNotContain("│ gone").doesNotContain("not running on this host");
      assertThat(CliGoldenTest.runOn(db, "history", "alive", "--json").out()).contains("\"gone\": false");

      // status: the gone run's uptime is the one it had at its last record, 10 s, not the 2 min since it started
      CliGoldenTest.Result json = CliGoldenTest.runOn(db, "status", "--json");
      assertThat(json.out()).containsPattern("(?s)\"process\": \"dead\",[^}]*\"uptimeMs\": 10000,")
          .containsPattern("(?s)\"process\": \"alive\",[^}]*\"uptimeMs\": \\d+,");
    } finally {
      alive.destroyForcibly();
      alive.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
