package io.github.vigil.alerts;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One message to the sinks of a route: a group of alerts (by default those of one process) that
 * changed, or that still fire when the repeat interval came round.
 *
 * <p>Immutable and thread-safe.
 *
 * @param route the route's name
 * @param groupKey identity of the group within the route ({@code route{process="quote-feed"}})
 * @param groupLabels the labels the group shares (its group-by labels)
 * @param firing the group's firing alerts
 * @param resolved the group's alerts resolved since the previous notification of the group
 * @param at when it was made
 * @param repeat whether it repeats a previous notification without a change
 * @param escalated whether the alerts reached this route by escalation
 */
public record Notification(String route, String groupKey, Map<String, String> groupLabels, List<Alert> firing,
    List<Alert> resolved, Instant at, boolean repeat, boolean escalated) {

  public Notification {
    requireNonNull(route, "route");
    requireNonNull(groupKey, "groupKey");
    groupLabels = Map.copyOf(groupLabels);
    firing = List.copyOf(firing);
    resolved = List.copyOf(resolved);
    requireNonNull(at, "at");
    if (firing.isEmpty() && resolved.isEmpty()) {
      throw new IllegalArgumentException("a notification needs an alert: " + groupKey);
    }
  }

  /** FIRING while any alert fires, else RESOLVED. */
  public Alert.Status status() {
    return firing.isEmpty() ? Alert.Status.RESOLVED : Alert.Status.FIRING;
  }

  /** Every alert, firing first. */
  public List<Alert> alerts() {
    return firing.isEmpty() ? resolved : resolved.isEmpty() ? firing
        : java.util.stream.Stream.concat(firing.stream(), resolved.stream()).toList();
  }

  /** The highest severity among the firing alerts (among the resolved ones when none fires). */
  public Severity severity() {
    Severity s = Severity.INFO;
    for (Alert a : firing.isEmpty() ? resolved : firing) {
      if (a.severity().compareTo(s) > 0) {
        s = a.severity();
      }
    }
    return s;
  }

  /**
   * A one-line title: {@code [FIRING:2] quote-feed CRITICAL}, {@code [RESOLVED] quote-feed},
   * with {@code ESCALATED} when it reached the route by escalation.
   */
  public String title() {
    String who = groupLabels.isEmpty() ? route : String.join(" ", groupLabels.values());
    String head = firing.isEmpty() ? "[RESOLVED] " : "[FIRING:" + firing.size() + "] ";
    return head + who + (firing.isEmpty() ? "" : " " + severity().name()) + (escalated ? " ESCALATED" : "");
  }

  /**
   * Plain text: the title, then one line per alert (firing, then resolved), each saying how many times its cause happened
   * if more than once; an alert whose description tells its occurrences ({@link #showsHistory}) is followed by an
   * indented line with it.
   */
  public String text() {
    return lines(title() + "\n", "- ", s -> s, "  ");
  }

  /**
   * Markdown for chat robots: a heading, then a bullet per alert, each saying how many times its cause happened if more
   * than once; an alert whose description tells its occurrences ({@link #showsHistory}) gets a nested bullet with it.
   */
  public String markdown() {
    return lines("### " + title() + "\n\n", "- ", s -> "**" + s + "**", "  - ");
  }

  /**
   * The lines of {@link #text()}, {@link #markdown()} and the sinks' own markups (Slack's {@code mrkdwn}): {@code head},
   * then per alert {@code bullet}, its severity (or RESOLVED) as {@code strong} writes it, its summary, its count (a
   * resolved one's as {@code (after N occurrences)}), and its time; its history under it after {@code nested}.
   */
  String lines(String head, String bullet, java.util.function.UnaryOperator<String> strong, String nested) {
    return lines(head, bullet, strong, nested, s -> s);
  }

  /**
   * As {@link #lines(String, String, java.util.function.UnaryOperator, String)}, with what the alerts say (their
   * summaries and histories) passed through {@code escape} first, and the markup given (head, bullets, strong) as it is.
   */
  String lines(String head, String bullet, java.util.function.UnaryOperator<String> strong, String nested,
      java.util.function.UnaryOperator<String> escape) {
    StringBuilder sb = new StringBuilder(head);
    for (Alert a : firing) {
      sb.append(bullet).append(strong.apply(a.severity().name())).append(' ').append(escape.apply(a.summary()));
      if (a.occurrences() > 1) {
        sb.append(" (").append(a.occurrences()).append(" times)");
      }
      sb.append(", since ").append(readable(a.startsAt())).append('\n');
      if (showsHistory(a)) {
        sb.append(nested).append(escape.apply(a.description())).append('\n');
      }
    }
    for (Alert a : resolved) {
      sb.append(bullet).append(strong.apply("RESOLVED")).append(' ').append(escape.apply(a.summary()));
      if (a.occurrences() > 1) {
        sb.append(" (after ").append(a.occurrences()).append(" occurrences)");
      }
      sb.append(", at ").append(readable(a.endsAt())).append('\n');
    }
    return sb.toString();
  }

  /**
   * Whether {@code a}'s line is followed by its description, which tells its occurrences where its summary says the
   * latest only: a CRASHED or HEALTH_CHECK_FAILING that fired more than once (its last crashes' causes, its checks' last
   * messages), a FLAPPING (its restarts within the window, more than one from the first).
   */
  private static boolean showsHistory(Alert a) {
    if (a.description().isEmpty()) {
      return false;
    }
    return switch (a.type()) {
      case CRASHED, HEALTH_CHECK_FAILING -> a.occurrences() > 1;
      case FLAPPING -> true;
      default -> false;
    };
  }

  /** A time as a person reads it in a message: to the second, UTC ({@code 2026-12-05T09:30:00Z}), not to the nanosecond. */
  private static @Nullable Instant readable(@Nullable Instant t) {
    return t == null ? null : t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
  }
}
