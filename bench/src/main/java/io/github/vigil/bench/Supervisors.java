package io.github.vigil.bench;

import io.github.vigil.Supervisor;
import java.util.Map;

/** Supervisors for the benchmarks, built with a backend's opt-in switches: system properties it reads when built. */
final class Supervisors {
  private Supervisors() {}

  /** A supervisor named {@code name} on {@code backend}, built while {@code properties} are set (cleared after). */
  static Supervisor build(String name, String backend, Map<String, String> properties) {
    properties.forEach(System::setProperty);
    try {
      return Supervisor.builder().name(name).backend(backend).build();
    } finally {
      properties.keySet().forEach(System::clearProperty);
    }
  }
}
