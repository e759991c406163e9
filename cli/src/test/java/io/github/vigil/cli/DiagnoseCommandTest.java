package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.journal.Journal;
import io.github.vigil.testing.EventRecorder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil diagnose NAME} on a journal that recorded real diagnoses: a port held by this JVM (the
 * holder named with its pid on the Linux backend) and a missing binary.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class DiagnoseCommandTest {

  @Test
  void printsTheLastRecordedDiagnosisWithItsCauseFirst(@TempDir Path dir) throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("journal.db");
    Path missing = dir.resolve("opt/feed/bin/feed");
    try (ServerSocket held = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        Supervisor sup = Supervisor.builder().name("diagnose-cli").backend("linux").build();
        Journal journal = Journal.builder().url(url).host("gw1").batchInterval(Duration.ofMillis(100)).snapshotInterval(Duration.ZERO).build()) {
      EventRecorder events = new EventRecorder();
      sup.subscribe(events);
      journal.attach(sup);
      int port = held.getLocalPort();
      sup.register(ProcessSpec.builder("web").command("/bin/sh", "-c", "echo \"bind() to 127.0.0.1:" + port
          + " failed (98: Address already in use)\" >&2; exit 1").restartPolicy(RestartPolicy.never()).startupGrace(Duration.ofSeconds(30)).build())
          .start();
      sup.register(ProcessSpec.builder("feed").command(missing.toString()).restartPolicy(RestartPolicy.never()).build()).start();
      events.await(SupervisorEvent.Diagnosed.class, e -> e.process().equals("web"), 1, Duration.ofSeconds(60));
      events.await(SupervisorEvent.Diagnosed.class, e -> e.process().equals("feed"), 1, Duration.ofSeconds(60));
      assertThat(sup.awaitIdle(Duration.ofSeconds(30))).isTrue();
      assertThat(journal.flush(Duration.ofSeconds(30))).isTrue();

      String web = run(0, "diagnose", "web", "--journal", url, "--zone", "UTC");
      long self = ProcessHandle.current().pid();
      assertThat(web).contains("Diagnosis of web", "early exit", "cause: port " + port + " is held by pid " + self,
          "stop it (kill " + self + ") or change the port of web", "PROBLEM ports");
      String feed = run(0, "diagnose", "feed", "--journal", url);
      assertThat(feed).contains("start failed", "cause: program " + missing + " does not exist");
      String json = run(0, "diagnose", "feed", "--journal", url, "--json");
      assertThat(json).contains("\"cause\": \"PROGRAM\"", "\"trigger\": \"START_FAILED\"");
      run(VigilCli.NOTHING, "diagnose", "nosuch", "--journal", url);
    }
  }

  /**
   * A missing program whose path holds a newline and a terminal's escape: the failed start's message (its log line,
   * the exit's message) and every line of the diagnosis show the path escaped, on the finding's own line.
   */
  @Test
  void aPathWithANewlineOrAnEscapeStaysOnItsFindingsLine(@TempDir Path dir) throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("journal.db");
    Path missing = dir.resolve("opt\nfeed\u001b[31m/bin/feed");
    try (Supervisor sup = Supervisor.builder().name("diagnose-escape").build();
        Journal journal = Journal.builder().url(url).host("gw1").batchInterval(Duration.ofMillis(100)).snapshotInterval(Duration.ZERO).build()) {
      EventRecorder events = new EventRecorder();
      sup.subscribe(events);
      journal.attach(sup);
      sup.register(ProcessSpec.builder("feed").command(missing.toString()).restartPolicy(RestartPolicy.never()).build()).start();
      events.await(SupervisorEvent.Diagnosed.class, e -> e.process().equals("feed"), 1, Duration.ofSeconds(60));
      SupervisorEvent.Exited exited = events.await(SupervisorEvent.Exited.class, e -> e.process().equals("feed"), 1, Duration.ofSeconds(60)).get(0);
      assertThat(exited.exit().message()).doesNotContain("\n", "\u001b").contains("opt\\nfeed\\u001b[31m/bin/feed");
      assertThat(sup.awaitIdle(Duration.ofSeconds(30))).isTrue();
      assertThat(journal.flush(Duration.ofSeconds(30))).isTrue();

      String out = run(0, "diagnose", "feed", "--journal", url, "--zone", "UTC", "--color", "never");
      assertThat(out).doesNotContain("\u001b").contains("opt\\nfeed\\u001b[31m/bin/feed");
      String[] lines = out.split("\n");
      // the title, the cause, a blank line, then every line of the findings indented
      assertThat(lines[0]).startsWith("Diagnosis of feed");
      assertThat(lines[1]).startsWith("cause: ");
      assertThat(java.util.Arrays.asList(lines).subList(3, lines.length)).allSatisfy(l -> assertThat(l).startsWith("  "));

      // JSON carries the headline's real text, escaped once, by JSON: a reader gets the path's newline and ESC back. It
      // carried the terminal's escapes, escaped again ("opt\\nfeed\\u001b[31m": a backslash and an n)
      String json = run(0, "diagnose", "feed", "--journal", url, "--json");
      assertThat(json.lines().filter(l -> l.contains("\"headline\": "))).as(json).singleElement()
          .satisfies(l -> assertThat(l).contains("opt\\nfeed\\u001b[31m/bin/feed").doesNotContain("opt\\\\nfeed"));
      String eventsJson = run(0, "events", "-p", "feed", "--journal", url, "--json");
      assertThat(eventsJson.lines().filter(l -> l.contains("\"reason\": \"program "))).as(eventsJson).isNotEmpty()
          .allSatisfy(l -> assertThat(l).contains("opt\\nfeed\\u001b[31m/bin/feed").doesNotContain("opt\\\\nfeed"));
      // and the events table shows it in its row, escaped for the terminal once: the row's DETAIL cell, over the lines the
      // table wraps it onto (where the path breaks depends on how long the temp dir's path is: the module's target/tmp)
      String table = run(0, "events", "-p", "feed", "--journal", url, "--color", "never");
      List<String> rows = table.lines().toList();
      assertThat(rows.stream().filter(l -> l.contains(" Diagnosed "))).as(table).hasSize(1);
      int row = rows.indexOf(rows.stream().filter(l -> l.contains(" Diagnosed ")).findFirst().orElseThrow());
      StringBuilder detail = new StringBuilder(rows.get(row).split("│")[4].strip());
      for (int i = row + 1; i < rows.size() && rows.get(i).startsWith("│") && rows.get(i).split("│")[2].isBlank(); i++) {
        detail.append(rows.get(i).split("│")[4].strip());
      }
      assertThat(detail.toString()).as(table).contains("opt\\nfeed\\u001b[31m").doesNotContain("\u001b[31m");
    }
  }

  /** A diagnosis journaled before render() escaped its values: the rest of a path after its newline goes back onto its line. */
  @Test
  void aRawNewlineOfAnOlderJournalGoesBackOntoItsLine() {
    String text = "  ended: START_FAILED (binary /opt/a\nb/feed not found)\n  PROBLEM program: program /opt/a\nb/feed does not exist [confirmed]\n"
        + "      | /opt/a\n      fix: install it\n";
    assertThat(DiagnoseCommand.findings(text)).isEqualTo("  ended: START_FAILED (binary /opt/a\\nb/feed not found)\n"
        + "  PROBLEM program: program /opt/a\\nb/feed does not exist [confirmed]\n      | /opt/a\n      fix: install it\n");
    assertThat(DiagnoseCommand.findings("  ok     ports: \u001b[2Jnone\n")).isEqualTo("  ok     ports: \\u001b[2Jnone\n");
  }

  /**
   * A journal written before render() escaped its values, as that render() wrote a missing program whose path holds a
   * newline followed by two spaces ({@code /opt/feed<newline>  v2/bin/feed}): the rest of the path ({@code "  v2/bin/feed
   * ..."}) starts with two spaces, as every line render() writes does, and was printed as a line of its own in every
   * place the path was (the exit, the finding, its evidence and its fix). It goes back onto its line.
   */
  @Test
  void aPathWithANewlineAndTwoSpacesInAnOlderJournalStaysOnItsLines(@TempDir Path dir) throws Exception {
    Path db = dir.resolve("old.db");
    java.time.Instant at = java.time.Instant.parse("2026-12-01T09:00:00Z");
    String path = "/opt/feed\n  v2/bin/feed";
    io.github.vigil.ExitInfo exit = new io.github.vigil.ExitInfo(new io.github.vigil.Termination.Unknown("not started"),
        io.github.vigil.ExitCause.START_FAILED, Duration.ZERO, at, "binary " + path + " not found", -1);
    io.github.vigil.diagnosis.Finding program = io.github.vigil.diagnosis.Finding.problem(io.github.vigil.diagnosis.Finding.Check.PROGRAM,
        io.github.vigil.diagnosis.Finding.Certainty.CONFIRMED, "program " + path + " does not exist", List.of(path),
        "install it or correct the path " + path);
    io.github.vigil.diagnosis.Finding ports = io.github.vigil.diagnosis.Finding.ok(io.github.vigil.diagnosis.Finding.Check.PORTS,
        "none declared", List.of());
    try (Journal journal = Journal.builder().sqlite(db).host("gw1").snapshotInterval(Duration.ZERO).build()) {
      journal.onEvent(new SupervisorEvent.Diagnosed("feed", at, 1, new io.github.vigil.diagnosis.Diagnosis("feed", 1,
          io.github.vigil.diagnosis.Diagnosis.Trigger.START_FAILED, at, Duration.ofMillis(5), exit, List.of(program, ports))));
      assertThat(journal.flush(Duration.ofSeconds(30))).isTrue();
    }
    // the row as the render() before escaping wrote it: each value as it was, its newline and two spaces raw
    String old = "Diagnosis of feed run 1 (start failed, " + at + ", took 5.00 ms)\n"
        + "  ended: START_FAILED (binary " + path + " not found)\n"
        + "  PROBLEM program: program " + path + " does not exist [confirmed]\n"
        + "      | " + path + "\n"
        + "      fix: install it or correct the path " + path + "\n"
        + "  ok      ports: none declared\n";
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db);
        java.sql.PreparedStatement p = c.prepareStatement("UPDATE events SET diagnosis = ?, reason = ? WHERE type = 'Diagnosed'")) {
      p.setString(1, old);
      p.setString(2, "program " + path + " does not exist: install it or correct the path " + path);
      assertThat(p.executeUpdate()).isEqualTo(1);
    }
    String out = run(0, "diagnose", "feed", "--journal", db.toString(), "--zone", "UTC", "--color", "never");
    String escaped = "/opt/feed\\n  v2/bin/feed";
    assertThat(out.split("\n")).as(out).contains("cause: program " + escaped + " does not exist: install it or correct the path " + escaped,
        "  ended: START_FAILED (binary " + escaped + " not found)", "  PROBLEM program: program " + escaped + " does not exist [confirmed]",
        "      | " + escaped, "      fix: install it or correct the path " + escaped, "  ok      ports: none declared");
    assertThat(out).doesNotContain("\n  v2/bin/feed");
  }

  /**
   * How a line of an older journal is told from the rest of a value: by its form and place, and a problem's line by its
   * certainty at its end; where a value's rest is itself a line allowed there, it is read as that line (nothing is lost).
   */
  @Test
  void theRestOfAValueIsToldFromALineByItsFormAndPlace() {
    // a problem's summary whose rest looks like evidence: the problem's line has not reached its certainty yet
    assertThat(DiagnoseCommand.findings("  PROBLEM program: program /opt/a\n      | b does not exist [confirmed]\n      | /opt/a\n"))
        .isEqualTo("  PROBLEM program: program /opt/a\\n      | b does not exist [confirmed]\n      | /opt/a\n");
    // a fix whose rest looks like evidence: no evidence comes after a fix
    assertThat(DiagnoseCommand.findings("  PROBLEM disk: full [likely]\n      fix: free /var/a\n      | b\n  ok      ports: none\n"))
        .isEqualTo("  PROBLEM disk: full [likely]\n      fix: free /var/a\\n      | b\n  ok      ports: none\n");
    // an evidence line's rest that is a whole finding's line: read as that finding (its characters all shown)
    assertThat(DiagnoseCommand.findings("  PROBLEM disk: full [likely]\n      | /var/a\n  ok      ports: none\n"))
        .isEqualTo("  PROBLEM disk: full [likely]\n      | /var/a\n  ok      ports: none\n");
  }

  private static String run(int expectedCode, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = VigilCli.run(CliGoldenTest.fixedWidth(args).toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
    assertThat(code).as(out + "\n" + err).isEqualTo(expectedCode);
    return out.toString();
  }
}
