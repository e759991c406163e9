package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.SupervisorEvent;
import io.github.vigil.journal.Journal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user meets first: {@code vigil --help}, and where the journal is looked for. A journal named wrongly is
 * said with where its name came from ({@code --journal}, {@code VIGIL_JOURNAL} or the default {@code ./vigil-journal.db}),
 * run as a person runs it: the jar's main class in a child JVM, with the environment and working directory of the test.
 */
@Timeout(120)
class JournalOptionTest {

  @TempDir
  Path dir;

  /** The footer of {@code vigil --help} lists the exit codes one a line, each within picocli's 80 columns. */
  @Test
  void theHelpListsTheExitCodesOneALineWithinEightyColumns() {
    CliGoldenTest.Result help = run("--help");
    assertThat(help.code()).isZero();
    List<String> lines = help.out().lines().toList();
    assertThat(lines).as(help.out()).allMatch(l -> l.length() <= 80);
    // the footer was wrapped at 80 columns by picocli, one word alone on its line: "2 bad" / "usage,"
    assertThat(lines).as(help.out()).noneMatch(l -> l.strip().equals("usage,"));
    String footer = help.out().substring(help.out().indexOf("Exit codes:"));
    assertThat(footer.lines().toList()).containsExactly(
        "Exit codes:",
        "  0  done",
        "  1  status: a process is crashed, failed or backing off, an attachment is",
        "     stopped, not found or in error, or a process said to run on this machine",
        "     has its pid gone",
        "  2  bad usage (the message names the option and the value)",
        "  3  nothing recorded (no such process, crash, diagnosis or host; no rows)",
        "  4  the journal could not be read",
        "The journal: --journal FILE|JDBC-URL, or VIGIL_JOURNAL, or ./vigil-journal.db.");
  }

  /** An empty --journal is bad usage naming the option (it was exit 4, "the journal's file or JDBC URL is empty"). */
  @Test
  void anEmptyJournalOptionIsBadUsageNamingIt() {
    CliGoldenTest.Result r = run("status", "--journal", "");
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("vigil: --journal must name the journal's file or JDBC URL: ''\n");
  }

  /** A URL of another database names the option it was given with, and the value. */
  @Test
  void aJdbcUrlOfAnotherDatabaseNamesTheOption() {
    CliGoldenTest.Result r = run("status", "--journal", "jdbc:mysql://db/vigil");
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).startsWith("vigil: --journal: ").contains("'jdbc:mysql://db/vigil'");
  }

  /** VIGIL_JOURNAL naming a file that is not there: the message says the name came from the variable. */
  @Test
  void aMissingJournalFromTheEnvironmentSaysSo() throws Exception {
    Path missing = dir.resolve("nowhere").resolve("journal.db");
    CliGoldenTest.Result r = vigil(Map.of("VIGIL_JOURNAL", missing.toString()), "status");
    assertThat(r.code()).as(r.err()).isEqualTo(VigilCli.UNREADABLE);
    assertThat(r.err()).isEqualTo("vigil: cannot read the journal: no journal file at " + missing + " (from VIGIL_JOURNAL)\n");
  }

  /**
   * --journal naming a file that is not there: the message names the option, as it names VIGIL_JOURNAL (it said
   * "no journal file at /tmp/nope.db", the option left out).
   */
  @Test
  void aMissingJournalFileGivenWithTheOptionNamesIt() {
    Path missing = dir.resolve("nowhere").resolve("journal.db");
    CliGoldenTest.Result r = run("status", "--journal", missing.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(VigilCli.UNREADABLE);
    assertThat(r.err()).isEqualTo("vigil: cannot read the journal: no journal file at " + missing + " (from --journal)\n");
  }

  /**
   * A PostgreSQL journal that refuses the connection (no server on the port): the message names the URL and the option
   * (it said only PostgreSQL's driver's "Connection to 127.0.0.1:PORT refused. Check that the hostname and port are
   * correct ...", naming neither).
   */
  @Test
  void anUnreachablePostgresJournalNamesTheUrlAndTheOption() throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort(); // closed below: nothing listens on it
    }
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/vigil";
    CliGoldenTest.Result r = run("status", "--journal", url);
    assertThat(r.code()).as(r.err()).isEqualTo(VigilCli.UNREADABLE);
    assertThat(r.err()).startsWith("vigil: cannot read the journal: " + url + ": ").endsWith(" (from --journal)\n");
  }

  /** An empty VIGIL_JOURNAL is bad usage naming the variable (it was exit 4 naming nothing). */
  @Test
  void anEmptyJournalVariableIsBadUsageNamingIt() throws Exception {
    CliGoldenTest.Result r = vigil(Map.of("VIGIL_JOURNAL", ""), "status");
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("vigil: VIGIL_JOURNAL must name the journal's file or JDBC URL: ''\n");
  }

  /**
   * Without --journal and VIGIL_JOURNAL, in a directory with no vigil-journal.db (a user who ran {@code vigil status}
   * as the first thing): the message says it looked for the default, and how to name the journal.
   */
  @Test
  void noJournalNamedSaysTheDefaultWasLookedForAndHowToNameOne() throws Exception {
    CliGoldenTest.Result r = vigil(Map.of(), "status");
    assertThat(r.code()).as(r.err()).isEqualTo(VigilCli.UNREADABLE);
    assertThat(r.err()).isEqualTo("vigil: cannot read the journal: no journal file at " + dir.resolve("vigil-journal.db")
        + " (the default journal: give --journal FILE|JDBC-URL or set VIGIL_JOURNAL)\n");
  }

  /** The default journal is read where it is: ./vigil-journal.db of the working directory. */
  @Test
  void theDefaultJournalIsReadFromTheWorkingDirectory() throws Exception {
    try (Journal journal = Journal.builder().sqlite(dir.resolve("vigil-journal.db")).snapshotInterval(Duration.ZERO).build()) {
      assertThat(journal.flush(Duration.ofSeconds(10))).isTrue();
    }
    CliGoldenTest.Result r = vigil(Map.of(), "status");
    assertThat(r.code()).as(r.err()).isEqualTo(VigilCli.NOTHING);
    assertThat(r.out()).contains("The journal has no processes yet.");
  }

  /**
   * A journal a newer Vigil migrated past the versions this one knows (a version added, as a later Vigil writes it): read as
   * it is while its readable-by floor is one this vigil knows; exit 4 naming the versions and what to do once it is above.
   */
  @Test
  void aJournalOfANewerVigilIsReadWhileItsFloorIsKnownAndRefusedOnceItIsNot() throws Exception {
    Path db = dir.resolve("newer.db");
    try (Journal journal = Journal.builder().sqlite(db).host("gw1").snapshotInterval(Duration.ZERO).build()) {
      journal.onEvent(new SupervisorEvent.Started("orders", Instant.now(), 4100, 1));
      assertThat(journal.flush(Duration.ofSeconds(10))).isTrue();
    }
    int known;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      try (ResultSet r = s.executeQuery("SELECT MAX(version) FROM journal_schema")) {
        r.next();
        known = r.getInt(1);
      }
      s.execute("CREATE INDEX events_later ON events (type, at_ms)");
      s.executeUpdate("INSERT INTO journal_schema (version, description, applied_ms, readable_by) VALUES (" + (known + 1)
          + ", 'a later index', 0, " + known + ")");
    }
    CliGoldenTest.Result read = run("events", "--journal", db.toString());
    assertThat(read.code()).as(read.err()).isZero();
    assertThat(read.out()).contains("orders");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE journal_schema SET readable_by = " + (known + 1) + " WHERE version = " + (known + 1));
    }
    CliGoldenTest.Result refused = run("events", "--journal", db.toString());
    assertThat(refused.code()).as(refused.err()).isEqualTo(VigilCli.UNREADABLE);
    assertThat(refused.err()).isEqualTo("vigil: cannot read the journal: jdbc:sqlite:" + db + ": journal schema version " + (known + 1)
        + " is newer than this Vigil knows (" + known + ") and is readable only by a Vigil that knows version " + (known + 1)
        + " or later (its readable-by floor): upgrade this Vigil to one that knows schema version " + (known + 1) + ", as every"
        + " gateway and vigil command sharing this journal must be; the journal was not changed (from --journal)\n");
  }

  private static CliGoldenTest.Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = VigilCli.run(args, new PrintWriter(out), new PrintWriter(err));
    return new CliGoldenTest.Result(code, out.toString(), err.toString());
  }

  /** {@code vigil args} in a child JVM in {@link #dir}, with VIGIL_JOURNAL and the password variable unset unless given. */
  private CliGoldenTest.Result vigil(Map<String, String> environment, String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", System.getProperty("java.class.path"), VigilCli.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().remove("VIGIL_JOURNAL");
    pb.environment().remove("VIGIL_JOURNAL_PASSWORD");
    pb.environment().putAll(environment);
    pb.environment().put("LANG", "C.UTF-8");
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    return new CliGoldenTest.Result(p.waitFor(), out, err);
  }
}
