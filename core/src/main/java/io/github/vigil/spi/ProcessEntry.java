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
 * @param argv0 its first argument exactly as the process was given it (on Linux read up to the first NUL of
 *     {@code cmdline}, so it may hold spaces); empty if unknown
 * @param parentPid its parent's process id when it was listed ({@code ppid}), -1 if unknown; 0 when the parent is
 *     outside the caller's pid namespace. An orphan's is its adopter's (the nearest child subreaper among its
 *     ancestors, or init): an attachment tells a daemon's first process from the daemon it forks by it
 */
public record ProcessEntry(long pid, Instant startTime, String name, String arguments, String argv0, long parentPid) {
  public ProcessEntry {
    requireNonNull(startTime, "startTime");
    requireNonNull(name, "name");
    requireNonNull(arguments, "arguments");
    requireNonNull(argv0, "argv0");
  }

  /** An entry whose parent is not known ({@code parentPid} -1). */
  public ProcessEntry(long pid, Instant startTime, String name, String arguments, String argv0) {
    this(pid, startTime, name, arguments, argv0, -1);
  }

  /**
   * An entry whose first argument is not known apart from the joined command line: {@code argv0} is
   * taken as the command line up to its first space, which is wrong for a first argument with spaces.
   */
  public ProcessEntry(long pid, Instant startTime, String name, String arguments) {
    this(pid, startTime, name, arguments, firstWord(arguments), -1);
  }

  private static String firstWord(String arguments) {
    int space = arguments.indexOf(' ');
    return space < 0 ? arguments : arguments.substring(0, space);
  }

  /** Whether {@code other} is the same process: same pid, same start time. */
  public boolean sameProcess(ProcessEntry other) {
    return pid == other.pid && startTime.equals(other.startTime);
  }
}
