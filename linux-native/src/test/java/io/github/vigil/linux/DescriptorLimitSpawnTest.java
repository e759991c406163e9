package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Termination;
import io.github.vigil.spi.SpawnException;
import io.github.vigil.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Issue #12 item 6: {@code pidfd_open} failing after {@code posix_spawn} left the pipes open and a live
 * child untracked. Under a real lowered {@code RLIMIT_NOFILE} that leaves exactly the four descriptors
 * the two pipes take, {@code pidfd_open} fails with EMFILE: the start fails naming the limit, the child
 * is killed and reaped, and no descriptor is left behind.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class DescriptorLimitSpawnTest {

  @Test
  void aPidfdOpenFailureKillsTheChildAndReleasesEverything() throws Exception {
    long[] limit = Kernel.descriptorLimit();
    try (LinuxProcessBackend backend = Backends.create("fd-limit", false)) {
      RecordingListener warm = new RecordingListener();
      backend.spawn(Backends.sh("warm-up", "exit 0"), warm); // classes loaded, loop running
      assertThat(warm.awaitExit(Duration.ofSeconds(10))).isEqualTo(new Termination.Exited(0));

      SpawnException failure = null;
      int before = -1;
      for (int attempt = 0; attempt < 20 && failure == null; attempt++) {
        before = openDescriptors().size();
        long soft = limitLeavingFree(4);
        Kernel.setDescriptorSoftLimit(soft);
        RecordingListener spawned = new RecordingListener();
        try {
          io.github.vigil.spi.RunningProcess p = backend.spawn(Backends.sh("at-limit", "sleep 1000"), spawned);
          // another thread of this JVM closed a descriptor between the count and the spawn, so one more was
          // free: end this child and try again
          Kernel.setDescriptorSoftLimit(limit[0]);
          p.signal(io.github.vigil.Signal.SIGKILL);
          assertThat(spawned.awaitExit(Duration.ofSeconds(10))).as("the child spawned with a descriptor to spare").isNotNull();
        } catch (SpawnException e) {
          if (e.getMessage().contains("pidfd_open")) {
            failure = e;
          } // else another thread took a descriptor first and a pipe failed: try again
        } finally {
          Kernel.setDescriptorSoftLimit(limit[0]);
        }
      }
      assertThat(failure).as("pidfd_open failed in one of 20 attempts").isNotNull();
      assertThat(failure.getMessage()).contains("killed", "descriptor limit (RLIMIT_NOFILE)");
      Matcher m = Pattern.compile("pid (\\d+)").matcher(failure.getMessage());
      assertThat(m.find()).isTrue();
      long pid = Long.parseLong(m.group(1));
      assertThat(ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
          .as("the child %d is killed and reaped (not a zombie of this JVM)", pid).isNotEqualTo(java.util.Optional.of(ProcessHandle.current().pid()));
      int expected = before;
      assertThat(Processes.eventually(Duration.ofSeconds(5), () -> openDescriptors().size() <= expected))
          .as("descriptors before %d, now %s", before, openDescriptors().size()).isTrue();

      RecordingListener after = new RecordingListener();
      backend.spawn(Backends.sh("after", "exit 4"), after);
      assertThat(after.awaitExit(Duration.ofSeconds(10))).as("the backend still spawns").isEqualTo(new Termination.Exited(4));
    } finally {
      Kernel.setDescriptorSoftLimit(limit[0]);
    }
  }

  /** A soft limit below which exactly {@code free} descriptor numbers are unused. */
  private static long limitLeavingFree(int free) {
    List<Integer> open = openDescriptors();
    java.util.BitSet used = new java.util.BitSet();
    open.forEach(used::set);
    int seen = 0;
    for (int fd = 0; ; fd++) {
      if (!used.get(fd) && ++seen == free) {
        return fd + 1L;
      }
    }
  }

  /** This JVM's open descriptors, without the one the listing itself holds while it runs. */
  private static List<Integer> openDescriptors() {
    String listing = "/proc/" + ProcessHandle.current().pid() + "/fd";
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return s.filter(p -> {
        try {
          return !Files.readSymbolicLink(p).toString().equals(listing);
        } catch (IOException e) {
          return false; // closed meanwhile
        }
      }).map(p -> Integer.parseInt(p.getFileName().toString())).toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
