package io.github.vigil.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * A {@code vigil.*} property whose value Vigil rejects, e.g.
 * {@code vigil.processes.quote-feed.restart.max-restarts=-1}. Turned into a start-up failure
 * analysis by {@link VigilFailureAnalyzer}.
 *
 * <p>Immutable and thread-safe.
 */
public class InvalidVigilPropertyException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String property;
  private final @Nullable Object value;
  private final String reason;
  private final @Nullable String origin;

  /**
   * @param property the full property name, e.g. {@code vigil.processes.quote-feed.restart.max-restarts}
   * @param value the rejected value, as bound
   * @param reason why it is rejected
   * @param origin where the value was defined (file and line), when known
   */
  public InvalidVigilPropertyException(String property, @Nullable Object value, String reason, @Nullable String origin) {
    super(property + "=" + shown(value) + ": " + reason + (origin != null ? " (from " + origin + ")" : ""));
    this.property = requireNonNull(property, "property");
    this.value = value;
    this.reason = requireNonNull(reason, "reason");
    this.origin = origin;
  }

  /** A value as a person wrote it: a duration in words ({@code -5.00 s}), not ISO-8601 ({@code PT-5S}). */
  static String shown(@Nullable Object value) {
    return value instanceof java.time.Duration d ? io.github.vigil.HumanFormat.duration(d) : String.valueOf(value);
  }

  /** The full property name. */
  public String property() {
    return property;
  }

  /** The rejected value. */
  public @Nullable Object value() {
    return value;
  }

  /** Why the value is rejected. */
  public String reason() {
    return reason;
  }

  /** Where the value was defined, e.g. {@code class path resource [application.yml] - 12:23}, when known. */
  public @Nullable String origin() {
    return origin;
  }
}
