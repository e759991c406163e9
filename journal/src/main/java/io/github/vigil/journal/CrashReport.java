package io.github.vigil.journal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The last crash of a process: how it ended (the signal and what it means, or the exit code), where its
 * core dump is, what the last status snapshots before it said, what it printed to standard error, and
 * what to do.
 *
 * <p>Immutable and thread-safe.
 *
 * @param host the gateway that recorded it
 * @param process the process
 * @param at when it ended
 * @param run which run
 * @param pid its process id
 * @param exitCause the {@link io.github.vigil.ExitCause}
 * @param termination how the operating system reported the end, in words
 * @param signal the signal, where one ended it
 * @param signalName the signal's name
 * @param signalMeaning what the signal means
 * @param coreDumped whether the kernel wrote a core dump; null where that is not known (a signal the JDK backend
 *     inferred from the exit status, as {@code termination} then says)
 * @param coreLocation where: a file path per {@code core_pattern}, or a {@code coredumpctl} command
 * @param coreFileExists whether that file exists now (null when it is not a file, or unknown)
 * @param exitCode the exit code
 * @param uptime how long the run was up
 * @param memoryBytes resident memory at death
 * @param memoryLimitBytes the memory limit
 * @param recovery how long until it was RUNNING again; null if not (yet)
 * @param lastSamples the last status snapshots of the run before the end (its host's, of its pid), oldest first
 * @param stderrTail the last lines of standard error
 * @param suggestions what to do next
 */
public record CrashReport(
    String host, String process, Instant at, int run, @Nullable Long pid, String exitCause, @Nullable String termination, @Nullable Integer signal,
    @Nullable String signalName, @Nullable String signalMeaning, @Nullable Boolean coreDumped, @Nullable String coreLocation,
    @Nullable Boolean coreFileExists, @Nullable Integer exitCode, @Nullable Duration uptime, @Nullable Long memoryBytes,
    @Nullable Long memoryLimitBytes, @Nullable Duration recovery, List<JournalSnapshot> lastSamples, @Nullable String stderrTail,
    List<String> suggestions) {

  public CrashReport {
    lastSamples = List.copyOf(lastSamples);
    suggestions = List.copyOf(suggestions);
  }
}
