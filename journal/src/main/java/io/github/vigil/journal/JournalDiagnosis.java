package io.github.vigil.journal;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A diagnosis as the journal recorded it (a {@code Diagnosed} event's row): when, of which run, why it
 * was made, its headline (the most likely cause and its fix in one line) and the whole diagnosis as
 * {@code Diagnosis.render()} wrote it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param host the host that recorded it
 * @param process the process
 * @param at when it was made
 * @param run the run it is about, if any
 * @param trigger {@code START_FAILED}, {@code EARLY_EXIT}, {@code GAVE_UP} or {@code ON_DEMAND}
 * @param headline the cause and its fix, a program's path in it as it is (a newline, a terminal's escape): escape it to print it
 *     on one line ({@code HumanFormat.commandLine}); a journal written by an earlier snapshot of 0.1.0 holds it escaped already
 * @param causeCheck the check of the most likely cause ({@code PORTS}, {@code PROGRAM}, ...), {@code null} when no check found a problem
 * @param text every finding with its evidence and fix, one per block
 */
public record JournalDiagnosis(String host, String process, Instant at, @Nullable Integer run, String trigger, String headline,
    @Nullable String causeCheck, String text) {
  public JournalDiagnosis {
    requireNonNull(host, "host");
    requireNonNull(process, "process");
    requireNonNull(at, "at");
    requireNonNull(trigger, "trigger");
    requireNonNull(headline, "headline");
    requireNonNull(text, "text");
  }

  /** The check of the most likely cause, if a check found a problem. */
  public Optional<String> cause() {
    return Optional.ofNullable(causeCheck);
  }
}
