package io.github.vigil.journal;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One row of the journal's {@code runs} table: one run of a process from spawn to exit.
 *
 * <p>Immutable and thread-safe.
 *
 * @param host the gateway that ran it
 * @param process the process name
 * @param run the run number (1-based, counted from the process's registration in that JVM)
 * @param pid its process id, -1 when it never started
 * @param startedAt when it was spawned
 * @param endedAt when it ended; null while running (or when the JVM stopped before hearing the end)
 * @param exitCause the {@link io.github.vigil.ExitCause}, or {@code UNKNOWN} when the journal never heard the end
 * @param termination how the operating system reported the end, as text
 * @param exitCode the exit code
 * @param signal the terminating signal
 * @param coreDumped whether a core was dumped; null with a signal where that is not known (inferred from the exit status)
 * @param runDuration how long it ran
 * @param message the exit's message
 * @param memoryBytes resident memory at death
 * @param memoryLimitBytes its memory limit
 * @param recovery from the end of the run before (a crash or restart) to this one being RUNNING
 * @param stderrTail the last lines of standard error at its end
 */
public record JournalRun(
    String host, String process, int run, long pid, Instant startedAt, @Nullable Instant endedAt, @Nullable String exitCause,
    @Nullable String termination, @Nullable Integer exitCode, @Nullable Integer signal, @Nullable Boolean coreDumped,
    @Nullable Duration runDuration, @Nullable String message, @Nullable Long memoryBytes, @Nullable Long memoryLimitBytes,
    @Nullable Duration recovery, @Nullable String stderrTail) {}
