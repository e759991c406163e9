package io.github.vigil.journal;

import org.jspecify.annotations.Nullable;

/** What the writer thread writes: an event (with what it does to the runs table) or a snapshot. Internal. */
sealed interface Entry {

  /** What an event does to the runs table besides its own row. */
  enum RunOp {
    NONE,
    /** a run started: insert its row */
    START,
    /** a run ended: close its row (or insert one for a run that never started) */
    END,
    /** a run reached RUNNING after a restart: set its recovery time */
    RECOVERED
  }

  /** One row of {@code events}; fields are column values, {@code null} for SQL NULL. */
  final class EventRow implements Entry {
    String host = "";
    String process = "";
    long atMs;
    String type = "";
    @Nullable Integer run;
    @Nullable Long pid;
    @Nullable String command;
    @Nullable String origin;
    @Nullable String actor;
    @Nullable String fromState;
    @Nullable String toState;
    @Nullable String reason;
    @Nullable String exitCause;
    @Nullable Integer exitCode;
    @Nullable Integer signal;
    @Nullable String signalName;
    @Nullable Boolean coreDumped;
    @Nullable Long runMs;
    @Nullable Long memoryBytes;
    @Nullable Long memoryLimitBytes;
    @Nullable Integer attempt;
    @Nullable Long delayMs;
    @Nullable String metric;
    @Nullable Double metricValue;
    @Nullable Double metricLimit;
    @Nullable String stderrTail;
    @Nullable String corePath;
    /** a Diagnosed event's whole diagnosis, rendered */
    @Nullable String diagnosis;
    // runs table
    RunOp runOp = RunOp.NONE;
    @Nullable String termination;
    long startedMs;
    @Nullable Long recoveryMs;
    /** the first start this journal heard of the process: runs of an earlier JVM left open are closed */
    boolean closeLeftovers;
  }

  /** One row of {@code snapshots}. */
  final class SnapshotRow implements Entry {
    String host = "";
    String process = "";
    long atMs;
    String state = "";
    @Nullable Long pid;
    @Nullable Double cpuPercent;
    @Nullable Long memoryBytes;
    @Nullable Double memoryPercent;
    @Nullable Long uptimeMs;
    @Nullable Long startedMs;
    @Nullable Integer restarts;
    @Nullable String health;
    @Nullable String tradeDay;
    @Nullable Double checkMs;
    @Nullable String error;
  }
}
