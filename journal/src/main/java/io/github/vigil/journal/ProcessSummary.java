package io.github.vigil.journal;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What the journal last knew about one process on one host: for {@code vigil status}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param host the gateway
 * @param process the process
 * @param state its last recorded state ({@code UNKNOWN} when only snapshots are recorded)
 * @param since when it entered that state
 * @param pid its process id, while in a running state
 * @param lastSnapshot its newest status snapshot
 * @param restarts24h restarts in the 24 hours before the summary's time
 * @param lastEvent when anything was last recorded about it
 */
public record ProcessSummary(
    String host, String process, String state, @Nullable Instant since, @Nullable Long pid, @Nullable JournalSnapshot lastSnapshot,
    int restarts24h, @Nullable Instant lastEvent) {}
