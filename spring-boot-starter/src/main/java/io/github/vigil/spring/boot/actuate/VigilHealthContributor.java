package io.github.vigil.spring.boot.actuate;

import io.github.vigil.HumanFormat;
import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

import io.github.vigil.AttachedProcess;
import io.github.vigil.ProcessController;
import io.github.vigil.Supervisor;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;

/**
 * One {@link ProcessHealthIndicator} per supervised process and one {@link AttachmentHealthIndicator}
 * per attachment, under its name. Processes registered later (in code) appear as they come. The
 * aggregate is {@code DOWN} as soon as one critical process or attachment is: see the indicators for
 * when that is.
 *
 * <p>Listens to the supervisor's events from construction to {@link #close()}, to know how long each
 * process has been unavailable. Thread-safe.
 */
public final class VigilHealthContributor implements CompositeHealthContributor, AutoCloseable {

  private final Supervisor supervisor;
  private final Set<String> critical;
  private final Duration downAfter;
  private final InstantSource clock;
  private final AvailabilityTracker availability;
  private final AutoCloseable subscription;

  /** How long a critical process may be unavailable before it is DOWN, unless told otherwise. */
  public static final Duration DEFAULT_DOWN_AFTER = Duration.ofSeconds(30);

  /**
   * A contributor whose critical processes are DOWN once unavailable for {@link #DEFAULT_DOWN_AFTER}.
   *
   * @param supervisor whose processes are reported
   * @param criticalProcesses names of the processes whose failure takes the application's health down
   */
  public VigilHealthContributor(Supervisor supervisor, Set<String> criticalProcesses) {
    this(supervisor, criticalProcesses, DEFAULT_DOWN_AFTER, InstantSource.system());
  }

  /**
   * @param supervisor whose processes and attachments are reported
   * @param criticalProcesses names of the processes and attachments whose unavailability takes the
   *     application's health down
   * @param downAfter how long a critical process or attachment may be unavailable (not RUNNING and
   *     healthy; for an attachment, matching nothing) before it is DOWN
   * @param clock the wall clock, the one the supervisor stamps events with
   */
  public VigilHealthContributor(Supervisor supervisor, Set<String> criticalProcesses, Duration downAfter, InstantSource clock) {
    this.supervisor = requireNonNull(supervisor, "supervisor");
    this.critical = Set.copyOf(criticalProcesses);
    this.downAfter = requireNonNull(downAfter, "downAfter");
    if (downAfter.isNegative()) {
      throw new IllegalArgumentException("downAfter must not be negative: " + HumanFormat.duration(downAfter));
    }
    this.clock = requireNonNull(clock, "clock");
    // a critical process its group stopped when it gave up (FAILED) is DOWN at once, as a FAILED process is: nothing
    // will start it again (it read UNKNOWN for down-after, 30 s, as a sibling stopped to be restarted does)
    this.availability = new AvailabilityTracker(clock, downAfter, this::inFailedGroup);
    this.subscription = supervisor.subscribe(availability);
  }

  private boolean inFailedGroup(String process) {
    for (io.github.vigil.GroupController g : supervisor.groups()) {
      if (g.state() == io.github.vigil.GroupState.FAILED && contains(g, process, 0)) {
        return true;
      }
    }
    return false;
  }

  private boolean contains(io.github.vigil.GroupController g, String process, int depth) {
    for (String child : g.spec().children()) {
      if (child.equals(process)) {
        return true;
      }
      Optional<io.github.vigil.GroupController> nested = supervisor.group(child);
      if (nested.isPresent() && depth < 32 && contains(nested.get(), process, depth + 1)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public @Nullable HealthContributor getContributor(String name) {
    Optional<ProcessController> c = supervisor.controller(name);
    if (c.isPresent()) {
      return indicator(c.get());
    }
    return supervisor.attached(name).map(a -> (HealthContributor) indicator(a)).orElse(null);
  }

  @Override
  public Stream<Entry> stream() {
    return Stream.concat(supervisor.controllers().stream().map(c -> new Entry(c.name(), indicator(c))),
        supervisor.attachedProcesses().stream().map(a -> new Entry(a.name(), indicator(a))));
  }

  private ProcessHealthIndicator indicator(ProcessController c) {
    return new ProcessHealthIndicator(c, critical.contains(c.name()), availability, downAfter);
  }

  private AttachmentHealthIndicator indicator(AttachedProcess a) {
    return new AttachmentHealthIndicator(a, critical.contains(a.name()), downAfter, clock);
  }

  /** Stops listening to the supervisor. */
  @Override
  public void close() throws Exception {
    subscription.close();
  }
}
