package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.Termination;
import io.github.vigil.spi.SpawnRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * setpriv runs in the C locale ({@code LC_ALL=C}: it would read the locale's files for nothing it prints), and the
 * program still gets exactly the {@code LC_ALL} its request asked for, or none, through the usual wrapper.
 * {@code StandbyRestartTest} checks the same for a standby, which waits with setpriv's environment.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class SetprivLocaleTest {
  @Test
  void theProgramGetsTheLcAllItAskedForOrNone() throws Exception {
    HostFacts facts = HostFacts.detect();
    assumeTrue(facts.setpriv() != null && facts.shell() != null, "no setpriv or no /bin/sh here: nothing runs before the program");
    List<Map<String, String>> asked = List.of(Map.of("LANG", "C.UTF-8"), Map.of("LANG", "C.UTF-8", "LC_ALL", "en_US.UTF-8"),
        Map.of("LC_ALL", ""), Map.of("LC_ALL", "C"));
    try (LinuxProcessBackend backend = Backends.create("locale", null)) {
      for (Map<String, String> env : asked) {
        RecordingListener l = new RecordingListener();
        backend.spawn(new SpawnRequest("locale", List.of("/usr/bin/env"), null, env, Path.of("/usr/bin/env"), Map.of()), l);
        assertThat(l.awaitExit(Duration.ofSeconds(20))).isEqualTo(new Termination.Exited(0));
        Map<String, String> seen = environment(l.out());
        assertThat(seen.get("LC_ALL")).as("LC_ALL asked %s, seen %s", env, seen).isEqualTo(env.get("LC_ALL"));
        assertThat(seen.get("LANG")).as("LANG asked %s, seen %s", env, seen).isEqualTo(env.get("LANG"));
      }
    }
  }

  /** {@code env}'s lines as a map. */
  private static Map<String, String> environment(String lines) {
    Map<String, String> env = new HashMap<>();
    lines.lines().filter(line -> line.contains("=")).forEach(line -> env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1)));
    return env;
  }
}
