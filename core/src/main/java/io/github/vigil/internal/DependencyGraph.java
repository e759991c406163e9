package io.github.vigil.internal;

import io.github.vigil.Dependency;
import io.github.vigil.ProcessSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Checks dependencies among specs: every one known, no cycle. Errors name the process and the path. */
final class DependencyGraph {
  private DependencyGraph() {}

  /** @throws IllegalArgumentException naming an unknown dependency or the processes on a cycle */
  static void validate(Map<String, ProcessSpec> specs) {
    for (ProcessSpec spec : specs.values()) {
      for (Dependency d : spec.dependencies()) {
        if (!specs.containsKey(d.name())) {
          throw new IllegalArgumentException("dependsOn of '" + spec.name() + "' names unknown process '" + d.name() + "'");
        }
        if (d.condition() == Dependency.Condition.HEALTHY && specs.get(d.name()).healthChecks().isEmpty()) {
          throw new IllegalArgumentException("dependsOn of '" + spec.name() + "' waits for '" + d.name()
              + "' to be HEALTHY, but '" + d.name() + "' has no health checks");
        }
      }
    }
    Map<String, Integer> color = new HashMap<>(); // absent: unvisited, 1: on path, 2: done
    for (String name : specs.keySet()) {
      List<String> path = new ArrayList<>();
      visit(name, specs, color, path);
    }
  }

  private static void visit(String name, Map<String, ProcessSpec> specs, Map<String, Integer> color, List<String> path) {
    Integer c = color.get(name);
    if (c != null && c == 2) {
      return;
    }
    if (c != null && c == 1) {
      List<String> cycle = new ArrayList<>(path.subList(path.indexOf(name), path.size()));
      cycle.add(name);
      throw new IllegalArgumentException("dependency cycle: " + String.join(" -> ", cycle));
    }
    color.put(name, 1);
    path.add(name);
    for (Dependency d : specs.get(name).dependencies()) {
      visit(d.name(), specs, color, path);
    }
    path.remove(path.size() - 1);
    color.put(name, 2);
  }

  /** Names in an order where every process comes after its dependencies. Specs must be valid. */
  static List<String> startOrder(Map<String, ProcessSpec> specs) {
    LinkedHashMap<String, Boolean> done = new LinkedHashMap<>();
    for (String name : specs.keySet()) {
      add(name, specs, done);
    }
    return List.copyOf(done.keySet());
  }

  private static void add(String name, Map<String, ProcessSpec> specs, Map<String, Boolean> done) {
    if (done.containsKey(name)) {
      return;
    }
    for (Dependency d : specs.get(name).dependencies()) {
      add(d.name(), specs, done);
    }
    done.put(name, Boolean.TRUE);
  }
}
