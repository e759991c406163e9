package io.github.vigil;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The environment of a supervised process: whether it inherits the JVM's, and what it sets and removes.
 *
 * <p>Removals apply after inheritance and before overrides, so a variable both removed and set ends up set.
 *
 * <p>Immutable and thread-safe.
 *
 * @param inherit whether to start from the JVM's environment
 * @param set variables to set or override
 * @param remove variables to remove from the inherited environment
 */
public record Environment(boolean inherit, Map<String, String> set, Set<String> remove) {

  public Environment {
    requireNonNull(set, "set");
    requireNonNull(remove, "remove");
    for (Map.Entry<String, String> e : set.entrySet()) {
      checkName(e.getKey());
      requireNonNull(e.getValue(), () -> "environment." + e.getKey());
      if (e.getValue().indexOf('\0') >= 0) {
        throw new IllegalArgumentException("environment." + e.getKey() + " must not contain a NUL character");
      }
    }
    remove.forEach(Environment::checkName);
    set = Map.copyOf(new TreeMap<>(set));
    remove = Set.copyOf(new TreeSet<>(remove));
  }

  private static void checkName(String name) {
    if (name == null || name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("environment variable name is invalid: '" + name + "'");
    }
  }

  /** The JVM's environment, unchanged. */
  public static Environment inherited() {
    return new Environment(true, Map.of(), Set.of());
  }

  /** Only the given variables. */
  public static Environment only(Map<String, String> variables) {
    return new Environment(false, variables, Set.of());
  }

  /** The environment a child gets, given the JVM's. */
  public Map<String, String> resolve(Map<String, String> jvmEnvironment) {
    Map<String, String> result = new TreeMap<>();
    if (inherit) {
      result.putAll(jvmEnvironment);
    }
    remove.forEach(result::remove);
    result.putAll(set);
    return result;
  }
}
