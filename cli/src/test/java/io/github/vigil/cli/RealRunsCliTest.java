package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.journal.Journal;
import io.github.vigil.testing.EventRecorder;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI on journals that real processes wrote (found by a black-box run of a gateway): runs that never started.
 */
@Timeout(120)
class RealRunsCliTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  /** A run that never started has no pid and no uptime: history's JSON said pid -1, history and crash "0ms". */
  @Test
  void aRunThatNeverStartedHasNoPidNorUptime() throws Exception {
    Path db = dir.resolve("journal.db");
    try (Journal journal = Journal.builder().sqlite(db).host("gw1").batchInterval(Duration.ofMillis(100)).snapshotInterval(Duration.ZERO)
        .build();
        Supervisor sup = Supervisor.builder().name("never-started").build()) {
      EventRecorder events = new EventRecorder();
      sup.subscribe(events);
      journal.attach(sup);
      ProcessController missing = sup.register(ProcessSpec.builder("missing").command(dir.resolve("no-such-binary").toString())
          .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofMillis(100))).withStartLimit(1, Duration.ofMinutes(5)))
          .build());
      missing.start();
      events.await(SupervisorEvent.Failed.class, e -> e.process().equals("missing"), 1, WAIT);
      assertThat(journal.flush(Duration.ofSeconds(30))).isTrue();
    }
    CliGoldenTest.Result history = CliGoldenTest.runOn(db, "history", "missing", "--color", "never");
    assertThat(history.code()).as(history.err()).isZero();
    assertThat(history.out()).contains("START_FAILED (binary ").doesNotContain("0ms");
    CliGoldenTest.Result historyJson = CliGoldenTest.runOn(db, "history", "missing", "--json");
    assertThat(historyJson.out()).contains("\"pid\": null", "\"runMs\": null").doesNotContain("\"pid\": -1", "\"runMs\": 0");
    CliGoldenTest.Result crash = CliGoldenTest.runOn(db, "crash", "missing", "--last", "--color", "never");
    assertThat(crash.code()).as(crash.err()).isZero();
    assertThat(crash.out()).containsPattern("│ uptime +│ - +│").doesNotContain("0ms");
    assertThat(CliGoldenTest.runOn(db, "crash", "missing", "--json").out()).contains("\"uptimeMs\": null");
  }
}
