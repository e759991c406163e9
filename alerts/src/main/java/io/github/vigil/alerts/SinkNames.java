package io.github.vigil.alerts;

import static java.util.Objects.requireNonNull;

/** The one check of a sink's name, shared by every sink of this module. */
final class SinkNames {
  private SinkNames() {}

  /**
   * {@code name}, if it names a sink: not null and not blank (it tags the meters and the logs, and tells sinks apart).
   *
   * @throws IllegalArgumentException when it is blank, naming the value ({@code sink name must not be blank: ''})
   */
  static String check(String name) {
    requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("sink name must not be blank: '" + name + "'");
    }
    return name;
  }
}
