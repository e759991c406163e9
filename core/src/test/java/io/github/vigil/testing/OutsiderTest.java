package io.github.vigil.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test helper's outsiders do not outlive the JVM that started them: a JVM holding one is killed with SIGKILL, and
 * the program, its launcher shell and the shell's reader are gone within seconds. They lived on for 1,000 s (a killed
 * build's outsider failed another build's {@code AttachNamesPropertyTest}). Also: the program is still no child of
 * the JVM, and ends its shell when it ends.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class OutsiderTest {
  private static final Duration GONE_WITHIN = Duration.ofSeconds(5);

  @TempDir
  Path dir;

  @Test
  void outsidersEndWhenTheJvmThatStartedThemIsKilled() throws Exception {
    Path program = Outsider.sleepAs(dir, "outsider-" + ProcessHandle.current().pid());
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path log = dir.resolve("jvm.log");
    Process jvm = new ProcessBuilder(java.toString(), "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", System.getProperty("java.class.path"), OutsiderHolderMain.class.getName(),
        program.toString()).redirectError(log.toFile()).start();
    Map<Long, Instant> started = new java.util.HashMap<>();
    try {
      String ready = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8)).readLine();
      assertThat(ready).as("the JVM's output; its log: %s", Files.exists(log) ? Files.readString(log) : "").startsWith("READY ");
      long programPid = Long.parseLong(ready.split(" ")[1]);
      long shellPid = Long.parseLong(ready.split(" ")[2]);
      List<Long> outsiders = new ArrayList<>(List.of(programPid, shellPid));
      outsiders.addAll(childrenOf(shellPid).stream().filter(p -> p != programPid).toList()); // whatever else the shell runs
      for (long pid : outsiders) {
        started.put(pid, ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).orElseThrow());
      }
      assertThat(shellPid).as("the program's parent").isNotEqualTo(jvm.pid());
      assertThat(parentOf(shellPid)).as("the launcher shell's parent").contains(jvm.pid());

      jvm.destroyForcibly(); // SIGKILL
      jvm.waitFor();
      long killedAt = System.nanoTime();
      boolean gone = Processes.eventually(GONE_WITHIN, () -> started.keySet().stream().noneMatch(p -> running(p, started.get(p))));
      assertThat(gone).as("outsiders %s gone within %s of their JVM's SIGKILL; still running: %s", started.keySet(), GONE_WITHIN,
          started.keySet().stream().filter(p -> running(p, started.get(p))).toList()).isTrue();
      org.slf4j.LoggerFactory.getLogger(OutsiderTest.class).info("outsiders gone {} ms after their JVM's SIGKILL",
          (System.nanoTime() - killedAt) / 1_000_000);
    } finally {
      jvm.destroyForcibly();
      jvm.waitFor(10, TimeUnit.SECONDS);
      started.forEach((pid, at) -> {
        if (running(pid, at)) {
          ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
      });
    }
  }

  @Test
  void theShellEndsWhenTheProgramDoes() throws Exception {
    try (Outsider o = Outsider.start(Outsider.sleepAs(dir, "outsider-end"))) {
      assertThat(o.parentPid()).as("the program is no child of this JVM").isPresent().get().isNotEqualTo(ProcessHandle.current().pid());
      assertThat(o.kill()).isTrue();
      assertThat(o.awaitGone(Duration.ofSeconds(10))).as("the launcher shell ends once the program has").isTrue();
    }
  }

  /** Alive and the same process (by start time); a zombie is not running. */
  private static boolean running(long pid, Instant startedAt) {
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    return h.isPresent() && h.get().info().startInstant().map(startedAt::equals).orElse(false) && !Processes.isZombie(pid);
  }

  private static Optional<Long> parentOf(long pid) {
    return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid);
  }

  private static List<Long> childrenOf(long pid) throws IOException {
    return ProcessHandle.of(pid).map(h -> h.children().map(ProcessHandle::pid).toList()).orElse(List.of());
  }
}
