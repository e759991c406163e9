/**
 * The journal: every {@link io.github.vigil.SupervisorEvent}, every run and a status snapshot per process
 * at an interval, written through JDBC to SQLite (a file, the embedded default) or PostgreSQL (one database
 * for a fleet of gateways), kept for a number of days; and the analysis that reads it back: history,
 * restart reports and crash reports.
 *
 * <p>{@link io.github.vigil.journal.Journal} writes; {@link io.github.vigil.journal.JournalReader} reads,
 * with the gateway's JVM running or not; {@link io.github.vigil.journal.RestartAnalysis} turns events into
 * a {@link io.github.vigil.journal.RestartReport} or a {@link io.github.vigil.journal.CrashReport}.
 */
@NullMarked
package io.github.vigil.journal;

import org.jspecify.annotations.NullMarked;
