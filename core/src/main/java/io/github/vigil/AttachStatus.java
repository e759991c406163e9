package io.github.vigil;

import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of one attachment.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the attachment's name
 * @param state where it stands
 * @param processes every process that matches now, oldest first; several when the target matches
 *     several (never reduced to one)
 * @param message for {@code ERROR}, the error; otherwise what the last look found (e.g.
 *     {@code "pid file /run/feed.pid does not exist"}); may be empty
 * @param since wall-clock time of the last change of state
 * @param lastExit wall-clock time at which a matched process was last seen to exit, or {@code null}
 * @param exits how many matched processes have been seen to exit since the attachment was made
 */
public record AttachStatus(String name, AttachState state, List<MatchedProcess> processes, String message, Instant since,
    @Nullable Instant lastExit, long exits) {

  public AttachStatus {
    requireNonNull(name, "name");
    requireNonNull(state, "state");
    processes = List.copyOf(processes);
    requireNonNull(message, "message");
    requireNonNull(since, "since");
  }

  /** The pids of {@link #processes()}, in the same order. */
  public long[] pids() {
    return processes.stream().mapToLong(MatchedProcess::pid).toArray();
  }

  /** When the oldest matched process started; empty when none matches. */
  public Optional<Instant> startTime() {
    return processes.stream().map(MatchedProcess::startTime).min(Instant::compareTo);
  }

  public Optional<Instant> lastExitTime() {
    return Optional.ofNullable(lastExit);
  }
}
