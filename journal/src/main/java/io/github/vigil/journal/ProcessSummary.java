package io.github.vigil.journal;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What the journal last knew about one process on one host at the summary's time (by its rows stamped at or before it): for
 * {@code vigil status}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param host the gateway
 * @param process the process
 * @param state its last recorded state ({@code UNKNOWN} when nothing but its registration is recorded); of an attachment
 *     (a process Vigil watches and did not start), its last {@code AttachState} ({@code RUNNING}, {@code STOPPED},
 *     {@code NOT_FOUND}, {@code ERROR}), or {@code DETACHED}
 * @param since when it entered that state (an attachment: when it was found, lost or detached)
 * @param pid its process id, while in a running state (an attachment: the newest process it found and has not lost)
 * @param lastSnapshot its newest status snapshot
 * @param restarts24h restarts in the 24 hours up to the summary's time: one at that time counted, one exactly 24 hours
 *     before it not. It is the {@link RestartReport#total() total} of this host's
 *     {@link JournalReader#restartsUpTo restartsUpTo(process, time, 24 h, ...)}, the report {@code vigil restarts NAME
 *     --period 24h --host HOST} shows at the same time, counted the same way (a killed JVM's restart of a process it ran,
 *     {@code SUPERVISOR_ENDED}, its supervision group's stops and starts of it when another child ended, {@code GROUP},
 *     and its stops and starts again when a dependency it restarts with ended, {@code DEPENDENCY}, included, unlike the supervisor's {@code ProcessStatus.restarts()}; a restart is stamped at its crash (a group's at
 *     its stop) and counted once the journal holds it done,
 *     even done after that time). The two differ only where they look at different rows: without {@code --host}, over a
 *     journal a fleet shares, the report counts every host's restarts of the process, the sum of its status rows; and a
 *     figure read at another moment looks back over another 24 hours, or over a journal that has heard more since
 *     (a restart waiting for its backoff at one moment is done at the next)
 * @param lastEvent when anything was last recorded about it
 * @param attachment whether it is an attachment (a process Vigil watches and did not start): its {@code STOPPED} is a
 *     watched process that ended, not a supervised one a person or a schedule stopped
 * @param outsideWatchWindow whether it is an attachment whose watch window is closed, by the journal's last
 *     {@code WatchWindowChanged} of it (journaled where the journal is attached with its {@code TradingSupervision}, at
 *     each edge and as the schedule starts): its {@code STOPPED} or {@code NOT_FOUND} is then expected, a process that
 *     runs only in its sessions. False where the journal holds no such event
 */
public record ProcessSummary(
    String host, String process, String state, @Nullable Instant since, @Nullable Long pid, @Nullable JournalSnapshot lastSnapshot,
    int restarts24h, @Nullable Instant lastEvent, boolean attachment, boolean outsideWatchWindow) {}
