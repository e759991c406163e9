package io.github.vigil;

import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One run of a supervised process, from spawn to exit.
 *
 * <p>Immutable and thread-safe.
 *
 * @param run the run number, 1-based
 * @param pid the operating system's process id, or -1 when the start failed
 * @param startedAt wall-clock start
 * @param endedAt wall-clock end, or {@code null} while running
 * @param exit how it ended, or {@code null} while running
 * @param timeToRecover from the crash before this run to this run reaching {@code RUNNING}, or
 *     {@code null} when this run did not follow a crash or has not reached {@code RUNNING}
 */
public record RunRecord(
    int run, long pid, Instant startedAt, @Nullable Instant endedAt, @Nullable ExitInfo exit, @Nullable Duration timeToRecover) {

  public Optional<Instant> ended() {
    return Optional.ofNullable(endedAt);
  }

  public Optional<ExitInfo> exitInfo() {
    return Optional.ofNullable(exit);
  }

  public Optional<Duration> recovery() {
    return Optional.ofNullable(timeToRecover);
  }
}
