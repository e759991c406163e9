package io.github.vigil;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * What the health checks of one process say: the overall state and each check's counters and
 * recent results. A process without checks reports {@link HealthState#UNKNOWN} and no checks.
 *
 * <p>Immutable and thread-safe.
 *
 * @param state the process's health, as in {@link ProcessStatus#health()}
 * @param checks one entry per check, in the order of the spec
 */
public record HealthReport(HealthState state, List<Check> checks) {

  /** A process without checks. */
  public static final HealthReport NONE = new HealthReport(HealthState.UNKNOWN, List.of());

  public HealthReport {
    requireNonNull(state, "state");
    checks = List.copyOf(checks);
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
