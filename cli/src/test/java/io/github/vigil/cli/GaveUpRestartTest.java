package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.journal.Journal;
import io.github.vigil.journal.JournalReader;
import io.github.vigil.journal.RestartReport;
import io.github.vigil.journal.TradeCalendar;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.FakeTicker;
import io.github.vigil.testing.ManualScheduler;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process that crashed 3 times, was restarted twice, then went FAILED (start limit reached): the restart report
 * counts the 2 restarts and lists the last crash, the one nothing restarted, under its not-restarted crashes with the
 * give-up's words. A black-box trial read total 2 and an empty {@code notRestarted}: only a suggestion mentioned the
 * give-up, and the crash a post-mortem wants first was nowhere.
 */
@Timeout(60)
class GaveUpRestartTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
  private static final String NOW = "2026-12-05T11:00:00Z";

  @TempDir
  Path dir;

  @Test
  void theCrashThePolicyGaveUpOnIsListedAsNotRestarted() throws Exception {
    FakeTicker ticker = new FakeTicker();
    long origin = ticker.read();
    InstantSource clock = () -> T0.plusNanos(ticker.read() - origin);
    ManualScheduler scheduler = new ManualScheduler(ticker);
    Path db = dir.resolve("journal.db");
    int restarts;
    try (Journal journal = Journal.builder().sqlite(db).host("gw1").batchInterval(Duration.ofMillis(100)).snapshotInterval(Duration.ZERO)
        .build()) {
      try (Supervisor sup = Supervisor.builder().name("gaveup").ticker(ticker).scheduler(scheduler).instantSource(clock).build()) {
        EventRecorder rec = new EventRecorder();
        sup.subscribe(rec);
        journal.attach(sup);
        ProcessController feed = sup.register(ProcessSpec.builder("feed").command("sh", "-c", "echo 'feed: no route to venue' >&2; exit 3")
            .startupGrace(Duration.ZERO).restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(1)))
                .withStartLimit(2, Duration.ofHours(1))).build());
        feed.start();
        for (int attempt = 1; attempt <= 2; attempt++) {
          int a = attempt;
          rec.await(SupervisorEvent.RestartScheduled.class, e -> e.attempt() == a, 1, WAIT);
          awaitTimer(scheduler, Duration.ofSeconds(1)); // the event is published just before its timer is set
          scheduler.advance(Duration.ofSeconds(1)); // the restart is due: done, and it exits 3 again
        }
        rec.await(SupervisorEvent.Failed.class, e -> true, 1, WAIT);
        assertThat(sup.awaitIdle(WAIT)).isTrue();
        restarts = feed.status().restarts();
      }
      assertThat(journal.flush(Duration.ofSeconds(30))).isTrue();
    }
    assertThat(restarts).as("the supervisor's count: 2 restarts, the 3rd crash given up on").isEqualTo(2);

    try (JournalReader reader = JournalReader.open(db.toString(), null)) {
      Instant now = Instant.parse(NOW);
      RestartReport report = reader.restarts("feed", now.minus(Duration.ofDays(1)), now, ZoneId.of("UTC"),
          TradeCalendar.weekdays(ZoneId.of("UTC"), LocalTime.MIDNIGHT));
      assertThat(report.total()).as("restarts done").isEqualTo(restarts);
      assertThat(report.timeline()).hasSize(2);
      assertThat(report.notRestarted()).as("the crash the start limit gave up on").singleElement().satisfies(n -> {
        assertThat(n.exit().at()).isEqualTo(T0.plusSeconds(2));
        assertThat(n.exit().run()).isEqualTo(3);
        assertThat(n.exit().exitCode()).isEqualTo(3);
        assertThat(n.exit().exitCause()).isEqualTo("ERROR_EXIT");
        assertThat(n.exit().stderrTail()).contains("feed: no route to venue");
        assertThat(n.delay()).isNull();
        assertThat(n.policyGaveUp()).isTrue();
        assertThat(n.cancelledAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(n.cancelledBy()).startsWith("start limit reached: 2 restarts within");
      });
    }

    String[] at = {"--zone", "UTC", "--now", NOW, "--color", "never", "--width", "140"};
    CliGoldenTest.Result r = CliGoldenTest.runOn(db, concat(new String[] {"restarts", "feed", "--period", "1d"}, at));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("│ 2\\s+│ 2 per day │").contains("Not restarted (not counted above)");
    assertThat(TableText.words(r.out())).contains("error exit, run 3 (exit code 3): its restart policy gave up: start limit reached: "
        + "2 restarts within");
    assertThat(r.out()).contains("feed: no route to venue");
    CliGoldenTest.Result json = CliGoldenTest.runOn(db, concat(new String[] {"restarts", "feed", "--period", "1d", "--json"}, at));
    assertThat(json.out()).contains("\"total\": 2", "\"policyGaveUp\": true", "\"cancelledBy\": \"start limit reached: 2 restarts within");
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
    String[] out = List.of(a, b).stream().flatMap(java.util.Arrays::stream).toArray(String[]::new);
    return out;
  }
}
