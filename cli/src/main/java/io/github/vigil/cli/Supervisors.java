package io.github.vigil.cli;

import io.github.vigil.journal.JournalEvent;
import io.github.vigil.journal.JournalReader;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Which supervising JVM a process's run was of, from the journal's registrations of the process
 * ({@link JournalReader#registrations}): each JVM numbers a process's runs from 1, so after a JVM restart "run 1" is two
 * runs, told apart by when their JVM registered the process (SUPERVISOR STARTED in {@code vigil history}, JSON
 * {@code supervisorStartedAt}). {@code vigil crash}, {@code events} and {@code diagnose} name it the same way.
 */
final class Supervisors {
  /** Per host, the process's registrations, oldest first. */
  private final Map<String, List<Instant>> registered;

  private Supervisors(Map<String, List<Instant>> registered) {
    this.registered = registered;
  }

  /** The registrations of {@code process} before {@code to}. */
  static Supervisors of(JournalReader reader, String process, Instant to) throws SQLException {
    Map<String, List<Instant>> registered = new HashMap<>();
    for (JournalEvent e : reader.registrations(process, to)) {
      registered.computeIfAbsent(e.host(), h -> new ArrayList<>()).add(e.at());
    }
    return new Supervisors(registered);
  }

  /** The registrations on {@code host}, oldest first. */
  List<Instant> on(String host) {
    return registered.getOrDefault(host, List.of());
  }

  /**
   * When the supervisor of what {@code host} recorded at {@code at} (a run's start, its exit, a diagnosis of it)
   * registered the process: its last registration there at or before {@code at}; null where the journal holds none
   * (deleted as old, or the journal was attached after the process was started).
   */
  @Nullable Instant startedAt(String host, Instant at) {
    Instant found = null;
    for (Instant r : on(host)) {
      if (r.isAfter(at)) {
        break;
      }
      found = r;
    }
    return found;
  }

  /**
   * Whether two of the registrations fall in one second: a start time to the second then names either supervisor, so
   * the commands show supervisors' start times with milliseconds (all of them, so that a column reads alike). All the
   * registrations count, not only those of the rows shown: {@code crash} shows one supervisor, whose time must still
   * tell it from the others.
   */
  boolean startsInOneSecond() {
    java.util.Set<Long> seconds = new java.util.HashSet<>();
    for (List<Instant> on : registered.values()) {
      for (Instant r : on) {
        if (!seconds.add(r.getEpochSecond())) {
          return true;
        }
      }
    }
    return false;
  }

  /** When a supervisor started, as {@link VigilCli.Common#time} gives it: with milliseconds where {@link #startsInOneSecond()}. */
  String time(VigilCli.Common common, Instant startedAt) {
    return common.time(startedAt, startsInOneSecond());
  }

  /** Whether more than one supervisor on {@code host} registered the process: a run number alone is then ambiguous. */
  boolean several(String host) {
    return on(host).size() > 1;
  }
}
