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
 * A group's restarts of its members are restarts of theirs ({@link GroupRestartsStory}, real processes killed with
 * SIGKILL): a gateway its {@code REST_FOR_ONE} group restarted 4 times, because {@code md} before it crashed, had 0
 * restarts in the restart report and in the status's 24 hours; each is a {@code GROUP} restart naming the group and how
 * {@code md} ended, its recovery from the group's stop to RUNNING again, and an operator's stop and start is none.
 */
@Timeout(180)
@EnabledOnOs(OS.LINUX)
class GroupRestartsTest {
  @TempDir
  Path dir;

  @Test
  void aGroupsRestartsOfItsMembersAreCountedWithTheirCauseOnSqlite() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("desk.db");
    GroupRestartsStory.Facts facts;
    try (Journal j = Journal.builder().url(url).host(GroupRestartsStory.HOST).batchInterval(Duration.ofMillis(100))
        .snapshotInterval(Duration.ZERO).build()) {
      facts = GroupRestartsStory.run(j);
    }
    try (JournalReader r = JournalReader.open(url, null)) {
      assertTheMorning(r, facts);
    }
  }

  @Test
  void aGroupsRestartsOfItsMembersAreCountedWithTheirCauseOnPostgres() throws Exception {
    assumeTrue(PostgresServer.unavailableReason().isEmpty(), () -> PostgresServer.unavailableReason().get());
    try (PostgresServer pg = PostgresServer.start("group-restarts")) {
      GroupRestartsStory.Facts facts;
      try (Journal j = Journal.builder().url(pg.url()).host(GroupRestartsStory.HOST).batchInterval(Duration.ofMillis(100))
          .snapshotInterval(Duration.ZERO).build()) {
        facts = GroupRestartsStory.run(j);
      }
      try (JournalReader r = JournalReader.open(pg.url(), null)) {
        assertTheMorning(r, facts);
      }
    }
  }

  static void assertTheMorning(JournalReader r, GroupRestartsStory.Facts facts) throws Exception {
    Map<String, Integer> status = new TreeMap<>();
    r.status(facts.now()).forEach(s -> status.put(s.process(), s.restarts24h()));
    assertThat(status).as("RESTARTS 24H of status").isEqualTo(Map.of("md", 4, "gateway", 4, "book-a", 1, "book-b", 1, "book-c", 1));

    RestartReport gateway = report(r, "gateway", facts);
    assertThat(gateway.total()).as("the gateway's restarts: its group's, after md crashed").isEqualTo(GroupRestartsStory.MD_KILLS);
    assertThat(gateway.causes()).extracting(c -> c.cause().name() + " " + c.count()).containsExactly("GROUP 4");
    assertThat(gateway.timeline()).allSatisfy(x -> {
      assertThat(x.cause().name()).isEqualTo("GROUP");
      assertThat(x.detail()).isEqualTo("with group desk (REST_FOR_ONE): md crashed (SIGKILL)");
      assertThat(x.exitCause()).as("its own run did not fail: the group stopped it").isEqualTo("KILLED_BY_SUPERVISOR");
    });
    // oldest first, as the story has them: recovery from the group's stop to RUNNING, uptime of the run it stopped
    List<Restart> oldestFirst = new java.util.ArrayList<>(gateway.timeline());
    Collections.reverse(oldestFirst);
    assertThat(oldestFirst).extracting(Restart::recovery).containsExactlyElementsOf(facts.recoveries().get("gateway"));
    assertThat(oldestFirst).extracting(Restart::downtime).containsExactlyElementsOf(facts.recoveries().get("gateway"));
    assertThat(oldestFirst).extracting(Restart::uptime).containsExactlyElementsOf(facts.uptimes().get("gateway"));
    assertThat(gateway.mttr()).as("MTTR: the group's stop to RUNNING").isEqualTo(mean(facts.recoveries().get("gateway")));
    assertThat(gateway.meanUptime()).isEqualTo(mean(facts.uptimes().get("gateway")));
    // per trade day (one, unless the story ran across midnight UTC)
    assertThat(gateway.tradeDays().stream().mapToInt(RestartReport.TradeDay::restarts).sum()).isEqualTo(4);
    assertThat(gateway.tradeDays().stream().map(RestartReport.TradeDay::downtime).reduce(Duration.ZERO, Duration::plus))
        .isEqualTo(facts.recoveries().get("gateway").stream().reduce(Duration.ZERO, Duration::plus));
    assertThat(gateway.tradeDays()).allSatisfy(d -> assertThat(d.causes()).extracting(c -> c.cause().name()).containsExactly("GROUP"));
    assertThat(gateway.notRestarted()).as("the operator's stop is no restart, nor one not done").isEmpty();

    RestartReport md = report(r, "md", facts);
    assertThat(md.total()).isEqualTo(4);
    assertThat(md.causes()).extracting(c -> c.cause().name() + " " + c.count()).containsExactly("SIGNAL 4");

    for (String member : List.of("book-a", "book-c")) {
      RestartReport m = report(r, member, facts);
      assertThat(m.total()).as(member).isEqualTo(1);
      assertThat(m.timeline()).singleElement().satisfies(x -> {
        assertThat(x.cause().name()).isEqualTo("GROUP");
        assertThat(x.detail()).isEqualTo("with group book (ONE_FOR_ALL): book-b crashed (SIGKILL)");
        assertThat(x.recovery()).isEqualTo(facts.recoveries().get(member).get(0));
      });
    }
    RestartReport bookB = report(r, "book-b", facts);
    assertThat(bookB.timeline()).singleElement().satisfies(x -> assertThat(x.cause().name()).isEqualTo("SIGNAL"));
  }

  private static RestartReport report(JournalReader r, String process, GroupRestartsStory.Facts facts) throws Exception {
    return r.restartsUpTo(process, facts.now(), Duration.ofDays(1), ZoneOffset.UTC, TradeCalendar.calendarDays(ZoneOffset.UTC));
  }
}
