package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.testing.EventRecorder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway JVM killed with SIGKILL while its feed ran, and started again: the feed's restart by the next JVM is in the
 * restart report, as {@code SUPERVISOR_ENDED}, with its recovery from the new registration; it was in none (the report
 * read from exits, and the killed JVM journaled none). A gateway closed in order (supervisor, then journal) journals
 * its stops, and its next start is no restart.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class SupervisorEndedTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  @Test
  void aKilledGatewaysNextStartIsARestartOfWhatItRan() throws Exception {
    Path db = dir.resolve("killed.db");
    Instant from = Instant.now().minusSeconds(1);
    runGateway(db, false);
    startAgain(db);
    RestartReport r = report(db, from);
    assertThat(r.total()).as("%s", r.timeline()).isEqualTo(1);
    RestartReport.Restart x = r.timeline().get(0);
    assertThat(x.cause()).isEqualTo(RestartCause.SUPERVISOR_ENDED);
    assertThat(x.run()).as("the run the killed JVM ran").isEqualTo(1);
    assertThat(x.detail()).startsWith("its JVM ended while it was RUNNING, ");
    // in the report's zone, as the command line writes its times (it read "last heard of at 2026-12-05T20:12:57Z")
    assertThat(x.detail()).containsPattern(", last heard of at \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}; ");
    assertThat(x.recovery()).as("from the new registration to RUNNING").isNotNull().isLessThan(WAIT);
    assertThat(r.suggestions()).anyMatch(s -> s.contains("after the supervisor's JVM ended"));
  }

  /**
   * The next gateway registers its feed before it attaches the journal, as the Spring Boot starter does (its processes
   * are registered before the journal bean is built): the restart is told all the same. It was in no report (the journal
   * heard no registration, and a SIGKILLed gateway of the starter's had no restart in {@code vigil restarts}; found by a
   * black-box run of a Spring Boot gateway).
   */
  @Test
  void aKilledGatewaysNextStartIsARestartAlsoWhenTheJournalIsAttachedAfterTheRegistration() throws Exception {
    Path db = dir.resolve("late.db");
    Instant from = Instant.now().minusSeconds(1);
    runGateway(db, false);
    startAgain(db, true);
    RestartReport r = report(db, from);
    assertThat(r.total()).as("%s", r.timeline()).isEqualTo(1);
    assertThat(r.timeline().get(0).cause()).isEqualTo(RestartCause.SUPERVISOR_ENDED);
    assertThat(r.timeline().get(0).recovery()).as("from the registration journaled at the attach to RUNNING").isNotNull().isLessThan(WAIT);
  }

  @Test
  void aGatewayClosedInOrderIsNoRestartWhenItStartsAgain() throws Exception {
    Path db = dir.resolve("graceful.db");
    Instant from = Instant.now().minusSeconds(1);
    runGateway(db, true);
    startAgain(db);
    RestartReport r = report(db, from);
    assertThat(r.total()).as("%s", r.timeline()).isZero();
  }

  /** Runs {@link KilledGatewayMain} until its feed is journaled running, then kills it with SIGKILL or lets it close. */
  private static void runGateway(Path db, boolean graceful) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", System.getProperty("java.class.path"),
        KilledGatewayMain.class.getName(), db.toString(), graceful ? "graceful" : "wait").redirectError(ProcessBuilder.Redirect.DISCARD).start();
    long feed = -1;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line = out.readLine();
      assertThat(line).as("the gateway's word that its feed runs").isNotNull().startsWith("running ");
      feed = Long.parseLong(line.substring("running ".length()));
      if (!graceful) {
        new ProcessBuilder("kill", "-KILL", Long.toString(child.pid())).inheritIO().start().waitFor();
      }
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).isEqualTo(graceful ? 0 : 137);
    } finally {
      child.destroyForcibly();
      if (feed > 0) { // the Linux backend's death signal takes it with a killed JVM; here in case it did not
        ProcessHandle.of(feed).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  /** The next gateway on the same journal: registers and starts the feed, then closes in order. */
  private static void startAgain(Path db) throws Exception {
    startAgain(db, false);
  }

  /** {@code registerFirst}: the feed is registered before the journal is attached (and started after). */
  private static void startAgain(Path db, boolean registerFirst) throws Exception {
    try (Journal journal = Journal.builder().sqlite(db).host("gw").batchInterval(Duration.ofMillis(100)).snapshotInterval(Duration.ZERO)
            .build();
        Supervisor sup = Supervisor.builder().name("gw").backend("linux").build()) {
      EventRecorder events = new EventRecorder();
      sup.subscribe(events);
      ProcessSpec feed = ProcessSpec.builder("feed").command("sleep", "600").startupGrace(Duration.ZERO).build();
      if (registerFirst) {
        sup.register(feed);
        journal.attach(sup);
      } else {
        journal.attach(sup);
        sup.register(feed);
      }
      sup.controller("feed").orElseThrow().start(WAIT);
      events.awaitState("feed", ProcessState.RUNNING, 1, WAIT);
      assertThat(journal.flush(WAIT)).as("the journal has heard and written what the recorder heard").isTrue();
    }
  }

  private static RestartReport report(Path db, Instant from) throws Exception {
    try (JournalReader reader = JournalReader.open(db.toString(), "gw")) {
      return reader.restarts("feed", from, Instant.now().plusSeconds(1), ZoneOffset.UTC, TradeCalendar.calendarDays(ZoneOffset.UTC));
    }
  }
}
