package io.github.vigil.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.journal.Journal;
import io.github.vigil.journal.JournalEvent;
import io.github.vigil.journal.JournalReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The journal of {@code vigil.journal.*} records the events of {@code vigil.schedules.*}: a schedule's start of its
 * process, and the session it started in. Attached to the supervisor alone it heard none of them (they reach only the
 * trading supervision's listeners), and a restart deferred to a freeze window's end was missing from its report (found
 * by a black-box run of the trading-day layer).
 */
@Timeout(60)
class VigilJournalScheduleTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final String marker = Long.toString(8_000_000 + ProcessHandle.current().pid() % 1_000_000);

  @TempDir
  Path dir;

  /** A zone where it is about noon now, so that a 06:00-18:00 session is open. */
  private static String noonZone() {
    int hour = ZonedDateTime.now(ZoneOffset.UTC).getHour();
    return ZoneOffset.ofHours(Math.max(-12, Math.min(14, 12 - hour))).getId();
  }

  @Test
  void theSchedulesStartIsJournaled() {
    String url = "jdbc:sqlite:" + dir.resolve("journal.db");
    Instant from = Instant.now().minusSeconds(60);
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(VigilAutoConfiguration.class, VigilCalendarAutoConfiguration.class,
            VigilJournalAutoConfiguration.class))
        .withPropertyValues("vigil.backend=jdk",
            "vigil.journal.enabled=true",
            "vigil.journal.url=" + url,
            "vigil.journal.host=desk-1",
            "vigil.journal.batch-interval=100ms",
            "vigil.journal.snapshot-interval=0s",
            "vigil.calendars.desk.zone=" + noonZone(),
            "vigil.calendars.desk.weekdays=MON-SUN",
            "vigil.calendars.desk.sessions[0]=day 06:00-18:00",
            "vigil.processes.gw.command=sleep," + marker,
            "vigil.processes.gw.auto-start=false",
            "vigil.processes.gw.startup-grace=0s",
            "vigil.schedules.gw.calendar=desk",
            "vigil.schedules.gw.lag=1m")
        .run(context -> {
          assertThat(context).hasNotFailed();
          context.start();
          Supervisor supervisor = context.getBean(Supervisor.class);
          var gw = supervisor.controller("gw").orElseThrow();
          long deadline = System.nanoTime() + WAIT.toNanos();
          while (gw.status().state() != ProcessState.RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(20);
          }
          assertThat(gw.status().state()).isEqualTo(ProcessState.RUNNING);
          Journal journal = context.getBean(Journal.class);
          List<String> types = List.of();
          // the schedule's events reach the journal on the trading supervision's event thread: flushed once heard
          while (System.nanoTime() < deadline && !types.contains("ScheduleStarted")) {
            assertThat(journal.flush(WAIT)).isTrue();
            try (JournalReader reader = JournalReader.open(url, "desk-1")) {
              types = reader.events(null, from, Instant.now().plusSeconds(60), 1000).stream().map(JournalEvent::type).toList();
            }
            Thread.sleep(50);
          }
          // before: Registered, Starting, Started, StateChanged... but no ScheduleStarted (nor SessionOpened)
          assertThat(types).as("journaled events").contains("Started", "ScheduleStarted");
          context.stop();
        });
  }
}
