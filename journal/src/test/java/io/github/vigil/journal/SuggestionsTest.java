package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.journal.RestartReport.CauseCount;
import io.github.vigil.journal.RestartReport.Restart;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a restart report suggests about the hour of the day its restarts happen in. */
class SuggestionsTest {
  private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

  @Test
  void restartsThatRecurAtOneHourOnSeveralDaysAreNamed() {
    RestartReport r = report("2026-11-23T01:10:00+08:00", "2026-11-24T01:20:00+08:00", "2026-11-25T01:05:00+08:00",
        "2026-11-25T14:00:00+08:00");
    assertThat(Suggestions.forRestarts(r, ZONE))
        .contains("3 of 4 restarts between 01:00 and 01:59 (Asia/Shanghai): look at what runs then (batch jobs, backups, log rotation, market open)");
  }

  @Test
  void aBurstWithinOneHourOfOneDayIsNoTimeOfDayPattern() {
    // a report of one hour (or one bad hour of a day): every restart is in that hour, which says nothing about the hour
    RestartReport r = report("2026-11-23T09:01:00+08:00", "2026-11-23T09:12:00+08:00", "2026-11-23T09:30:00+08:00",
        "2026-11-23T09:58:00+08:00");
    assertThat(Suggestions.forRestarts(r, ZONE)).noneSatisfy(s -> assertThat(s).contains("restarts between"));
  }

  private static RestartReport report(String... exits) {
    List<Restart> timeline = new ArrayList<>();
    Integer[] hours = new Integer[24];
    java.util.Arrays.fill(hours, 0);
    for (String e : exits) {
      Instant at = java.time.OffsetDateTime.parse(e).toInstant();
      hours[at.atZone(ZONE).getHour()]++;
      timeline.add(new Restart(at, RestartCause.ERROR_EXIT, "exit code 1", null, timeline.size() + 1, Duration.ofMinutes(5), null, null,
          Duration.ofSeconds(2), null, null, null, null, 1, null, "ERROR_EXIT", Duration.ofSeconds(2)));
    }
    Collections.reverse(timeline); // newest first
    Instant from = timeline.get(timeline.size() - 1).at().minusSeconds(60);
    Instant to = timeline.get(0).at().plusSeconds(60);
    return new RestartReport("feed", from, to, exits.length, 0.5, Duration.ofMinutes(5), Duration.ofSeconds(2),
        List.of(new CauseCount(RestartCause.ERROR_EXIT, exits.length, 100.0)), timeline, List.of(hours), List.of(), List.of());
  }
}
