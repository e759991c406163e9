package io.github.vigil.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.journal.Journal;
import io.github.vigil.journal.JournalEvent;
import io.github.vigil.journal.JournalReader;
import io.github.vigil.journal.RestartCause;
import io.github.vigil.journal.RestartReport;
import io.github.vigil.journal.TradeCalendar;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The journal of {@code vigil.journal.*} hears the registration of the processes of {@code vigil.processes}, although
 * the starter registers them before it builds the journal: an application that ended without journaling its stops (a
 * SIGKILL; here its journal closed before its supervisor, which reads the same) has its next start's restart of what
 * it ran in the report, as {@code SUPERVISOR_ENDED}. The journal heard no registration before, and a Spring Boot
 * gateway killed with SIGKILL three times showed no restart of its feed in {@code vigil restarts} (found by a
 * black-box run).
 */
@Timeout(60)
class VigilJournalRegistrationTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final String marker = Long.toString(7_000_000 + ProcessHandle.current().pid() % 1_000_000);

  @TempDir
  Path dir;

  @Test
  void anApplicationThatEndedWithoutJournalingItsStopsHasItsNextStartAsARestart() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("journal.db");
    Instant from = Instant.now().minusSeconds(60);
    ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(VigilAutoConfiguration.class, VigilJournalAutoConfiguration.class))
        .withPropertyValues("vigil.journal.enabled=true",
            "vigil.journal.url=" + url,
            "vigil.journal.host=desk-1",
            "vigil.journal.batch-interval=100ms",
            "vigil.journal.snapshot-interval=0s",
            "vigil.processes.feed.command=sleep," + marker,
            "vigil.processes.feed.startup-grace=0s");
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      awaitRunning(context.getBean(Supervisor.class));
      assertThat(context.getBean(Supervisor.class).awaitIdle(WAIT)).as("the journal has heard the start").isTrue();
      Journal journal = context.getBean(Journal.class);
      assertThat(journal.flush(WAIT)).isTrue();
      try (JournalReader reader = JournalReader.open(url, "desk-1")) {
        List<String> types = reader.events("feed", from, Instant.now().plusSeconds(60), 1000).stream().map(JournalEvent::type).toList();
        assertThat(types).as("journaled events of feed").startsWith("Registered").contains("Started");
      }
      journal.close(); // the application ends without the journal hearing feed stop, as a SIGKILL would leave it
    });
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      awaitRunning(context.getBean(Supervisor.class));
      assertThat(context.getBean(Supervisor.class).awaitIdle(WAIT)).as("the journal has heard the start").isTrue();
      assertThat(context.getBean(Journal.class).flush(WAIT)).isTrue();
      try (JournalReader reader = JournalReader.open(url, "desk-1")) {
        RestartReport r = reader.restarts("feed", from, Instant.now().plusSeconds(1), ZoneOffset.UTC, TradeCalendar.calendarDays(ZoneOffset.UTC));
        assertThat(r.total()).as("%s", r.timeline()).isEqualTo(1);
        assertThat(r.timeline().get(0).cause()).isEqualTo(RestartCause.SUPERVISOR_ENDED);
      }
    });
  }

  private static void awaitRunning(Supervisor supervisor) throws InterruptedException {
    var feed = supervisor.controller("feed").orElseThrow();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (feed.status().state() != ProcessState.RUNNING && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(feed.status().state()).isEqualTo(ProcessState.RUNNING);
  }
}
