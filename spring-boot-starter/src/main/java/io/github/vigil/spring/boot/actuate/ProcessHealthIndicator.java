package io.github.vigil.spring.boot.actuate;

import static java.util.Objects.requireNonNull;

import io.github.vigil.HealthState;
import io.github.vigil.HealthReport;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The health of one supervised process.
 *
 * <ul>
 *   <li>{@code DOWN} when the process is critical and {@code FAILED} (its start limit is reached) or
 *       its health checks say {@code UNHEALTHY};
 *   <li>{@code UP} when it is {@code RUNNING} and not {@code UNHEALTHY};
 *   <li>{@code UNKNOWN} otherwise: starting, waiting to restart, stopped on request, and every
 *       trouble of a process that is not critical, which never takes the application down.
 * </ul>
 *
 * The details carry the state, health, pid, restarts, whether it is critical, the last exit, and
 * the state and last result of each health check and resource rule.
 *
 * <p>Thread-safe: reads the controller's current status on each call.
 */
public final class ProcessHealthIndicator implements HealthIndicator {

  private final ProcessController controller;
  private final boolean critical;

  public ProcessHealthIndicator(ProcessController controller, boolean critical) {
    this.controller = requireNonNull(controller, "controller");
    this.critical = critical;
  }

  @Override
  public Health health() {
    ProcessStatus s = controller.status();
    Health.Builder b = Health.status(status(s, critical))
        .withDetail("state", s.state().name())
        .withDetail("health", s.health().name())
        .withDetail("critical", critical)
        .withDetail("restarts", s.restarts());
    if (s.pid() > 0) {
      b.withDetail("pid", s.pid());
    }
    if (!s.detail().isEmpty()) {
      b.withDetail("detail", s.detail());
    }
    if (s.lastExit() != null) {
      b.withDetail("lastExit", s.lastExit().toString());
    }
    HealthReport report = controller.health();
    if (!report.checks().isEmpty()) {
      Map<String, String> checks = new LinkedHashMap<>();
      report.checks().forEach(c -> checks.put(c.name(), c.state() + c.last().map(r -> ", last " + r).orElse("")));
      b.withDetail("checks", checks);
    }
    if (!report.rules().isEmpty()) {
      Map<String, String> rules = new LinkedHashMap<>();
      report.rules().forEach(r -> rules.put(r.name(), r.violations() + " violation(s)" + r.last().map(x -> ", last " + x).orElse("")));
      b.withDetail("resourceRules", rules);
    }
    return b.build();
  }

  /** The status a process in {@code s} reports. */
  static Status status(ProcessStatus s, boolean critical) {
    boolean unhealthy = s.health() == HealthState.UNHEALTHY;
    if (critical && (s.state() == ProcessState.FAILED || unhealthy)) {
      return Status.DOWN;
    }
    if (s.state() == ProcessState.RUNNING && !unhealthy) {
      return Status.UP;
    }
    return Status.UNKNOWN;
  }
}
