package io.github.vigil.spring.boot.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.journal.Journal;
import io.github.vigil.journal.PeriodEdge;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The endpoint's two reports look back over the window of {@code vigil restarts} and {@code vigil history}: after the
 * request's time less the period, up to and including that time. A crash, its restart and the run it started, all
 * stamped at the edge: the restart report read up to the request's time left out (and missed the restart made at it)
 * while the history read up to it included (and listed the run that restart started).
 */
@Timeout(60)
class VigilJournalWebExtensionTest {
  private static final Instant EDGE = PeriodEdge.EDGE;

  @TempDir
  static Path dir;

  static Journal journal;

  @BeforeAll
  static void writeJournal() {
    journal = Journal.builder().sqlite(dir.resolve("edge.db")).host("gw1").snapshotInterval(Duration.ZERO).build();
    PeriodEdge.write(journal);
    assertThat(journal.flush(Duration.ofSeconds(30))).isTrue();
  }

  @AfterAll
  static void closeJournal() {
    journal.close();
  }

  /** The restart report's JSON body (maps and lists, as written over HTTP). */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> restarts(Instant now, String period) {
    Object body = new VigilJournalWebExtension(journal, () -> now).report(PeriodEdge.PROCESS, "restarts", period).getBody();
    assertThat(body).isInstanceOf(Map.class);
    return (Map<String, Object>) body;
  }

  @SuppressWarnings("unchecked")
  private static List<Integer> historyRuns(Instant now, String period) {
    Object body = new VigilJournalWebExtension(journal, () -> now).report(PeriodEdge.PROCESS, "history", period).getBody();
    assertThat(body).isInstanceOf(Map.class);
    return ((List<Map<String, Object>>) ((Map<String, Object>) body).get("runs")).stream().map(r -> (Integer) r.get("run")).toList();
  }

  @Test
  void whatIsStampedAtTheRequestsTimeIsInBothReports() {
    Map<String, Object> r = restarts(EDGE, "2h");
    assertThat(r.get("total")).as("restarts at the edge: %s", r.get("timeline")).isEqualTo(1);
    assertThat(r.get("to")).isEqualTo(EDGE.toString());
    assertThat(historyRuns(EDGE, "2h")).containsExactly(1, 2);
  }

  @Test
  void whatIsStampedAPeriodBeforeIsInNeither() {
    Instant hourAfter = EDGE.plus(Duration.ofHours(1));
    assertThat(restarts(hourAfter, "1h").get("total")).as("restarts a period after the edge").isEqualTo(0);
    assertThat(historyRuns(hourAfter, "1h")).as("runs started a period before").doesNotContain(2);
    Instant justBefore = hourAfter.minusMillis(1);
    assertThat(restarts(justBefore, "1h").get("total")).as("restarts, 1 ms earlier").isEqualTo(1);
    assertThat(historyRuns(justBefore, "1h")).as("runs, 1 ms earlier").contains(2);
  }
}
