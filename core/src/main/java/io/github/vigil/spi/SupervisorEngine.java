package io.github.vigil.spi;

import io.github.vigil.Supervisor;

/**
 * How {@link Supervisor#builder()} reaches the supervision engine without the API depending on it, as
 * {@code jakarta.json.Json} reaches its {@code JsonProvider}: {@link Supervisor.Builder#build()} loads the
 * one implementation with {@link java.util.ServiceLoader} ({@code META-INF/services} on the class path,
 * {@code provides} on the module path). vigil-core provides it; a backend author has nothing to do with it.
 *
 * <p>Implementations are thread-safe and have a public no-argument constructor.
 */
public interface SupervisorEngine {

  /**
   * Creates a supervisor, its threads and its backend, as the settings say.
   *
   * @throws IllegalStateException when no backend is available or the state directory is in use
   */
  Supervisor create(SupervisorSettings settings);
}
