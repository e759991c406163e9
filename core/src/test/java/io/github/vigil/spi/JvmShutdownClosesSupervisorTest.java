package io.github.vigil.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.testing.Processes;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM written as the root README's quick start (a supervisor in a try-with-resources block) and ended by
 * {@code SIGTERM} ({@code kill}, {@code systemctl stop}, Ctrl-C) ran no {@code close()}: on the JDK backend its child
 * and grandchild lived on, never told to stop. The supervisor now closes itself in a shutdown hook: the child gets its
 * stop signal and nothing is left.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class JvmShutdownClosesSupervisorTest {

  @Test
  void aSigtermOfTheJvmStopsItsProcessesWithTheirStopSignal(@TempDir Path dir) throws Exception {
    String marker = "1001" + (System.nanoTime() % 100000); // a sleep duration no one else uses
    Path stopped = dir.resolve("stopped");
    Path log = dir.resolve("jvm.log");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process jvm = new ProcessBuilder(java.toString(), "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp",
        System.getProperty("java.class.path"), JvmShutdownSupervisorMain.class.getName(), stopped.toString(), marker)
        .redirectError(log.toFile()).start();
    try {
      String ready = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8)).readLine();
      assertThat(ready).as("supervisor JVM's log: %s", Files.exists(log) ? Files.readString(log) : "").isEqualTo("READY");
      assertThat(Processes.eventually(Duration.ofSeconds(20), () -> sleeping(marker))).as("the feed's sleep runs").isTrue();

      jvm.destroy(); // SIGTERM
      assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).as("the JVM ends").isTrue();

      assertThat(Files.exists(stopped) ? Files.readString(stopped).trim() : "no stop signal: " + stopped + " not written")
          .as("the feed got its stop signal; the JVM's log: %s", Files.readString(log)).isEqualTo("TERM");
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> !sleeping(marker)))
          .as("left running after the JVM ended: %s", Processes.withMarker(marker)).isTrue();
    } finally {
      jvm.destroyForcibly();
      Processes.withMarker(marker).stream()
          .filter(h -> Processes.cmdline(h.pid()).map(c -> !c.contains(JvmShutdownSupervisorMain.class.getName())).orElse(false))
          .forEach(ProcessHandle::destroyForcibly);
    }
  }

  /**
   * A listener that calls {@code System.exit} (a gateway ending itself when a process fails for good) waits in it for the
   * shutdown hooks: the hook closing the supervisor stops the processes as for a SIGTERM, and does not wait for the
   * listeners' thread, which is that very listener, blocked (it waited its 5 s for it).
   */
  @Test
  void aListenerThatCallsSystemExitEndsTheJvmWithItsProcessesStopped(@TempDir Path dir) throws Exception {
    String marker = "1002" + (System.nanoTime() % 100000);
    Path stopped = dir.resolve("stopped");
    Path trigger = dir.resolve("trigger");
    Path log = dir.resolve("jvm.log");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process jvm = new ProcessBuilder(java.toString(), "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
        "-Dorg.slf4j.simpleLogger.log.io.github.vigil.internal.DefaultSupervisor=info", "-cp", System.getProperty("java.class.path"),
        JvmShutdownSupervisorMain.class.getName(), stopped.toString(), marker, "jdk", trigger.toString())
        .redirectError(log.toFile()).start();
    try {
      String ready = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8)).readLine();
      assertThat(ready).as("supervisor JVM's log: %s", Files.exists(log) ? Files.readString(log) : "").isEqualTo("READY");
      assertThat(Processes.eventually(Duration.ofSeconds(20), () -> sleeping(marker))).as("the feed's sleep runs").isTrue();

      Files.createFile(trigger); // the trigger process exits; the listener hears it and calls System.exit(3)
      assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).as("the JVM ends").isTrue();

      assertThat(jvm.exitValue()).as("System.exit's status; the JVM's log: %s", Files.readString(log)).isEqualTo(3);
      assertThat(Files.exists(stopped) ? Files.readString(stopped).trim() : "no stop signal: " + stopped + " not written")
          .as("the feed got its stop signal; the JVM's log: %s", Files.readString(log)).isEqualTo("TERM");
      assertThat(Files.readString(log)).as("the JVM's log")
          .contains("a listener called System.exit; not waiting for the listeners' thread")
          .doesNotContain("listeners still busy");
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> !sleeping(marker)))
          .as("left running after the JVM ended: %s", Processes.withMarker(marker)).isTrue();
    } finally {
      jvm.destroyForcibly();
      Processes.withMarker(marker).stream()
          .filter(h -> Processes.cmdline(h.pid()).map(c -> !c.contains(JvmShutdownSupervisorMain.class.getName())).orElse(false))
          .forEach(ProcessHandle::destroyForcibly);
    }
  }

  /** Whether the feed's sleep (not the JVM, which has the marker among its arguments) runs. */
  private static boolean sleeping(String marker) {
    return Processes.withMarker(marker).stream().anyMatch(h -> Processes.cmdline(h.pid()).map(c -> c.startsWith("/bin/sleep ")).orElse(false));
  }
}
