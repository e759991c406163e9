package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.Signal;
import io.github.vigil.Termination;
import io.github.vigil.spi.RunningProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** A signal to a run that has ended reaches nobody, also when its pid now names another process. */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class SignalAfterDeathTest {
  private static final Path LAST_PID = Path.of("/proc/sys/kernel/ns_last_pid");

  @RepeatedTest(5)
  void signalAfterExitIsNotDelivered() throws Exception {
    try (LinuxProcessBackend backend = Backends.create("dead", null)) {
      RecordingListener l = new RecordingListener();
      RunningProcess p = backend.spawn(Backends.sh("quick", "exit 0"), l);
      assertEquals(new Termination.Exited(0), l.awaitExit(Duration.ofSeconds(20)));
      assertThat(p.signal(Signal.SIGKILL)).isFalse();
      assertThat(p.signalTree(Signal.SIGKILL)).isFalse();
      assertThat(p.isTreeAlive()).isFalse();
    }
  }

  @Test
  void signalAfterPidReuseReachesNobody() throws Exception {
    assumeTrue(Files.isWritable(LAST_PID), "cannot steer pid allocation: " + LAST_PID + " is not writable (needs CAP_SYS_ADMIN)");
    try (LinuxProcessBackend backend = Backends.create("reuse", null)) {
      RecordingListener l = new RecordingListener();
      RunningProcess p = backend.spawn(Backends.sh("victim", "exit 0"), l);
      l.awaitExit(Duration.ofSeconds(20));
      int pid = (int) p.pid();
      Process usurper = null;
      // other processes on the machine race for pids: try a few times to hand the old pid to a new process
      for (int attempt = 0; attempt < 50 && usurper == null; attempt++) {
        Files.writeString(LAST_PID, Integer.toString(pid - 1));
        Process candidate = new ProcessBuilder("sleep", "30").start();
        if (candidate.pid() == pid) {
          usurper = candidate;
        } else {
          candidate.destroyForcibly().waitFor();
        }
      }
      assumeTrue(usurper != null, "pid " + pid + " could not be reused in 50 attempts (a busy machine)");
      try {
        assertThat(p.signal(Signal.SIGKILL)).isFalse();
        assertThat(p.signalTree(Signal.SIGKILL)).isFalse();
        assertThat(p.isTreeAlive()).isFalse();
        assertThat(usurper.waitFor(300, TimeUnit.MILLISECONDS)).as("the process that reused pid %d still runs", pid).isFalse();
        assertThat(usurper.isAlive()).isTrue();
      } finally {
        usurper.destroyForcibly().waitFor();
      }
    }
  }

  @Test
  void signalToALiveRunIsDelivered() throws Exception {
    try (LinuxProcessBackend backend = Backends.create("alive", null)) {
      RecordingListener l = new RecordingListener();
      RunningProcess p = backend.spawn(Backends.sh("sleeper", "exec sleep 1000"), l);
      assertThat(p.isTreeAlive()).isTrue();
      assertThat(p.signal(Signal.SIGUSR1)).isTrue();
      assertEquals(Termination.Signaled.of(10, false), l.awaitExit(Duration.ofSeconds(20)));
    }
  }

}
