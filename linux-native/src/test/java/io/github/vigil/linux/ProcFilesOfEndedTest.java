package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.AttachSpec;
import io.github.vigil.AttachedProcess;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSample.Field;
import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * The {@code /proc} files the sampler keeps open for a process are closed once it ends, also when nothing is sampled
 * any more. Found by a black-box run: 40 short-lived processes of an attachment left 185 descriptors open for as long
 * as the JVM ran (the sampler closed idle files only when it sampled something else), and a stopped run's tree its
 * members' too.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(90)
class ProcFilesOfEndedTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Set<Field> FIELDS = EnumSet.of(Field.CPU_TOTAL, Field.MEMORY_RESIDENT, Field.OPEN_FDS);

  @Test
  void theFilesOfAnAttachmentsProcessesCloseWhenTheyEnd() throws Exception {
    String seconds = "1000." + (100000 + System.nanoTime() % 900000); // a sleep no other test runs
    List<Process> outsiders = new ArrayList<>();
    try (Supervisor sup = Supervisor.builder().name("procfiles-attach").backend("linux").build()) {
      EventRecorder events = new EventRecorder();
      sup.subscribe(events);
      for (int i = 0; i < 3; i++) {
        outsiders.add(new ProcessBuilder("sleep", seconds).start());
      }
      AttachedProcess attached = sup.attach(AttachSpec.builder("outsiders").commandLine("^sleep " + seconds.replace(".", "\\.") + "$")
          .build());
      events.await(SupervisorEvent.AttachedFound.class, e -> true, 3, WAIT);
      List<Long> pids = outsiders.stream().map(Process::pid).toList();
      attached.sample(FIELDS, Duration.ofSeconds(10));
      attached.sample(FIELDS, Duration.ofSeconds(10)); // kept open from the second sample on
      assertThat(procFilesOf(pids)).as("files kept open for %s", pids).isNotEmpty();

      for (Process p : outsiders) {
        p.destroyForcibly().waitFor();
      }
      events.await(SupervisorEvent.AttachedLost.class, e -> true, 3, WAIT);
      assertThat(Processes.eventually(WAIT, () -> procFilesOf(pids).isEmpty())).as("still open: %s", procFilesOf(pids)).isTrue();
    } finally {
      outsiders.forEach(Process::destroyForcibly);
    }
  }

  @Test
  void theFilesOfAStoppedRunsTreeClose() throws Exception {
    try (Supervisor sup = Supervisor.builder().name("procfiles-run").backend("linux").build()) {
      ProcessController c = sup.register(ProcessSpec.builder("tree").command("sh", "-c", "sleep 1000 & sleep 1000 & wait")
          .startupGrace(Duration.ZERO).build());
      c.start(WAIT);
      assertThat(Processes.eventually(WAIT, () -> c.sample(EnumSet.of(Field.PROCESSES)).map(s -> s.get(Field.PROCESSES) == 3).orElse(false))).isTrue();
      c.sample(FIELDS);
      c.sample(FIELDS); // kept open from the second sample on
      List<Long> pids = new ArrayList<>(List.of(c.status().pid()));
      ProcessHandle.of(c.status().pid()).orElseThrow().descendants().forEach(h -> pids.add(h.pid()));
      assertThat(procFilesOf(pids)).as("files kept open for %s", pids).isNotEmpty();

      c.stop(WAIT);
      assertThat(Processes.eventually(WAIT, () -> procFilesOf(pids).isEmpty())).as("still open: %s", procFilesOf(pids)).isTrue();
    }
  }

  /** This JVM's descriptors open on files of {@code /proc/PID/} for any of {@code pids}. */
  private static List<String> procFilesOf(List<Long> pids) {
    List<String> open = new ArrayList<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      fds.forEach(fd -> {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          for (long pid : pids) {
            if (target.startsWith("/proc/" + pid + "/")) {
              open.add(target);
            }
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      });
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return open;
  }
}
