package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.journal.Journal;
import io.github.vigil.testing.EventRecorder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The words of {@code vigil events} on a journal that real runs wrote, as a black-box trial read them. */
@Timeout(120)
class EventsWordingTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  /**
   * startAll() starting a gateway after its feed, in dependency order, read {@code START by DEPENDENCY: start all}: as
   * if a dependency had started it. The command's origin is {@code DEPENDENCY} ({@code Origin}: the start or stop of
   * processes in dependency order); "by" names a person, and the origin is written as a state change's is.
   */
  @Test
  void aStartOfStartAllDoesNotReadAsStartedByADependency() throws Exception {
    Path db = journalOf(sup -> {
      sup.register(ProcessSpec.builder("feed").command("sleep", "600").startupGrace(Duration.ZERO).build());
      sup.register(ProcessSpec.builder("gateway").command("sleep", "600").dependsOn("feed").startupGrace(Duration.ZERO).build());
      sup.startAll().toCompletableFuture().get();
    }, rec -> rec.awaitState("gateway", ProcessState.RUNNING, 1, WAIT));
    List<String> starts = lines(db, "CommandIssued");
    assertThat(starts).as("the commands in vigil events").allMatch(l -> !l.contains(" by DEPENDENCY"))
        .anyMatch(l -> l.contains("gateway") && l.contains("START (DEPENDENCY): start all"))
        .anyMatch(l -> l.contains("feed") && l.contains("START (DEPENDENCY): start all"))
        .anyMatch(l -> l.contains("gateway") && l.contains("STOP (SHUTDOWN): supervisor closing"));
  }

  private interface Body {
    void run(Supervisor sup) throws Exception;
  }

  private interface Wait {
    void until(EventRecorder rec) throws Exception;
  }

  /** A journal of a supervisor that ran {@code body} until {@code wait} held, then closed. */
  private Path journalOf(Body body, Wait wait) throws Exception {
    Path db = dir.resolve("journal.db");
    try (Journal journal = Journal.builder().sqlite(db).host("gw1").batchInterval(Duration.ofMillis(100)).snapshotInterval(Duration.ZERO)
        .build()) {
      try (Supervisor sup = Supervisor.builder().name("wording").build()) {
        EventRecorder rec = new EventRecorder();
        sup.subscribe(rec);
        journal.attach(sup);
        body.run(sup);
        wait.until(rec);
      }
      assertThat(journal.flush(Duration.ofSeconds(30))).isTrue();
    }
    return db;
  }

  /** The rows of {@code vigil events} of events of {@code type}. */
  private static List<String> lines(Path db, String type) {
    CliGoldenTest.Result events = CliGoldenTest.runOn(db, "events", "--since", "1h", "--color", "never");
    assertThat(events.code()).as(events.err()).isZero();
    return events.out().lines().filter(l -> l.contains(" " + type + " ")).toList();
  }
}
