package io.github.vigil.journal;

/**
 * Counters of a {@link Journal}'s writer since it was built.
 *
 * <p>Immutable and thread-safe.
 *
 * @param eventsWritten events committed to the database
 * @param snapshotsWritten status snapshots committed
 * @param snapshotsDropped snapshots dropped because the buffer was full (the database was unreachable or slow)
 * @param eventsDropped events dropped because the buffer was full of events alone
 * @param buffered entries waiting to be written now
 * @param writeFailures batches that failed and were kept to try again
 * @param rowsDeleted rows deleted by retention
 * @param databaseReachable whether the last write or connection attempt succeeded
 */
public record JournalStats(
    long eventsWritten, long snapshotsWritten, long snapshotsDropped, long eventsDropped, int buffered, long writeFailures,
    long rowsDeleted, boolean databaseReachable) {}
