package io.github.vigil.journal;

import static io.github.vigil.journal.StoryMath.mean;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.journal.RestartReport.Restart;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart of a process because a dependency it restarts with ({@code Dependency.OnExit.RESTART}) ended is a restart
 * of that process ({@link DependencyRestartsStory}, real processes killed with SIGKILL): a gateway restarted twice with
 * its feed had 0 restarts in the restart report and in the status's 24 hours; each is a {@code DEPENDENCY} restart
 * naming the feed and how it ended, its recovery from the stop to RUNNING again; on SQLite and on PostgreSQL (a server of
 * its own on loopback, skipped with the reason where PostgreSQL is not installed).
 */
@Timeout(120)
@EnabledOnOs(OS.LINUX)
class DependencyRestartsTest {
  @TempDir
  Path dir;

  @Test
  void aDependencysRestartsOfItsDependentAreCountedWithTheirCauseOnSqlite() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("feed.db");
    DependencyRestartsStory.Facts facts;
    try (Journal j = Journal.builder().url(url).host(DependencyRestartsStory.HOST).batchInterval(Duration.ofMillis(100))
        .snapshotInterval(Duration.ZERO).build()) {
      facts = DependencyRestartsStory.run(j);
    }
    try (JournalReader r = JournalReader.open(url, null)) {
      assertTheStory(r, facts);
    }
  }

  @Test
  void aDependencysRestartsOfItsDependentAreCountedWithTheirCauseOnPostgres() throws Exception {
    assumeTrue(PostgresServer.unavailableReason().isEmpty(), () -> PostgresServer.unavailableReason().get());
    try (PostgresServer pg = PostgresServer.start("dependency-restarts")) {
      DependencyRestartsStory.Facts facts;
      try (Journal j = Journal.builder().url(pg.url()).host(DependencyRestartsStory.HOST).batchInterval(Duration.ofMillis(100))
          .snapshotInterval(Duration.ZERO).build()) {
        facts = DependencyRestartsStory.run(j);
      }
      try (JournalReader r = JournalReader.open(pg.url(), null)) {
        assertTheStory(r, facts);
      }
    }
  }

  static void assertTheStory(JournalReader r, DependencyRestartsStory.Facts facts) throws Exception {
    int kills = DependencyRestartsStory.FEED_KILLS;
    assertThat(facts.recoveries()).as("the story's dependency restarts").hasSize(kills);
    Map<String, Integer> status = new TreeMap<>();
    r.status(facts.now()).forEach(s -> status.put(s.process(), s.restarts24h()));
    assertThat(status).as("RESTARTS 24H of status").isEqualTo(Map.of("feed", kills, "gateway", kills));

    RestartReport gateway = report(r, "gateway", facts);
    assertThat(gateway.total()).as("the gateway's restarts: with its feed").isEqualTo(kills);
    assertThat(gateway.causes()).extracting(c -> c.cause().name() + " " + c.count()).containsExactly("DEPENDENCY " + kills);
    assertThat(gateway.timeline()).allSatisfy(x -> {
      assertThat(x.cause().name()).isEqualTo("DEPENDENCY");
      assertThat(x.cause().label()).isEqualTo("dependency restart");
      assertThat(x.detail()).isEqualTo("dependency feed crashed (SIGKILL)");
      assertThat(x.exitCause()).as("its own run did not fail: it was stopped for its feed").isEqualTo("KILLED_BY_SUPERVISOR");
      assertThat(x.group()).isNull();
      assertThat(x.dependency()).as("the dependency whose end it was").isEqualTo("feed");
      assertThat(x.dependencyExit()).as("how it ended, in words").isEqualTo("crashed (SIGKILL)");
    });
    List<Restart> oldestFirst = new java.util.ArrayList<>(gateway.timeline());
    Collections.reverse(oldestFirst);
    assertThat(oldestFirst).extracting(Restart::recovery).containsExactlyElementsOf(facts.recoveries());
    assertThat(oldestFirst).extracting(Restart::downtime).containsExactlyElementsOf(facts.recoveries());
    assertThat(oldestFirst).extracting(Restart::uptime).containsExactlyElementsOf(facts.uptimes());
    assertThat(gateway.mttr()).as("MTTR: the stop to RUNNING").isEqualTo(mean(facts.recoveries()));
    assertThat(gateway.tradeDays().stream().mapToInt(RestartReport.TradeDay::restarts).sum()).isEqualTo(kills);
    assertThat(gateway.tradeDays().stream().map(RestartReport.TradeDay::downtime).reduce(Duration.ZERO, Duration::plus))
        .isEqualTo(facts.recoveries().stream().reduce(Duration.ZERO, Duration::plus));
    assertThat(gateway.tradeDays()).allSatisfy(d -> assertThat(d.causes()).extracting(c -> c.cause().name()).containsExactly("DEPENDENCY"));
    assertThat(gateway.notRestarted()).isEmpty();
    assertThat(gateway.suggestions()).as("what to look at: the dependency").contains(kills + " restarts because dependency feed ended"
        + " (onExit RESTART), not by a failure of gateway: find why feed ended (its restarts, its last crash)");

    RestartReport feed = report(r, "feed", facts);
    assertThat(feed.causes()).extracting(c -> c.cause().name() + " " + c.count()).containsExactly("SIGNAL " + kills);
    assertThat(feed.timeline()).allSatisfy(x -> {
      assertThat(x.dependency()).isNull();
      assertThat(x.dependencyExit()).isNull();
    });
    assertThat(feed.suggestions()).noneMatch(s -> s.contains("because dependency"));
  }

  private static RestartReport report(JournalReader r, String process, DependencyRestartsStory.Facts facts) throws Exception {
    return r.restartsUpTo(process, facts.now(), Duration.ofDays(1), ZoneOffset.UTC, TradeCalendar.calendarDays(ZoneOffset.UTC));
  }
}
