package io.github.vigil.examples.tradingdesk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.journal.JournalEvent;
import io.github.vigil.journal.JournalReader;
import io.github.vigil.journal.ProcessSummary;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo journals what it does, where the README's {@code vigil status --journal examples/target/demo-state/journal.db}
 * reads it (a new user following the README had no journal for the command line to read): the demo's own main, run for
 * 8 s on its state directory, leaves a journal with every process, the comms link's give-up and the desk's schedule, and
 * every run ended by its close.
 */
class DemoJournalTest {

  @TempDir
  Path state;

  @Test
  @Timeout(90)
  void theDemoLeavesAJournalTheCommandLineReads() throws Exception {
    String before = System.getProperty("demo.state");
    System.setProperty("demo.state", state.toString());
    Instant start = Instant.now();
    try {
      TradingDeskDemo.main(new String[] {"8"});
    } finally {
      if (before == null) {
        System.clearProperty("demo.state");
      } else {
        System.setProperty("demo.state", before);
      }
    }
    Path db = state.resolve("journal.db");
    assertThat(db).isRegularFile();
    try (JournalReader reader = JournalReader.open(db.toString(), null)) {
      assertThat(reader.processes()).contains("quote-feed", "gateway-001", "gateway-002", "comms-link");
      List<JournalEvent> events = reader.events(null, start.minusSeconds(1), Instant.now(), 10_000);
      assertThat(events).anyMatch(e -> e.process().equals("comms-link") && e.type().equals("Failed"));
      assertThat(events).as("the schedule's events, through journal.attach(supervisor, trading)")
          .anyMatch(e -> e.type().equals("ScheduleStarted"));
      assertThat(events).anyMatch(e -> e.process().equals("quote-feed") && e.type().equals("Started"));
      // closed in order (the supervisor, then the journal): the last recorded state of each process is not a running one
      List<ProcessSummary> status = reader.status(Instant.now());
      assertThat(status).extracting(ProcessSummary::process).contains("quote-feed", "comms-link");
      assertThat(status).allSatisfy(p -> assertThat(p.state()).as(p.process()).isIn("STOPPED", "FAILED", "EXITED", "CRASHED"));
    }
  }
}
