package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.journal.Journal;
import io.github.vigil.journal.RestartsInADay;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil status}'s RESTARTS 24H is {@code vigil restarts NAME --period 24h}'s total at the same {@code --now}:
 * status counted 1 where the report counted 3 ({@link RestartsInADay}: a killed JVM's restart of a process running since
 * before the day, and a restart done after now, left out).
 */
@Timeout(60)
class StatusRestartsAsReportTest {
  @TempDir
  Path dir;

  @Test
  void statusShowsTheRestartsTheReportOverThe24HoursCounts() {
    Path db = dir.resolve("day.db");
    try (Journal j = Journal.builder().sqlite(db).host(RestartsInADay.HOST).snapshotInterval(Duration.ZERO).build()) {
      RestartsInADay.write(j);
      assertThat(j.flush(Duration.ofSeconds(30))).isTrue();
    }
    String now = RestartsInADay.NOW.toString();
    CliGoldenTest.Result restarts = CliGoldenTest.runOn(db, "restarts", RestartsInADay.PROCESS, "--period", "24h", "--json", "--now", now);
    assertThat(restarts.err()).isEmpty();
    assertThat(restarts.out()).as("restarts --period 24h").contains("\"total\": " + RestartsInADay.RESTARTS + ",");
    CliGoldenTest.Result status = CliGoldenTest.runOn(db, "status", "--json", "--now", now);
    assertThat(status.err()).isEmpty();
    assertThat(status.out()).as("status").contains("\"restarts24h\": " + RestartsInADay.RESTARTS + ",");
  }
}
