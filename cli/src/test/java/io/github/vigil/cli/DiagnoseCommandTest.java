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

  private static String run(int expectedCode, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = VigilCli.run(args, new PrintWriter(out), new PrintWriter(err));
    assertThat(code).as(out + "\n" + err).isEqualTo(expectedCode);
    return out.toString();
  }
}
