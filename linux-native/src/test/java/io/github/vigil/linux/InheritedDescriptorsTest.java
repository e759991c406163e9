package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vigil.Termination;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a child gets of this JVM's descriptors where the C library cannot close them from a number on (glibc before
 * 2.34: no {@code posix_spawn_file_actions_addclosefrom_np}). This host's C library has it, so the tests take the other
 * path on purpose ({@link Spawner#listOpenDescriptors}); the JVM holds a listening socket and a file open meanwhile,
 * which the JDK opens without close-on-exec.
 */
@EnabledOnOs(OS.LINUX)
class InheritedDescriptorsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;
  private ServerSocket listening;
  private FileChannel file;

  @BeforeEach
  void holdSomeDescriptors() throws Exception {
    listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    file = FileChannel.open(dir.resolve("held"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    Spawner.listOpenDescriptors = true;
  }

  @AfterEach
  void release() throws Exception {
    Spawner.listOpenDescriptors = false;
    listening.close();
    file.close();
  }

  @Test
  void aSpawnedChildHasOnlyItsStandardDescriptorsAndWhatItWasGiven() {
    int[] out = Fds.pipe();
    int[] given = Fds.pipe();
    try {
      // the shell lists its own descriptors: 0, 1 and 2, and 3 (the pipe handed to it); a pipeline's ends would show
      int pid = Spawner.spawn("/bin/sh", List.of("/bin/sh", "-c", "ls /proc/$$/fd"), List.of(), null, out[1], out[1], given[1]);
      Fds.close(out[1]);
      out[1] = -1;
      Pidfd pidfd = Pidfd.open(pid).orElseThrow();
      String listed = PipeText.readToEnd(out[0]);
      Poller poller = new Poller();
      poller.add(pidfd.fd(), Poller.IN);
      assertThat(poller.poll(20_000)).as("the shell ended within 20 s").isEqualTo(1);
      assertThat(pidfd.reap()).isPresent();
      assertEquals("0 1 2 3", String.join(" ", listed.trim().split("\n")), "the child's descriptors");
    } finally {
      for (int fd : new int[] {out[0], out[1], given[0], given[1]}) {
        if (fd >= 0) {
          Fds.close(fd);
        }
      }
    }
  }

  @Test
  void aSupervisedChildHasNoneOfTheJvmsDescriptors() throws Exception {
    try (LinuxProcessBackend backend = Backends.create("t-inherit", null)) {
      RecordingListener l = new RecordingListener();
      backend.spawn(Backends.request("fds", dir, Map.of(), "/bin/sh", "-c", "ls /proc/$$/fd"), l);
      assertEquals(new Termination.Exited(0), l.awaitExit(WAIT));
      assertEquals("0 1 2", String.join(" ", l.out().trim().split("\n")), "the child's descriptors");
    }
  }
}
