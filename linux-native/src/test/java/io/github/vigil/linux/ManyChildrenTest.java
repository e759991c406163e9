package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vigil.Signal;
import io.github.vigil.Termination;
import io.github.vigil.spi.RunningProcess;
import io.github.vigil.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** One event-loop thread watches 200 children: the JVM's thread count does not grow with them. */
@EnabledOnOs(OS.LINUX)
@Timeout(180)
class ManyChildrenTest {
  private static final int CHILDREN = 200;

  @Test
  void oneEventLoopThreadWatches200Children() throws Exception {
    try (LinuxProcessBackend backend = Backends.create("many", null)) {
      int threadsBefore = jvmThreads();
      List<RunningProcess> runs = new ArrayList<>();
      List<RecordingListener> listeners = new ArrayList<>();
      for (int i = 0; i < CHILDREN; i++) {
        RecordingListener l = new RecordingListener();
        runs.add(backend.spawn(Backends.sh("c" + i, "echo up " + i + "; exec sleep 1000"), l));
        listeners.add(l);
      }
      for (RunningProcess r : runs) {
        assertThat(r.isTreeAlive()).isTrue();
      }
      int threadsWith200 = jvmThreads();
      // JIT compiler threads come and go: allow a few, never one per child
      assertThat(threadsWith200 - threadsBefore).as("threads before %d, with %d children %d", threadsBefore, CHILDREN, threadsWith200)
          .isLessThan(10);
      assertThat(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("vigil-many")).count()).isEqualTo(1);

      // every child has run its echo (its output came through the one loop) before it is told to stop
      assertThat(Processes.eventually(Duration.ofSeconds(60), () -> {
        for (int i = 0; i < CHILDREN; i++) {
          if (!listeners.get(i).out().equals("up " + i + "\n")) {
            return false;
          }
        }
        return true;
      })).isTrue();
      for (RunningProcess r : runs) {
        assertThat(r.signal(Signal.SIGTERM)).isTrue();
      }
      for (int i = 0; i < CHILDREN; i++) {
        RecordingListener l = listeners.get(i);
        assertEquals(Termination.Signaled.of(15, false), l.awaitExit(Duration.ofSeconds(60)), "child " + i);
        assertThat(l.out()).isEqualTo("up " + i + "\n");
        assertThat(l.exitThread).isSameAs(backend.eventLoopThread());
      }
    }
  }

  /** Threads of this process as the kernel counts them (all, not just Java's). */
  private static int jvmThreads() throws Exception {
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      return (int) tasks.count();
    }
  }
}
