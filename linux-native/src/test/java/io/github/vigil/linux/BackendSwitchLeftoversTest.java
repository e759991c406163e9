package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Supervisor;
import io.github.vigil.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM that used the JDK backend on a state directory is killed, and its children live on, as the JDK backend's
 * children do; the next JVM on that state directory picks the Linux backend (vigil-linux-native added, or the JDK
 * backend chosen before only by {@code backend("jdk")}): what the JDK backend recorded is killed all the same. It was
 * left running (found by a black-box run: the old quote feed kept its port, and the new one crash-looped on "Address
 * already in use" until its start limit).
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class BackendSwitchLeftoversTest {
  private final String marker = "3000" + (System.nanoTime() % 100000); // a sleep duration no one else uses

  @TempDir
  Path state;

  @AfterEach
  void killTheSleeps() {
    Processes.withMarker(marker).forEach(ProcessHandle::destroyForcibly);
  }

  @Test
  void theLinuxBackendKillsWhatTheJdkBackendOfAKilledJvmLeftOnTheStateDirectory() throws Exception {
    // what the JDK backend leaves: a run in a session of its own (setsid execs the sleep: its pid is the session's),
    // recorded as "sid startTicks run=ID name" in jdk-backend.state
    Process leftover = new ProcessBuilder("setsid", "sleep", marker).start();
    long pid = leftover.pid();
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Processes.cmdline(pid).map(c -> c.startsWith("sleep ")).orElse(false)))
        .isTrue();
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    long startTicks = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]);
    Files.createDirectories(state);
    Path file = state.resolve("jdk-backend.state");
    Files.writeString(file, pid + " " + startTicks + " run=jdk-1-gw-0-1 quote\n");

    try (Supervisor s = Supervisor.builder().name("gw").backend("linux").stateDirectory(state).build()) {
      assertThat(leftover.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).as("the JDK backend's leftover, pid %s, killed", pid).isTrue();
      assertThat(file).doesNotExist();
    }
  }
}
