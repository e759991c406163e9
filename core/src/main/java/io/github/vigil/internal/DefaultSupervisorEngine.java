package io.github.vigil.internal;

import io.github.vigil.Supervisor;
import io.github.vigil.spi.SupervisorEngine;
import io.github.vigil.spi.SupervisorSettings;

/**
 * The engine {@link Supervisor.Builder#build()} finds through {@link java.util.ServiceLoader}. Public only
 * because a class-path service provider must be; the package is not exported. Thread-safe (stateless).
 */
public final class DefaultSupervisorEngine implements SupervisorEngine {

  /** For {@link java.util.ServiceLoader}. */
  public DefaultSupervisorEngine() {}

  @Override
  public Supervisor create(SupervisorSettings settings) {
    return new DefaultSupervisor(settings);
  }
}
