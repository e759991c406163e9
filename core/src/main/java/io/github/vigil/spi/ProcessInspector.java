package io.github.vigil.spi;

import static java.util.Objects.requireNonNull;

import io.github.vigil.ExitInfo;
import io.github.vigil.diagnosis.Finding;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a backend can tell a diagnosis that the JDK cannot: who a process is (user, start time, command
 * line, whether it is a run of a supervised process, by the backend's environment marker), and its own
 * findings (on Linux: cgroup memory and pids limits hit, descriptor limits, {@code noexec} mounts,
 * zombies under a run). Offered through {@link ProcessBackend#inspector()}; the portable checks
 * (program, files, ports through {@link ListeningSockets}, dependencies, output, the configuration
 * check) are the supervisor's own.
 *
 * <p>Implementations are thread-safe, read the operating system on the calling thread (a diagnosis
 * thread, never the supervision thread) and return within a few milliseconds: file reads only.
 */
public interface ProcessInspector {

  /** What is known of the process {@code pid}; empty when it is gone. */
  Optional<ProcessInfo> process(long pid);

  /** The backend's own findings about {@code subject}; an empty list when it has none. */
  List<Finding> inspect(Subject subject);

  /**
   * A process as a diagnosis describes it.
   *
   * @param pid its pid
   * @param parentPid its parent's pid, 0 when unknown
   * @param user its user's name (or uid), empty when unknown
   * @param startTime when it started, {@code null} when unknown
   * @param commandLine its arguments joined by spaces (its name in brackets when it has none)
   * @param supervisedAs the supervised process it is a run (or a descendant of a run) of, from the
   *     backend's marker in its environment; empty when it carries none or it cannot be read
   */
  record ProcessInfo(long pid, long parentPid, String user, @Nullable Instant startTime, String commandLine, Optional<String> supervisedAs) {
    public ProcessInfo {
      requireNonNull(user, "user");
      requireNonNull(commandLine, "commandLine");
      requireNonNull(supervisedAs, "supervisedAs");
    }

    /** When it started, if known. */
    public Optional<Instant> started() {
      return Optional.ofNullable(startTime);
    }
  }

  /**
   * What a diagnosis is about.
   *
   * @param process the supervised process's name
   * @param command its program and arguments
   * @param labels its spec's labels (where a backend reads its own options, such as limits)
   * @param workingDirectory its working directory, {@code null} for the JVM's
   * @param pid the living run's pid, or -1 when no run is alive
   * @param exit how the run ended, {@code null} for a living run or one never started
   * @param stderr the last lines of standard error, oldest first
   * @param stdout the last lines of standard output, oldest first
   */
  record Subject(String process, List<String> command, Map<String, String> labels, @Nullable Path workingDirectory, long pid,
      @Nullable ExitInfo exit, List<String> stderr, List<String> stdout) {
    public Subject {
      requireNonNull(process, "process");
      command = List.copyOf(command);
      labels = Map.copyOf(labels);
      stderr = List.copyOf(stderr);
      stdout = List.copyOf(stdout);
    }
  }
}
