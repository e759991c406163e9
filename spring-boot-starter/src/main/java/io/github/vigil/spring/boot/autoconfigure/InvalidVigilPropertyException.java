package io.github.vigil.spring.boot.autoconfigure;

import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

/**
 * A {@code vigil.*} property whose value Vigil rejects, e.g.
 * {@code vigil.processes.quote-feed.restart.max-restarts=-1}. Turned into a start-up failure
 * analysis by {@link VigilFailureAnalyzer}. Several found at once (every mistake of every part of the properties: the
 * processes', attachments', groups', calendars', schedules', alert sinks' and routes', gathered by
 * {@link VigilPropertyProblems}) are one exception, listing each ({@link #all()}), so that a start-up names them all
 * rather than one a restart.
 *
 * <p>Immutable and thread-safe.
 */
public class InvalidVigilPropertyException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String property;
  private final @Nullable Object value;
  private final String reason;
  private final @Nullable String origin;
  /** Every one rejected together when several were ({@link #of}), in order; null for one. */
  private final java.util.@Nullable List<InvalidVigilPropertyException> several;

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
    this.several = null;
  }

  /** The first of {@code all}, with all of them as {@link #all()}, and a message naming every one. */
  private InvalidVigilPropertyException(java.util.List<InvalidVigilPropertyException> all) {
    super(all.size() + " vigil.* properties are invalid: " + all.stream().map(Throwable::getMessage)
        .collect(java.util.stream.Collectors.joining("; ")));
    InvalidVigilPropertyException first = all.get(0);
    this.property = first.property;
    this.value = first.value;
    this.reason = first.reason;
    this.origin = first.origin;
    this.several = java.util.List.copyOf(all);
  }

  /**
   * One failure for every property of {@code all} (at least one), so that a start-up says each mistake at once, not one
   * a restart: {@code all}'s only element when there is one, else an exception whose property, value, reason and origin
   * are the first's and whose {@link #all()} lists every one, in {@code all}'s order.
   */
  public static InvalidVigilPropertyException of(java.util.List<InvalidVigilPropertyException> all) {
    if (all.isEmpty()) {
      throw new IllegalArgumentException("no invalid property");
    }
    return all.size() == 1 ? all.get(0) : new InvalidVigilPropertyException(all);
  }

  /**
   * Throws one failure for every property of {@code problems}, sorted by property name (a stable sort: one property's
   * several mistakes keep their order), when there is any; so that the order does not depend on how they were found. One
   * found twice (a {@code vigil.defaults.*} value, refused for each process that takes it) is listed once.
   */
  static void throwAll(java.util.List<InvalidVigilPropertyException> problems) {
    if (!problems.isEmpty()) {
      java.util.Map<String, InvalidVigilPropertyException> distinct = new java.util.LinkedHashMap<>();
      problems.forEach(p -> distinct.putIfAbsent(p.getMessage(), p));
      java.util.List<InvalidVigilPropertyException> sorted = new java.util.ArrayList<>(distinct.values());
      sorted.sort(java.util.Comparator.comparing(InvalidVigilPropertyException::property));
      throw of(sorted);
    }
  }

  /**
   * Every property rejected together, in order: just this one, or each of those found at once ({@link #of}), the first
   * being the one this exception's {@link #property()}, {@link #value()}, {@link #reason()} and {@link #origin()} are.
   */
  public java.util.List<InvalidVigilPropertyException> all() {
    return several != null ? several : java.util.List.of(this);
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
