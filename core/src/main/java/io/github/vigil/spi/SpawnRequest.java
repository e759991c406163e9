package io.github.vigil.spi;

import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a backend needs to spawn one run. The environment is already resolved; the executable
 * and working directory were already checked by the supervisor.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the supervised process's name
 * @param command program and arguments
 * @param workingDirectory where to start it, or {@code null} for the JVM's
 * @param environment the complete environment of the child
 * @param executable the program resolved against {@code PATH}, as an absolute path
 */
public record SpawnRequest(String name, List<String> command, @Nullable Path workingDirectory, Map<String, String> environment, Path executable) {

  public SpawnRequest {
    requireNonNull(name, "name");
    command = List.copyOf(command);
    environment = Map.copyOf(environment);
    requireNonNull(executable, "executable");
  }

  public Optional<Path> directory() {
    return Optional.ofNullable(workingDirectory);
  }
}
