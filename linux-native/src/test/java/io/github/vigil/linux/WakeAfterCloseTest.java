package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Memory;
import io.github.vigil.spi.ExitWatcher;
import io.github.vigil.spi.ProcessEntry;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Once the event loop has ended and closed its eventfd, the number is free for the next file this JVM
 * opens. A wake-up after that (a watch closed late, a spawn racing the close) must not write into that
 * file: it wrote 8 bytes into whatever had taken the number.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class WakeAfterCloseTest {

  @Test
  void aWatchClosedAfterTheBackendWritesNothingIntoTheFileThatTookTheEventfdsNumber() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "1000").start();
    List<Integer> opened = new ArrayList<>();
    try {
      LinuxProcessBackend backend = Backends.create("wake-" + Kernel.pid(), null);
      ExitWatcher.Watch watch;
      int wakeFd;
      try {
        ProcessEntry entry = backend.processTable().get(sleeper.pid()).orElseThrow();
        watch = backend.exitWatcher().orElseThrow().watch(entry, () -> { }).orElseThrow();
        Field f = LinuxProcessBackend.class.getDeclaredField("wakeFd");
        f.setAccessible(true);
        wakeFd = f.getInt(backend);
      } finally {
        backend.close(); // the loop ends and closes its eventfd
      }
      int reused = -1;
      for (int i = 0; i < 64 && reused < 0; i++) { // the lowest free numbers go first: open until one is the loop's old one
        int fd = Fds.eventfd();
        opened.add(fd);
        if (fd == wakeFd) {
          reused = fd;
        }
      }
      assumeTrue(reused >= 0, "no new descriptor took the number " + wakeFd + " within 64");

      watch.close(); // after the backend: queued for a loop that has ended, and a wake-up

      Memory counter = new Memory(8);
      assertThat(Fds.read(reused, counter)).as("bytes written into the eventfd that took number %d", wakeFd).isEqualTo(Fds.AGAIN);
    } finally {
      opened.forEach(Fds::close);
      sleeper.destroyForcibly().waitFor();
    }
  }

  /**
   * A spawn that passed the closed check just before a close, whose task the ended loop never takes: it fails at
   * once as closed, run on the caller's thread, rather than waiting for a loop that is gone. The race is set up by
   * clearing the closed flag after the close, as the caller saw it.
   */
  @Test
  void aSpawnQueuedAfterTheLoopEndedFailsAtOnceAsClosed() throws Exception {
    LinuxProcessBackend backend = Backends.create("late-spawn-" + Kernel.pid(), null);
    backend.close();
    Field closing = LinuxProcessBackend.class.getDeclaredField("closing");
    closing.setAccessible(true);
    closing.setBoolean(backend, false); // the caller read it before the close
    RecordingListener listener = new RecordingListener();
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> backend.spawn(Backends.sh("late", "exit 0"), listener));
    assertThat(thrown).as("not 'the event loop of the Linux backend has ended', found a second later")
        .isInstanceOf(IllegalStateException.class).hasMessage("backend is closed");
    closing.setBoolean(backend, true);
  }
}
