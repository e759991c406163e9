package io.github.vigil.alerts;

import io.github.vigil.HumanFormat;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Which alerts go to which sinks, and how often, as in Alertmanager's routes: alerts matching the
 * route are grouped by {@link #groupBy()} labels; a new group waits {@link #groupWait()} so a burst
 * becomes one notification; a group that changes is notified again at most every
 * {@link #groupInterval()} (but after {@link #groupWait()} when an alert joins it more severe than all it notified
 * so far); a group still firing is repeated every {@link #repeatInterval()}; an alert
 * unresolved for {@link #escalateAfter()} is handed to the route {@link #escalateTo()} too.
 *
 * <p>Immutable and thread-safe.
 */
public final class Route {
  private final String name;
  private final Predicate<Alert> matcher;
  private final String matcherText;
  private final List<NotificationSink> sinks;
  private final List<String> groupBy;
  private final Duration groupWait;
  private final Duration groupInterval;
  private final Duration repeatInterval;
  private final @Nullable Duration escalateAfter;
  private final @Nullable String escalateTo;
  private final boolean matchesDirectly;

  private Route(Builder b) {
    this.name = b.name;
    this.matcher = b.matcher;
    this.matcherText = b.matcherText;
    this.sinks = List.copyOf(b.sinks);
    this.groupBy = List.copyOf(b.groupBy);
    this.groupWait = b.groupWait;
    this.groupInterval = b.groupInterval;
    this.repeatInterval = b.repeatInterval;
    this.escalateAfter = b.escalateAfter;
    this.escalateTo = b.escalateTo;
    this.matchesDirectly = b.matchesDirectly;
  }

  /** A route named {@code name}; by default it takes every alert and groups by process. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Its name. */
  public String name() {
    return name;
  }

  /** Whether {@code alert} goes this route directly (escalations come on top). */
  public boolean matches(Alert alert) {
    return matchesDirectly && matcher.test(alert);
  }

  /** Its sinks. */
  public List<NotificationSink> sinks() {
    return sinks;
  }

  /** The labels an alert's group is made of. */
  public List<String> groupBy() {
    return groupBy;
  }

  /** How long a new group waits for more alerts before its first notification. */
  public Duration groupWait() {
    return groupWait;
  }

  /** The least time between two notifications of a group that changed. */
  public Duration groupInterval() {
    return groupInterval;
  }

  /** How often a group still firing without a change is notified again. */
  public Duration repeatInterval() {
    return repeatInterval;
  }

  /** After how long unresolved an alert escalates, if it does. */
  public Optional<Duration> escalateAfter() {
    return Optional.ofNullable(escalateAfter);
  }

  /** The route it escalates to, if any. */
  public Optional<String> escalateTo() {
    return Optional.ofNullable(escalateTo);
  }

  @Override
  public String toString() {
    return "Route{" + name + ", match " + matcherText + ", sinks " + sinks.stream().map(NotificationSink::name).toList()
        + ", groupBy " + groupBy + ", wait " + HumanFormat.duration(groupWait) + ", interval " + HumanFormat.duration(groupInterval)
        + ", repeat " + HumanFormat.duration(repeatInterval)
        + (escalateTo == null ? "" : ", escalate to " + escalateTo + " after " + HumanFormat.duration(escalateAfter)) + "}";
  }

  /** Builds a {@link Route}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private Predicate<Alert> matcher = a -> true;
    private String matcherText = "all";
    private final List<NotificationSink> sinks = new ArrayList<>();
    private List<String> groupBy = List.of("process");
    private Duration groupWait = Duration.ofSeconds(30);
    private Duration groupInterval = Duration.ofMinutes(5);
    private Duration repeatInterval = Duration.ofHours(4);
    private @Nullable Duration escalateAfter;
    private @Nullable String escalateTo;
    private boolean matchesDirectly = true;

    private Builder(String name) {
      requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("route name must not be blank: '" + name + "'");
      }
      this.name = name;
    }

    /** Only alerts at least {@code severity}. */
    public Builder minSeverity(Severity severity) {
      requireNonNull(severity, "severity");
      return match(a -> a.severity().compareTo(severity) >= 0, "severity>=" + severity.label());
    }

    /** Only alerts of these processes. */
    public Builder processes(String... names) {
      Set<String> set = Set.of(names);
      return match(a -> set.contains(a.process()), "process in " + set);
    }

    /** Only alerts whose label {@code label} equals {@code value}. */
    public Builder label(String label, String value) {
      requireNonNull(label, "label");
      requireNonNull(value, "value");
      return match(a -> value.equals(a.labels().get(label)), label + "=" + value);
    }

    /** Only alerts {@code predicate} accepts (and-ed with the other conditions). */
    public Builder match(Predicate<Alert> predicate, String description) {
      Predicate<Alert> before = matcher;
      matcher = before.and(requireNonNull(predicate, "predicate"));
      matcherText = matcherText.equals("all") ? description : matcherText + " and " + description;
      return this;
    }

    /** Takes alerts only by escalation from other routes (an on-call route). */
    public Builder escalationOnly() {
      matchesDirectly = false;
      matcherText = "escalations only";
      return this;
    }

    /** Adds a sink. */
    public Builder sink(NotificationSink sink) {
      sinks.add(requireNonNull(sink, "sink"));
      return this;
    }

    /** Groups by these labels (none: one group for the whole route). */
    public Builder groupBy(String... labels) {
      groupBy = List.of(labels);
      return this;
    }

    /** How long a new group waits before its first notification (default 30 s). */
    public Builder groupWait(Duration d) {
      groupWait = nonNegative(d, "groupWait");
      return this;
    }

    /** The least time between notifications of a changed group (default 5 min). */
    public Builder groupInterval(Duration d) {
      groupInterval = positive(d, "groupInterval");
      return this;
    }

    /** How often a group firing without change is notified again (default 4 h). */
    public Builder repeatInterval(Duration d) {
      repeatInterval = positive(d, "repeatInterval");
      return this;
    }

    /** Hands an alert unresolved for {@code after} to route {@code routeName} as well. */
    public Builder escalateTo(String routeName, Duration after) {
      requireNonNull(routeName, "routeName");
      if (routeName.equals(name)) {
        throw new IllegalArgumentException("route " + name + " cannot escalate to itself");
      }
      escalateTo = routeName;
      escalateAfter = positive(after, "escalateAfter");
      return this;
    }

    /** The route. */
    public Route build() {
      if (sinks.isEmpty()) {
        throw new IllegalStateException("route " + name + " has no sink");
      }
      return new Route(this);
    }

    private static Duration nonNegative(Duration d, String what) {
      requireNonNull(d, what);
      if (d.isNegative()) {
        throw new IllegalArgumentException(what + " must not be negative: " + HumanFormat.duration(d));
      }
      return d;
    }

    private static Duration positive(Duration d, String what) {
      requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive: " + HumanFormat.duration(d));
      }
      return d;
    }
  }
}
