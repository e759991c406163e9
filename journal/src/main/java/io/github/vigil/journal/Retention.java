package io.github.vigil.journal;

import static java.util.Objects.requireNonNull;

import io.github.vigil.HumanFormat;
import java.time.Duration;

/**
 * How long each table of the journal keeps its rows: older ones are deleted by the journal's writer
 * thread, at start and then every {@link #cleanupEvery()}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param events how long events are kept
 * @param runs how long runs are kept (by their start)
 * @param snapshots how long status snapshots are kept
 * @param cleanupEvery how often old rows are deleted
 */
public record Retention(Duration events, Duration runs, Duration snapshots, Duration cleanupEvery) {

  /** Events and runs 90 days, snapshots 14 days, cleanup hourly. */
  public static final Retention DEFAULT = days(90, 90, 14);

  public Retention {
    requireNonNull(events, "events");
    requireNonNull(runs, "runs");
    requireNonNull(snapshots, "snapshots");
    requireNonNull(cleanupEvery, "cleanupEvery");
    positive("events", events);
    positive("runs", runs);
    positive("snapshots", snapshots);
    positive("cleanupEvery", cleanupEvery);
  }

  /** Each table kept its number of days, cleanup hourly. */
  public static Retention days(int events, int runs, int snapshots) {
    days("events", events);
    days("runs", runs);
    days("snapshots", snapshots);
    return new Retention(Duration.ofDays(events), Duration.ofDays(runs), Duration.ofDays(snapshots), Duration.ofHours(1));
  }

  /** The same retention, cleaned up every {@code every}. */
  public Retention withCleanupEvery(Duration every) {
    return new Retention(events, runs, snapshots, every);
  }

  private static void days(String field, int days) {
    if (days <= 0) { // said in the unit it was given in ("0 ns" for 0 days, "-1 d 00 h" for -1, said the duration's form)
      throw new IllegalArgumentException("retention " + field + " must be at least 1 day: " + days);
    }
  }

  private static void positive(String field, Duration d) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("retention " + field + " must be positive: " + HumanFormat.duration(d));
    }
  }
}
