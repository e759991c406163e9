package io.github.vigil.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.testing.Processes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The line the JDK backend logs for each leftover it kills at start-up names the leftover's command line: a black-box
 * trial saw a program whose argument held a newline break that line in two (the rest of the command line, and of the
 * line, on a line of its own, as if the log had a line it did not write). A JVM on the JDK backend supervises a shell
 * whose {@code $0} holds a newline and is killed with SIGKILL; the next JVM on the same state directory kills the shell
 * and says so on one line, the newline escaped.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class JdkSweepLogLineTest {
  private static final String ARGUMENT = "first-line\nsecond-line";

  @TempDir
  Path dir;

  @Test
  void aLeftoversCommandLineWithANewlineIsLoggedOnOneLine() throws Exception {
    String marker = "2100" + (System.nanoTime() % 100000); // a sleep duration no one else uses
    Path state = dir.resolve("state");
    Process first = jvm(dir.resolve("first.log"), state.toString(), "run", "/bin/sh", "-c", "sleep " + marker + "; :", ARGUMENT);
    try {
      String ready = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8)).readLine();
      assertThat(ready).as("first JVM's output; its log: %s", log(dir.resolve("first.log"))).startsWith("READY ");
      long shell = Long.parseLong(ready.substring(6).trim());
      assertThat(Processes.eventually(Duration.ofSeconds(20), () -> Processes.cmdline(shell).map(c -> c.contains("second-line")).orElse(false)))
          .as("the shell runs with its argument").isTrue();
      first.destroyForcibly(); // SIGKILL: the JDK backend's children live on
      first.waitFor();
      assertThat(ProcessHandle.of(shell).map(ProcessHandle::isAlive).orElse(false)).as("the shell outlives its JVM").isTrue();

      Path nextLog = dir.resolve("next.log");
      Process next = jvm(nextLog, state.toString(), "sweep");
      assertThat(next.waitFor(60, TimeUnit.SECONDS)).as("the next JVM ends; its log: %s", log(nextLog)).isTrue();
      String log = log(nextLog);
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Processes.withMarker(marker).isEmpty()))
          .as("leftovers after the next start; its log:\n%s", log).isTrue();
      List<String> killing = log.lines().filter(l -> l.contains("Killing pid " + shell + " (")).toList();
      assertThat(killing).as("the next JVM's log:\n%s", log).hasSize(1);
      assertThat(killing.get(0)).as("the line of the shell in the next JVM's log:\n%s", log)
          .contains("first-line\\nsecond-line").contains("of an earlier supervisor jdk-sweep");
      assertThat(log.lines().filter(l -> l.startsWith("second-line"))).as("a line of the log that the log did not write").isEmpty();
    } finally {
      first.destroyForcibly();
      first.waitFor();
      Processes.withMarker(marker).forEach(ProcessHandle::destroyForcibly);
    }
  }

  /**
   * The line names the leftover as {@code ps} shows it, as it was started: a black-box trial saw a leftover
   * {@code redis-server 127.0.0.1:18482} (a link to {@code redis-check-rdb}) named {@code /usr/bin/redis-check-rdb }, the
   * link's target with a trailing space and without its address, and an nginx master {@code /usr/sbin/nginx } without its
   * {@code -c}: the JDK's command line puts the resolved executable first. A program run through a link of its own name.
   */
  @Test
  void aLeftoverRunThroughALinkIsNamedAsItWasStarted() throws Exception {
    String marker = "2101" + (System.nanoTime() % 100000);
    Path feed = dir.resolve("quote-feed");
    Files.createSymbolicLink(feed, Path.of("/bin/sleep"));
    Path state = dir.resolve("state");
    Process first = jvm(dir.resolve("first.log"), state.toString(), "run", feed.toString(), marker);
    try {
      String ready = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8)).readLine();
      assertThat(ready).as("first JVM's output; its log: %s", log(dir.resolve("first.log"))).startsWith("READY ");
      long pid = Long.parseLong(ready.substring(6).trim());
      assertThat(Processes.eventually(Duration.ofSeconds(20), () -> Processes.cmdline(pid).map(c -> c.contains(marker)).orElse(false)))
          .as("the feed runs").isTrue();
      first.destroyForcibly(); // SIGKILL: the JDK backend's children live on
      first.waitFor();

      Path nextLog = dir.resolve("next.log");
      Process next = jvm(nextLog, state.toString(), "sweep");
      assertThat(next.waitFor(60, TimeUnit.SECONDS)).as("the next JVM ends; its log: %s", log(nextLog)).isTrue();
      String log = log(nextLog);
      List<String> killing = log.lines().filter(l -> l.contains("Killing pid " + pid + " (")).toList();
      assertThat(killing).as("the next JVM's log:\n%s", log).hasSize(1);
      assertThat(killing.get(0)).contains("Killing pid " + pid + " (" + feed + " " + marker + "), left running by process argv");
    } finally {
      first.destroyForcibly();
      first.waitFor();
      Processes.withMarker(marker).forEach(ProcessHandle::destroyForcibly);
      Files.deleteIfExists(feed); // not left to @TempDir, which warns of a link to outside it
    }
  }

  /** A JVM running {@link JdkSweepSupervisorMain}, logging at WARN to {@code log}. */
  private static Process jvm(Path log, String... args) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new java.util.ArrayList<>(List.of(java.toString(), "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"), JdkSweepSupervisorMain.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(log.toFile()).start();
  }

  private static String log(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }
}
