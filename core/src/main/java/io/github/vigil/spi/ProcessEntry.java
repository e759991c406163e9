package io.github.vigil.spi;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One process as the operating system lists it, for finding processes to attach to.
 *
 * <p>Immutable and thread-safe.
 *
 * @param pid its process id
 * @param startTime when it started; with the pid it names the process across pid reuse, so two
 *     entries are the same process exactly when pid and start time are equal
 * @param name the operating system's name of the process ({@code comm} on Linux); empty if unknown
 * @param arguments its command line, arguments joined by single spaces; empty if unknown (or a kernel thread)
 */
public record ProcessEntry(long pid, Instant startTime, String name, String arguments) {
  public ProcessEntry {
    requireNonNull(startTime, "startTime");
    requireNonNull(name, "name");
    requireNonNull(arguments, "arguments");
  }

  /** Whether {@code other} is the same process: same pid, same start time. */
  public boolean sameProcess(ProcessEntry other) {
    return pid == other.pid && startTime.equals(other.startTime);
  }
}
