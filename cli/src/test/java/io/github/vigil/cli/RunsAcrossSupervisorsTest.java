package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.journal.Journal;
import io.github.vigil.journal.JournalEvent;
import io.github.vigil.journal.JournalReader;
import io.github.vigil.testing.EventRecorder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two supervisors, one after the other, on one journal (as a gateway's JVM and the one started after it): each numbers
 * the runs of {@code job} from 1, and each run exits 3 within its startup grace (a crash and a diagnosis). {@code vigil
 * crash}, {@code vigil events} and {@code vigil diagnose} said {@code run 1} of both, with nothing to tell them apart;
 * they now name the supervisor of the run as {@code vigil history} does (SUPERVISOR STARTED, {@code supervisorStartedAt}).
 */
@EnabledOnOs(OS.LINUX)
@Timeout(180)
class RunsAcrossSupervisorsTest {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TIME_MS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  @TempDir
  static Path dir;

  static Path db;
  /** When each supervisor registered the job, oldest first. */
  static List<Instant> registered;

  @BeforeAll
  static void twoSupervisorsEachWithARun1() throws Exception {
    db = dir.resolve("journal.db");
    for (int jvm = 1; jvm <= 2; jvm++) {
      try (Journal journal = Journal.builder().sqlite(db).host("gw1").batchInterval(Duration.ofMillis(100)).snapshotInterval(Duration.ZERO).build()) {
        try (Supervisor sup = Supervisor.builder().name("runs-" + jvm).backend("jdk").build()) {
          EventRecorder rec = new EventRecorder();
          sup.subscribe(rec);
          journal.attach(sup);
          sup.register(ProcessSpec.builder("job").command("/bin/sh", "-c", "echo 'job: bad venue' >&2; exit 3").restartPolicy(RestartPolicy.never())
              .startupGrace(Duration.ofSeconds(30)).build()).start();
          rec.await(SupervisorEvent.Diagnosed.class, e -> e.process().equals("job"), 1, Duration.ofSeconds(60));
          assertThat(sup.awaitIdle(Duration.ofSeconds(30))).isTrue();
        }
        assertThat(journal.flush(Duration.ofSeconds(30))).isTrue();
      }
    }
    try (JournalReader reader = JournalReader.open(db.toString(), null)) {
      registered = reader.registrations("job", Instant.now().plusSeconds(60)).stream().map(JournalEvent::at).toList();
    }
    assertThat(registered).hasSize(2);
    // no wait between the two (it was 1.1 s, for starts a second apart): started within one second, the commands show
    // their starts with milliseconds (bd375f3); either way the two read apart
    assertThat(time(registered.get(0))).isNotEqualTo(time(registered.get(1)));
  }

  /** A supervisor's start as the commands show it: to the second, with milliseconds where the two started within one. */
  private static String time(Instant startedAt) {
    return (registered.get(0).getEpochSecond() == registered.get(1).getEpochSecond() ? TIME_MS : TIME).format(startedAt);
  }

  private static CliGoldenTest.Result run(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of("--zone", "UTC", "--color", "never"));
    CliGoldenTest.Result r = CliGoldenTest.runOn(db, all.toArray(String[]::new));
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    return r;
  }

  @Test
  void crashNamesTheSupervisorOfItsRun() {
    String out = run("crash", "job").out();
    assertThat(out).as(out).containsPattern("run\\s+│ 1 \\(supervisor started " + time(registered.get(1)) + "\\), pid \\d+");
    String json = run("crash", "job", "--json").out();
    assertThat(json).contains("\"supervisorStartedAt\": \"" + registered.get(1) + "\"");
  }

  @Test
  void eventsTellTheTwoRuns1Apart() {
    String out = run("events", "-p", "job", "--since", "1h").out();
    assertThat(out).as(out).contains("SUPERVISOR STARTED").contains("Run numbers count from 1 in each supervisor");
    List<String> exits = out.lines().filter(l -> l.contains(" Exited ")).toList();
    assertThat(exits).as(out).hasSize(2);
    assertThat(exits.get(0)).containsPattern(supervisorCell(0, "Exited")).contains("run 1: ERROR_EXIT (exit code 3)");
    assertThat(exits.get(1)).containsPattern(supervisorCell(1, "Exited")).contains("run 1: ERROR_EXIT (exit code 3)");
    List<String> starts = out.lines().filter(l -> l.contains(" Started ")).toList();
    assertThat(starts.get(0)).containsPattern(supervisorCell(0, "Started"));
    assertThat(starts.get(1)).containsPattern(supervisorCell(1, "Started"));
    String json = run("events", "-p", "job", "--since", "1h", "--json").out();
    assertThat(json).contains("\"supervisorStartedAt\": \"" + registered.get(0) + "\"", "\"supervisorStartedAt\": \"" + registered.get(1) + "\"");
  }

  /** The SUPERVISOR STARTED cell of an event of the {@code k}th supervisor's run (not the event's own TIME). */
  private static String supervisorCell(int k, String event) {
    return "│ job +│ " + java.util.regex.Pattern.quote(time(registered.get(k))) + " +│ " + event + " ";
  }

  @Test
  void diagnoseNamesTheSupervisorOfEachDiagnosedRun() {
    String out = run("diagnose", "job", "--count", "2").out();
    assertThat(out).as(out).contains("early exit, run 1 (supervisor started " + time(registered.get(1)) + ")")
        .contains("early exit, run 1 (supervisor started " + time(registered.get(0)) + ")");
    String json = run("diagnose", "job", "--count", "2", "--json").out();
    assertThat(json).contains("\"supervisorStartedAt\": \"" + registered.get(0) + "\"", "\"supervisorStartedAt\": \"" + registered.get(1) + "\"");
  }

  /** Runs of one supervisor only: no column, no note, as in vigil history. */
  @Test
  void oneSupervisorsRunsAreShownAsBefore() {
    String out = run("events", "-p", "job", "--since", "1h", "--limit", "3").out();
    assertThat(out).as(out).doesNotContain("SUPERVISOR STARTED");
  }
}
