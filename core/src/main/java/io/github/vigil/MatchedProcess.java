package io.github.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One process that an attachment matched.
 *
 * <p>Immutable and thread-safe.
 *
 * @param pid its process id
 * @param startTime when it started (with the pid, it names the process across pid reuse)
 * @param processName the operating system's name of it ({@code comm} on Linux)
 * @param commandLine its arguments joined by spaces; empty if unknown
 */
public record MatchedProcess(long pid, Instant startTime, String processName, String commandLine) {
  public MatchedProcess {
    requireNonNull(startTime, "startTime");
    requireNonNull(processName, "processName");
    requireNonNull(commandLine, "commandLine");
  }
}
