package io.github.vigil.spring.boot.actuate;

import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

import io.github.vigil.Supervisor;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;

/**
 * One {@link ProcessHealthIndicator} per process of a supervisor, under the process's name.
 * Processes registered later (in code) appear as they come. The aggregate is {@code DOWN} as soon
 * as one critical process is {@code FAILED} or {@code UNHEALTHY}.
 *
 * <p>Thread-safe.
 */
public final class VigilHealthContributor implements CompositeHealthContributor {

  private final Supervisor supervisor;
  private final Predicate<String> critical;

  /**
   * @param supervisor whose processes are reported
   * @param criticalProcesses names of the processes whose failure takes the application's health down
   */
  public VigilHealthContributor(Supervisor supervisor, Set<String> criticalProcesses) {
    this.supervisor = requireNonNull(supervisor, "supervisor");
    Set<String> names = Set.copyOf(criticalProcesses);
    this.critical = names::contains;
  }

  @Override
  public @Nullable HealthContributor getContributor(String name) {
    return supervisor.controller(name).map(c -> (HealthContributor) new ProcessHealthIndicator(c, critical.test(name))).orElse(null);
  }

  @Override
  public Stream<Entry> stream() {
    return supervisor.controllers().stream().map(c -> new Entry(c.name(), new ProcessHealthIndicator(c, critical.test(c.name()))));
  }
}
