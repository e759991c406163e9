package io.github.vigil.spring.boot.actuate;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

import io.github.vigil.HealthReport;
import io.github.vigil.HealthState;
import io.github.vigil.HumanFormat;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The health of one supervised process. A process is <em>available</em> while it is
 * {@code RUNNING} and its health checks do not say {@code UNHEALTHY}.
 *
 * <table>
 *   <caption>Status by state</caption>
 *   <tr><th>the process</th><th>critical</th><th>not critical</th></tr>
 *   <tr><td>available</td><td>UP</td><td>UP</td></tr>
 *   <tr><td>{@code FAILED} (start limit reached) or {@code UNHEALTHY}</td><td>DOWN</td><td>UNKNOWN</td></tr>
 *   <tr><td>{@code STOPPED}: stopped on request, or never started</td><td>OUT_OF_SERVICE</td><td>UNKNOWN</td></tr>
 *   <tr><td>not available (starting, backoff, crashed, exited, or stopped by supervision to be started again: by its
 *   group's restart strategy or for a dependency) for longer than {@code down-after}</td><td>DOWN</td><td>UNKNOWN</td></tr>
 *   <tr><td>not available for less than {@code down-after}</td><td>UNKNOWN</td><td>UNKNOWN</td></tr>
 * </table>
 *
 * A crash loop (BACKOFF, STARTING, BACKOFF, …) is one unavailable stretch, measured from the first
 * exit, so it takes a critical process DOWN once it lasts longer than {@code down-after} however
 * many restarts the policy allows. Runs that end before they were up for {@code down-after} are part of
 * the loop (they outlived their startup grace, and still crash), and a critical process back from a
 * loop that was DOWN stays DOWN, {@code RUNNING}, until it has been up for {@code down-after}. The details carry the state, health, pid, restarts, whether it is
 * critical, how long it has been unavailable, the last exit, and the state and last result of each
 * health check and resource rule.
 *
 * <p>Thread-safe: reads the controller's current status on each call.
 */
public final class ProcessHealthIndicator implements HealthIndicator {

  private final ProcessController controller;
  private final boolean critical;
  private final AvailabilityTracker availability;
  private final Duration downAfter;

  /**
   * A process judged on its status alone: its unavailable stretch counts from the first call that
   * finds it unavailable, and a critical one is DOWN after {@link VigilHealthContributor#DEFAULT_DOWN_AFTER}.
   */
  public ProcessHealthIndicator(ProcessController controller, boolean critical) {
    this(controller, critical, new AvailabilityTracker(InstantSource.system(), VigilHealthContributor.DEFAULT_DOWN_AFTER), VigilHealthContributor.DEFAULT_DOWN_AFTER);
  }

  ProcessHealthIndicator(ProcessController controller, boolean critical, AvailabilityTracker availability, Duration downAfter) {
    this.controller = requireNonNull(controller, "controller");
    this.critical = critical;
    this.availability = requireNonNull(availability, "availability");
    this.downAfter = requireNonNull(downAfter, "downAfter");
  }

  @Override
  public Health health() {
    ProcessStatus s = controller.status();
    Optional<Duration> unavailable = availability.unavailableSince(s).map(since -> positive(Duration.between(since, availability.now())));
    boolean givenUp = s.state() == ProcessState.STOPPED && availability.givenUpByItsGroup(s.name());
    Health.Builder b = Health.status(critical && givenUp ? Status.DOWN
            : status(s, critical, unavailable.orElse(null), downAfter, availability.stoppedBySupervision(s)))
        .withDetail("state", s.state().name())
        .withDetail("health", s.health().name())
        .withDetail("critical", critical)
        .withDetail("restarts", s.restarts());
    if (s.pid() > 0) {
      b.withDetail("pid", s.pid());
    }
    if (s.state() == ProcessState.RUNNING) {
      b.withDetail("uptime", HumanFormat.duration(s.uptime())).withDetail("uptimeSeconds", seconds(s.uptime()));
    }
    unavailable.ifPresent(d -> b.withDetail("unavailableFor", HumanFormat.duration(d)).withDetail("unavailableForSeconds", seconds(d)));
    if (critical) {
      b.withDetail("downAfter", HumanFormat.duration(downAfter));
    }
    if (!s.supervised()) {
      b.withDetail("supervised", false);
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
      report.rules().forEach(r -> rules.put(r.name(), r.state() + (r.breachedAt() != null ? " since " + r.breachedAt() : "") + ", "
          + io.github.vigil.HumanFormat.count(r.violations(), "violation", "violations") + r.last().map(x -> ", last " + x).orElse("")));
      b.withDetail("resourceRules", rules);
    }
    return b.build();
  }

  static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  private static Duration positive(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  /**
   * The status a process in {@code s} reports.
   *
   * @param unavailableFor how long it has not been available; null when it is
   * @param downAfter how long a critical process may be unavailable before it is DOWN
   * @param stoppedBySupervision {@code STOPPED} by its group's restart or for a dependency, to be started again: not out
   *     of service, unavailable for as long as that lasts (a {@code REST_FOR_ONE} sibling is back within seconds)
   */
  static Status status(ProcessStatus s, boolean critical, @Nullable Duration unavailableFor, Duration downAfter,
      boolean stoppedBySupervision) {
    boolean unhealthy = s.health() == HealthState.UNHEALTHY;
    if (s.state() == ProcessState.RUNNING && !unhealthy && (unavailableFor == null || !critical)) {
      return Status.UP; // running, and not back from a crash loop that has yet to hold for down-after
    }
    if (!critical) {
      return Status.UNKNOWN;
    }
    if (s.state() == ProcessState.FAILED || unhealthy) {
      return Status.DOWN;
    }
    if (s.state() == ProcessState.STOPPED && !stoppedBySupervision) {
      return Status.OUT_OF_SERVICE;
    }
    if (unavailableFor != null && unavailableFor.compareTo(downAfter) > 0) {
      return Status.DOWN;
    }
    return Status.UNKNOWN;
  }
}
