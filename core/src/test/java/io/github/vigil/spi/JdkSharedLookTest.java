package io.github.vigil.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Signal;
import io.github.vigil.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK backend's requests share a look at {@code /proc} only when it began after they were asked: a request asked
 * before a look reuses it, one asked after a descendant left the session takes a new one, which finds it.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class JdkSharedLookTest {
  private final String marker = "4000" + (System.nanoTime() % 100000); // sleep durations no one else uses
  private final String leftoverMarker = "5000" + (System.nanoTime() % 100000);

  @TempDir
  Path dir;

  @AfterEach
  void killTheSleeps() {
    Processes.withMarker(marker).forEach(ProcessHandle::destroyForcibly);
    Processes.withMarker(leftoverMarker).forEach(ProcessHandle::destroyForcibly);
  }

  @Test
  void aLookServesTheRequestsAskedBeforeItBeganAndNoneAskedAfter() throws Exception {
    JdkProcessBackend backend = new JdkProcessBackend(new BackendContext("shared-look", null));
    JdkExitReportTest.Listener listener = new JdkExitReportTest.Listener();
    try {
      // leaves a sleep in a session of its own (carrying the run's id) once told to
      Path go = dir.resolve("go");
      RunningProcess run = backend.spawn(new SpawnRequest("daemonizer", List.of("/bin/sh", "-c",
          "while [ ! -e " + go + " ]; do sleep 0.05; done; setsid sleep " + leftoverMarker + " & exec sleep " + marker), null,
          Map.of("PATH", System.getenv("PATH")), Path.of("/bin/sh")), listener);

      long asked = System.nanoTime();
      long before = ProcScan.PASSES.get();
      assertThat(run.signalTree(Signal.SIGCONT, asked)).isTrue(); // harmless: what is stopped goes on, the rest ignores it
      assertThat(ProcScan.PASSES.get() - before).as("passes for the first request").isEqualTo(1);

      Files.createFile(go);
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Processes.withMarker(leftoverMarker).size() == 1)).isTrue();
      ProcessHandle leftover = Processes.withMarker(leftoverMarker).get(0);

      assertThat(run.signalTree(Signal.SIGCONT, asked)).isTrue();
      assertThat(ProcScan.PASSES.get() - before).as("passes once a request asked before the first look came too").isEqualTo(1);

      assertThat(run.signalTree(Signal.SIGTERM, System.nanoTime())).isTrue();
      assertThat(ProcScan.PASSES.get() - before).as("passes once a request asked after the first look came").isEqualTo(2);
      assertThat(listener.exit.get(10, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOfSatisfying(io.github.vigil.Termination.Signaled.class,
          s -> assertThat(s.signal()).isEqualTo(15));
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> !leftover.isAlive() || Processes.isZombie(leftover.pid())))
          .as("the setsid sleep, pid %s, got SIGTERM", leftover.pid()).isTrue();
      assertThat(run.isTreeAlive(System.nanoTime())).isFalse();
    } finally {
      backend.close();
    }
  }
}
