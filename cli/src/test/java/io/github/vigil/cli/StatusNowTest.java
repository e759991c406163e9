package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.HealthState;
import io.github.vigil.HumanFormat;
import io.github.vigil.Origin;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.journal.AsOfStory;
import io.github.vigil.journal.Journal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil status --now T}, a post-mortem's "what was running at 10:32?", shows what the journal said at T: its state,
 * pid, since, uptime, restarts in the 24 hours up to T, last seen, and the exit code of then ({@link AsOfStory}). It read
 * the rows after T too: at 10:20 a process stopped at 11:00 read STOPPED, an attachment showed the pid it found at 10:50
 * and its watch window as closed at 11:15, so that its STOPPED at 10:45 did not count in the exit code.
 */
@Timeout(60)
class StatusNowTest {
  @TempDir
  Path dir;

  private Path db;

  @BeforeEach
  void theMorning() {
    db = dir.resolve("morning.db");
    try (Journal j = Journal.builder().sqlite(db).host(AsOfStory.HOST).snapshotInterval(Duration.ZERO).build()) {
      AsOfStory.write(j);
      assertThat(j.flush(Duration.ofSeconds(30))).isTrue();
    }
  }

  @Test
  void at1020RunOneAndTheFeedsFirstProcess() {
    CliGoldenTest.Result r = status(AsOfStory.AT_1020);
    assertThat(rows(r)).as("status --now 10:20%n%s", r.out()).containsExactly(
        "feed RUNNING 5100 2026-12-01 10:05:00 " + up("15m") + " 0 2026-12-01 10:05:00",
        "orders RUNNING 4100 2026-12-01 10:00:02 " + up("20m") + " 0 2026-12-01 10:20:00");
    assertThat(r.code()).as("exit code at 10:20: %s%s", r.out(), r.err()).isZero();
  }

  @Test
  void at1045RunTwoAndTheFeedLostInsideItsWindow() {
    CliGoldenTest.Result r = status(AsOfStory.AT_1045);
    assertThat(rows(r)).as("status --now 10:45%n%s", r.out()).containsExactly(
        "feed STOPPED - 2026-12-01 10:40:00 - 0 2026-12-01 10:40:00",
        "orders RUNNING 4200 2026-12-01 10:30:03 " + up("14m59s") + " 1 2026-12-01 10:45:00");
    assertThat(r.code()).as("exit code at 10:45, the feed stopped inside its window: %s%s", r.out(), r.err()).isEqualTo(1);
    assertThat(TableText.words(r.out())).doesNotContain("watch window is closed").doesNotContain("othing recorded");
  }

  @Test
  void at1130OrdersStoppedAndTheFeedsSecondProcess() {
    CliGoldenTest.Result r = status(AsOfStory.AT_1130);
    assertThat(rows(r)).as("status --now 11:30%n%s", r.out()).containsExactly(
        "feed RUNNING 5200 2026-12-01 10:50:00 " + up("40m") + " 0 2026-12-01 11:15:00",
        "late-job UNKNOWN - - - 0 2026-12-01 11:10:00",
        "orders STOPPED - 2026-12-01 11:00:01 - 1 2026-12-01 11:30:00");
    assertThat(r.code()).as("exit code at 11:30: %s%s", r.out(), r.err()).isZero();
  }

  /** The JSON says the same: its {@code at}, and the feed's window open at 10:45 (its STOPPED needs attention). */
  @Test
  void theJsonAt1045() {
    CliGoldenTest.Result r = CliGoldenTest.runOn(db, "status", "--json", "--now", AsOfStory.AT_1045.toString());
    assertThat(r.out()).as(r.err()).contains("\"at\": \"" + AsOfStory.AT_1045 + "\"")
        .containsPattern("(?s)\"process\": \"feed\",\\s*\"state\": \"STOPPED\",\\s*\"attachment\": true,\\s*\"since\": \"2026-12-01T10:40:00Z\","
            + "\\s*\"pid\": null,.*?\"stale\": false,\\s*\"gone\": false,\\s*\"outsideWatchWindow\": false")
        .containsPattern("(?s)\"process\": \"orders\",\\s*\"state\": \"RUNNING\",.*?\"pid\": 4200,.*?\"uptimeMs\": "
            + Duration.between(AsOfStory.RESTARTED, AsOfStory.AT_1045).toMillis() + ",\\s*\"restarts24h\": 1,")
        .doesNotContain("late-job");
    assertThat(r.code()).isEqualTo(1);
  }

  /**
   * A gateway that recorded nothing for 15 minutes up to T (its JVM killed at 10:05, another started at 10:40) is stale at
   * T, as it is at the time of reading: the note under the table says since when, and the uptime stops at its last row.
   * Read with the rows after T, its last row was 10:50, after T: no note, and the uptime of the next JVM's run, negative.
   */
  @Test
  void aGatewaySilentUpToTheTimeAskedAboutIsStaleThen() {
    Path killed = dir.resolve("killed.db");
    Instant t0 = AsOfStory.T1000;
    Instant next = t0.plus(Duration.ofMinutes(40));
    try (Journal j = Journal.builder().sqlite(killed).host(AsOfStory.HOST).snapshotInterval(Duration.ZERO).build()) {
      run(j, t0, 4100, t0.plus(Duration.ofMinutes(5)));
      // the first JVM was killed at 10:05 (no row says so); the next registers and starts the process at 10:40
      run(j, next, 4300, next.plus(Duration.ofMinutes(10)));
      assertThat(j.flush(Duration.ofSeconds(30))).isTrue();
    }
    CliGoldenTest.Result r = CliGoldenTest.runOn(killed, "status", "--color", "never", "--zone", "UTC", "--width", "200", "--now",
        t0.plus(Duration.ofMinutes(30)).toString());
    assertThat(rows(r)).as("status --now 10:30%n%s", r.out())
        .containsExactly("orders RUNNING 4100 2026-12-01 10:00:02 " + up("5m") + " 0 2026-12-01 10:05:00");
    assertThat(TableText.words(r.out())).as(r.out()).contains("Nothing recorded for " + up("25m") + " (since 2026-12-01 10:05:00)");
  }

  /** A JVM's registration and start of orders at {@code t} (pid {@code pid}), and its snapshots every minute up to {@code last}. */
  private static void run(Journal j, Instant t, long pid, Instant last) {
    String p = AsOfStory.ORDERS;
    j.onEvent(new SupervisorEvent.Registered(p, t.minusSeconds(1), ProcessSpec.builder(p).command("/opt/orders").build()));
    j.onEvent(new SupervisorEvent.StateChanged(p, t, ProcessState.STOPPED, ProcessState.STARTING, Origin.API, "start"));
    j.onEvent(new SupervisorEvent.Started(p, t, pid, 1));
    j.onEvent(new SupervisorEvent.StateChanged(p, t.plusSeconds(2), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS,
        "startup grace elapsed"));
    for (Instant at = t.plusSeconds(60); !at.isAfter(last); at = at.plusSeconds(60)) {
      j.recordSnapshot(new ProcessStatus(p, ProcessState.RUNNING, pid, t, Duration.between(t, at), 0, null, HealthState.HEALTHY, true, ""),
          null, at, Duration.ofMillis(1), null);
    }
  }

  private CliGoldenTest.Result status(Instant now) {
    return CliGoldenTest.runOn(db, "status", "--color", "never", "--zone", "UTC", "--width", "200", "--now", now.toString());
  }

  private static String up(String d) {
    return HumanFormat.duration(Duration.parse("PT" + d.toUpperCase(java.util.Locale.ROOT)));
  }

  /** Each row's PROCESS, STATE, PID, SINCE, UPTIME, RESTARTS 24H and LAST SEEN, one space apart. */
  private static List<String> rows(CliGoldenTest.Result r) {
    List<String> out = new ArrayList<>();
    List<List<String>> columns = new ArrayList<>();
    for (String header : List.of("PROCESS", "STATE", "PID", "SINCE", "UPTIME", "RESTARTS 24H", "LAST SEEN")) {
      columns.add(TableText.column(r.out(), header, "PROCESS"));
    }
    for (int i = 0; i < columns.get(0).size(); i++) {
      List<String> cells = new ArrayList<>();
      for (List<String> column : columns) {
        cells.add(column.get(i));
      }
      out.add(String.join(" ", cells));
    }
    return out;
  }
}
