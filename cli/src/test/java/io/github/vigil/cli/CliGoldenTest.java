package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.HealthState;
import io.github.vigil.Origin;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Termination;
import io.github.vigil.journal.Journal;
import io.github.vigil.journal.KnownWeek;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI on the known week (see the journal's {@code KnownWeek}): its text and JSON match the golden files in
 * {@code src/test/resources/golden}. After an intended change of output, regenerate them with
 * {@code mvn -pl cli -am test -Dtest=CliGoldenTest -Dgolden.update=true -Dsurefire.failIfNoSpecifiedTests=false} and
 * review the diff.
 */
@Timeout(120)
class CliGoldenTest {
  @TempDir
  static Path dir;

  static Path db;

  static final String[] AT_END = {"--zone", "UTC", "--now", "2026-11-30T00:00:00Z", "--color", "never", "--width", "120"};

  @BeforeAll
  static void writeTheWeek() {
    db = dir.resolve("journal.db");
    try (Journal journal = Journal.builder().sqlite(db).host("gw1").snapshotInterval(Duration.ZERO).corePattern("/var/crash/core.%e.%p")
        .build()) {
      KnownWeek.feed(journal);
      // status snapshots every 10 minutes of the last hour, and two before the SIGSEGV
      for (int i = 6; i >= 1; i--) {
        Instant at = KnownWeek.TO.minus(Duration.ofMinutes(10L * i));
        journal.recordSnapshot(new ProcessStatus(KnownWeek.PROCESS, ProcessState.RUNNING, 4009, Instant.parse("2026-11-29T16:00:05Z"),
            Duration.between(Instant.parse("2026-11-29T16:00:05Z"), at), 8, null, HealthState.HEALTHY, true, ""), null, at,
            Duration.ofMillis(2), null);
      }
      for (int i = 2; i >= 1; i--) {
        Instant at = Instant.parse("2026-11-23T14:30:00Z").minus(Duration.ofMinutes(i));
        journal.recordSnapshot(new ProcessStatus(KnownWeek.PROCESS, ProcessState.RUNNING, 4002, Instant.parse("2026-11-23T01:00:05Z"),
            Duration.between(Instant.parse("2026-11-23T01:00:05Z"), at), 2, null, HealthState.HEALTHY, true, ""), null, at,
            Duration.ofMillis(2), null);
      }
      journal.flush(Duration.ofSeconds(30));
    }
  }

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    return runOn(db, args);
  }

  /** {@code vigil args --journal journal}, its tables 120 columns wide unless {@code args} say otherwise ({@link #fixedWidth}). */
  static Result runOn(Path journal, String... args) {
    List<String> all = fixedWidth(args);
    all.add("--journal");
    all.add(journal.toString());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = VigilCli.run(all.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  /**
   * {@code args} with {@code --width 120} where they give no {@code --width}: every table command fits the terminal's
   * {@code COLUMNS}, so a COLUMNS in the test's environment (a shell that exports it) would change what a test reads.
   */
  static List<String> fixedWidth(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (!all.contains("--width")) {
      all.addAll(List.of("--width", "120"));
    }
    return all;
  }

  static String[] with(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(AT_END));
    return all.toArray(String[]::new);
  }

  static void golden(String name, String actual) throws Exception {
    Path file = Path.of("src/test/resources/golden").resolve(name);
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual, StandardCharsets.UTF_8);
    }
    assertThat(actual).as("output of %s (regenerate with -Dgolden.update=true)", name)
        .isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
  }

  /**
   * A signal the JDK backend inferred from the exit status (128 + signal, which an {@code exit(139)} gives too): the
   * crash and the restart say it was inferred, and that whether a core was written is not known, with no advice to
   * enable core dumps.
   */
  @Test
  void aCrashWhoseSignalWasInferredSaysSoAndDoesNotKnowOfACore() throws Exception {
    Path inferred = dir.resolve("inferred.db");
    Instant start = Instant.parse("2026-11-29T10:00:00Z");
    Instant end = start.plusSeconds(90);
    try (Journal journal = Journal.builder().sqlite(inferred).host("gw1").snapshotInterval(Duration.ZERO).build()) {
      journal.onEvent(new SupervisorEvent.Registered("feed", start.minusSeconds(1), ProcessSpec.builder("feed").command("/opt/feed/bin/feed").build()));
      journal.onEvent(new SupervisorEvent.StateChanged("feed", start, ProcessState.STOPPED, ProcessState.STARTING, Origin.API, "start"));
      journal.onEvent(new SupervisorEvent.Started("feed", start, 5000, 1));
      journal.onEvent(new SupervisorEvent.StateChanged("feed", start.plusSeconds(1), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS,
          "startup grace elapsed"));
      ExitInfo exit = new ExitInfo(new Termination.Signaled(11, "SIGSEGV", false, false), ExitCause.SIGNALED, Duration.ofSeconds(90), end, "", -1);
      journal.onEvent(new SupervisorEvent.Exited("feed", end, 1, exit));
      // restarted by its policy, as the engine tells it
      journal.onEvent(new SupervisorEvent.StateChanged("feed", end, ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS, exit.toString()));
      journal.onEvent(new SupervisorEvent.StateChanged("feed", end, ProcessState.CRASHED, ProcessState.BACKOFF, Origin.POLICY, "restart"));
      journal.onEvent(new SupervisorEvent.RestartScheduled("feed", end, 1, Duration.ofSeconds(1), exit));
      journal.onEvent(new SupervisorEvent.StateChanged("feed", end.plusSeconds(1), ProcessState.BACKOFF, ProcessState.STARTING, Origin.POLICY,
          "restart"));
      journal.onEvent(new SupervisorEvent.Started("feed", end.plusSeconds(1), 5001, 2));
      journal.onEvent(new SupervisorEvent.StateChanged("feed", end.plusSeconds(2), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS,
          "startup grace elapsed"));
      journal.flush(Duration.ofSeconds(30));
    }
    String[] at = {"--zone", "UTC", "--now", "2026-11-29T12:00:00Z", "--color", "never"};
    Result crash = runOn(inferred, concat(new String[] {"crash", "feed", "--last"}, at));
    assertThat(crash.code()).as(crash.err()).isZero();
    assertThat(crash.out()).contains("killed by SIGSEGV (inferred from exit status 139)", "not known (the signal was inferred from the exit status)")
        .doesNotContain("none written", "without a core dump");
    assertThat(runOn(inferred, concat(new String[] {"crash", "feed", "--last", "--json"}, at)).out()).contains("\"coreDumped\": null");
    Result restarts = runOn(inferred, concat(new String[] {"restarts", "feed", "--period", "1d", "--json"}, at));
    assertThat(restarts.code()).as(restarts.err()).isZero();
    assertThat(restarts.out()).contains("SIGSEGV: segmentation fault", "(inferred from exit status 139)", "\"coreDumped\": null")
        .doesNotContain("without a core dump");
  }

  /**
   * One journal, two gateways' runs of one name, no --host: history says whose each run is, and restarts says it adds
   * the hosts together (run numbers repeated without a host, and a rate of both, before; found by a black-box run).
   */
  @Test
  void aFleetsJournalSaysWhichHostEachRunIsOf() throws Exception {
    Path fleet = dir.resolve("fleet.db");
    Instant start = Instant.parse("2026-11-29T10:00:00Z");
    for (String host : List.of("gwA", "gwB")) {
      try (Journal journal = Journal.builder().sqlite(fleet).host(host).snapshotInterval(Duration.ZERO).build()) {
        journal.onEvent(new SupervisorEvent.Registered("feed", start.minusSeconds(1), ProcessSpec.builder("feed").command("/opt/feed").build()));
        journal.onEvent(new SupervisorEvent.StateChanged("feed", start, ProcessState.STOPPED, ProcessState.STARTING, Origin.API, "start"));
        journal.onEvent(new SupervisorEvent.Started("feed", start, host.equals("gwA") ? 100 : 200, 1));
        journal.onEvent(new SupervisorEvent.StateChanged("feed", start.plusSeconds(1), ProcessState.STARTING, ProcessState.RUNNING,
            Origin.PROCESS, "startup grace elapsed"));
        Instant end = start.plusSeconds(60);
        ExitInfo exit = new ExitInfo(new Termination.Exited(7), ExitCause.ERROR_EXIT, Duration.ofSeconds(60), end, "", -1);
        journal.onEvent(new SupervisorEvent.Exited("feed", end, 1, exit));
        journal.onEvent(new SupervisorEvent.StateChanged("feed", end, ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS, exit.toString()));
        journal.onEvent(new SupervisorEvent.StateChanged("feed", end, ProcessState.CRASHED, ProcessState.BACKOFF, Origin.POLICY, "restart"));
        journal.onEvent(new SupervisorEvent.RestartScheduled("feed", end, 1, Duration.ofSeconds(1), exit));
        journal.onEvent(new SupervisorEvent.StateChanged("feed", end.plusSeconds(1), ProcessState.BACKOFF, ProcessState.STARTING,
            Origin.POLICY, "restart"));
        journal.onEvent(new SupervisorEvent.Started("feed", end.plusSeconds(1), host.equals("gwA") ? 101 : 201, 2));
        journal.flush(Duration.ofSeconds(30));
      }
    }
    String[] at = {"--zone", "UTC", "--now", "2026-11-29T12:00:00Z", "--color", "never"};
    Result history = runOn(fleet, concat(new String[] {"history", "feed", "--period", "1d"}, at));
    assertThat(history.code()).as(history.err()).isZero();
    assertThat(history.out()).contains("HOST").containsPattern("gwA\\s+.\\s+1\\s+.\\s+100").containsPattern("gwB\\s+.\\s+1\\s+.\\s+200");
    Result restarts = runOn(fleet, concat(new String[] {"restarts", "feed", "--period", "1d"}, at));
    assertThat(restarts.out()).contains("These are the restarts of feed on 2 hosts together (gwA, gwB): --host NAME gives one host's.");
    Result one = runOn(fleet, concat(new String[] {"restarts", "feed", "--period", "1d", "--host", "gwA"}, at));
    assertThat(one.out()).doesNotContain("hosts together");
    assertThat(runOn(fleet, concat(new String[] {"history", "feed", "--period", "1d", "--host", "gwB"}, at)).out()).doesNotContain("HOST");
  }

  private static String[] concat(String[] a, String[] b) {
    List<String> all = new ArrayList<>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(String[]::new);
  }

  @Test
  void restartsReportAsTextAndJson() throws Exception {
    Result text = run(with("restarts", "orders", "--period", "7d", "--trade-day-rollover", "21:00"));
    assertThat(text.code()).as(text.err()).isZero();
    golden("restarts.txt", text.out());
    Result json = run(with("restarts", "orders", "--period", "7d", "--trade-day-rollover", "21:00", "--json"));
    assertThat(json.code()).isZero();
    golden("restarts.json", json.out());
    assertThat(json.out()).contains("\"total\": 8", "\"ratePerDay\": 1.1428571428571428", "\"meanUptimeMs\": 72445625", "\"mttrMs\": 55714",
        "\"actor\": \"alice\"");
  }

  @Test
  void crashHistoryEventsAndStatus() throws Exception {
    String[] segv = {"--zone", "UTC", "--now", "2026-11-23T20:00:00Z", "--color", "never", "--width", "120"};
    List<String> args = new ArrayList<>(List.of("crash", "orders", "--last"));
    args.addAll(List.of(segv));
    Result crash = run(args.toArray(String[]::new));
    assertThat(crash.code()).as(crash.err()).isZero();
    golden("crash.txt", crash.out());
    args.add("--json");
    golden("crash.json", run(args.toArray(String[]::new)).out());

    Result history = run(with("history", "orders", "--period", "8d"));
    assertThat(history.code()).isZero();
    golden("history.txt", history.out());
    golden("history.json", run(with("history", "orders", "--period", "8d", "--json")).out());

    Result events = run(with("events", "--since", "1d"));
    assertThat(events.code()).isZero();
    golden("events.txt", events.out());
    golden("events.json", run(with("events", "--since", "1d", "--json")).out());

    Result status = run(with("status"));
    assertThat(status.code()).as("orders is RUNNING").isZero();
    golden("status.txt", status.out());
    golden("status.json", run(with("status", "--json")).out());
  }

  @Test
  void colourOnlyWhenAskedOrOnATerminal() {
    List<String> auto = new ArrayList<>(List.of("restarts", "orders", "--zone", "UTC", "--now", "2026-11-30T00:00:00Z"));
    assertThat(run(auto.toArray(String[]::new)).out()).as("auto: the tests' output is not a terminal").doesNotContain("\u001b[");
    auto.addAll(List.of("--color", "always"));
    String coloured = run(auto.toArray(String[]::new)).out();
    assertThat(coloured).contains("\u001b[31mOOM kill").contains("\u001b[36mmanual");
    auto.add("--json");
    assertThat(run(auto.toArray(String[]::new)).out()).as("never in JSON").doesNotContain("\u001b[");
  }

  @Test
  void exitCodesScriptsCanUse() {
    assertThat(run(with("crash", "nosuch", "--last")).code()).isEqualTo(VigilCli.NOTHING);
    assertThat(run(with("restarts", "nosuch")).code()).isEqualTo(VigilCli.NOTHING);
    assertThat(run(with("history", "nosuch")).code()).isEqualTo(VigilCli.NOTHING);
    Result bad = run(with("restarts", "orders", "--period", "7x"));
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--period must be a duration like 7d", "'7x'");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = VigilCli.run(new String[] {"status", "--journal", dir.resolve("nothing-here.db").toString()}, new PrintWriter(out),
        new PrintWriter(err));
    assertThat(code).isEqualTo(VigilCli.UNREADABLE);
    assertThat(err.toString()).contains("no journal file at");
    assertThat(run("bogus").code()).isEqualTo(2);
  }

  /** Under a C locale (ASCII: cron, containers, ssh) the tables are drawn in ASCII, not as question marks. */
  @Test
  void aCLocaleGetsAsciiTables() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", System.getProperty("java.class.path"), VigilCli.class.getName(),
        "events", "--since", "30d", "--limit", "3", "--journal", db.toString(), "--zone", "UTC", "--now", "2026-11-30T00:00:00Z",
        "--color", "never");
    pb.environment().put("LC_ALL", "C");
    pb.environment().put("LANG", "C");
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertThat(p.waitFor()).as(out).isZero();
    assertThat(out).contains("+-", "| TIME", "->", "The newest 3 events").doesNotContain("?");
  }

  /**
   * Under a C locale every row of a table is as wide as its rules, also where a cell had an arrow or an ellipsis
   * (replaced by two or three characters after the padding, they pushed their rows one column out), and the hour bars
   * are '#', not '?' (found by a black-box run).
   */
  @Test
  void aCLocaleGetsAlignedAsciiTablesAndBars() throws Exception {
    for (List<String> args : List.of(List.of("events", "--since", "30d"), List.of("restarts", "orders", "--period", "7d"),
        List.of("status"), List.of("history", "orders", "--period", "8d"))) {
      String out = inCLocale(args);
      assertThat(out).as("%s", args).doesNotContain("?");
      List<String> block = new ArrayList<>();
      for (String line : (out + "\n").split("\n", -1)) {
        if (line.startsWith("+") || line.startsWith("|")) {
          block.add(line);
        } else if (!block.isEmpty()) {
          int width = block.get(0).length();
          assertThat(block).as("%s: a table's lines are all %d wide", args, width).allMatch(l -> l.length() == width);
          block.clear();
        }
      }
      if (args.get(0).equals("restarts")) {
        assertThat(out).contains("  01:00  ####################").doesNotContain("█");
      }
    }
  }

  private static String inCLocale(List<String> args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", System.getProperty("java.class.path"), VigilCli.class.getName()));
    command.addAll(args);
    command.addAll(List.of("--journal", db.toString(), "--zone", "UTC", "--now", "2026-11-30T00:00:00Z", "--color", "never"));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("LC_ALL", "C");
    pb.environment().put("LANG", "C");
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  @Test
  void asciiFallbackOnlyWhereTheEncodingLacksTheCharacters() throws Exception {
    java.io.ByteArrayOutputStream ascii = new java.io.ByteArrayOutputStream();
    try (java.io.Writer w = AsciiFallback.of(ascii, StandardCharsets.US_ASCII)) {
      w.write("┌─┬─┐ │ a → b … 5 µs é\n");
    }
    assertThat(ascii.toString(StandardCharsets.US_ASCII)).isEqualTo("+-+-+ | a -> b ... 5 us ?\n");
    java.io.ByteArrayOutputStream utf8 = new java.io.ByteArrayOutputStream();
    try (java.io.Writer w = AsciiFallback.of(utf8, StandardCharsets.UTF_8)) {
      w.write("┌─┐ → µ");
    }
    assertThat(utf8.toString(StandardCharsets.UTF_8)).isEqualTo("┌─┐ → µ");
  }

  @Test
  void badInputIsAUsageErrorNamingIt() {
    for (String[] args : List.of(new String[] {"events", "--since", "999999999999999999d"},
        new String[] {"restarts", "orders", "--period", "9999999999999d"}, new String[] {"history", "orders", "--period", "1000000000w"},
        new String[] {"history", "orders", "--period", "36501d"})) {
      Result r = run(with(args));
      assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.err()).as(String.join(" ", args)).contains("'" + args[args.length - 1] + "'").doesNotContain("Exception");
    }
    assertThat(run(with("history", "orders", "--period", "36500d")).code()).isZero();
    // a number too large for a long or a Duration is too long a period, not something other than a duration
    for (String big : List.of("99999999999999999999d", "999999999999999999d", "1000000000w")) {
      Result r = run(with("restarts", "orders", "--period", big));
      assertThat(r.err()).as(big).contains("--period must be at most 36500d (100 years): '" + big + "'");
    }
    Result unknown = run(with("events", "--since", "30d", "-p", "nosuch"));
    assertThat(unknown.code()).isEqualTo(VigilCli.NOTHING);
    assertThat(unknown.err()).contains("nothing about process 'nosuch'");
  }

  /**
   * A process name the journal has no row of (a typo: {@code order} for {@code orders}) is named as a process, with the
   * processes the journal has, by every command that takes one: it said only "the journal has nothing about 'order'",
   * and {@code crash} and {@code diagnose} "the journal has no crash of 'order'", as for a process that never crashed.
   */
  @Test
  void anUnknownProcessIsNamedWithTheProcessesTheJournalHas() {
    String expected = "vigil: the journal has nothing about process 'order'; the names it has: " + KnownWeek.PROCESS + "\n";
    for (String[] args : List.of(new String[] {"history", "order"}, new String[] {"restarts", "order", "--period", "7d"},
        new String[] {"crash", "order", "--last"}, new String[] {"diagnose", "order"}, new String[] {"events", "--since", "30d", "-p", "order"})) {
      Result r = run(with(args));
      assertThat(r.code()).as(String.join(" ", args)).isEqualTo(VigilCli.NOTHING);
      assertThat(r.err()).as(String.join(" ", args)).isEqualTo(expected);
    }
    // a process the journal knows that has no diagnosis is still said so, named as a process
    Result none = run(with("diagnose", KnownWeek.PROCESS));
    assertThat(none.code()).isEqualTo(VigilCli.NOTHING);
    assertThat(none.err()).isEqualTo("vigil: the journal has no diagnosis of process '" + KnownWeek.PROCESS + "'\n");
  }

  /** A password variable named with --password-env that is not set is a usage error naming it (the driver said "plugin null"). */
  @Test
  void anUnsetPasswordVariableIsNamed() {
    String var = "VIGIL_TEST_UNSET_PASSWORD_VARIABLE";
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv(var) == null);
    Result r = run(with("status", "--password-env", var));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--password-env " + var + ": the environment variable " + var + " is not set");
    assertThat(run(with("status")).code()).as("the default variable may be unset").isZero();
  }

  /** A --host the journal has no row of is named, with the hosts it has (status said "The journal has no processes yet."). */
  @Test
  void anUnknownHostIsNamedWithTheHostsThereAre() {
    for (List<String> args : List.of(List.of("status"), List.of("status", "--json"), List.of("history", "orders"),
        List.of("events", "--since", "1d"))) {
      List<String> all = new ArrayList<>(args);
      all.addAll(List.of("--host", "gw9"));
      Result r = run(with(all.toArray(String[]::new)));
      assertThat(r.code()).as("%s", all).isEqualTo(VigilCli.NOTHING);
      assertThat(r.err()).as("%s", all).contains("--host gw9: the journal has no rows of host 'gw9'; its hosts: gw1");
    }
    assertThat(run(with("status", "--host", "gw1")).code()).isZero();
  }

  /** A journal with no rows is "nothing recorded" (exit 3) in JSON as in text (JSON exited 0). */
  @Test
  void anEmptyJournalIsNothingRecordedInJsonToo() throws Exception {
    Path empty = emptyStateDirectory().resolve("journal.db");
    assertThat(runOn(empty, with("status")).code()).isEqualTo(VigilCli.NOTHING);
    Result json = runOn(empty, with("status", "--json"));
    assertThat(json.code()).isEqualTo(VigilCli.NOTHING);
    assertThat(json.out()).contains("\"processes\": []");
  }

  /** A directory given as the journal is named as one, with the journal in it (it said "no journal file at"). */
  @Test
  void aDirectoryIsNoJournalFile() throws Exception {
    Path state = emptyStateDirectory();
    Path empty = state.resolve("journal.db");
    Result directory = runOn(state, with("status"));
    assertThat(directory.code()).isEqualTo(VigilCli.UNREADABLE);
    assertThat(directory.err()).contains(state.toAbsolutePath() + " is a directory, not a journal file (the journal of a state "
        + "directory is its journal.db: " + empty.toAbsolutePath() + ")").doesNotContain("no journal file");
  }

  /** A URL that is not a JDBC one is bad usage naming it (it was looked for as a file: "no journal file at /cwd/postgres:/..."). */
  @Test
  void aUrlThatIsNotJdbcIsBadUsage() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = VigilCli.run(new String[] {"status", "--journal", "postgres://db:5432/vigil"}, new PrintWriter(out), new PrintWriter(err));
    Result r = new Result(code, out.toString(), err.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains("'postgres://db:5432/vigil'", "jdbc:postgresql://").doesNotContain("no journal file");
  }

  private static Path emptyStateDirectory() {
    Path state = dir.resolve("state");
    try (Journal journal = Journal.builder().stateDirectory(state).snapshotInterval(Duration.ZERO).build()) {
      assertThat(journal.flush(Duration.ofSeconds(10))).isTrue();
    }
    return state;
  }

  /** A journal that nothing was written to for a while, with a process said to run: the table says so. */
  @Test
  void aStatusLongAfterTheLastRowSaysSo() {
    Result fresh = run(with("status"));
    assertThat(fresh.out()).doesNotContain("Nothing recorded for");
    Result later = run("status", "--zone", "UTC", "--now", "2026-11-30T02:00:00Z", "--color", "never");
    assertThat(later.out()).contains("Nothing recorded for 2 h 10 min (since 2026-11-29 23:50:00): the states above are the last recorded");
    Result json = run("status", "--json", "--now", "2026-11-30T02:00:00Z");
    assertThat(json.out()).contains("\"stale\": true");
    assertThat(run(with("status", "--json")).out()).doesNotContain("\"stale\": true");
  }
}
