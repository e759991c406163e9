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
 * @param restarts restarts by its own restart policy since it was registered (a start again after an exit, a backoff or a
 *     freeze window); not starts asked through the API, nor its supervision group's stop and start of it because another
 *     child of the group ended ({@link SupervisorEvent.GroupRestart}: that restart is the ended child's), nor a dependency's
 *     restart of it. {@link ProcessStatistics}, the {@code vigil.process.restarts} meter and {@code TradeDayStatistics}
 *     count the same. The journal's restart report ({@code vigil restarts}, {@code vigil status}'s RESTARTS 24H) counts
 *     a group's restarts of its members too (cause {@code GROUP})
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
