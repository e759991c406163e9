package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.journal.Journal;
import io.github.vigil.testing.EventRecorder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The words of {@code vigil events} on a journal that real runs wrote, as a black-box trial read them. */
@Timeout(120)
class EventsWordingTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  /**
   * startAll() starting a gateway after its feed, in dependency order, read {@code START by DEPENDENCY: start all}: as
   * if a dependency had started it. "by" names a person, and the origin is written as a state change's is; and the
   * origin is {@code API} now, as stopAll()'s is (it was {@code DEPENDENCY}: "START (DEPENDENCY): start all").
   */
  @Test
  void aStartOfStartAllDoesNotReadAsStartedByADependency() throws Exception {
    Path db = journalOf(sup -> {
      sup.register(ProcessSpec.builder("feed").command("sleep", "600").startupGrace(Duration.ZERO).build());
      sup.register(ProcessSpec.builder("gateway").command("sleep", "600").dependsOn("feed").startupGrace(Duration.ZERO).build());
      sup.startAll().toCompletableFuture().get();
    }, rec -> rec.awaitState("gateway", ProcessState.RUNNING, 1, WAIT));
    List<String> starts = lines(db, "CommandIssued");
    assertThat(starts).as("the commands in vigil events").allMatch(l -> !l.contains(" by API") && !l.contains("(DEPENDENCY): start all"))
        .anyMatch(l -> l.contains("gateway") && l.contains("START (API): start all"))
        .anyMatch(l -> l.contains("feed") && l.contains("START (API): start all"))
        .anyMatch(l -> l.contains("gateway") && l.contains("STOP (SHUTDOWN): supervisor closing"));
  }

  /**
   * An exit read {@code run 1: ERROR_EXIT exit code 3} in {@code vigil events}, and {@code ERROR_EXIT (exit code 3)} in
   * the supervisor's log lines, messages and the same table's state change: one way of writing it now, the latter.
   */
  @Test
  void anExitReadsAsTheSupervisorWritesIt() throws Exception {
    Path db = journalOf(sup -> {
      sup.register(ProcessSpec.builder("job").command("/bin/sh", "-c", "exit 3").restartPolicy(RestartPolicy.never())
          .startupGrace(Duration.ZERO).build()).start();
      sup.register(ProcessSpec.builder("killed").command("/bin/sh", "-c", "kill -KILL $$").restartPolicy(RestartPolicy.never())
          .startupGrace(Duration.ZERO).build()).start();
    }, rec -> {
      rec.awaitState("job", ProcessState.CRASHED, 1, WAIT);
      rec.awaitState("killed", ProcessState.CRASHED, 1, WAIT);
    });
    List<String> exits = lines(db, "Exited");
    assertThat(exits).as("the exits in vigil events").anyMatch(l -> l.contains("job") && l.contains("run 1: ERROR_EXIT (exit code 3) "))
        .noneMatch(l -> l.contains("ERROR_EXIT exit code"));
    // each exit in the words its state change has them in: "RUNNING → CRASHED (PROCESS): CRASHED (killed by SIGKILL) after ..."
    List<String> crashes = lines(db, "StateChanged").stream().filter(l -> l.contains("→ CRASHED")).toList();
    for (String process : List.of("job", "killed")) {
      String exit = detail(exits.stream().filter(l -> l.contains(" " + process + " ")).findFirst().orElseThrow());
      String crash = detail(crashes.stream().filter(l -> l.contains(" " + process + " ")).findFirst().orElseThrow());
      assertThat(exit).as("the exit of %s", process).startsWith("run 1: ");
      assertThat(crash).as("the state change of %s", process).contains("(PROCESS): " + exit.substring("run 1: ".length()) + " after ");
    }
  }

  /**
   * A program's argument holding a newline: the Registered row's detail, the command line, was printed raw, so the row
   * went on in a line of its own ({@code │ … │ second-line │}); escaped now as the log lines write it. A run that could
   * not start because its program's path holds one, in {@code vigil history}'s END, is the same.
   */
  @Test
  void aCommandLineHoldingANewlineStaysInItsRow() throws Exception {
    Path missing = dir.resolve("no-such\nfeed-bin");
    Path db = journalOf(sup -> {
      sup.register(ProcessSpec.builder("job").command("/bin/sh", "-c", "exit 0", "first-line\nsecond-line").restartPolicy(RestartPolicy.never())
          .startupGrace(Duration.ZERO).build()).start();
      // restarted once, then FAILED: a restart of vigil restarts
      sup.register(ProcessSpec.builder("feed").command(missing.toString()).restartPolicy(RestartPolicy.onFailure()
          .withBackoff(io.github.vigil.Backoff.fixed(Duration.ofMillis(10))).withStartLimit(1, Duration.ofHours(1))).build()).start();
    }, rec -> {
      rec.awaitState("job", ProcessState.EXITED, 1, WAIT);
      rec.awaitState("feed", ProcessState.FAILED, 1, WAIT);
      rec.await(io.github.vigil.SupervisorEvent.Diagnosed.class, e -> e.process().equals("feed"), 1, WAIT);
    });
    CliGoldenTest.Result events = CliGoldenTest.runOn(db, "events", "--since", "1h", "--color", "never");
    assertThat(events.code()).as(events.err()).isZero();
    assertThat(events.out()).as(events.out()).contains("first-line\\nsecond-line");
    assertThat(broken(events.out())).as(events.out()).isEmpty();
    List<String> registered = lines(db, "Registered");
    assertThat(registered).as(events.out()).anyMatch(l -> l.contains("/bin/sh -c exit 0 first-line\\nsecond-line"));
    for (String name : List.of("job", "feed")) {
      CliGoldenTest.Result history = CliGoldenTest.runOn(db, "history", name, "--color", "never");
      assertThat(history.code()).as(history.err()).isZero();
      assertThat(broken(history.out())).as(history.out()).isEmpty();
    }
    CliGoldenTest.Result restarts = CliGoldenTest.runOn(db, "restarts", "feed", "--period", "1d", "--color", "never");
    assertThat(restarts.code()).as(restarts.err()).isZero();
    assertThat(restarts.out()).as(restarts.out()).contains("could not start");
    assertThat(broken(restarts.out())).as(restarts.out()).isEmpty();
    CliGoldenTest.Result crash = CliGoldenTest.runOn(db, "crash", "feed", "--color", "never");
    assertThat(crash.code()).as(crash.err()).isZero();
    assertThat(broken(crash.out())).as(crash.out()).isEmpty();
    // the diagnosis's headline, a line of its own; its findings are the diagnosis's text as the supervisor rendered it
    CliGoldenTest.Result diagnose = CliGoldenTest.runOn(db, "diagnose", "feed", "--color", "never");
    assertThat(diagnose.code()).as(diagnose.err()).isZero();
    assertThat(diagnose.out().lines().filter(l -> l.startsWith("cause: ")).toList()).as(diagnose.out()).singleElement(
        org.assertj.core.api.InstanceOfAssertFactories.STRING).contains("no-such\\nfeed-bin");
  }

  /** Lines that hold the second part of an argument or path without its first: a row broken in two. */
  private static List<String> broken(String out) {
    return out.lines().filter(l -> l.contains("second-line") && !l.contains("first-line") || l.contains("feed-bin") && !l.contains("no-such"))
        .toList();
  }

  /** The DETAIL cell of a row of the table. */
  private static String detail(String row) {
    String[] cells = row.strip().split("│"); // "│ TIME │ PROCESS │ EVENT │ DETAIL │": no cell after the last bar
    return cells[cells.length - 1].trim();
  }

  private interface Body {
    void run(Supervisor sup) throws Exception;
  }

  private interface Wait {
    void until(EventRecorder rec) throws Exception;
  }

  /** A journal of a supervisor that ran {@code body} until {@code wait} held, then closed. */
  private Path journalOf(Body body, Wait wait) throws Exception {
    Path db = dir.resolve("journal.db");
    try (Journal journal = Journal.builder().sqlite(db).host("gw1").batchInterval(Duration.ofMillis(100)).snapshotInterval(Duration.ZERO)
        .build()) {
      try (Supervisor sup = Supervisor.builder().name("wording").build()) {
        EventRecorder rec = new EventRecorder();
        sup.subscribe(rec);
        journal.attach(sup);
        body.run(sup);
        wait.until(rec);
      }
      assertThat(journal.flush(Duration.ofSeconds(30))).isTrue();
    }
    return db;
  }

  /**
   * The rows of {@code vigil events} of events of {@code type}, one line each: drawn 300 columns wide, where no detail
   * here is wrapped (in 120 a state change's detail goes on over a second line of its row).
   */
  private static List<String> lines(Path db, String type) {
    CliGoldenTest.Result events = CliGoldenTest.runOn(db, "events", "--since", "1h", "--color", "never", "--width", "300");
    assertThat(events.code()).as(events.err()).isZero();
    return events.out().lines().filter(l -> l.contains(" " + type + " ")).toList();
  }
}
