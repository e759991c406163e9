package io.github.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import java.util.Optional;

/**
 * What the health checks and resource rules of one process say: the overall state and each check's
 * and rule's counters and recent results. A process without checks reports {@link HealthState#UNKNOWN}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param state the process's health, as in {@link ProcessStatus#health()}
 * @param checks one entry per check, in the order of the spec
 * @param rules one entry per {@link ResourceRule}, in the order of the spec
 */
public record HealthReport(HealthState state, List<Check> checks, List<Rule> rules) {

  /** A process without checks or rules. */
  public static final HealthReport NONE = new HealthReport(HealthState.UNKNOWN, List.of(), List.of());

  public HealthReport {
    requireNonNull(state, "state");
    checks = List.copyOf(checks);
    rules = List.copyOf(rules);
  }

  /** The resource rule called {@code name}, if the process has one. */
  public Optional<Rule> rule(String name) {
    return rules.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  /**
   * One resource rule of a process.
   *
   * @param name the rule's name
   * @param metric what it limits
   * @param limit its limit, in the metric's unit
   * @param consecutiveAbove samples in a row above the limit in the current run
   * @param violations times the rule was broken since the process was registered
   * @param recent the last results, oldest first (at most {@value Check#RECENT_LIMIT}), kept across runs:
   *     {@code PASSED} within the limit, {@code FAILED} above it (or not readable, with the reason)
   * @param state where the rule stands now
   * @param breachedAt when it was broken, while it is {@link State#BREACHED}; otherwise null
   */
  public record Rule(String name, ResourceRule.Metric metric, double limit, int consecutiveAbove, long violations,
      List<CheckResult> recent, State state, @Nullable Instant breachedAt) {

    /** Where a rule stands. */
    public enum State {
      /** No reading yet, or the metric cannot be read (the last result says why). */
      UNKNOWN,
      /** The last sample was within the limit. */
      WITHIN,
      /** Above the limit, for fewer samples in a row than break the rule. */
      ABOVE,
      /** Broken ({@link SupervisorEvent.ResourceLimitExceeded}) and not back within the limit yet. */
      BREACHED
    }

    public Rule {
      requireNonNull(name, "name");
      requireNonNull(metric, "metric");
      requireNonNull(state, "state");
      recent = List.copyOf(recent);
    }

    /** A rule whose state is not known ({@link State#UNKNOWN}). */
    public Rule(String name, ResourceRule.Metric metric, double limit, int consecutiveAbove, long violations, List<CheckResult> recent) {
      this(name, metric, limit, consecutiveAbove, violations, recent, State.UNKNOWN, null);
    }

    public Optional<CheckResult> last() {
      return recent.isEmpty() ? Optional.empty() : Optional.of(recent.get(recent.size() - 1));
    }
  }

  /** The check called {@code name}, if the process has one. */
  public Optional<Check> check(String name) {
    return checks.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /**
   * One check of a process.
   *
   * @param name the check's name
   * @param role liveness or readiness
   * @param state the check's own state in the current run; {@code UNKNOWN} between runs
   * @param consecutiveFailures counted failures in a row
   * @param consecutivePasses passes in a row
   * @param attempts attempts with a result since the process was registered
   * @param failures failed or timed-out attempts since the process was registered
   * @param recent the last results, oldest first (at most {@value #RECENT_LIMIT}), kept across runs
   */
  public record Check(String name, HealthCheck.Role role, HealthState state, int consecutiveFailures, int consecutivePasses,
      long attempts, long failures, List<CheckResult> recent) {

    /** How many results {@link #recent()} keeps. */
    public static final int RECENT_LIMIT = 20;

    public Check {
      requireNonNull(name, "name");
      requireNonNull(role, "role");
      requireNonNull(state, "state");
      recent = List.copyOf(recent);
    }

    /** The latest result: its status, message, duration and time. */
    public Optional<CheckResult> last() {
      return recent.isEmpty() ? Optional.empty() : Optional.of(recent.get(recent.size() - 1));
    }
  }
}
