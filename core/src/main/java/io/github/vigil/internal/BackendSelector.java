package io.github.vigil.internal;

import io.github.vigil.spi.BackendContext;
import io.github.vigil.spi.ProcessBackend;
import io.github.vigil.spi.ProcessBackendProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the available backend provider with the highest priority, or the one named. */
final class BackendSelector {
  private static final Logger log = LoggerFactory.getLogger(BackendSelector.class);

  private BackendSelector() {}

  static ProcessBackend select(@Nullable String wanted, BackendContext context) {
    List<ProcessBackendProvider> providers = new ArrayList<>();
    var it = ServiceLoader.load(ProcessBackendProvider.class, BackendSelector.class.getClassLoader()).iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          break;
        }
        providers.add(it.next());
      } catch (ServiceConfigurationError | LinkageError e) {
        log.debug("Skipping a backend provider that failed to load", e);
      }
    }
    providers.sort(Comparator.comparingInt(ProcessBackendProvider::priority).reversed());
    List<String> names = new ArrayList<>();
    for (ProcessBackendProvider p : providers) {
      names.add(p.name());
      if (wanted != null && !wanted.equals(p.name())) {
        continue;
      }
      try {
        if (!p.isAvailable()) {
          log.debug("Backend {} is not available here", p.name());
          continue;
        }
        ProcessBackend backend = p.create(context);
        log.info("Supervisor {} uses the {} process backend", context.supervisorName(), backend.name());
        sweepOthers(providers, p, context);
        return backend;
      } catch (LinkageError | RuntimeException e) {
        if (wanted != null) {
          throw new IllegalStateException("backend '" + wanted + "' failed to start: " + e, e);
        }
        log.debug("Skipping backend {}: {}", p.name(), e.toString(), e);
      }
    }
    throw new IllegalStateException(wanted != null
        ? "backend '" + wanted + "' is not available; found: " + names
        : "no process backend is available; found: " + names);
  }

  /**
   * Lets every provider but the one picked kill what its backend of an earlier JVM left on this state directory (the
   * picked backend sweeps its own as it is created): a JVM killed on the JDK backend and started again on the Linux
   * one, or the reverse, finds the old runs' leftovers all the same. A sweep that fails is logged and does not stop
   * the supervisor.
   */
  private static void sweepOthers(List<ProcessBackendProvider> providers, ProcessBackendProvider picked, BackendContext context) {
    if (context.stateDirectory() == null) {
      return;
    }
    for (ProcessBackendProvider other : providers) {
      if (other == picked) {
        continue;
      }
      try {
        other.sweepLeftovers(context);
      } catch (LinkageError | RuntimeException e) {
        log.warn("Supervisor {}: cannot sweep what the {} backend of an earlier JVM left on state directory {}: {}",
            context.supervisorName(), other.name(), context.stateDirectory(), e.toString(), e);
      }
    }
  }
}
