package io.github.vigil;

import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A snapshot of one supervised process.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the process name
 * @param state its lifecycle state
 * @param pid the current process id, or -1 when none is alive
 * @param startedAt wall-clock start of the current or last run, or {@code null} before the first
 * @param uptime how long the current run has been up; zero when none is
 * @param restarts restarts since it was registered (not counting starts asked through the API)
 * @param lastExit how the last run ended, or {@code null}
 * @param health what its health checks say
 * @param supervised whether exits are acted on (restarts); see {@link ProcessController#setSupervised}
 * @param detail why it is in this state, e.g. the give-up reason of {@code FAILED}; may be empty
 */
public record ProcessStatus(
    String name, ProcessState state, long pid, @Nullable Instant startedAt, Duration uptime, int restarts, @Nullable ExitInfo lastExit,
    HealthState health, boolean supervised, String detail) {

  public OptionalLong pidIfAlive() {
    return pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty();
  }

  public Optional<Instant> started() {
    return Optional.ofNullable(startedAt);
  }

  public Optional<ExitInfo> lastExitInfo() {
    return Optional.ofNullable(lastExit);
  }
}
