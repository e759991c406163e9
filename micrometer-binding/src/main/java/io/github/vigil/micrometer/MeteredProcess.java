package io.github.vigil.micrometer;

import io.github.vigil.AttachState;
import io.github.vigil.AttachStatus;
import io.github.vigil.AttachedProcess;
import io.github.vigil.HealthCheck;
import io.github.vigil.HealthReport;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What {@link VigilMetrics} needs of a process to meter it: a supervised process through its
 * {@link ProcessController}, or the processes of an attachment through its {@link AttachedProcess}.
 * Both get the sample meters; each gets the meters of what only it has (lifecycle, restarts and
 * health checks; attachment state and exits).
 */
interface MeteredProcess {

  String name();

  /** The spec's labels, of which the allowed ones become tags. */
  Map<String, String> labels();

  /** Whether a process of it may be alive now, so that a missing sample means "unknown" rather than "none". */
  boolean active();

  /** Whether it is up: a supervised process {@code RUNNING}, an attachment {@code RUNNING}. */
  boolean up();

  /** When its current run (or its oldest matched process) started; {@code null} when none is alive. */
  @Nullable Instant runStartedAt();

  /** How long its current run (or its oldest matched process) has been up. */
  Duration uptime();

  /** A fresh sample of the process tree or attached group; empty when nothing is alive or there is no sampler. */
  Optional<ProcessSample> sample();

  /** As {@link #sample()}, with slow fields no older than {@code slowFieldsMaxAge}. */
  default Optional<ProcessSample> sample(Duration slowFieldsMaxAge) {
    return sample();
  }

  /**
   * A sample reading only {@code fields} (not empty; the sample may hold more), with slow fields no older than
   * {@code slowFieldsMaxAge} when that is not null.
   */
  default Optional<ProcessSample> sample(Set<ProcessSample.Field> fields, @Nullable Duration slowFieldsMaxAge) {
    return slowFieldsMaxAge == null ? sample() : sample(slowFieldsMaxAge);
  }

  /** The names of its health checks, known at registration; none for an attachment. */
  List<String> healthCheckNames();

  /** What its health checks say, with each check's recent results. */
  HealthReport health();

  /** The handle this adapts, to tell a re-registered process of the same name from the old one. */
  Object handle();

  /** The supervised process, when it is one. */
  default @Nullable ProcessController controller() {
    return null;
  }

  /** The attachment, when it is one. */
  default @Nullable AttachedProcess attachment() {
    return null;
  }

  static MeteredProcess of(ProcessController controller) {
    return new MeteredProcess() {
      @Override
      public String name() {
        return controller.name();
      }

      @Override
      public Map<String, String> labels() {
        return controller.spec().labels();
      }

      @Override
      public boolean active() {
        return controller.status().state().isActive();
      }

      @Override
      public boolean up() {
        return controller.status().state() == io.github.vigil.ProcessState.RUNNING;
      }

      @Override
      public @Nullable Instant runStartedAt() {
        ProcessStatus s = controller.status();
        return s.state().isActive() ? s.startedAt() : null;
      }

      @Override
      public Duration uptime() {
        return controller.status().uptime();
      }

      @Override
      public Optional<ProcessSample> sample() {
        return controller.sample();
      }

      @Override
      public Optional<ProcessSample> sample(Duration slowFieldsMaxAge) {
        return controller.sample(slowFieldsMaxAge);
      }

      @Override
      public Optional<ProcessSample> sample(Set<ProcessSample.Field> fields, @Nullable Duration slowFieldsMaxAge) {
        return slowFieldsMaxAge == null ? controller.sample(fields) : controller.sample(fields, slowFieldsMaxAge);
      }

      @Override
      public List<String> healthCheckNames() {
        return controller.spec().healthChecks().stream().map(HealthCheck::name).toList();
      }

      @Override
      public HealthReport health() {
        return controller.health();
      }

      @Override
      public Object handle() {
        return controller;
      }

      @Override
      public ProcessController controller() {
        return controller;
      }

      @Override
      public String toString() {
        return "MeteredProcess{" + controller.name() + "}";
      }
    };
  }

  static MeteredProcess of(AttachedProcess attached) {
    return new MeteredProcess() {
      @Override
      public String name() {
        return attached.name();
      }

      @Override
      public Map<String, String> labels() {
        return attached.spec().labels();
      }

      @Override
      public boolean active() {
        return !attached.status().processes().isEmpty();
      }

      @Override
      public boolean up() {
        return attached.status().state() == AttachState.RUNNING;
      }

      @Override
      public @Nullable Instant runStartedAt() {
        return attached.status().startTime().orElse(null);
      }

      @Override
      public Duration uptime() {
        AttachStatus s = attached.status();
        return s.startTime().map(t -> Duration.between(t, Instant.now())).filter(d -> !d.isNegative()).orElse(Duration.ZERO);
      }

      @Override
      public Optional<ProcessSample> sample() {
        return attached.sample();
      }

      @Override
      public Optional<ProcessSample> sample(Duration slowFieldsMaxAge) {
        return attached.sample(slowFieldsMaxAge);
      }

      @Override
      public Optional<ProcessSample> sample(Set<ProcessSample.Field> fields, @Nullable Duration slowFieldsMaxAge) {
        // no bound asked: a day is above any sampler's own maximum age, which then bounds the slow fields as sample() does
        return attached.sample(fields, slowFieldsMaxAge == null ? Duration.ofDays(1) : slowFieldsMaxAge);
      }

      @Override
      public List<String> healthCheckNames() {
        return List.of();
      }

      @Override
      public HealthReport health() {
        return HealthReport.NONE;
      }

      @Override
      public Object handle() {
        return attached;
      }

      @Override
      public AttachedProcess attachment() {
        return attached;
      }

      @Override
      public String toString() {
        return "MeteredProcess{attached " + attached.name() + "}";
      }
    };
  }
}
