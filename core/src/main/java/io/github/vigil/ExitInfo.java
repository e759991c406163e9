package io.github.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The end of one run of a supervised process: how it terminated, why, and how long it ran.
 *
 * <p>Immutable and thread-safe.
 *
 * @param termination what the operating system reported
 * @param cause Vigil's classification, which decides restarts
 * @param runDuration from the start of the run to its end; zero when it never started
 * @param at wall-clock time of the end
 * @param message a human-readable explanation, e.g. {@code "binary /opt/feed not found"}
 * @param memoryAtDeathBytes resident memory when the process died, where the backend knows it
 *     (OOM kills on Linux), else -1
 */
public record ExitInfo(
    Termination termination, ExitCause cause, Duration runDuration, Instant at, String message, long memoryAtDeathBytes) {

  public ExitInfo {
    requireNonNull(termination, "termination");
    requireNonNull(cause, "cause");
    requireNonNull(runDuration, "runDuration");
    requireNonNull(at, "at");
    requireNonNull(message, "message");
  }

  /** The exit code, when the process called {@code exit}. */
  public OptionalInt exitCode() {
    return termination instanceof Termination.Exited e ? OptionalInt.of(e.code()) : OptionalInt.empty();
  }

  /** The terminating signal's number, when a signal ended the process. */
  public OptionalInt signal() {
    return termination instanceof Termination.Signaled s ? OptionalInt.of(s.signal()) : OptionalInt.empty();
  }

  /** Whether the kernel wrote a core dump. */
  public boolean coreDumped() {
    return termination instanceof Termination.Signaled s && s.coreDumped();
  }

  /** Resident memory at death in bytes, where known. */
  public OptionalLong memoryAtDeath() {
    return memoryAtDeathBytes >= 0 ? OptionalLong.of(memoryAtDeathBytes) : OptionalLong.empty();
  }

  @Override
  public String toString() {
    if (cause == ExitCause.START_FAILED) { // no run, no termination to show ("unknown (not started)"): the message says why
      return cause + (message.isEmpty() ? "" : ": " + message);
    }
    return cause + " (" + termination + ") after " + HumanFormat.duration(runDuration) + (message.isEmpty() ? "" : ": " + message);
  }
}
