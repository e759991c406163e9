package io.github.vigil.linux;

import io.github.vigil.spi.BackendContext;
import io.github.vigil.spi.SpawnRequest;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Creates Linux backends and spawn requests for tests. */
final class Backends {
  private Backends() {}

  static LinuxProcessBackend create(String name, @Nullable Path stateDirectory) {
    return new LinuxProcessBackend(new BackendContext(name, stateDirectory), HostFacts.detect());
  }

  /** A backend with or without per-run cgroups (without: trees are found through session and group). */
  static LinuxProcessBackend create(String name, boolean cgroups) {
    return new LinuxProcessBackend(new BackendContext(name, null), HostFacts.detect(), cgroups);
  }

  /** Whether a backend here makes cgroups of its own for each run (a writable, joinable hierarchy). */
  static boolean perRunCgroups() {
    Cgroups probe = new Cgroups(HostFacts.detect().cgroupLayout(), "vigil-probe-" + Kernel.pid());
    try {
      return !probe.bases().isEmpty();
    } finally {
      probe.close();
    }
  }

  static SpawnRequest sh(String name, String script) {
    return request(name, null, Map.of(), "/bin/sh", "-c", script);
  }

  static SpawnRequest request(String name, @Nullable Path dir, Map<String, String> labels, String... command) {
    Map<String, String> env = new HashMap<>(System.getenv());
    return new SpawnRequest(name, List.of(command), dir, env, Path.of(command[0]), labels);
  }
}
