package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A status's restarts in 24 hours ({@link ProcessSummary#restarts24h()}) are the total of the restart report over the
 * same 24 hours ({@link JournalReader#restartsUpTo}): status counted them apart, from the window's events alone, and left
 * out a killed JVM's restart of a process it had left running since before the window, and a restart done after the
 * time it was read at ({@link RestartsInADay}: 1 where the report said 3).
 */
@Timeout(60)
class StatusRestartsTest {
  @TempDir
  Path dir;

  @Test
  void statusCountsTheRestartsTheReportOverTheSame24HoursCounts() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("day.db");
    try (Journal j = Journal.builder().url(url).host(RestartsInADay.HOST).snapshotInterval(Duration.ZERO).build()) {
      RestartsInADay.write(j);
      assertThat(j.flush(Duration.ofSeconds(10))).isTrue();
    }
    try (JournalReader reader = JournalReader.open(url, null)) {
      RestartReport report = reader.restartsUpTo(RestartsInADay.PROCESS, RestartsInADay.NOW, Duration.ofHours(24), ZoneOffset.UTC,
          TradeCalendar.calendarDays(ZoneOffset.UTC));
      assertThat(report.timeline()).extracting(RestartReport.Restart::cause)
          .containsExactly(RestartCause.ERROR_EXIT, RestartCause.ERROR_EXIT, RestartCause.SUPERVISOR_ENDED);
      assertThat(report.total()).as("the report, by hand").isEqualTo(RestartsInADay.RESTARTS);
      assertThat(reader.status(RestartsInADay.NOW)).singleElement().satisfies(s -> {
        assertThat(s.host()).isEqualTo(RestartsInADay.HOST);
        assertThat(s.restarts24h()).as("status's restarts in 24 hours, as the report's total").isEqualTo(report.total())
            .isEqualTo(RestartsInADay.RESTARTS);
      });
    }
  }
}
