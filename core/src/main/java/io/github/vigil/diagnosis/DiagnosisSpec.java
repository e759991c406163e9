package io.github.vigil.diagnosis;

import static java.util.Objects.requireNonNull;

import io.github.vigil.HumanFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a process declares for its diagnosis, beyond its {@link io.github.vigil.ProcessSpec}: the
 * configuration files it reads (they must exist and be readable), the directories it writes (they
 * must be writable), the ports it listens on (they must be free, or held by the process itself), and a
 * configuration check to run as part of a diagnosis, such as {@code nginx -t -c /etc/nginx/nginx.conf}
 * (its exit code says whether the configuration is valid; its output is the evidence).
 *
 * <pre>{@code
 * ProcessSpec web = ProcessSpec.builder("web")
 *     .command("/usr/sbin/nginx", "-c", "/etc/web/nginx.conf", "-g", "daemon off;")
 *     .diagnosis(DiagnosisSpec.builder()
 *         .configFile(Path.of("/etc/web/nginx.conf"))
 *         .writableDirectory(Path.of("/var/log/web"))
 *         .port(8080)
 *         .configCheck(Duration.ofSeconds(5), "/usr/sbin/nginx", "-t", "-c", "/etc/web/nginx.conf")
 *         .build())
 *     .build();
 * }</pre>
 *
 * <p>A relative configuration file or writable directory is checked as the process resolves it: against
 * the process's {@linkplain io.github.vigil.ProcessSpec#workingDirectory() working directory}, or, when it
 * has none, against this JVM's working directory, which the process inherits. Findings name the resolved
 * path.
 *
 * <p>The configuration check runs off the supervision thread, in the process's working directory and
 * environment, and is killed (with everything it started) when it exceeds its timeout.
 *
 * <p>Immutable and thread-safe.
 */
public final class DiagnosisSpec {
  /** Nothing declared: the diagnosis checks what the process spec itself says. */
  public static final DiagnosisSpec NONE = builder().build();

  /** The longest a configuration check may take: 5 minutes. */
  public static final Duration MAX_CHECK_TIMEOUT = Duration.ofMinutes(5);

  private final List<Path> configFiles;
  private final List<Path> writableDirectories;
  private final List<Integer> ports;
  private final List<String> configCheck;
  private final Duration configCheckTimeout;

  private DiagnosisSpec(Builder b) {
    this.configFiles = List.copyOf(b.configFiles);
    this.writableDirectories = List.copyOf(b.writableDirectories);
    this.ports = List.copyOf(b.ports);
    this.configCheck = List.copyOf(b.configCheck);
    this.configCheckTimeout = b.configCheckTimeout;
  }

  /** A builder with nothing declared. */
  public static Builder builder() {
    return new Builder();
  }

  /** Files the process reads at start, as declared; each must exist and be readable (a relative one in the process's working directory). */
  public List<Path> configFiles() {
    return configFiles;
  }

  /** Directories the process writes, as declared; each must exist and be writable (a relative one in the process's working directory). */
  public List<Path> writableDirectories() {
    return writableDirectories;
  }

  /** TCP ports the process listens on. */
  public List<Integer> ports() {
    return ports;
  }

  /** The configuration check's program and arguments; empty when none is declared. */
  public List<String> configCheck() {
    return configCheck;
  }

  /** How long the configuration check may run before it is killed. */
  public Duration configCheckTimeout() {
    return configCheckTimeout;
  }

  @Override
  public String toString() {
    return "DiagnosisSpec{configFiles=" + configFiles + ", writableDirectories=" + writableDirectories + ", ports=" + ports
        + ", configCheck=" + configCheck + " (timeout " + configCheckTimeout + ")}";
  }

  /** Builds a {@link DiagnosisSpec}; each setter checks its argument at once. Not thread-safe. */
  public static final class Builder {
    private final Set<Path> configFiles = new LinkedHashSet<>();
    private final Set<Path> writableDirectories = new LinkedHashSet<>();
    private final Set<Integer> ports = new LinkedHashSet<>();
    private List<String> configCheck = List.of();
    private Duration configCheckTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /**
     * A file the process reads at start (a configuration file); it must exist and be readable. A relative path is
     * resolved against the process's working directory when the diagnosis checks it.
     */
    public Builder configFile(Path file) {
      configFiles.add(requireNonNull(file, "configFile"));
      return this;
    }

    /**
     * A directory the process writes (logs, data, a pid file's directory); it must exist and be writable. A relative
     * path is resolved against the process's working directory when the diagnosis checks it.
     */
    public Builder writableDirectory(Path dir) {
      writableDirectories.add(requireNonNull(dir, "writableDirectory"));
      return this;
    }

    /** A TCP port the process listens on, 1 to 65535. */
    public Builder port(int port) {
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("port must be 1 to 65535: " + port);
      }
      ports.add(port);
      return this;
    }

    /**
     * A configuration check: a program whose exit code 0 means the configuration is valid (as
     * {@code nginx -t}, {@code apachectl configtest}, {@code redis-server --test-memory}), killed with
     * everything it started after {@code timeout}. What it leaves running when it ends is killed then (found by its
     * session, where util-linux {@code setsid} runs it in one of its own, and by a variable in its environment).
     */
    public Builder configCheck(Duration timeout, String... command) {
      // List.of would throw a bare NullPointerException on a null argument, before the checks that name it
      return configCheck(timeout, java.util.Arrays.asList(requireNonNull(command, "configCheck")));
    }

    /** As {@link #configCheck(Duration, String...)}. */
    public Builder configCheck(Duration timeout, List<String> command) {
      requireNonNull(timeout, "configCheckTimeout");
      requireNonNull(command, "configCheck");
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_CHECK_TIMEOUT) > 0) {
        throw new IllegalArgumentException("configCheckTimeout must be positive and at most "
            + HumanFormat.duration(MAX_CHECK_TIMEOUT) + ": " + HumanFormat.duration(timeout));
      }
      if (command.isEmpty() || command.get(0) == null || command.get(0).isBlank()) {
        throw new IllegalArgumentException("configCheck must name a program: " + command);
      }
      for (String arg : command) {
        if (arg == null || arg.indexOf('\0') >= 0) {
          throw new IllegalArgumentException("configCheck has an invalid argument: " + command);
        }
      }
      this.configCheck = new ArrayList<>(command);
      this.configCheckTimeout = timeout;
      return this;
    }

    /** The spec; can be called again. */
    public DiagnosisSpec build() {
      return new DiagnosisSpec(this);
    }
  }
}
