package io.github.vigil.journal;

import io.github.vigil.SupervisorEvent;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The {@code reason} column of the events that fill no other column of their own (supervision, groups, spec
 * updates, trading calendars and schedules): what happened, in a line, never empty. Internal.
 */
final class EventReasons {
  private EventReasons() {}

  /** How a {@code WatchWindowChanged}'s reason begins; {@link #watchWindowClosed} reads it back (also of older rows). */
  static final String WATCH_WINDOW_OPEN = "watch window open";
  static final String WATCH_WINDOW_CLOSED = "watch window closed";

  /** Whether {@code reason}, of a {@code WatchWindowChanged} row, says the window is closed. */
  static boolean watchWindowClosed(@Nullable String reason) {
    return reason != null && reason.startsWith(WATCH_WINDOW_CLOSED);
  }

  /** The reason of {@code event}; {@link Journal} fills those of the other kinds with their columns. */
  static String of(SupervisorEvent event) {
    if (event instanceof SupervisorEvent.SupervisionChanged e) {
      return "supervision " + (e.supervised() ? "on" : "off") + words(e.reason()) + by(e.origin(), e.actor());
    } else if (event instanceof SupervisorEvent.GroupStateChanged e) {
      // as the CLI writes a process's state change (EventsCommand.detail): FROM → TO (ORIGIN): its words
      return "group " + e.from() + " → " + e.to() + " (" + e.origin() + ")" + words(e.reason());
    } else if (event instanceof SupervisorEvent.GroupRestart e) {
      return e.child() + " ended; " + lower(e.strategy()) + (e.restarted().isEmpty() ? " restarts it alone"
          : " restarts it with " + String.join(", ", e.restarted())) + " (restart " + e.restarts() + " within the group's period)";
    } else if (event instanceof SupervisorEvent.GroupFailed e) {
      return orElse(e.reason(), "intensity exceeded") + " (by " + e.child() + "): all children stopped, "
          + (e.toParent() == null ? "the group is FAILED" : "its parent " + e.toParent() + " restarts it");
    } else if (event instanceof SupervisorEvent.SpecUpdated e) {
      String command = e.previous().command().equals(e.spec().command()) ? "" : "; command now " + String.join(" ", e.spec().command());
      return "spec updated, " + lower(e.mode()).replace('_', ' ') + words(e.reason()) + command + by(e.origin(), e.actor());
    } else if (event instanceof SupervisorEvent.SessionOpened e) {
      return "session " + orElse(e.session(), "(unnamed)") + " of trade day " + e.tradeDay() + " opened; closes at " + e.closes();
    } else if (event instanceof SupervisorEvent.SessionClosed e) {
      return "session " + orElse(e.session(), "(unnamed)") + " of trade day " + e.tradeDay() + " closed";
    } else if (event instanceof SupervisorEvent.ScheduleStarted e) {
      return "started by its schedule, trade day " + e.tradeDay() + words(e.reason());
    } else if (event instanceof SupervisorEvent.ScheduleStopped e) {
      return "stopped by its schedule, trade day " + e.tradeDay() + words(e.reason());
    } else if (event instanceof SupervisorEvent.WatchWindowChanged e) {
      // "open" and "closed", not "opened": the schedule's start says where the window stands too, as no edge
      return (e.open() ? WATCH_WINDOW_OPEN : WATCH_WINDOW_CLOSED) + ", trade day " + e.tradeDay() + "; the attachment is " + e.state();
    } else if (event instanceof SupervisorEvent.OutsideWindow e) {
      return "outside its window (trade day " + e.tradeDay() + "), recorded only: " + inner(e.event());
    }
    // a kind the journal has no words for yet: its name at least (EventReasonsTest fails on such a kind)
    return event.getClass().getSimpleName();
  }

  /** What the event an {@code OutsideWindow} stands for was, in a few words. */
  private static String inner(SupervisorEvent event) {
    String kind = event.getClass().getSimpleName();
    if (event instanceof SupervisorEvent.Exited e) {
      return kind + " run " + e.run() + ", " + e.exit();
    } else if (event instanceof SupervisorEvent.StateChanged e) {
      return kind + " " + e.from() + " → " + e.to();
    } else if (event instanceof SupervisorEvent.Failed e) {
      return kind + ", " + orElse(e.reason(), String.valueOf(e.lastExit()));
    } else if (event instanceof SupervisorEvent.AttachedLost e) {
      return kind + " pid " + e.lost().pid() + " (" + e.lost().processName() + ")";
    } else if (event instanceof SupervisorEvent.AttachStateChanged e) {
      return kind + " " + e.from() + " → " + e.to();
    }
    return kind;
  }

  /** ": " and the event's own words, or nothing where it has none. */
  private static String words(@Nullable String reason) {
    return reason == null || reason.isBlank() ? "" : ": " + reason;
  }

  private static String by(io.github.vigil.Origin origin, @Nullable String actor) {
    return " (" + lower(origin) + (actor == null || actor.isBlank() ? "" : ", " + actor) + ")";
  }

  /** {@code text}, or {@code fallback} where it is null or blank: an event's own words may be empty. */
  static String orElse(@Nullable String text, String fallback) {
    return text == null || text.isBlank() ? fallback : text;
  }

  static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
