package io.github.vigil;

import java.time.Duration;

/**
 * What {@link RestartPolicy#decide} concluded about one exit.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface RestartDecision {

  /** Restart after {@code delay}; {@code attempt} counts restarts since the last stable run (1-based). */
  record Restart(Duration delay, int attempt) implements RestartDecision {}

  /** Do not restart: the mode does not ask for it (e.g. a clean exit under {@code ON_FAILURE}). */
  record Stay(String reason) implements RestartDecision {}

  /** Give up: the start limit is reached; the process becomes {@code FAILED}. */
  record GiveUp(String reason) implements RestartDecision {}
}
