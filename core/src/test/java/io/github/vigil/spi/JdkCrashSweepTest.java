package io.github.vigil.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Supervisor;
import io.github.vigil.testing.Processes;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #12 item 2: after {@code kill -9} of a JVM supervising on the JDK backend, all 5 children and 5
 * grandchildren lived on and a new supervisor on the same state directory neither killed them nor said a
 * word. Now the next supervisor kills every member of the sessions recorded in the state directory.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class JdkCrashSweepTest {

  /** The sleeps with the marker, not the supervisor JVM that has it among its arguments. */
  private static List<ProcessHandle> sleeps(String marker) {
    return Processes.withMarker(marker).stream().filter(h -> Processes.cmdline(h.pid()).map(c -> c.startsWith("/bin/sleep ")).orElse(false)).toList();
  }

  @Test
  void theNextSupervisorOnTheStateDirectoryKillsWhatACrashedJvmLeft(@TempDir Path dir) throws Exception {
    String marker = "1000" + (System.nanoTime() % 100000); // a sleep duration no one else uses
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path log = dir.resolve("jvm.log");
    Process jvm = new ProcessBuilder(java.toString(), "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", System.getProperty("java.class.path"),
        JdkCrashSupervisorMain.class.getName(), dir.resolve("state").toString(), "5", marker)
        .redirectError(log.toFile()).start();
    try {
      String ready = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8)).readLine();
      assertThat(ready).as("supervisor JVM's log: %s", Files.exists(log) ? Files.readString(log) : "").isEqualTo("READY");
      assertThat(Processes.eventually(Duration.ofSeconds(20), () -> sleeps(marker).size() == 10))
          .as("5 children and 5 grandchildren: %s", sleeps(marker)).isTrue();

      jvm.destroyForcibly(); // SIGKILL
      jvm.waitFor();
      List<ProcessHandle> left = sleeps(marker);
      assertThat(left).as("the JDK backend has no death signal: all 10 outlive the JVM").hasSize(10);

      // 40 more recorded runs whose sessions and ids are gone: the sweep read /proc twice for each recorded run, so a
      // start after a crash with 200 runs read it 400 times (about 35 ms each with 300 processes); now once for all
      Path state = dir.resolve("state").resolve("jdk-backend.state");
      StringBuilder gone = new StringBuilder();
      for (int i = 0; i < 40; i++) {
        gone.append(4_190_000 + i).append(" 1 run=gone-").append(marker).append('-').append(i).append(" gone-").append(i).append('\n');
      }
      Files.writeString(state, gone, StandardOpenOption.APPEND);
      assertThat(Files.readAllLines(state)).hasSize(45);
      long passesBefore = ProcScan.PASSES.get();
      try (Supervisor next = Supervisor.builder().name("jdk-crashing").backend("jdk").stateDirectory(dir.resolve("state")).build()) {
        assertThat(ProcScan.PASSES.get() - passesBefore).as("passes over /proc for the sweep of 45 recorded runs").isLessThan(5);
        assertThat(Processes.eventually(Duration.ofSeconds(10), () -> sleeps(marker).isEmpty()))
            .as("left after the next start: %s", sleeps(marker)).isTrue();
        assertThat(next.backendName()).isEqualTo("jdk");
      }
    } finally {
      jvm.destroyForcibly();
      sleeps(marker).forEach(ProcessHandle::destroyForcibly);
    }
  }
}
