package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.HealthState;
import io.github.vigil.Origin;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.SupervisorEvent;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real PostgreSQL stopped for 30 s while events and snapshots keep coming, then started again: no event
 * is lost (nor written twice), snapshots are dropped first once the buffer is full, and every snapshot is
 * either written or counted as dropped.
 */
@Timeout(240)
class DatabaseOutageTest {

  @Test
  void databaseStoppedFor30SecondsLosesNoEvent() throws Exception {
    assumeTrue(PostgresServer.unavailableReason().isEmpty(), () -> PostgresServer.unavailableReason().get());
    try (PostgresServer pg = PostgresServer.start("outage");
        Journal journal = Journal.builder().url(pg.url()).host("gw-outage").batchInterval(Duration.ofMillis(200))
            .retryDelay(Duration.ofMillis(500)).bufferCapacity(1500).snapshotInterval(Duration.ZERO).build()) {
      AtomicLong events = new AtomicLong();
      AtomicLong snapshots = new AtomicLong();
      AtomicBoolean run = new AtomicBoolean(true);
      // 20 events and 100 snapshots a second: 30 s down is 600 events and 3,000 snapshots for 1,500 places
      Thread producer = new Thread(() -> {
        long tick = 0;
        while (run.get()) {
          tick++;
          if (tick % 5 == 0) {
            long n = events.incrementAndGet();
            journal.onEvent(new SupervisorEvent.CommandIssued("feed", Instant.now(), SupervisorEvent.Command.RESTART, Origin.API, "seq " + n));
          }
          snapshots.incrementAndGet();
          journal.recordSnapshot(new ProcessStatus("feed", ProcessState.RUNNING, 42, Instant.now(), Duration.ofSeconds(1), 0, null,
              HealthState.HEALTHY, true, ""), null, Instant.now(), Duration.ofMillis(1), null);
          try {
            Thread.sleep(10);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "outage-producer");
      producer.start();
      try {
        Thread.sleep(2000);
        pg.stop();
        long stoppedAt = System.nanoTime();
        long eventsAtStop = events.get();
        // at least 30 s of outage, and until the producer (paced by sleeps a loaded machine stretches) has made more
        // events than fit and the buffer has had to drop snapshots
        while (System.nanoTime() - stoppedAt < Duration.ofSeconds(30).toNanos()
            || (events.get() - eventsAtStop <= 400 || journal.stats().snapshotsDropped() == 0)
                && System.nanoTime() - stoppedAt < Duration.ofSeconds(90).toNanos()) {
          Thread.sleep(200);
        }
        assertThat(journal.stats().databaseReachable()).isFalse();
        assertThat(journal.stats().snapshotsDropped()).as("snapshots dropped while the buffer was full").isPositive();
        assertThat(events.get() - eventsAtStop).as("events produced during the outage").isGreaterThan(400);
        pg.start();
        Thread.sleep(2000);
      } finally {
        run.set(false);
        producer.join();
      }
      assertThat(journal.flush(Duration.ofSeconds(60))).as("buffer written once the database is back").isTrue();
      JournalStats stats = journal.stats();
      io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
      new JournalMetrics(journal).bindTo(meters);
      assertThat(meters.get("vigil.journal.dropped").tag("kind", "snapshot").functionCounter().count())
          .as("the drops as a meter").isEqualTo((double) stats.snapshotsDropped()).isPositive();
      assertThat(stats.eventsDropped()).isZero();
      assertThat(stats.eventsWritten()).isEqualTo(events.get());
      assertThat(stats.snapshotsWritten() + stats.snapshotsDropped()).isEqualTo(snapshots.get());
      assertThat(stats.writeFailures()).isPositive();
      try (Connection c = DriverManager.getConnection(pg.url()); Statement s = c.createStatement()) {
        try (ResultSet r = s.executeQuery("SELECT COUNT(*), COUNT(DISTINCT reason), MIN(reason), MAX(CAST(SUBSTRING(reason FROM 5) AS BIGINT)) "
            + "FROM events WHERE host = 'gw-outage'")) {
          r.next();
          assertThat(r.getLong(1)).as("every event, once").isEqualTo(events.get());
          assertThat(r.getLong(2)).isEqualTo(events.get());
          assertThat(r.getLong(4)).isEqualTo(events.get());
        }
        try (ResultSet r = s.executeQuery("SELECT COUNT(*) FROM snapshots WHERE host = 'gw-outage'")) {
          r.next();
          assertThat(r.getLong(1)).isEqualTo(stats.snapshotsWritten());
        }
      }
      System.out.printf("PostgreSQL down 30 s: %d events all written (%d write failures retried); %d snapshots written, %d dropped%n",
          events.get(), stats.writeFailures(), stats.snapshotsWritten(), stats.snapshotsDropped());
    }
  }
}
