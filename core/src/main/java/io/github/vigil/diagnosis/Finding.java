package io.github.vigil.diagnosis;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One thing a diagnosis checked: what ({@link #check()}), what it found ({@link #status()},
 * {@link #summary()}), the evidence (values, paths, pids, output lines) and the fix in one or two
 * sentences that name the concrete pid, path, limit or port.
 *
 * <p>Immutable and thread-safe.
 *
 * @param check what was checked
 * @param status whether it is a problem
 * @param certainty for a problem, how directly the evidence shows it caused the failure; findings are
 *     ordered by it
 * @param summary one sentence: what was found ({@code "port 9000 is held by pid 2891 (nginx)"})
 * @param evidence what the finding rests on, one item per value, path or output line
 * @param fix what to do, one or two sentences; empty for a finding that is fine
 */
public record Finding(Check check, Status status, Certainty certainty, String summary, List<String> evidence, String fix) {

  /** What a finding is about. */
  public enum Check {
    /** The program: exists, is executable, its {@code #!} interpreter, its format, a {@code noexec} mount. */
    PROGRAM,
    /** Shared libraries the dynamic loader could not find. */
    SHARED_LIBRARY,
    /** The working directory: exists, is a directory, is accessible. */
    WORKING_DIRECTORY,
    /** Files and directories the process declares: configuration files readable, directories writable. */
    FILES,
    /** The user's declared configuration check (such as {@code nginx -t}). */
    CONFIGURATION,
    /** Ports the process declares or its checks use, and ports its output says were in use. */
    PORTS,
    /** The processes it depends on: their state and health. */
    DEPENDENCIES,
    /** Descriptor, process and memory limits (rlimits, cgroups). */
    LIMITS,
    /** A full or read-only filesystem under the working directory. */
    DISK,
    /** How the run ended: exit code or signal, and what it usually means. */
    EXIT,
    /** Lines of standard error and output that look like errors. */
    OUTPUT,
    /** Zombies under the process: children its members have not reaped. */
    ZOMBIES
  }

  /** Whether a check found a problem. */
  public enum Status {
    /** Something is wrong here. */
    PROBLEM,
    /** Could not be told (not readable, not supported by the backend, timed out). */
    UNKNOWN,
    /** Checked and fine. */
    OK
  }

  /**
   * How directly a problem's evidence shows it caused the failure. A diagnosis lists problems by
   * certainty, most certain first, then unknowns, then what is fine.
   */
  public enum Certainty {
    /** The operating system or the process said so: the start failure's message, the kernel's OOM kill, a port named in stderr held by another process. */
    CONFIRMED,
    /** The evidence fits the failure: a dependency down, a limit at the value the output complains of, a failed configuration check. */
    LIKELY,
    /** Worth a look: error-looking output, an exit code's usual meaning. */
    POSSIBLE,
    /** Not a problem (for findings that are fine or unknown). */
    NONE
  }

  public Finding {
    requireNonNull(check, "check");
    requireNonNull(status, "status");
    requireNonNull(certainty, "certainty");
    requireNonNull(summary, "summary");
    evidence = List.copyOf(evidence);
    requireNonNull(fix, "fix");
    if ((status == Status.PROBLEM) == (certainty == Certainty.NONE)) {
      throw new IllegalArgumentException("certainty of a " + status + " finding must " + (status == Status.PROBLEM ? "not " : "")
          + "be NONE: " + certainty);
    }
  }

  /** A problem, with its certainty, evidence and fix. */
  public static Finding problem(Check check, Certainty certainty, String summary, List<String> evidence, String fix) {
    return new Finding(check, Status.PROBLEM, certainty, summary, evidence, fix);
  }

  /** A check that found nothing wrong. */
  public static Finding ok(Check check, String summary, List<String> evidence) {
    return new Finding(check, Status.OK, Certainty.NONE, summary, evidence, "");
  }

  /** A check that could not tell. */
  public static Finding unknown(Check check, String summary, List<String> evidence) {
    return new Finding(check, Status.UNKNOWN, Certainty.NONE, summary, evidence, "");
  }

  /** Whether this finding is a problem. */
  public boolean isProblem() {
    return status == Status.PROBLEM;
  }

  /** One line: {@code PROBLEM ports: port 9000 is held by pid 2891 (nginx) -> stop it or change the port}. */
  @Override
  public String toString() {
    return status + " " + check.name().toLowerCase(java.util.Locale.ROOT) + ": " + summary + (fix.isEmpty() ? "" : " -> " + fix);
  }
}
