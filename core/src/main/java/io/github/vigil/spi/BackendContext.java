package io.github.vigil.spi;

import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What a supervisor tells the backend it creates.
 *
 * <p>Immutable and thread-safe.
 *
 * @param supervisorName the supervisor's name, for thread names and markers
 * @param stateDirectory where the backend may keep what must survive a crash of the JVM, or {@code null}
 */
public record BackendContext(String supervisorName, @Nullable Path stateDirectory) {

  public BackendContext {
    requireNonNull(supervisorName, "supervisorName");
  }

  public Optional<Path> state() {
    return Optional.ofNullable(stateDirectory);
  }
}
