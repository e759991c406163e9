package io.github.vigil.journal;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One row of the journal's {@code events} table: a {@link io.github.vigil.SupervisorEvent} as it was
 * recorded. Which fields are set depends on {@code type} (the event's simple class name, e.g.
 * {@code Exited}); the module README lists them.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the row's id, increasing in the order rows were written
 * @param host the gateway that wrote it
 * @param process the process (or attachment) name
 * @param at when it happened
 * @param type the event's kind: {@code StateChanged}, {@code Exited}, {@code CommandIssued}, ...
 * @param run the run it concerns
 * @param pid the process id
 * @param command START, STOP or RESTART for a command; the action of a broken resource rule
 * @param origin who caused it ({@link io.github.vigil.Origin})
 * @param actor the person or system named for an API command
 * @param fromState the state (or health) before
 * @param toState the state (or health) after
 * @param reason the event's message or reason
 * @param exitCause the {@link io.github.vigil.ExitCause} of an exit
 * @param exitCode the exit code
 * @param signal the terminating signal's number
 * @param signalName the terminating signal's name
 * @param coreDumped whether the kernel wrote a core dump; null with a signal where that is not known (a signal the JDK
 *     backend inferred from the exit status)
 * @param runMs how long the run lasted, milliseconds
 * @param memoryBytes resident memory at death
 * @param memoryLimitBytes the memory limit the process ran under
 * @param attempt the restart attempt
 * @param delayMs the restart delay, milliseconds
 * @param metric the metric of a broken resource rule
 * @param metricValue the value that broke it
 * @param metricLimit the rule's limit
 * @param stderrTail the last lines of standard error at the exit
 * @param corePath where the core dump went (a file, or a {@code coredumpctl} command)
 */
public record JournalEvent(
    long id, String host, String process, Instant at, String type, @Nullable Integer run, @Nullable Long pid, @Nullable String command,
    @Nullable String origin, @Nullable String actor, @Nullable String fromState, @Nullable String toState, @Nullable String reason,
    @Nullable String exitCause, @Nullable Integer exitCode, @Nullable Integer signal, @Nullable String signalName, @Nullable Boolean coreDumped,
    @Nullable Long runMs, @Nullable Long memoryBytes, @Nullable Long memoryLimitBytes, @Nullable Integer attempt, @Nullable Long delayMs,
    @Nullable String metric, @Nullable Double metricValue, @Nullable Double metricLimit, @Nullable String stderrTail, @Nullable String corePath) {

  /**
   * How the operating system reported the end of the run of an {@code Exited}, in the words of
   * {@link io.github.vigil.Termination}'s {@code toString()} (the words of the supervisor's own log lines and messages, where
   * an exit reads {@code ERROR_EXIT (exit code 3)}): {@code exit code 3}, {@code killed by SIGSEGV (core dumped)},
   * {@code killed by SIGKILL (inferred from exit status 137)}; null where the row has neither an exit code nor a
   * signal (an event of another kind, a run that never started).
   */
  public @Nullable String termination() {
    if (signal != null) {
      return "killed by " + (signalName != null ? signalName : "signal " + signal) + (Boolean.TRUE.equals(coreDumped) ? " (core dumped)" : "")
          + (coreDumped == null ? " (inferred from exit status " + (128 + signal) + ")" : "");
    }
    return exitCode != null ? "exit code " + exitCode : null;
  }
}
