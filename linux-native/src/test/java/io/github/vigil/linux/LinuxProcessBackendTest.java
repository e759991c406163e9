package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.vigil.Termination;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(OS.LINUX)
@Timeout(60)
class LinuxProcessBackendTest {

  @Test
  void reportsOutputThenExitCode() throws Exception {
    try (LinuxProcessBackend backend = Backends.create("t-out", null)) {
      RecordingListener l = new RecordingListener();
      var p = backend.spawn(Backends.sh("echo", "echo hello; echo oops >&2; exit 3"), l);
      assertThat(p.pid()).isPositive();
      assertEquals(new Termination.Exited(3), l.awaitExit(Duration.ofSeconds(20)));
      assertEquals("hello\n", l.out());
      assertEquals("oops\n", l.err());
      assertEquals(1, l.exitCalls);
      assertEquals(backend.eventLoopThread(), l.exitThread);
    }
  }
}
