package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.testing.EventRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The journal on a real supervisor and real processes, into a SQLite file, read back by a second connection. */
@Timeout(120)
class JournalSqliteTest {
  @TempDir
  Path dir;

  @Test
  void recordsEveryEventRunAndSnapshotOfARealCrashingProcess() throws Exception {
    Path db = dir.resolve("state/journal.db");
    try (Supervisor sup = Supervisor.builder().name("journal-test").backend("jdk").build();
        Journal journal = Journal.builder().stateDirectory(dir.resolve("state")).host("gw1").batchInterval(Duration.ofMillis(200))
            .snapshotInterval(Duration.ZERO).tradeCalendar(TradeCalendar.calendarDays(ZoneOffset.UTC)).build()) {
      EventRecorder events = new EventRecorder();
      sup.subscribe(events);
      journal.attach(sup);
      RestartPolicy twice = RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofMillis(50))).withStartLimit(2, Duration.ofMinutes(1));
      ProcessController c = sup.register(ProcessSpec.builder("crasher")
          .command("/bin/sh", "-c", "echo 'fatal: cannot bind 0.0.0.0:9000' >&2; sleep 0.3; exit 3")
          .restartPolicy(twice).startupGrace(Duration.ofMillis(100)).build());
      c.start();
      events.await(SupervisorEvent.Failed.class, e -> true, 1, Duration.ofSeconds(30));
      assertTrue(sup.awaitIdle(Duration.ofSeconds(10)), "every listener, the journal too, has heard Failed");
      journal.snapshotNow();
      assertTrue(journal.flush(Duration.ofSeconds(10)), "flushed");
      List<SupervisorEvent> heard = events.events();

      try (JournalReader reader = JournalReader.open(db.toString(), null)) {
        List<JournalEvent> rows = reader.events("crasher", Instant.EPOCH, Instant.now().plusSeconds(60), 10_000);
        assertThat(rows).extracting(JournalEvent::type).containsExactlyElementsOf(heard.stream().map(e -> e.getClass().getSimpleName()).toList());
        assertThat(rows).allSatisfy(r -> assertThat(r.host()).isEqualTo("gw1"));
        List<JournalEvent> exits = rows.stream().filter(r -> r.type().equals("Exited")).toList();
        assertThat(exits).hasSize(3).allSatisfy(e -> {
          assertThat(e.exitCause()).isEqualTo("ERROR_EXIT");
          assertThat(e.exitCode()).isEqualTo(3);
          // the run's own line, once: not the lines of the runs before it too
          assertThat(e.stderrTail()).isEqualTo("fatal: cannot bind 0.0.0.0:9000");
          assertThat(e.runMs()).isGreaterThanOrEqualTo(250);
        });
        List<JournalRun> runs = reader.runs("crasher", Instant.EPOCH, Instant.now().plusSeconds(60));
        assertThat(runs).extracting(JournalRun::run).containsExactly(1, 2, 3);
        assertThat(runs).allSatisfy(r -> {
          assertThat(r.endedAt()).isNotNull();
          assertThat(r.exitCode()).isEqualTo(3);
          assertThat(r.pid()).isPositive();
        });
        assertThat(runs.get(1).recovery()).as("crash to RUNNING again").isNotNull().isPositive();
        List<JournalSnapshot> snaps = reader.snapshots("crasher", Instant.EPOCH, Instant.now().plusSeconds(60), 10);
        assertThat(snaps).hasSize(1);
        assertThat(snaps.get(0).state()).isEqualTo(ProcessState.FAILED.name());
        assertThat(snaps.get(0).tradeDay()).isEqualTo(java.time.LocalDate.now(ZoneOffset.UTC).toString());
        RestartReport report = reader.restarts("crasher", Instant.now().minus(Duration.ofDays(1)), Instant.now().plusSeconds(1), ZoneOffset.UTC,
            TradeCalendar.calendarDays(ZoneOffset.UTC));
        assertThat(report.total()).as("two restarts, the third crash was given up on").isEqualTo(2);
        assertThat(report.causes()).extracting(RestartReport.CauseCount::cause).containsExactly(RestartCause.ERROR_EXIT);
        assertThat(reader.lastCrash("crasher", Instant.now().plusSeconds(1))).get().satisfies(cr -> {
          assertThat(cr.exitCode()).isEqualTo(3);
          assertThat(cr.run()).isEqualTo(3);
          assertThat(cr.recovery()).isNull();
          assertThat(cr.stderrTail()).isEqualTo("fatal: cannot bind 0.0.0.0:9000");
        });
      }
      assertThat(journal.stats().eventsWritten()).isEqualTo(heard.size());
    }
  }

  /**
   * The crash report's last samples are the crashed run's: a snapshot of the run before it (another pid) is not one of
   * them. It was: a black-box run's {@code vigil crash} showed, under "run 5, pid 3629", five samples of an earlier JVM's
   * run of the process (and, in a fleet read without {@code --host}, another host's would have shown as well).
   */
  @Test
  void theCrashReportsSamplesAreOfTheRunThatCrashed() throws Exception {
    Path db = dir.resolve("runs.db");
    Path second = dir.resolve("second-run");
    try (Supervisor sup = Supervisor.builder().name("journal-test").backend("jdk").build();
        Journal journal = Journal.builder().sqlite(db).host("gw1").batchInterval(Duration.ofMillis(100)).snapshotInterval(Duration.ZERO).build()) {
      EventRecorder events = new EventRecorder();
      sup.subscribe(events);
      journal.attach(sup);
      // the first run stays up; the second (the file is there) crashes after a second
      ProcessController c = sup.register(ProcessSpec.builder("gw")
          .command("/bin/sh", "-c", "if [ -e " + second + " ]; then sleep 1; exit 3; fi; touch " + second + "; exec sleep 600")
          .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ofMillis(100)).build());
      long first = c.start(Duration.ofSeconds(30)).pid();
      journal.snapshotNow();
      long crashed = c.restart(Duration.ofSeconds(30)).pid();
      assertThat(crashed).isNotEqualTo(first);
      journal.snapshotNow();
      events.await(SupervisorEvent.Exited.class, e -> e.exit().exitCode().orElse(-1) == 3, 1, Duration.ofSeconds(30));
      assertTrue(sup.awaitIdle(Duration.ofSeconds(10)), "the journal has heard the exit");
      assertTrue(journal.flush(Duration.ofSeconds(10)), "flushed");
      try (JournalReader reader = JournalReader.open(db.toString(), null)) {
        assertThat(reader.snapshots("gw", Instant.EPOCH, Instant.now().plusSeconds(60), 10)).extracting(JournalSnapshot::pid)
            .containsExactly(first, crashed);
        CrashReport crash = reader.lastCrash("gw", Instant.now().plusSeconds(1)).orElseThrow();
        assertThat(crash.pid()).isEqualTo(crashed);
        assertThat(crash.lastSamples()).as("the crashed run's samples only").extracting(JournalSnapshot::pid).containsExactly(crashed);
      }
    }
  }

  @Test
  void schemaIsMigratedOnceAndANewerSchemaIsRefused() throws Exception {
    Path db = dir.resolve("j.db");
    try (Journal j = Journal.builder().sqlite(db).snapshotInterval(Duration.ZERO).build()) {
      assertThat(j.stats().databaseReachable()).isTrue();
    }
    try (Journal j = Journal.builder().sqlite(db).snapshotInterval(Duration.ZERO).build();
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      assertThat(Migrations.currentVersion(c)).isEqualTo(Migrations.LATEST);
      try (Statement s = c.createStatement(); var r = s.executeQuery("SELECT COUNT(*) FROM journal_schema")) {
        r.next();
        assertThat(r.getInt(1)).isEqualTo(Migrations.LATEST);
      }
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.execute("INSERT INTO journal_schema (version, description, applied_ms) VALUES (99, 'from the future', 0)");
    }
    assertThatThrownBy(() -> Journal.builder().sqlite(db).snapshotInterval(Duration.ZERO).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("version 99 is newer");
    assertThatThrownBy(() -> JournalReader.open(db.toString(), null)).hasMessageContaining("version 99 is newer");
    assertThatThrownBy(() -> JournalReader.open(dir.resolve("missing.db").toString(), null)).hasMessageContaining("no journal file at");
    assertThat(Files.exists(dir.resolve("missing.db"))).isFalse();
    // a JDBC URL to a missing file: the driver would create an empty database, a reader must not
    for (String url : List.of("jdbc:sqlite:" + dir.resolve("missing.db"), "jdbc:sqlite:file:" + dir.resolve("missing.db") + "?cache=shared")) {
      assertThatThrownBy(() -> JournalReader.open(url, null)).as(url).hasMessageContaining("no journal file at " + dir.resolve("missing.db"));
      assertThat(Files.exists(dir.resolve("missing.db"))).as(url).isFalse();
    }
    assertThatThrownBy(() -> JournalReader.open("", null)).hasMessageContaining("empty");
    // a file that is not a database: the message names it
    Path text = Files.writeString(dir.resolve("not-a-db.txt"), "root:x:0:0:root:/root:/bin/bash\n".repeat(100));
    assertThatThrownBy(() -> JournalReader.open(text.toString(), null)).hasMessageContaining(text.toString());
  }

  @Test
  void theFileOfAnSqliteUrl() {
    assertThat(JournalReader.sqliteFile("jdbc:sqlite:/var/lib/j.db")).isEqualTo(Path.of("/var/lib/j.db"));
    assertThat(JournalReader.sqliteFile("jdbc:sqlite:file:/var/lib/j.db?mode=ro")).isEqualTo(Path.of("/var/lib/j.db"));
    assertThat(JournalReader.sqliteFile("jdbc:sqlite:file:///var/lib/j.db")).isEqualTo(Path.of("/var/lib/j.db"));
    assertThat(JournalReader.sqliteFile("jdbc:sqlite:relative.db")).isEqualTo(Path.of("relative.db"));
    assertThat(JournalReader.sqliteFile("jdbc:sqlite::memory:")).isNull();
    assertThat(JournalReader.sqliteFile("jdbc:sqlite:file:x?mode=memory&cache=shared")).isNull();
    assertThat(JournalReader.sqliteFile("jdbc:postgresql://db/vigil")).isNull();
  }

  @Test
  void badSettingsNameTheFieldAndValue() {
    assertThatThrownBy(() -> Journal.builder().url("jdbc:mysql://x/y")).hasMessageContaining("jdbc:mysql://x/y");
    assertThatThrownBy(() -> Journal.builder().batchInterval(Duration.ZERO)).hasMessageContaining("batchInterval").hasMessageContaining("0 ns");
    assertThatThrownBy(() -> Journal.builder().bufferCapacity(0)).hasMessageContaining("bufferCapacity must be at least 1: 0");
    assertThatThrownBy(() -> Retention.days(0, 1, 1)).hasMessage("retention events must be at least 1 day: 0");
  }
}
