package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A run's cgroups are removed with one {@code rmdir} each when empty, and still removed, children first, when a
 * task of the run made a cgroup of its own below them; a cgroup that holds a live task stays until it is empty.
 * Real cgroupfs: skipped where this JVM cannot create cgroups.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class CgroupRemovalTest {
  private Cgroups cgroups;

  @BeforeEach
  void createBase() {
    HostFacts facts = HostFacts.detect();
    cgroups = new Cgroups(facts.cgroupLayout(), "vigil-removal-" + Kernel.pid(), facts.shell());
    assumeTrue(!cgroups.bases().isEmpty(), "no writable cgroup hierarchy here: " + cgroups.describe());
  }

  @AfterEach
  void removeBase() {
    if (cgroups != null) {
      cgroups.close();
    }
  }

  @Test
  void anEmptyRunsDirectoriesAreRemoved() throws Exception {
    Cgroups.Run run = cgroups.create("empty-1", OptionalLong.empty(), OptionalLong.empty());
    assertThat(run.dirs()).isNotEmpty().allMatch(Files::isDirectory);
    assertThat(run.remove()).isTrue();
    assertThat(run.dirs()).noneMatch(Files::exists);
  }

  @Test
  void aChildCgroupMadeBelowARunIsRemovedWithIt() throws Exception {
    Cgroups.Run run = cgroups.create("nested-1", OptionalLong.empty(), OptionalLong.empty());
    for (Path d : run.dirs()) {
      Files.createDirectories(d.resolve("inner").resolve("deeper")); // as a task of the run with the rights to could
    }
    assertThat(run.remove()).isTrue();
    assertThat(run.dirs()).noneMatch(Files::exists);
  }

  @Test
  void aCgroupWithALiveTaskStaysUntilItIsEmpty() throws Exception {
    Cgroups.Run run = cgroups.create("busy-1", OptionalLong.empty(), OptionalLong.empty());
    Process sleep = new ProcessBuilder("sleep", "1000").start();
    try {
      for (Path d : run.dirs()) {
        Files.writeString(d.resolve("cgroup.procs"), Long.toString(sleep.pid()));
      }
      assertThat(run.remove()).isFalse();
      assertThat(run.dirs()).allMatch(Files::isDirectory);
    } finally {
      sleep.destroyForcibly().waitFor();
    }
    // the kernel lets the cgroup go once the dead task has left it, which can follow the reap by a moment
    assertThat(Processes.eventually(Duration.ofSeconds(10), run::remove)).isTrue();
    assertThat(run.dirs()).noneMatch(Files::exists);
  }

  @Test
  void aFinishedRunsCgroupsAreRemovedOffTheEventLoopOnceItsTreeIsEmpty() throws Exception {
    try (LinuxProcessBackend backend = Backends.create("removal", null)) {
      RecordingListener l = new RecordingListener();
      // the child prints its own cgroups, leaves a grandchild in them (its pid on stderr), and exits
      backend.spawn(Backends.sh("removal-run", "cat /proc/self/cgroup; sleep 30 </dev/null >/dev/null 2>&1 & echo $! >&2; exit 0"), l);
      assertThat(l.awaitExit(Duration.ofSeconds(20))).isEqualTo(new io.github.vigil.Termination.Exited(0));
      CgroupLayout run = CgroupLayout.parse(l.out(), Files.readString(Path.of("/proc/self/mountinfo")));
      java.util.List<Path> dirs = new java.util.ArrayList<>();
      for (Path d : new Path[] {run.v2(), run.v1Memory()}) {
        if (d != null && d.toString().contains("/removal-run-")) {
          dirs.add(d);
        }
      }
      assertThat(dirs).as("the run's own cgroups in %s", l.out()).isNotEmpty();
      long grandchild = Long.parseLong(l.err().trim());
      assertThat(ProcessHandle.of(grandchild)).as("the grandchild lives").isPresent();
      assertThat(dirs).as("kept while the grandchild lives").allMatch(Files::isDirectory);
      ProcessHandle.of(grandchild).ifPresent(ProcessHandle::destroyForcibly);
      assertThat(Processes.eventually(Duration.ofSeconds(20), () -> dirs.stream().noneMatch(Files::exists)))
          .as("removed once the tree is empty: %s", dirs).isTrue();
      assertThat(Thread.getAllStackTraces().keySet()).as("the removal's thread")
          .anyMatch(t -> t.getName().equals("vigil-removal-cleanup"));
    }
    assertThat(Processes.eventually(Duration.ofSeconds(20),
        () -> Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("vigil-removal-cleanup"))))
        .as("its thread ends with the backend").isTrue();
  }

  @Test
  void aLeftoverOfTheSameNameIsReplaced() throws Exception {
    Cgroups.Run first = cgroups.create("same-1", OptionalLong.empty(), OptionalLong.empty());
    Files.createDirectories(first.dirs().get(0).resolve("inner"));
    Cgroups.Run second = cgroups.create("same-1", OptionalLong.empty(), OptionalLong.empty());
    assertThat(second.dirs()).isEqualTo(first.dirs()).allMatch(Files::isDirectory);
    assertThat(second.dirs().get(0).resolve("inner")).doesNotExist();
    assertThat(second.remove()).isTrue();
  }
}
