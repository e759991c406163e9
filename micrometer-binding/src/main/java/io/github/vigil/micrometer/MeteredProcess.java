package io.github.vigil.micrometer;

import io.github.vigil.HealthCheck;
import io.github.vigil.HealthReport;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link VigilMetrics} needs of a process to meter it. Supervised processes are adapted from
 * their {@link ProcessController}; processes attached rather than spawned will be adapted from their
 * own handle, and get the same meters.
 */
interface MeteredProcess {

  String name();

  /** The spec's labels, of which the allowed ones become tags. */
  Map<String, String> labels();

  ProcessStatus status();

  /** A fresh sample of the process (tree or group); empty when nothing is alive or there is no sampler. */
  Optional<ProcessSample> sample();

  /** What its health checks say, with each check's recent results. */
  HealthReport health();

  /** The names of its health checks, known at registration. */
  List<String> healthCheckNames();

  /** The handle this adapts, to tell a re-registered process of the same name from the old one. */
  Object handle();

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
      public ProcessStatus status() {
        return controller.status();
      }

      @Override
      public Optional<ProcessSample> sample() {
        return controller.sample();
      }

      @Override
      public HealthReport health() {
        return controller.health();
      }

      @Override
      public List<String> healthCheckNames() {
        return controller.spec().healthChecks().stream().map(HealthCheck::name).toList();
      }

      @Override
      public Object handle() {
        return controller;
      }

      @Override
      public String toString() {
        return "MeteredProcess{" + controller.name() + "}";
      }
    };
  }
}
