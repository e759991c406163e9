package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.testing.EventRecorder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code vigil crash} suggests when the crashed process did not run again: it says what kept it from running (a
 * stop before its restart came, its policy giving up), where it said "it has not been RUNNING since: check its status"
 * in every case, also when the journal itself shows why (a black-box run: a restart the close cancelled).
 */
@Timeout(60)
class CrashNotRunAgainTest {
  @TempDir
  Path dir;

  @Test
  void aCrashWhoseRestartAStopCancelledSaysSo() throws Exception {
    CrashReport crash = crashThen(RestartPolicy.always().withBackoff(Backoff.fixed(Duration.ofMinutes(5))), true);
    assertThat(crash.recovery()).isNull();
    assertThat(crash.suggestions()).contains("it was stopped before its restart (stop requested): not RUNNING since");
  }

  @Test
  void aCrashItsPolicyGaveUpOnSaysSo() throws Exception {
    CrashReport crash = crashThen(RestartPolicy.onFailure().withStartLimit(0, Duration.ofHours(1)), false);
    assertThat(crash.recovery()).isNull();
    assertThat(crash.suggestions()).anySatisfy(s -> assertThat(s).startsWith("its restart policy gave up (start limit reached")
        .endsWith("): not RUNNING since"));
  }

  /** A real {@code sh} that exits 3 after 200 ms under {@code policy}, journaled; {@code stop}: stopped in its backoff. */
  private CrashReport crashThen(RestartPolicy policy, boolean stop) throws Exception {
    Path db = dir.resolve("j.db");
    try (Supervisor sup = Supervisor.builder().name("crash-not-run-again").backend("jdk").build();
        Journal journal = Journal.builder().sqlite(db).host("gw1").batchInterval(Duration.ofMillis(100)).snapshotInterval(Duration.ZERO).build()) {
      EventRecorder events = new EventRecorder();
      sup.subscribe(events);
      journal.attach(sup);
      ProcessController gw = sup.register(ProcessSpec.builder("gw").command("/bin/sh", "-c", "sleep 0.2; exit 3")
          .restartPolicy(policy).startupGrace(Duration.ZERO).build());
      gw.start(Duration.ofSeconds(30));
      ProcessState after = stop ? ProcessState.BACKOFF : ProcessState.FAILED;
      events.awaitState("gw", after, 1, Duration.ofSeconds(30));
      if (stop) {
        gw.stop(Duration.ofSeconds(30));
      }
      assertTrue(sup.awaitIdle(Duration.ofSeconds(10)), "the journal has heard it all");
      assertTrue(journal.flush(Duration.ofSeconds(10)), "flushed");
    }
    try (JournalReader reader = JournalReader.open(db.toString(), null)) {
      return reader.lastCrash("gw", Instant.now().plusSeconds(1)).orElseThrow();
    }
  }
}
