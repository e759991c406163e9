package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.journal.Journal;
import io.github.vigil.journal.PeriodEdge;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash, its restart and the run it started, all stamped exactly at the edge of a period ({@code --now} is the clock):
 * every command looks back over the same window, after now less the period, up to and including now ({@link Window}).
 * {@code vigil history} read up to now included and {@code vigil restarts} up to now left out, so at {@code --now} the
 * restart's time history listed the run it started while restarts counted none.
 */
@Timeout(60)
class PeriodEdgeTest {
  private static final Instant EDGE = PeriodEdge.EDGE;
  private static final String RUN_2 = "\"startedAt\": \"" + EDGE + "\"";

  @TempDir
  static Path dir;

  static Path db;

  @BeforeAll
  static void writeJournal() {
    db = dir.resolve("edge.db");
    try (Journal j = Journal.builder().sqlite(db).host("gw1").snapshotInterval(Duration.ZERO).build()) {
      PeriodEdge.write(j);
      assertThat(j.flush(Duration.ofSeconds(30))).isTrue();
    }
  }

  private static CliGoldenTest.Result vigil(Instant now, String... args) {
    String[] all = new String[args.length + 3];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(new String[] {"--json", "--now", now.toString()}, 0, all, args.length, 3);
    CliGoldenTest.Result r = CliGoldenTest.runOn(db, all);
    assertThat(r.err()).as(String.join(" ", args)).isEmpty();
    return r;
  }

  /** At now: the restart is counted, the run it started listed, the crash in the events, and in status's 24 hours. */
  @Test
  void whatIsStampedAtNowIsInThePeriod() {
    assertThat(vigil(EDGE, "history", "feed", "--period", "2h").out()).as("history").contains(RUN_2);
    CliGoldenTest.Result restarts = vigil(EDGE, "restarts", "feed", "--period", "2h");
    assertThat(restarts.out()).as("restarts").contains("\"total\": 1,", "\"at\": \"" + EDGE + "\"", "\"to\": \"" + EDGE + "\"");
    assertThat(vigil(EDGE, "restarts", "feed", "--period", "24h").out()).as("restarts --period 24h").contains("\"total\": 1,");
    assertThat(vigil(EDGE, "status").out()).as("status").contains("\"restarts24h\": 1,");
    assertThat(vigil(EDGE, "events", "--since", "2h").out()).as("events").contains("\"type\": \"Exited\"");
  }

  /**
   * A period back: in none of the commands, as it was in the period before (the test above's); a millisecond later it is
   * in all of them, as the period before it ends there.
   */
  @Test
  void whatIsStampedAPeriodAgoIsInThePeriodBefore() {
    Instant hourAfter = EDGE.plus(Duration.ofHours(1));
    assertThat(vigil(hourAfter, "history", "feed", "--period", "1h").out()).as("history").doesNotContain(RUN_2);
    assertThat(vigil(hourAfter, "restarts", "feed", "--period", "1h").out()).as("restarts").contains("\"total\": 0,");
    assertThat(vigil(hourAfter, "events", "--since", "1h").out()).as("events").doesNotContain("\"type\": \"Exited\"");
    Instant dayAfter = EDGE.plus(Duration.ofDays(1));
    assertThat(vigil(dayAfter, "status").out()).as("status a day after").contains("\"restarts24h\": 0,");
    assertThat(vigil(dayAfter, "restarts", "feed", "--period", "24h").out()).as("restarts a day after").contains("\"total\": 0,");

    Instant justBefore = hourAfter.minusMillis(1);
    assertThat(vigil(justBefore, "history", "feed", "--period", "1h").out()).as("history, 1 ms earlier").contains(RUN_2);
    assertThat(vigil(justBefore, "restarts", "feed", "--period", "1h").out()).as("restarts, 1 ms earlier").contains("\"total\": 1,");
    assertThat(vigil(justBefore, "events", "--since", "1h").out()).as("events, 1 ms earlier").contains("\"type\": \"Exited\"");
    assertThat(vigil(dayAfter.minusMillis(1), "status").out()).as("status, 1 ms earlier").contains("\"restarts24h\": 1,");
  }
}
