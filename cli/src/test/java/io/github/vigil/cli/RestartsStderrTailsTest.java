package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.Origin;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Termination;
import io.github.vigil.journal.Journal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash loop of one failure: four runs that each exit 3 and are restarted, three of them with the same stderr
 * tail and one with another. The restart report prints a tail once and says which entry a later identical one
 * matches, one line for a range of consecutive ones; its JSON keeps every entry's tail (it printed the same tail once
 * per restart, found by a black-box trial; then nine lines of {@code same as #1} for ten restarts, found by another).
 */
@Timeout(60)
class RestartsStderrTailsTest {
  private static final Instant T = Instant.parse("2026-11-29T10:00:00Z");
  private static final String SAME = "Exception in thread \"main\" java.lang.IllegalStateException: no session to XLON\n"
      + "\tat com.example.feed.Session.open(Session.java:42)";
  private static final String OTHER = "feed: cannot read /etc/feed/venues.conf: permission denied";
  /** The tail of each run, oldest first; the timeline lists them newest first (#1 is run 4). */
  private static final List<String> TAILS = List.of(SAME, SAME, OTHER, SAME);

  @TempDir
  static Path dir;

  static Path db;

  /** Ten restarts with one tail. */
  static Path loop;

  @BeforeAll
  static void writeJournal() throws SQLException {
    db = dir.resolve("crash-loop.db");
    writeLoop(db, TAILS);
    loop = dir.resolve("ten.db");
    writeLoop(loop, java.util.Collections.nCopies(10, SAME));
  }

  /** A crash loop with one run per tail (oldest first), each exiting 3 and restarted, and one more running. */
  private static void writeLoop(Path db, List<String> tails) throws SQLException {
    String p = "feed";
    try (Journal j = Journal.builder().sqlite(db).host("gw1").snapshotInterval(Duration.ZERO).build()) {
      j.onEvent(new SupervisorEvent.Registered(p, T.minusSeconds(1), ProcessSpec.builder(p).command("/opt/feed/bin/feed").build()));
      j.onEvent(new SupervisorEvent.StateChanged(p, T, ProcessState.STOPPED, ProcessState.STARTING, Origin.API, "start"));
      Instant at = T;
      for (int run = 1; run <= tails.size() + 1; run++) {
        j.onEvent(new SupervisorEvent.Started(p, at, 5000 + run, run));
        j.onEvent(new SupervisorEvent.StateChanged(p, at.plusSeconds(1), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS,
            "startup grace elapsed"));
        if (run > tails.size()) {
          break; // the last run keeps running
        }
        Instant end = at.plusSeconds(30);
        ExitInfo exit = new ExitInfo(new Termination.Exited(3), ExitCause.ERROR_EXIT, Duration.ofSeconds(30), end, "", -1);
        j.onEvent(new SupervisorEvent.Exited(p, end, run, exit));
        j.onEvent(new SupervisorEvent.StateChanged(p, end, ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS, exit.toString()));
        j.onEvent(new SupervisorEvent.StateChanged(p, end, ProcessState.CRASHED, ProcessState.BACKOFF, Origin.POLICY, "restart"));
        j.onEvent(new SupervisorEvent.RestartScheduled(p, end, run, Duration.ofSeconds(1), exit));
        at = end.plusSeconds(1);
        j.onEvent(new SupervisorEvent.StateChanged(p, at, ProcessState.BACKOFF, ProcessState.STARTING, Origin.POLICY, "restart"));
      }
      j.flush(Duration.ofSeconds(30));
    }
    // the journal takes a tail from the supervisor it is attached to, which this journal has not: set them as it writes them
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        PreparedStatement s = c.prepareStatement("UPDATE events SET stderr_tail = ? WHERE process = 'feed' AND type = 'Exited' AND run = ?")) {
      for (int run = 1; run <= tails.size(); run++) {
        s.setString(1, tails.get(run - 1));
        s.setInt(2, run);
        assertThat(s.executeUpdate()).as("run %d's exit", run).isEqualTo(1);
      }
    }
  }

  @Test
  void anIdenticalTailIsPrintedOnceAndNamedAfterThat() {
    CliGoldenTest.Result r = CliGoldenTest.runOn(db, CliGoldenTest.with("restarts", "feed", "--period", "1d"));
    assertThat(r.code()).as(r.err()).isZero();
    String out = r.out();
    assertThat(out).containsPattern("│ 4\\s+│");
    assertThat(occurrences(out, "no session to XLON")).as(out).isEqualTo(1);
    assertThat(occurrences(out, "permission denied")).as(out).isEqualTo(1);
    assertThat(out).contains("  #1 stderr:\n"
            + "    Exception in thread \"main\" java.lang.IllegalStateException: no session to XLON\n"
            + "    \tat com.example.feed.Session.open(Session.java:42)\n"
            + "  #2 stderr:\n"
            + "    feed: cannot read /etc/feed/venues.conf: permission denied\n"
            + "  #3–#4 stderr: same as #1\n");
  }

  /** Nine consecutive entries with the first one's tail are one line naming the range (they were nine lines). */
  @Test
  void consecutiveEntriesWithTheSameTailAreOneLine() {
    CliGoldenTest.Result r = CliGoldenTest.runOn(loop, CliGoldenTest.with("restarts", "feed", "--period", "1d"));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("  #1 stderr:\n"
            + "    Exception in thread \"main\" java.lang.IllegalStateException: no session to XLON\n"
            + "    \tat com.example.feed.Session.open(Session.java:42)\n"
            + "  #2–#10 stderr: same as #1\n");
    assertThat(occurrences(r.out(), "same as")).as(r.out()).isEqualTo(1);
    // an ASCII terminal gets a hyphen, not a question mark
    java.io.StringWriter out = new java.io.StringWriter();
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.io.PrintWriter ascii = new java.io.PrintWriter(AsciiFallback.of(bytes, java.nio.charset.StandardCharsets.US_ASCII), true);
    VigilCli.run(new String[] {"restarts", "feed", "--period", "1d", "--journal", loop.toString(), "--zone", "UTC", "--now",
        "2026-11-30T00:00:00Z", "--color", "never", "--width", "120"}, ascii, new java.io.PrintWriter(out), true);
    assertThat(bytes.toString(java.nio.charset.StandardCharsets.US_ASCII)).contains("  #2-#10 stderr: same as #1\n").doesNotContain("?");
  }

  @Test
  void theJsonKeepsEveryEntrysTail() {
    CliGoldenTest.Result json = CliGoldenTest.runOn(db, CliGoldenTest.with("restarts", "feed", "--period", "1d", "--json"));
    assertThat(json.code()).as(json.err()).isZero();
    assertThat(occurrences(json.out(), "\"stderrTail\": " + Json.write(SAME).strip())).as(json.out()).isEqualTo(3);
    assertThat(occurrences(json.out(), "\"stderrTail\": " + Json.write(OTHER).strip())).as(json.out()).isEqualTo(1);
    assertThat(json.out()).doesNotContain("same as");
  }

  private static int occurrences(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + part.length())) {
      n++;
    }
    return n;
  }
}
