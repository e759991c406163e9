package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.HumanFormat;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.journal.Journal;
import io.github.vigil.testing.EventRecorder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI on journals that real processes wrote (found by a black-box run of a gateway): runs that never started,
 * and a gateway that stopped writing while a process of it was said to run.
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
      assertThat(sup.awaitIdle(WAIT)).as("every listener, the journal too, has heard what the recorder heard").isTrue();
      assertThat(journal.flush(Duration.ofSeconds(30))).isTrue();
    }
    CliGoldenTest.Result history = CliGoldenTest.runOn(db, "history", "missing", "--color", "never");
    assertThat(history.code()).as(history.err()).isZero();
    assertThat(history.out()).containsPattern("START_FAILED +│[^\\n]*\\n│ +│ binary ").doesNotContain(HumanFormat.duration(Duration.ZERO));
    CliGoldenTest.Result historyJson = CliGoldenTest.runOn(db, "history", "missing", "--json");
    assertThat(historyJson.out()).contains("\"pid\": null", "\"runMs\": null").doesNotContain("\"pid\": -1", "\"runMs\": 0");
    CliGoldenTest.Result crash = CliGoldenTest.runOn(db, "crash", "missing", "--last", "--color", "never");
    assertThat(crash.code()).as(crash.err()).isZero();
    assertThat(crash.out()).containsPattern("│ uptime +│ - +│").doesNotContain(HumanFormat.duration(Duration.ZERO));
    assertThat(CliGoldenTest.runOn(db, "crash", "missing", "--json").out()).contains("\"uptimeMs\": null");
  }

  /**
   * A gateway whose journal stopped (its JVM killed, here its journal closed under a running supervisor): once
   * {@code status} says nothing was recorded for 15 minutes, a process said to run shows the uptime it had when last
   * recorded, not one that goes on growing with the time the status is read.
   */
  @Test
  void aStaleHostsUptimeStopsAtItsLastRow() throws Exception {
    Path db = dir.resolve("journal.db");
    Instant last;
    try (Supervisor sup = Supervisor.builder().name("stale").build()) {
      EventRecorder events = new EventRecorder();
      sup.subscribe(events);
      Journal journal = Journal.builder().sqlite(db).host("gw1").batchInterval(Duration.ofMillis(100))
          .snapshotInterval(Duration.ofMillis(200)).build();
      try {
        journal.attach(sup);
        sup.register(ProcessSpec.builder("feed").command("sleep", "600").startupGrace(Duration.ofMillis(100)).build()).start(WAIT);
        Thread.sleep(600); // a few snapshots of it running
        assertThat(journal.flush(Duration.ofSeconds(30))).isTrue();
      } finally {
        journal.close();
      }
      last = Instant.now();
    }
    String later = last.plus(Duration.ofMinutes(30)).toString();
    CliGoldenTest.Result json = CliGoldenTest.runOn(db, "status", "--json", "--now", later);
    assertThat(json.out()).as(json.err()).contains("\"stale\": true", "\"state\": \"RUNNING\"");
    Matcher up = Pattern.compile("\"uptimeMs\": (\\d+)").matcher(json.out());
    assertThat(up.find()).as(json.out()).isTrue();
    assertThat(Long.parseLong(up.group(1))).as(json.out()).isLessThan(Duration.ofMinutes(1).toMillis());
    CliGoldenTest.Result text = CliGoldenTest.runOn(db, "status", "--now", later, "--color", "never");
    assertThat(text.out()).containsPattern("Nothing recorded for 30 min \\d\\d s \\(since").doesNotContainPattern("30 min \\d\\d s +│");
    // history too: the open run's uptime stops at the host's last row, and its end is not "running"
    CliGoldenTest.Result history = CliGoldenTest.runOn(db, "history", "feed", "--now", later, "--color", "never");
    assertThat(history.code()).as(history.err()).isZero();
    assertThat(history.out()).containsPattern("│ unknown +│[^\\n]*\\n│ +│ nothing recorded since ").doesNotContain("running", "30 min");
    CliGoldenTest.Result historyJson = CliGoldenTest.runOn(db, "history", "feed", "--json", "--now", later);
    assertThat(historyJson.out()).contains("\"stale\": true");
    // read while the host still records (now): the run is running, not stale
    CliGoldenTest.Result current = CliGoldenTest.runOn(db, "history", "feed", "--now", last.plusSeconds(1).toString(), "--color", "never");
    assertThat(current.out()).as(current.err()).contains("running").doesNotContain("nothing recorded since");
  }
}
