package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.spi.JvmShutdownSupervisorMain;
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
 * Core's {@code JvmShutdownClosesSupervisorTest} on the Linux backend: a JVM written as the root README's quick start
 * and ended by {@code SIGTERM} ran no {@code close()}, and its guardian killed the runs' cgroups with SIGKILL once the JVM
 * was gone: a process never got its stop signal (an order gateway's SIGINT, nginx's SIGQUIT). The supervisor's shutdown
 * hook now stops it as {@code close()} does.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class JvmShutdownClosesLinuxSupervisorTest {

  @Test
  void aSigtermOfTheJvmStopsItsProcessesWithTheirStopSignal(@TempDir Path dir) throws Exception {
    String marker = "1002" + (System.nanoTime() % 100000); // a sleep duration no one else uses
    Path stopped = dir.resolve("stopped");
    Path log = dir.resolve("jvm.log");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process jvm = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
        "-cp", System.getProperty("java.class.path"), JvmShutdownSupervisorMain.class.getName(), stopped.toString(), marker, "linux")
        .redirectError(log.toFile()).start();
    try {
      String ready = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8)).readLine();
      assertThat(ready).as("supervisor JVM's log: %s", Files.exists(log) ? Files.readString(log) : "").isEqualTo("READY");
      assertThat(Processes.eventually(Duration.ofSeconds(20), () -> sleeping(marker))).as("the feed's sleep runs").isTrue();

      jvm.destroy(); // SIGTERM
      assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).as("the JVM ends").isTrue();

      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> !sleeping(marker)))
          .as("left running after the JVM ended: %s", Processes.withMarker(marker)).isTrue();
      assertThat(Files.exists(stopped) ? Files.readString(stopped).trim() : "no stop signal: " + stopped + " not written")
          .as("the feed got its stop signal; the JVM's log: %s", Files.readString(log)).isEqualTo("TERM");
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
