package io.github.vigil.internal;

import io.github.vigil.Dependency;
import io.github.vigil.ProcessSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** Checks dependencies among specs: every one known, no cycle. Errors name the process and the path. */
final class DependencyGraph {
  private DependencyGraph() {}

  /**
   * Checks the whole graph: {@link #validate(Collection, Function)} from every spec.
   *
   * @throws IllegalArgumentException naming an unknown dependency or the processes on a cycle
   */
  static void validate(Map<String, ProcessSpec> specs) {
    validate(specs.values(), n -> {
      ProcessSpec s = specs.get(n);
      return s == null ? List.of() : List.of(s);
    });
  }

  /**
   * Checks what {@code from} brings to a graph already checked: the dependencies of each spec in {@code from} are known
   * (and have health checks where they must be HEALTHY), and no cycle passes through one of them. A process may have
   * several specs that count ({@code specsOf}: the one in effect and those of updates not yet in effect, any of which
   * may hold while another process's does): its edges are those of all of them, so no combination closes a cycle.
   * Every process outside {@code from} is taken as checked before, together with the others outside it, and as naming
   * none in {@code from}: a walk stops there, so a register costs what its specs reach, not the whole graph. That holds
   * for the registered processes when new ones are added, as a registered process (any spec of it that counts) can only
   * name a registered one ({@code DefaultSupervisor.registerAll}, {@code remove}). With {@code from} every spec, this is
   * the whole-graph check; with only the new specs it refuses exactly what the whole-graph check refuses, with the same
   * message, as the walk of the whole graph meets nothing to refuse among the others and comes to the specs in
   * {@code from} in the same order.
   *
   * @param from the specs to check, in the order their errors are looked for
   * @param specsOf every spec that counts of a process by name, those in {@code from} included, all with the same health
   *     checks; empty for a name that is not one
   * @throws IllegalArgumentException naming an unknown dependency or the processes on a cycle
   */
  static void validate(Collection<ProcessSpec> from, Function<String, List<ProcessSpec>> specsOf) {
    for (ProcessSpec spec : from) {
      for (Dependency d : spec.dependencies()) {
        List<ProcessSpec> target = specsOf.apply(d.name());
        if (target.isEmpty()) {
          throw new IllegalArgumentException("dependsOn of '" + spec.name() + "' names unknown process '" + d.name() + "'");
        }
        // an update cannot change health checks: the first spec speaks for all
        if (d.condition() == Dependency.Condition.HEALTHY && target.get(0).healthChecks().isEmpty()) {
          throw new IllegalArgumentException("dependsOn of '" + spec.name() + "' waits for '" + d.name()
              + "' to be HEALTHY, but '" + d.name() + "' has no health checks");
        }
      }
    }
    Set<String> unchecked = new HashSet<>();
    from.forEach(s -> unchecked.add(s.name()));
    // a stack of its own, not recursion: a registerAll of a chain of tens of thousands went as deep on the thread's stack.
    // The same walk as the recursive one it replaces (depth first, dependencies in the order of the specs and theirs), so
    // the same cycle is found first and named from the same process
    Map<String, Boolean> done = new HashMap<>(); // absent: unvisited, false: on the path, true: done
    List<String> path = new ArrayList<>();
    ArrayDeque<Iterator<Dependency>> stack = new ArrayDeque<>();
    for (ProcessSpec spec : from) {
      enter(spec.name(), specsOf, unchecked, done, path, stack);
      while (!stack.isEmpty()) {
        Iterator<Dependency> next = stack.peek();
        if (next.hasNext()) {
          enter(next.next().name(), specsOf, unchecked, done, path, stack);
        } else { // every dependency walked: this one is done
          stack.pop();
          done.put(path.remove(path.size() - 1), Boolean.TRUE);
        }
      }
    }
  }

  /** Steps onto {@code name}: pushes its dependencies (of all its specs) unless it was walked or is not to be walked. */
  private static void enter(String name, Function<String, List<ProcessSpec>> specsOf, Set<String> unchecked,
      Map<String, Boolean> done, List<String> path, ArrayDeque<Iterator<Dependency>> stack) {
    if (!unchecked.contains(name)) {
      return; // checked before and naming nothing unchecked: no cycle through it
    }
    Boolean d = done.get(name);
    if (Boolean.TRUE.equals(d)) {
      return;
    }
    if (d != null) {
      List<String> cycle = new ArrayList<>(path.subList(path.lastIndexOf(name), path.size()));
      cycle.add(name);
      throw new IllegalArgumentException("dependency cycle: " + String.join(" -> ", cycle));
    }
    done.put(name, Boolean.FALSE);
    path.add(name);
    List<ProcessSpec> specs = specsOf.apply(name);
    stack.push(specs.size() == 1 ? specs.get(0).dependencies().iterator()
        : specs.stream().flatMap(s -> s.dependencies().stream()).iterator());
  }

  /**
   * Names in an order where every process comes after its dependencies, in the specs' order otherwise. Walked with a
   * stack of its own, not by recursion: a chain of thousands of dependencies went as deep on the thread's stack.
   *
   * @throws IllegalStateException naming a dependency that is no spec, or the processes on a cycle: specs that
   *     {@link #validate} accepted have neither (registering keeps the graph so), so either means the engine let one in;
   *     it overflowed the stack on a cycle
   */
  static List<String> startOrder(Map<String, ProcessSpec> specs) {
    LinkedHashMap<String, Boolean> done = new LinkedHashMap<>();
    java.util.Set<String> onPath = new java.util.LinkedHashSet<>();
    java.util.ArrayDeque<java.util.Iterator<Dependency>> stack = new java.util.ArrayDeque<>();
    java.util.ArrayDeque<String> names = new java.util.ArrayDeque<>();
    for (String root : specs.keySet()) {
      if (done.containsKey(root)) {
        continue;
      }
      names.push(root);
      onPath.add(root);
      stack.push(specs.get(root).dependencies().iterator());
      while (!stack.isEmpty()) {
        java.util.Iterator<Dependency> next = stack.peek();
        if (!next.hasNext()) { // every dependency placed: this one now
          stack.pop();
          String name = names.pop();
          onPath.remove(name);
          done.put(name, Boolean.TRUE);
          continue;
        }
        String d = next.next().name();
        if (done.containsKey(d)) {
          continue;
        }
        if (onPath.contains(d)) {
          List<String> cycle = new ArrayList<>(onPath);
          cycle = new ArrayList<>(cycle.subList(cycle.indexOf(d), cycle.size()));
          cycle.add(d);
          throw new IllegalStateException("dependency cycle among registered processes: " + String.join(" -> ", cycle));
        }
        ProcessSpec spec = specs.get(d);
        if (spec == null) {
          throw new IllegalStateException("'" + names.peek() + "' depends on '" + d + "', which is not registered");
        }
        names.push(d);
        onPath.add(d);
        stack.push(spec.dependencies().iterator());
      }
    }
    return List.copyOf(done.keySet());
  }

  /**
   * Adds {@code name} and every process it depends on, directly or not, to {@code into}; one there already is taken as
   * added with its dependencies. Walked with a stack of its own, not by recursion: a chain of tens of thousands went as
   * deep on the thread's stack ({@code startAll()}).
   *
   * @param specs every registered spec by name, each dependency among them (as {@link #validate} leaves the graph)
   */
  static void withDependencies(String name, Map<String, ProcessSpec> specs, Set<String> into) {
    ArrayDeque<String> todo = new ArrayDeque<>();
    todo.push(name);
    while (!todo.isEmpty()) {
      String n = todo.pop();
      if (into.add(n)) {
        specs.get(n).dependencies().forEach(d -> todo.push(d.name()));
      }
    }
  }
}
