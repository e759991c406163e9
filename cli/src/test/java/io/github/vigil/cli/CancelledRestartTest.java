package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.journal.Journal;
import io.github.vigil.journal.JournalReader;
import io.github.vigil.journal.ProcessSummary;
import io.github.vigil.journal.RestartReport;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.FakeTicker;
import io.github.vigil.testing.ManualScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process whose binary is missing, restarted by its policy, and the supervisor closed while its next restart was
 * scheduled: the journal counts the restarts the supervisor counts. A black-box trial read 8 restarts in 24 h in vigil
 * status and vigil restarts while the supervisor's ProcessStatus said 7: the 8th, scheduled (RestartScheduled journaled)
 * and cancelled by close(), was counted, and its timeline row read "none, down 2.80 s".
 */
@Timeout(60)
class CancelledRestartTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
  private static final String NOW = "2026-12-05T11:00:00Z";

  @TempDir
  Path dir;

  @Test
  void aRestartTheCloseCancelledIsNoRestartInTheJournalAsInTheSupervisor() throws Exception {
    FakeTicker ticker = new FakeTicker();
    long origin = ticker.read();
    InstantSource clock = () -> T0.plusNanos(ticker.read() - origin);
    ManualScheduler scheduler = new ManualScheduler(ticker);
    Path db = dir.resolve("journal.db");
    int restarts;
    long statisticsRestarts;
    try (Journal journal = Journal.builder().sqlite(db).host("gw1").batchInterval(Duration.ofMillis(100)).snapshotInterval(Duration.ZERO)
        .build()) {
      try (Supervisor sup = Supervisor.builder().name("cancelled").ticker(ticker).scheduler(scheduler).instantSource(clock).build()) {
        EventRecorder rec = new EventRecorder();
        sup.subscribe(rec);
        journal.attach(sup);
        ProcessController trader = sup.register(ProcessSpec.builder("trader").command(dir.resolve("no-such-trader").toString())
            .startupGrace(Duration.ZERO).restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(1)))
                .withStartLimit(100, Duration.ofHours(1))).build());
        trader.start(); // its start fails: not waited for
        for (int attempt = 1; attempt <= 3; attempt++) {
          int a = attempt;
          rec.await(SupervisorEvent.RestartScheduled.class, e -> e.attempt() == a, 1, WAIT);
          awaitTimer(scheduler, Duration.ofSeconds(1)); // the event is published just before its timer is set
          scheduler.advance(Duration.ofSeconds(1)); // the restart is due: done, and its start fails again
        }
        rec.await(SupervisorEvent.RestartScheduled.class, e -> e.attempt() == 4, 1, WAIT);
        awaitTimer(scheduler, Duration.ofSeconds(1));
        scheduler.advance(Duration.ofMillis(300)); // closed 300 ms into the 4th restart's backoff
        restarts = trader.status().restarts();
        statisticsRestarts = trader.statistics().restarts();
      }
      assertThat(journal.flush(Duration.ofSeconds(30))).isTrue();
    }
    assertThat(restarts).as("the supervisor's count: 3 done, the 4th scheduled").isEqualTo(3);
    assertThat(statisticsRestarts).isEqualTo(3);

    try (JournalReader reader = JournalReader.open(db.toString(), null)) {
      Instant now = Instant.parse(NOW);
      ProcessSummary summary = reader.status(now).stream().filter(s -> s.process().equals("trader")).findFirst().orElseThrow();
      assertThat(summary.state()).isEqualTo(ProcessState.STOPPED.name());
      assertThat(summary.restarts24h()).as("restarts in 24 h, as the supervisor counted them").isEqualTo(restarts);
      RestartReport report = reader.restarts("trader", now.minus(Duration.ofDays(1)), now, ZoneId.of("UTC"), io.github.vigil.journal.TradeCalendar
          .weekdays(ZoneId.of("UTC"), java.time.LocalTime.MIDNIGHT));
      assertThat(report.total()).isEqualTo(restarts);
      assertThat(report.timeline()).hasSize(restarts);
      // the last restart done (the exit of run 3) was down until the close, 1.3 s after
      assertThat(report.timeline().get(0).downtime()).isEqualTo(Duration.ofMillis(1300));
      assertThat(report.notRestarted()).singleElement().satisfies(n -> {
        assertThat(n.exit().at()).isEqualTo(T0.plusSeconds(3));
        assertThat(n.delay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(n.cancelledAt()).isEqualTo(T0.plusMillis(3300));
        assertThat(n.cancelledBy()).isEqualTo("supervisor closing (SHUTDOWN)");
      });
    }

    String[] at = {"--zone", "UTC", "--now", NOW, "--color", "never", "--width", "140"};
    CliGoldenTest.Result status = CliGoldenTest.runOn(db, concat(new String[] {"status", "--json"}, at));
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out()).contains("\"restarts24h\": 3");
    CliGoldenTest.Result r = CliGoldenTest.runOn(db, concat(new String[] {"restarts", "trader", "--period", "1d"}, at));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("│ 3\\s+│ 3 per day │").contains("Scheduled, not restarted (not counted above)")
        .doesNotContain("none, down 300 ms");
    assertThat(TableText.words(r.out())).contains("error exit, run 4 (could not start: binary " + dir.resolve("no-such-trader")
        + " not found): its restart in 1.00 s was cancelled 300 ms after the exit: supervisor closing (SHUTDOWN)");
    CliGoldenTest.Result json = CliGoldenTest.runOn(db, concat(new String[] {"restarts", "trader", "--period", "1d", "--json"}, at));
    assertThat(json.out()).contains("\"total\": 3", "\"cancelledBy\": \"supervisor closing (SHUTDOWN)\"", "\"delayMs\": 1000");
  }

  /** Waits until the scheduler holds a task due in {@code delay} (the restart's timer). */
  private static void awaitTimer(ManualScheduler scheduler, Duration delay) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!scheduler.pending().contains(delay)) {
      assertThat(System.nanoTime() - deadline).as("a timer of %s; pending: %s", delay, scheduler.pending()).isNegative();
      Thread.sleep(5);
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
