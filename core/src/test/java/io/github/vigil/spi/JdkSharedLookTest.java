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

  /** The leftover's sleep ({@code sleep MARKER}), not the shell or a fork of it, whose command lines hold the marker too. */
  private List<ProcessHandle> leftoverSleeps() {
    return Processes.withMarker(leftoverMarker).stream()
        .filter(h -> Processes.cmdline(h.pid()).map(c -> c.equals("sleep " + leftoverMarker + " ")).orElse(false)).toList();
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
      // the leftover is the sleep itself: the shell's command line holds its marker too (until it execs its own sleep),
      // and so does its forked copy until that execs setsid. Taken from the scan that saw it: a scan of its own could
      // miss what the first saw (it matched the shell once, which had exec'd by the second: an IndexOutOfBoundsException
      // under load), and a leftover that was the shell made the last line wait for the wrong process
      java.util.concurrent.atomic.AtomicReference<ProcessHandle> found = new java.util.concurrent.atomic.AtomicReference<>();
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> {
        List<ProcessHandle> sleeps = leftoverSleeps();
        found.set(sleeps.size() == 1 ? sleeps.get(0) : null);
        return found.get() != null;
      })).as("the setsid sleep, once: %s", leftoverSleeps()).isTrue();
      ProcessHandle leftover = found.get();
      assertThat(ProcFiles.statFields(leftover.pid())).as("the leftover, pid %s, left the run's session", leftover.pid())
          .isNotNull().satisfies(f -> assertThat(Long.parseLong(f[3])).isNotEqualTo(run.pid()));

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
