package io.github.vigil.spi;

import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a backend needs to spawn one run. The environment is already resolved; the executable
 * and working directory were already checked by the supervisor, unless the backend asked it not to
 * ({@link ProcessBackend#hostStartChecks()}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the supervised process's name
 * @param command program and arguments
 * @param workingDirectory where to start it, or {@code null} for the JVM's
 * @param environment the complete environment of the child
 * @param executable the program resolved against {@code PATH}, as an absolute path (as written in
 *     the command when the backend does its own checks)
 * @param labels the spec's labels; a backend may read its own options from them (the Linux backend's
 *     per-process resource limits), and ignores keys it does not know
 */
public record SpawnRequest(
    String name, List<String> command, @Nullable Path workingDirectory, Map<String, String> environment, Path executable,
    Map<String, String> labels) {

  public SpawnRequest {
    requireNonNull(name, "name");
    command = List.copyOf(command);
    environment = Map.copyOf(environment);
    requireNonNull(executable, "executable");
    labels = Map.copyOf(labels);
  }

  /** A request without labels. */
  public SpawnRequest(String name, List<String> command, @Nullable Path workingDirectory, Map<String, String> environment, Path executable) {
    this(name, command, workingDirectory, environment, executable, Map.of());
  }

  public Optional<Path> directory() {
    return Optional.ofNullable(workingDirectory);
  }

  // equals and hashCode written out, with the same meaning as a record's: the generated ones are bootstrapped
  // through method handles (ObjectMethods) at their first call, and the Linux backend compares a restart's request
  // with its standby's on the way from a death to the restart. With the first call of another JNA binding there, a
  // JVM's first standby release took about 40 ms instead of 4 (bench/results/first-restart-ab.md)

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof SpawnRequest r && name.equals(r.name) && command.equals(r.command)
        && Objects.equals(workingDirectory, r.workingDirectory) && environment.equals(r.environment)
        && executable.equals(r.executable) && labels.equals(r.labels);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, command, workingDirectory, environment, executable, labels);
  }
}
