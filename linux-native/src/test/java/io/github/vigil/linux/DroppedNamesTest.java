package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.Termination;
import io.github.vigil.spi.SpawnRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * An environment variable whose name is not a shell identifier ({@code my-var}) does not pass the wrapper's shell
 * where that shell is dash: the backend's probe says so exactly when a real run shows it, and the backend says it at
 * WARN, naming the variable, instead of dropping it unsaid.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class DroppedNamesTest {
  @Test
  void aNameTheShellLeavesOutIsSaidAtWarn() throws Exception {
    String shell = HostFacts.detect().shell();
    assumeTrue(shell != null, "no /bin/sh: no wrapper");
    SpawnRequest request = new SpawnRequest("odd-names", List.of("/usr/bin/env"), null, Map.of("my-var", "1", "PLAIN", "2"),
        Path.of("/usr/bin/env"), Map.of());
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream before = System.err;
    RecordingListener l = new RecordingListener();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8)); // slf4j-simple writes to System.err as it is now
    try (LinuxProcessBackend backend = Backends.create("odd-names", null)) {
      backend.spawn(request, l);
      assertThat(l.awaitExit(Duration.ofSeconds(20))).isEqualTo(new Termination.Exited(0));
    } finally {
      System.setErr(before);
    }
    assertThat(l.out()).contains("PLAIN=2\n");
    boolean dropped = !l.out().contains("my-var=1\n");
    assertThat(HostFacts.shellDropsOddNames(shell)).as("the probe agrees with the run: %s", l.out()).isEqualTo(dropped);
    String logged = err.toString(StandardCharsets.UTF_8);
    if (dropped) {
      assertThat(logged).contains("WARN").contains("environment variables [my-var] are not passed to it");
    } else {
      assertThat(logged).doesNotContain("are not passed to it");
    }
  }
}
