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
}
