package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Termination;
import io.github.vigil.spi.SpawnException;
import io.github.vigil.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Issue #12 item 6: {@code pidfd_open} failing after {@code posix_spawn} left the pipes open and a live
 * child untracked. Under a real lowered {@code RLIMIT_NOFILE} that leaves exactly the descriptors the
 * pipes take (output and error, and the start's pipe where a wrapper stands in front of the program), {@code pidfd_open} fails with EMFILE: the start fails naming the limit, the child
 * is killed and reaped, and none of its pipes or pidfds is left behind.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class DescriptorLimitSpawnTest {

  @Test
  void aPidfdOpenFailureKillsTheChildAndReleasesEverything() throws Exception {
    long[] limit = Kernel.descriptorLimit();
    HostFacts facts = HostFacts.detect();
    boolean wrapped = facts.shell() != null && facts.setpriv() != null; // no cgroups here: setpriv's wrapper or none
    try (LinuxProcessBackend backend = Backends.create("fd-limit", false)) {
      RecordingListener warm = new RecordingListener();
      backend.spawn(Backends.sh("warm-up", "exit 0"), warm); // classes loaded, loop running
      assertThat(warm.awaitExit(Duration.ofSeconds(10))).isEqualTo(new Termination.Exited(0));

      SpawnException failure = null;
      Map<Integer, String> before = Map.of();
      for (int attempt = 0; attempt < 20 && failure == null; attempt++) {
        before = openDescriptors();
        long soft = limitLeavingFree(wrapped ? 6 : 4); // the output pipes, and the start's pipe of a wrapper
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
      // what the spawn opens is pipes and a pidfd; the class loader or another test's thread may open a file of its own
      // meanwhile (a jar first read on the failure path), which is not the backend's to close
      Map<Integer, String> open = before;
      assertThat(Processes.eventually(Duration.ofSeconds(5), () -> spawnDescriptorsOpenedSince(open).isEmpty()))
          .as("pipes or pidfds left open: %s (all opened since: %s)", spawnDescriptorsOpenedSince(open), openedSince(open)).isTrue();

      RecordingListener after = new RecordingListener();
      backend.spawn(Backends.sh("after", "exit 4"), after);
      assertThat(after.awaitExit(Duration.ofSeconds(10))).as("the backend still spawns").isEqualTo(new Termination.Exited(4));
    } finally {
      Kernel.setDescriptorSoftLimit(limit[0]);
    }
  }

  /** Descriptors open now that were not open (to the same thing) in {@code before}, with what they are. */
  private static Map<Integer, String> openedSince(Map<Integer, String> before) {
    Map<Integer, String> now = new TreeMap<>(openDescriptors());
    now.entrySet().removeIf(e -> e.getValue().equals(before.get(e.getKey())));
    return now;
  }

  /** Of {@link #openedSince}, the kinds a spawn opens: pipes and pidfds. */
  private static Map<Integer, String> spawnDescriptorsOpenedSince(Map<Integer, String> before) {
    Map<Integer, String> opened = openedSince(before);
    opened.values().removeIf(target -> !target.startsWith("pipe:") && !target.contains("pidfd"));
    return opened;
  }

  /** A soft limit below which exactly {@code free} descriptor numbers are unused. */
  private static long limitLeavingFree(int free) {
    java.util.BitSet used = new java.util.BitSet();
    openDescriptors().keySet().forEach(used::set);
    int seen = 0;
    for (int fd = 0; ; fd++) {
      if (!used.get(fd) && ++seen == free) {
        return fd + 1L;
      }
    }
  }

  /** This JVM's open descriptors and what each is, without the one the listing itself holds while it runs. */
  private static Map<Integer, String> openDescriptors() {
    String listing = "/proc/" + ProcessHandle.current().pid() + "/fd";
    Map<Integer, String> open = new HashMap<>();
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      s.forEach(p -> {
        try {
          String target = Files.readSymbolicLink(p).toString();
          if (!target.equals(listing)) {
            open.put(Integer.parseInt(p.getFileName().toString()), target);
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      });
      return open;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
