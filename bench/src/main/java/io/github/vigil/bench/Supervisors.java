package io.github.vigil.bench;

import io.github.vigil.Supervisor;
import java.util.Map;

/** Supervisors for the benchmarks, built with a backend's opt-in switches: system properties it reads when built. */
final class Supervisors {
  private Supervisors() {}

  /**
   * Refuses a value of the benchmark's {@code @Param} field {@code field} that its annotation does not list, naming
   * the field and the value: JMH's {@code -p NAME=VALUE} sets every benchmark's parameter of that name, so a value
   * meant for another benchmark (or mistyped) must not run as some default contender.
   */
  static void checkParam(Object benchmark, String field) {
    try {
      java.lang.reflect.Field f = benchmark.getClass().getField(field); // public, maybe on a superclass JMH made
      String value = (String) f.get(benchmark);
      java.util.List<String> known = java.util.List.of(f.getAnnotation(org.openjdk.jmh.annotations.Param.class).value());
      if (!known.contains(value)) {
        throw new IllegalArgumentException(f.getDeclaringClass().getSimpleName() + "." + field + " is '" + value
            + "'; it knows " + String.join(", ", known));
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("no public @Param field " + field + " on " + benchmark.getClass(), e);
    }
  }

  /** A supervisor named {@code name} on {@code backend}, built while {@code properties} are set (cleared after). */
  static Supervisor build(String name, String backend, Map<String, String> properties) {
    properties.forEach(System::setProperty);
    try {
      return Supervisor.builder().name(name).backend(backend).build();
    } finally {
      properties.keySet().forEach(System::clearProperty);
    }
  }
}
