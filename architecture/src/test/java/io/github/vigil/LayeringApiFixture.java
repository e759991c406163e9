package io.github.vigil;

import io.github.vigil.internal.DefaultSupervisorEngine; // DELIBERATELY WRONG: the API must not name the engine
import io.github.vigil.spi.JdkProcessBackendProvider;     // DELIBERATELY WRONG: nor a backend
import io.github.vigil.spi.SupervisorSettings;

/**
 * A class in the API's package that does what {@code Supervisor.builder()} did before issue #19: it names the
 * engine and a backend. {@code LayeringTest} shows its API rule refusing it. A test class: never in a jar.
 */
final class LayeringApiFixture {
  private LayeringApiFixture() {}

  static Supervisor build(SupervisorSettings settings) {
    return new DefaultSupervisorEngine().create(settings);
  }

  static String backendName() {
    return new JdkProcessBackendProvider().name();
  }
}
