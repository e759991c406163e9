package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.Origin;
import io.github.vigil.ProcessState;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Termination;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A fleet: three gateways start together against one empty PostgreSQL database (the schema is migrated
 * once, under an advisory lock), each writes its own process of the same name, and the host column keeps
 * them apart; retention deletes only the cleaning gateway's rows. Its writer's meters count what it wrote.
 */
@Timeout(120)
class PostgresFleetTest {

  @Test
  void gatewaysOfAFleetShareOneDatabase() throws Exception {
    assumeTrue(PostgresServer.unavailableReason().isEmpty(), () -> PostgresServer.unavailableReason().get());
    try (PostgresServer pg = PostgresServer.start("fleet")) {
      List<CompletableFuture<Journal>> starting = new ArrayList<>();
      for (String host : List.of("gw1", "gw2", "gw3")) {
        starting.add(CompletableFuture.supplyAsync(() -> Journal.builder().url(pg.url()).host(host).snapshotInterval(Duration.ZERO)
            .batchInterval(Duration.ofMillis(100)).build()));
      }
      List<Journal> journals = new ArrayList<>();
      for (CompletableFuture<Journal> f : starting) {
        journals.add(f.get());
      }
      try {
        Instant t = Instant.parse("2026-11-30T08:00:00Z");
        for (int g = 0; g < journals.size(); g++) {
          Journal j = journals.get(g);
          for (int crash = 0; crash <= g; crash++) {
            Instant x = t.plusSeconds(60L * crash);
            ExitInfo exit = new ExitInfo(Termination.Signaled.of(11, false), ExitCause.SIGNALED, Duration.ofSeconds(30), x, "", -1);
            j.onEvent(new SupervisorEvent.Started("feed", x.minusSeconds(30), 100 + crash, crash + 1));
            j.onEvent(new SupervisorEvent.Exited("feed", x, crash + 1, exit));
            j.onEvent(new SupervisorEvent.RestartScheduled("feed", x, 1, Duration.ofSeconds(1), exit));
            j.onEvent(new SupervisorEvent.StateChanged("feed", x.plusSeconds(2), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS,
                "up"));
          }
          assertThat(j.flush(Duration.ofSeconds(30))).isTrue();
        }
        for (int g = 0; g < journals.size(); g++) {
          try (JournalReader r = JournalReader.open(pg.url(), "gw" + (g + 1))) {
            RestartReport report = r.restarts("feed", t.minusSeconds(3600), t.plusSeconds(3600), java.time.ZoneOffset.UTC,
                TradeCalendar.calendarDays(java.time.ZoneOffset.UTC));
            assertThat(report.total()).as("gw%d's own restarts", g + 1).isEqualTo(g + 1);
            assertThat(report.mttr()).isEqualTo(Duration.ofSeconds(2));
          }
        }
        try (JournalReader all = JournalReader.open(pg.url(), null)) {
          assertThat(all.count("events")).isEqualTo(4 * (1 + 2 + 3));
          assertThat(all.status(t.plusSeconds(3600))).extracting(ProcessSummary::host).containsExactly("gw1", "gw2", "gw3");
          // a status row per host, each with its host's restarts; the report over every host's rows counts their sum (the
          // state each host left the process in before the period is read per host, in PostgreSQL's SQL too)
          assertThat(all.status(t.plusSeconds(3600))).extracting(ProcessSummary::restarts24h).containsExactly(1, 2, 3);
          assertThat(all.restartsUpTo("feed", t.plusSeconds(3600), Duration.ofHours(24), java.time.ZoneOffset.UTC,
              TradeCalendar.calendarDays(java.time.ZoneOffset.UTC)).total()).isEqualTo(1 + 2 + 3);
          assertThat(all.restartsUpTo("feed", t.plusSeconds(90), Duration.ofSeconds(60), java.time.ZoneOffset.UTC,
              TradeCalendar.calendarDays(java.time.ZoneOffset.UTC)).total()).as("gw2's and gw3's second crash").isEqualTo(2);
          // what vigil history reads of a run whose supervisor ended, in PostgreSQL's SQL too: gw3's last row, its third RUNNING
          assertThat(all.lastHeardOf("gw3", "feed", Instant.EPOCH, t.plusSeconds(3600))).contains(t.plusSeconds(122));
          assertThat(all.lastHeardOf("gw3", "feed", t.plusSeconds(123), t.plusSeconds(3600))).isEmpty();
          assertThat(all.registrations("feed", t.plusSeconds(3600))).isEmpty();
          // vigil crash's query (an exit recorded outside its window is none), in PostgreSQL's SQL too: gw3's third crash
          assertThat(all.lastCrash("feed", t.plusSeconds(3600))).hasValueSatisfying(c -> assertThat(c.at()).isEqualTo(t.plusSeconds(120)));
          try (var c = java.sql.DriverManager.getConnection(pg.url()); var s = c.createStatement();
              var rs = s.executeQuery("SELECT COUNT(*) FROM journal_schema")) {
            rs.next();
            assertThat(rs.getInt(1)).as("migrated once").isEqualTo(Migrations.LATEST);
          }
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new JournalMetrics(journals.get(2)).bindTo(registry);
        assertThat(registry.get("vigil.journal.written").tag("kind", "event").functionCounter().count()).isEqualTo(12.0);
        assertThat(registry.get("vigil.journal.dropped").tag("kind", "snapshot").functionCounter().count()).isZero();
        assertThat(registry.get("vigil.journal.reachable").gauge().value()).isEqualTo(1.0);
      } finally {
        journals.forEach(Journal::close);
      }
    }
  }
}
