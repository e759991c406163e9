package io.github.vigil.journal;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One row of the journal's {@code snapshots} table: a process's status at one check.
 *
 * <p>Immutable and thread-safe.
 *
 * @param host the gateway that checked
 * @param process the process name
 * @param at when it was checked
 * @param state its {@link io.github.vigil.ProcessState}
 * @param pid its process id while alive
 * @param cpuPercent CPU since the previous check, 100 = one core
 * @param memoryBytes resident memory of its tree
 * @param memoryPercent resident memory against the machine's
 * @param uptime how long the current run has been up
 * @param startedAt the start of the current or last run
 * @param restarts restarts since registration
 * @param health its {@link io.github.vigil.HealthState}
 * @param tradeDay the trade day of the check, where a {@link TradeCalendar} was given
 * @param checkMs how long the check took, milliseconds
 * @param error why the check could not read the process, if it could not
 */
public record JournalSnapshot(
    String host, String process, Instant at, String state, @Nullable Long pid, @Nullable Double cpuPercent, @Nullable Long memoryBytes,
    @Nullable Double memoryPercent, @Nullable Duration uptime, @Nullable Instant startedAt, @Nullable Integer restarts, @Nullable String health,
    @Nullable String tradeDay, @Nullable Double checkMs, @Nullable String error) {}
