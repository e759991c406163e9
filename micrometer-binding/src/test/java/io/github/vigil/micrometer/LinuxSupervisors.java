package io.github.vigil.micrometer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.Supervisor;

/** Supervisors on vigil-linux-native's backend, whose sampler reads {@code /proc}; tests skip where it is unavailable. */
final class LinuxSupervisors {
  private LinuxSupervisors() {}

  static Supervisor linux(String name) {
    try {
      return Supervisor.builder().name(name).backend("linux").build();
    } catch (IllegalStateException e) {
      assumeTrue(false, "the Linux backend is not available here: " + e.getMessage());
      throw e;
    }
  }
}
