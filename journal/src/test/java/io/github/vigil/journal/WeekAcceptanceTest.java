package io.github.vigil.journal;

import static io.github.vigil.journal.RestartCause.ERROR_EXIT;
import static io.github.vigil.journal.RestartCause.HEALTH;
import static io.github.vigil.journal.RestartCause.MANUAL;
import static io.github.vigil.journal.RestartCause.OOM_KILL;
import static io.github.vigil.journal.RestartCause.RESOURCE_LIMIT;
import static io.github.vigil.journal.RestartCause.SIGNAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.journal.RestartReport.CauseCount;
import io.github.vigil.journal.RestartReport.Restart;
import io.github.vigil.journal.RestartReport.TradeDay;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Acceptance: a known week (8 restarts with known causes, times and recovery times, one manual restart by
 * alice) written through the journal into SQLite and into a real PostgreSQL, read back as a restart report
 * whose every figure is worked out here by hand.
 */
@Timeout(180)
class WeekAcceptanceTest {
  @TempDir
  Path dir;

  private static PostgresServer postgres;

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  private String url(String db) throws Exception {
    if (db.equals("sqlite")) {
      return "jdbc:sqlite:" + dir.resolve("week.db");
    }
    assumeTrue(PostgresServer.unavailableReason().isEmpty(), () -> PostgresServer.unavailableReason().get());
    if (postgres == null) {
      postgres = PostgresServer.start("week");
    }
    return postgres.url();
  }

  private static List<KnownWeek.Planned> newestFirst() {
    List<KnownWeek.Planned> l = new java.util.ArrayList<>(KnownWeek.PLAN);
    java.util.Collections.reverse(l);
    return l;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sqlite", "postgresql"})
  void restartReportOfAKnownWeekIsExact(String db) throws Exception {
    String url = url(db);
    String host = "gw-week-" + db;
    try (Journal journal = Journal.builder().url(url).host(host).snapshotInterval(Duration.ZERO).corePattern("/var/crash/core.%e.%p").build()) {
      KnownWeek.feed(journal);
      assertThat(journal.flush(Duration.ofSeconds(30))).isTrue();
    }
    RestartReport r;
    try (JournalReader reader = JournalReader.open(url, host)) {
      r = reader.restarts(KnownWeek.PROCESS, KnownWeek.FROM, KnownWeek.TO, ZoneOffset.UTC, KnownWeek.CALENDAR);

      assertEquals(8, r.total());
      assertEquals(8.0 / 7.0, r.ratePerDay());
      // uptimes sum to (last exit - first start) minus 7 backoffs of 5 s: 6d 17h - 35 s = 579,565 s, over 8
      assertEquals(Duration.ofMillis(579_565_000L / 8), r.meanUptime());
      // recoveries of the 7 non-manual restarts: 45 + 135 + 60 + 30 + 20 + 90 + 10 = 390 s, over 7, to the ms
      assertEquals(Duration.ofMillis(55_714), r.mttr());
      assertThat(r.causes()).containsExactly(new CauseCount(OOM_KILL, 2, 25.0), new CauseCount(SIGNAL, 2, 25.0),
          new CauseCount(ERROR_EXIT, 1, 12.5), new CauseCount(HEALTH, 1, 12.5), new CauseCount(RESOURCE_LIMIT, 1, 12.5),
          new CauseCount(MANUAL, 1, 12.5));
      assertThat(r.timeline()).extracting(Restart::cause).containsExactly(RESOURCE_LIMIT, SIGNAL, HEALTH, ERROR_EXIT, MANUAL, OOM_KILL, SIGNAL,
          OOM_KILL);
      assertThat(r.timeline()).extracting(Restart::at)
          .containsExactlyElementsOf(newestFirst().stream().map(KnownWeek.Planned::exitAt).toList());
      assertThat(r.timeline()).extracting(Restart::recovery)
          .containsExactlyElementsOf(newestFirst().stream().map(KnownWeek.Planned::recovery).toList());
      Restart oldest = r.timeline().get(7);
      assertEquals(Duration.ofHours(2), oldest.uptime());
      assertEquals(63L << 20, oldest.memoryBytes());
      assertEquals(64L << 20, oldest.memoryLimitBytes());
      Restart segv = r.timeline().get(6);
      assertEquals(Duration.parse("PT13H29M55S"), segv.uptime());
      assertEquals("SIGSEGV", segv.signalName());
      assertThat(segv.coreDumped()).isTrue();
      assertEquals("/var/crash/core.orders.4002", segv.corePath());
      Restart manual = r.timeline().get(4);
      assertEquals("alice", manual.actor());
      assertEquals("by alice: deploy 2.4.1", manual.detail());
      Restart rss = r.timeline().get(0);
      assertEquals(900L << 20, rss.memoryBytes());
      assertEquals(800L << 20, rss.memoryLimitBytes());
      Restart health = r.timeline().get(2);
      assertEquals("liveness http://127.0.0.1:9000/health: timed out 3 times", health.detail());
      Integer[] hours = new Integer[24];
      java.util.Arrays.fill(hours, 0);
      hours[1] = 4;
      hours[9] = 1;
      hours[11] = 1;
      hours[14] = 1;
      hours[16] = 1;
      assertThat(r.hourOfDay()).containsExactly(hours);
      // Saturday 01:45 and Sunday 16:00 belong to Monday's trade day
      assertThat(r.tradeDays()).containsExactly(
          new TradeDay("2026-11-23", 2, Duration.ofSeconds(180), List.of(new CauseCount(OOM_KILL, 1, 50.0), new CauseCount(SIGNAL, 1, 50.0))),
          new TradeDay("2026-11-24", 1, Duration.ofSeconds(60), List.of(new CauseCount(OOM_KILL, 1, 100.0))),
          new TradeDay("2026-11-25", 1, Duration.ofSeconds(12), List.of(new CauseCount(MANUAL, 1, 100.0))),
          new TradeDay("2026-11-26", 1, Duration.ofSeconds(30), List.of(new CauseCount(ERROR_EXIT, 1, 100.0))),
          new TradeDay("2026-11-27", 1, Duration.ofSeconds(20), List.of(new CauseCount(HEALTH, 1, 100.0))),
          new TradeDay("2026-11-30", 2, Duration.ofSeconds(100), List.of(new CauseCount(SIGNAL, 1, 50.0), new CauseCount(RESOURCE_LIMIT, 1, 50.0))));
      assertThat(r.suggestions()).anySatisfy(s -> assertThat(s).startsWith("2 OOM kills (up to 63.9 MiB at death, limit 64.0 MiB)"))
          .anySatisfy(s -> assertThat(s).startsWith("1 crash by SIGABRT without a core dump"))
          .anySatisfy(s -> assertThat(s).isEqualTo("read the newest core dump: gdb <executable> /var/crash/core.orders.4002"))
          .anySatisfy(s -> assertThat(s).startsWith("4 of 8 restarts between 01:00 and 01:59 (Z)"))
          .anySatisfy(s -> assertThat(s).startsWith("restart rate 1.14 per day"));

      // a shorter period keeps only its own restarts
      RestartReport mid = reader.restarts(KnownWeek.PROCESS, Instant.parse("2026-11-24T00:00:00Z"), Instant.parse("2026-11-27T00:00:00Z"),
          ZoneOffset.UTC, KnownWeek.CALENDAR);
      assertThat(mid.timeline()).extracting(Restart::cause).containsExactly(ERROR_EXIT, MANUAL, OOM_KILL);
      assertEquals(1.0, mid.ratePerDay());
      assertEquals(Duration.ofSeconds(45), mid.mttr());

      // a period looked back over from a restart's time (restartsUpTo: now included) holds it, figures over the period;
      // the period after it, which starts there, does not, nor does restarts() up to that time ([from, to))
      Instant newest = r.timeline().get(0).at();
      Duration hour = Duration.ofHours(1);
      RestartReport upTo = reader.restartsUpTo(KnownWeek.PROCESS, newest, hour, ZoneOffset.UTC, KnownWeek.CALENDAR);
      assertThat(upTo.timeline()).extracting(Restart::at).containsExactly(newest);
      assertEquals(newest.minus(hour), upTo.from());
      assertEquals(newest, upTo.to());
      assertEquals(24.0, upTo.ratePerDay());
      assertEquals(Duration.ofSeconds(10), upTo.timeline().get(0).downtime());
      assertEquals(0, reader.restartsUpTo(KnownWeek.PROCESS, newest.plus(hour), hour, ZoneOffset.UTC, KnownWeek.CALENDAR).total());
      assertEquals(1, reader.restartsUpTo(KnownWeek.PROCESS, newest.plus(hour).minusMillis(1), hour, ZoneOffset.UTC, KnownWeek.CALENDAR).total());
      assertEquals(0, reader.restarts(KnownWeek.PROCESS, newest.minus(hour), newest, ZoneOffset.UTC, KnownWeek.CALENDAR).total());
      assertThatThrownBy(() -> reader.restartsUpTo(KnownWeek.PROCESS, newest, Duration.ZERO, ZoneOffset.UTC, KnownWeek.CALENDAR))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("period must be positive: PT0S");

      CrashReport crash = reader.lastCrash(KnownWeek.PROCESS, KnownWeek.TO).orElseThrow();
      assertEquals(Instant.parse("2026-11-29T16:00:00Z"), crash.at());
      assertEquals("RESOURCE_LIMIT", crash.exitCause());
      assertEquals(Duration.ofSeconds(10), crash.recovery());
      CrashReport segvCrash = reader.lastCrash(KnownWeek.PROCESS, Instant.parse("2026-11-23T20:00:00Z")).orElseThrow();
      assertEquals("SIGSEGV", segvCrash.signalName());
      assertThat(segvCrash.signalMeaning()).startsWith("segmentation fault");
      assertEquals("/var/crash/core.orders.4002", segvCrash.coreLocation());
      assertEquals(Boolean.FALSE, segvCrash.coreFileExists());
      assertEquals(Duration.ofSeconds(135), segvCrash.recovery());

      List<JournalRun> runs = reader.runs(KnownWeek.PROCESS, Instant.EPOCH, KnownWeek.TO);
      assertThat(runs).hasSize(9);
      assertThat(runs.subList(1, 9)).extracting(JournalRun::recovery)
          .containsExactlyElementsOf(KnownWeek.PLAN.stream().map(KnownWeek.Planned::recovery).toList());
    }
  }
}
