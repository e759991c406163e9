package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.AttachSpec;
import io.github.vigil.AttachState;
import io.github.vigil.AttachedProcess;
import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.calendar.Schedule;
import io.github.vigil.calendar.SessionRule;
import io.github.vigil.calendar.TradingCalendar;
import io.github.vigil.calendar.TradingSupervision;
import io.github.vigil.journal.Journal;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.TradingDayClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil status} on an attachment (a process the gateway watches and did not start, {@code supervisor.attach}):
 * its state is the last one journaled and its pid the process it found. It read UNKNOWN without a pid, whatever the
 * attachment had seen, though the journal held its {@code AttachStateChanged} and {@code AttachedFound} rows (a
 * black-box run: a quote feed started by another program, killed and started again).
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class AttachmentStatusTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  @Test
  void anAttachmentReadsItsLastStateAndThePidItFound() throws Exception {
    String marker = "vigil-attach-" + UUID.randomUUID();
    Path db = dir.resolve("journal.db");
    // two processes started by someone else, one after the other: the first is killed, the second found again
    Process first = new ProcessBuilder("bash", "-c", "exec -a " + marker + " sleep 600").start();
    Process second = null;
    EventRecorder events = new EventRecorder();
    try (Journal journal = Journal.builder().sqlite(db).snapshotInterval(Duration.ofMillis(200)).build();
        Supervisor supervisor = Supervisor.builder().name("attach-status").build()) {
      journal.attach(supervisor);
      supervisor.subscribe(events);
      AttachedProcess feed = supervisor.attach(AttachSpec.builder("ext-feed").commandLine(marker)
          .rescanInterval(Duration.ofMillis(200)).build());
      events.awaitAttach("ext-feed", AttachState.RUNNING, 1, WAIT);
      assertThat(feed.status().processes()).singleElement().satisfies(m -> assertThat(m.pid()).isEqualTo(first.pid()));

      first.destroyForcibly();
      first.waitFor(30, TimeUnit.SECONDS);
      events.awaitAttach("ext-feed", AttachState.STOPPED, 1, WAIT);
      assertThat(supervisor.awaitIdle(WAIT)).as("every listener, the journal too, has heard what the recorder heard").isTrue();
      assertThat(journal.flush(WAIT)).isTrue();
      CliGoldenTest.Result lost = CliGoldenTest.runOn(db, "status", "--json");
      assertThat(lost.out()).as(lost.err())
          .containsPattern("(?s)\"process\": \"ext-feed\",\\s*\"state\": \"STOPPED\",\\s*\"attachment\": true,\\s*\"since\": \"[^\"]+\",\\s*\"pid\": null");

      second = new ProcessBuilder("bash", "-c", "exec -a " + marker + " sleep 600").start();
      events.awaitAttach("ext-feed", AttachState.RUNNING, 2, WAIT);
      assertThat(supervisor.awaitIdle(WAIT)).as("every listener, the journal too, has heard what the recorder heard").isTrue();
      assertThat(journal.flush(WAIT)).isTrue();

      CliGoldenTest.Result json = CliGoldenTest.runOn(db, "status", "--json");
      assertThat(json.out()).as(json.err()).containsPattern(
          "(?s)\"process\": \"ext-feed\",\\s*\"state\": \"RUNNING\",\\s*\"attachment\": true,\\s*\"since\": \"[^\"]+\",\\s*\"pid\": " + second.pid() + ",");
      CliGoldenTest.Result text = CliGoldenTest.runOn(db, "status", "--color", "never", "--zone", "UTC");
      assertThat(text.code()).as(text.err()).isZero();
      assertThat(text.out()).containsPattern("│ ext-feed +│ RUNNING +│ +" + second.pid() + " │ 20\\d\\d-");

      // vigil events names the pid each AttachedFound and AttachedLost is of: the program alone was the same for both
      CliGoldenTest.Result ev = CliGoldenTest.runOn(db, "events", "-p", "ext-feed", "--since", "1h", "--color", "never");
      assertThat(ev.code()).as(ev.err()).isZero();
      assertThat(TableText.words(ev.out())).contains("AttachedFound pid " + first.pid() + ", ").contains("AttachedLost pid " + first.pid() + ", ")
          .contains("AttachedFound pid " + second.pid() + ", ");

      supervisor.detach("ext-feed", "feed moved to another host");
      events.await(SupervisorEvent.Detached.class, d -> true, 1, WAIT);
      assertThat(supervisor.awaitIdle(WAIT)).as("every listener, the journal too, has heard what the recorder heard").isTrue();
      assertThat(journal.flush(WAIT)).isTrue();
      assertThat(CliGoldenTest.runOn(db, "status", "--json").out())
          .containsPattern("(?s)\"process\": \"ext-feed\",\\s*\"state\": \"DETACHED\",\\s*\"attachment\": true,\\s*\"since\": \"[^\"]+\",\\s*\"pid\": null");
    } finally {
      first.destroyForcibly();
      if (second != null) {
        second.destroyForcibly();
        second.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * An attachment whose process ended ({@code STOPPED}) or was never found ({@code NOT_FOUND}) makes {@code vigil status}
   * exit 1, as a crashed supervised process does: a monitoring script read exit 0 while the feed it watches was down. A
   * supervised process a person stopped, and an attachment detached, leave it 0.
   */
  @Test
  void anAttachmentNotRunningMakesTheStatusExitOne() throws Exception {
    String marker = "vigil-attach-" + UUID.randomUUID();
    Path db = dir.resolve("journal.db");
    Process feedProcess = new ProcessBuilder("bash", "-c", "exec -a " + marker + " sleep 600").start();
    EventRecorder events = new EventRecorder();
    try (Journal journal = Journal.builder().sqlite(db).snapshotInterval(Duration.ofMillis(200)).build();
        Supervisor supervisor = Supervisor.builder().name("attach-exit").build()) {
      journal.attach(supervisor);
      supervisor.subscribe(events);
      var job = supervisor.register(ProcessSpec.builder("job").command("sleep", "600").startupGrace(Duration.ZERO).build());
      job.start(WAIT);
      job.stop(WAIT); // STOPPED by a person: no attention needed
      supervisor.attach(AttachSpec.builder("ext-feed").commandLine(marker).rescanInterval(Duration.ofMillis(200)).build());
      events.awaitAttach("ext-feed", AttachState.RUNNING, 1, WAIT);
      assertThat(supervisor.awaitIdle(WAIT)).as("every listener, the journal too, has heard what the recorder heard").isTrue();
      assertThat(journal.flush(WAIT)).isTrue();
      CliGoldenTest.Result up = CliGoldenTest.runOn(db, "status", "--color", "never");
      assertThat(up.code()).as("a supervised process STOPPED, the attachment RUNNING: %s%s", up.out(), up.err()).isZero();

      feedProcess.destroyForcibly();
      feedProcess.waitFor(30, TimeUnit.SECONDS);
      events.awaitAttach("ext-feed", AttachState.STOPPED, 1, WAIT);
      assertThat(supervisor.awaitIdle(WAIT)).as("every listener, the journal too, has heard what the recorder heard").isTrue();
      assertThat(journal.flush(WAIT)).isTrue();
      CliGoldenTest.Result lost = CliGoldenTest.runOn(db, "status", "--color", "never");
      assertThat(lost.out()).containsPattern("│ ext-feed +│ STOPPED +│");
      assertThat(lost.code()).as("the attachment STOPPED: %s%s", lost.out(), lost.err()).isEqualTo(1);
      assertThat(CliGoldenTest.runOn(db, "status", "--json").code()).as("--json").isEqualTo(1);

      supervisor.detach("ext-feed", "feed moved to another host");
      events.await(SupervisorEvent.Detached.class, d -> d.process().equals("ext-feed"), 1, WAIT);
      AttachedProcess missingOne = supervisor.attach(AttachSpec.builder("ext-missing").commandLine("vigil-no-such-" + UUID.randomUUID())
          .rescanInterval(Duration.ofMillis(200)).build());
      // NOT_FOUND is where an attachment starts: no AttachStateChanged says it
      events.await(SupervisorEvent.Attached.class, a -> a.process().equals("ext-missing"), 1, WAIT);
      assertThat(missingOne.status().state()).isEqualTo(AttachState.NOT_FOUND);
      assertThat(supervisor.awaitIdle(WAIT)).as("every listener, the journal too, has heard what the recorder heard").isTrue();
      assertThat(journal.flush(WAIT)).isTrue();
      CliGoldenTest.Result missing = CliGoldenTest.runOn(db, "status", "--color", "never");
      assertThat(missing.out()).containsPattern("│ ext-feed +│ DETACHED +│").containsPattern("│ ext-missing +│ NOT_FOUND +│");
      assertThat(missing.code()).as("an attachment NOT_FOUND: %s%s", missing.out(), missing.err()).isEqualTo(1);

      supervisor.detach("ext-missing", "not needed");
      events.await(SupervisorEvent.Detached.class, d -> d.process().equals("ext-missing"), 1, WAIT);
      assertThat(supervisor.awaitIdle(WAIT)).as("every listener, the journal too, has heard what the recorder heard").isTrue();
      assertThat(journal.flush(WAIT)).isTrue();
      CliGoldenTest.Result detached = CliGoldenTest.runOn(db, "status", "--color", "never");
      assertThat(detached.code()).as("attachments DETACHED: %s%s", detached.out(), detached.err()).isZero();
    } finally {
      feedProcess.destroyForcibly();
      feedProcess.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /**
   * A feed that runs in its sessions only, watched with a window ({@code TradingSupervision.watch}), is NOT_FOUND before
   * the open and STOPPED after the close: expected then, so {@code vigil status} says so under the table and exits 0; a
   * monitoring script read exit 1 every night and every morning before the open. Inside its window the same states
   * exit 1, as before. The journal knows where the window stands from the schedule's {@code WatchWindowChanged}: at each
   * edge, and as the schedule starts (before the first edge it knew nothing).
   */
  @Test
  void anAttachmentNotRunningOutsideItsWatchWindowLeavesTheStatusAtZero() throws Exception {
    String marker = "vigil-attach-" + UUID.randomUUID();
    Path db = dir.resolve("journal.db");
    ZoneId london = ZoneId.of("Europe/London");
    TradingDayClock clock = TradingDayClock.startingAt(london, LocalDate.of(2026, 6, 15), "07:30"); // a Monday, before the open
    TradingCalendar lse = TradingCalendar.builder("lse").zone(london).session(SessionRule.of("day", LocalTime.of(8, 0), LocalTime.of(16, 30)))
        .build();
    EventRecorder schedule = new EventRecorder();
    Process feedProcess = null;
    try (Journal journal = Journal.builder().sqlite(db).snapshotInterval(Duration.ofMillis(200)).build();
        Supervisor supervisor = Supervisor.builder().name("attach-window").build()) {
      EventRecorder events = new EventRecorder();
      try (TradingSupervision trading = TradingSupervision.builder(supervisor).watch("ext-feed", Schedule.inSession(lse))
          .instantSource(clock).scheduler(clock).build()) {
        // before the attachment; each listener has a queue of its own, so what a recorder heard the journal may hear later:
        // the supervisor's awaitIdle before each flush
        journal.attach(supervisor, trading);
        supervisor.subscribe(events);
        trading.subscribe(schedule);
        supervisor.attach(AttachSpec.builder("ext-feed").commandLine(marker).rescanInterval(Duration.ofMillis(200)).build());
        trading.start();
        schedule.await(SupervisorEvent.WatchWindowChanged.class, e -> !e.open(), 1, WAIT); // as the schedule starts
        // the supervisor's events reach the journal on another thread than the schedule's: its Attached heard too (a CI
        // run read UNKNOWN, the journal holding the window's event and not yet the attachment's)
        events.await(SupervisorEvent.Attached.class, a -> a.process().equals("ext-feed"), 1, WAIT);
        assertThat(supervisor.awaitIdle(WAIT)).as("every listener, the journal too, has heard what the recorder heard").isTrue();
        assertThat(journal.flush(WAIT)).isTrue();
        CliGoldenTest.Result before = CliGoldenTest.runOn(db, "status", "--color", "never");
        assertThat(before.out()).containsPattern("│ ext-feed +│ NOT_FOUND +│")
            .contains("ext-feed: NOT_FOUND while its watch window is closed, as expected of a process that runs in its sessions only");
        assertThat(before.code()).as("NOT_FOUND before the open: %s%s", before.out(), before.err()).isZero();
        assertThat(CliGoldenTest.runOn(db, "status", "--json").out()).containsPattern("(?s)\"state\": \"NOT_FOUND\",\\s*\"attachment\": true,.*\"outsideWatchWindow\": true");

        clock.advanceTo(clock.at("08:00"));
        schedule.await(SupervisorEvent.WatchWindowChanged.class, e -> e.open(), 1, WAIT);
        assertThat(supervisor.awaitIdle(WAIT)).as("every listener, the journal too, has heard what the recorder heard").isTrue();
        assertThat(journal.flush(WAIT)).isTrue();
        CliGoldenTest.Result missing = CliGoldenTest.runOn(db, "status", "--color", "never");
        assertThat(missing.out()).doesNotContain("watch window is closed");
        assertThat(missing.code()).as("NOT_FOUND inside its window: %s%s", missing.out(), missing.err()).isEqualTo(1);

        feedProcess = new ProcessBuilder("bash", "-c", "exec -a " + marker + " sleep 600").start();
        events.awaitAttach("ext-feed", AttachState.RUNNING, 1, WAIT);
        clock.advanceTo(clock.at("16:30"));
        schedule.await(SupervisorEvent.WatchWindowChanged.class, e -> !e.open(), 2, WAIT);
        feedProcess.destroyForcibly();
        feedProcess.waitFor(30, TimeUnit.SECONDS);
        events.awaitAttach("ext-feed", AttachState.STOPPED, 1, WAIT);
        assertThat(supervisor.awaitIdle(WAIT)).as("every listener, the journal too, has heard what the recorder heard").isTrue();
        assertThat(journal.flush(WAIT)).isTrue();
        CliGoldenTest.Result after = CliGoldenTest.runOn(db, "status", "--color", "never");
        assertThat(after.out()).containsPattern("│ ext-feed +│ STOPPED +│")
            .contains("ext-feed: STOPPED while its watch window is closed");
        assertThat(after.code()).as("STOPPED after the close: %s%s", after.out(), after.err()).isZero();
      }
    } finally {
      if (feedProcess != null) {
        feedProcess.destroyForcibly();
        feedProcess.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
