package io.github.vigil.alerts;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The last occurrences of an alert's cause, each in a few words with when it happened, and the description an alert that
 * happened more than once makes of them: {@code 3 crashes since 2026-01-05T09:30:02Z: SIGSEGV (core dumped) at 09:30:02,
 * OOM_KILLED at 09:31:10, OOM_KILLED at 09:31:40; last: ...}. The {@link AlertEvaluator}'s CRASHED (the crashes' causes),
 * HEALTH_CHECK_FAILING (the checks' messages) and FLAPPING (what each restart within the window was after) use it.
 *
 * <p>A description names the last {@value #SHOWN} and counts the others, so that a crash loop's stays readable and
 * within a chat's size limit. Times are UTC, {@code HH:mm:ss} when every one named falls on the day of the first
 * occurrence, else with their date ({@code 01-06 09:30:02}): a loop longer than a day read as if within one.
 *
 * <p>Not thread-safe: the evaluator's, used under its lock.
 */
final class Occurrences {
  /** How many occurrences a description names, the latest; the others are counted. */
  static final int SHOWN = 5;
  private static final DateTimeFormatter TIME_OF_DAY =
      DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY_AND_TIME =
      DateTimeFormatter.ofPattern("MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** One occurrence: when (ticker, for windows; wall clock, to show) and what it was. */
  private record Occurrence(long tick, Instant at, String what) {}

  private final int kept;
  private final ArrayDeque<Occurrence> last = new ArrayDeque<>(); // oldest first

  /** Keeps the last {@code kept} occurrences (at least {@value #SHOWN}; more for a window to count, see {@link #dropBefore}). */
  Occurrences(int kept) {
    if (kept < SHOWN) {
      throw new IllegalArgumentException("occurrences kept must be at least " + SHOWN + ": " + kept);
    }
    this.kept = kept;
  }

  /** Forgets them all: the alert they were of is no longer firing. */
  void clear() {
    last.clear();
  }

  /** One more, {@code what} (a few words) at ticker time {@code tick} and wall-clock time {@code at}; the oldest beyond those kept goes. */
  void add(long tick, Instant at, String what) {
    last.addLast(new Occurrence(tick, at, what));
    while (last.size() > kept) {
      last.removeFirst();
    }
  }

  /** Forgets those that happened before ticker time {@code tick} (out of a window). */
  void dropBefore(long tick) {
    while (!last.isEmpty() && last.peekFirst().tick() - tick < 0) {
      last.removeFirst();
    }
  }

  /** How many are kept. */
  int size() {
    return last.size();
  }

  /** When the oldest kept happened; null if none is. */
  @Nullable Instant first() {
    Occurrence o = last.peekFirst();
    return o == null ? null : o.at();
  }

  /**
   * {@code count} occurrences ({@code noun}) since {@code since}, the first: the last {@value #SHOWN} kept named, oldest
   * first, each with its time, after how many came before them ({@code count} less those named), then {@code latest}
   * if not empty ({@code ; last: ...}). {@code byWhat}: each distinct {@code what} once, in the order first named, with
   * the times it happened ({@code HTTP 503 at 09:30:02, 09:32:00; connection refused at 09:31:10}), for long texts that
   * repeat; else each occurrence in turn ({@code SIGSEGV (core dumped) at 09:30:02, OOM_KILLED at 09:31:10}).
   */
  String describe(int count, String noun, Instant since, boolean byWhat, String latest) {
    List<Occurrence> named = new ArrayList<>(last).subList(Math.max(0, last.size() - SHOWN), last.size());
    LocalDate firstDay = LocalDate.ofInstant(since, ZoneOffset.UTC);
    boolean oneDay = named.stream().allMatch(o -> LocalDate.ofInstant(o.at(), ZoneOffset.UTC).equals(firstDay));
    DateTimeFormatter time = oneDay ? TIME_OF_DAY : DAY_AND_TIME;
    StringBuilder b = new StringBuilder().append(count).append(' ').append(noun).append(" since ")
        .append(since.truncatedTo(ChronoUnit.SECONDS)).append(": ");
    int before = count - named.size(); // the older ones, and those of a JVM before this one (taken up)
    if (before > 0) {
      b.append(before).append(" earlier, then ");
    }
    if (byWhat) {
      Map<String, List<String>> times = new LinkedHashMap<>();
      named.forEach(o -> times.computeIfAbsent(o.what(), w -> new ArrayList<>()).add(time.format(o.at())));
      List<String> parts = new ArrayList<>();
      times.forEach((what, at) -> parts.add(what + " at " + String.join(", ", at)));
      b.append(String.join("; ", parts));
    } else {
      b.append(String.join(", ", named.stream().map(o -> o.what() + " at " + time.format(o.at())).toList()));
    }
    if (!latest.isEmpty()) {
      b.append("; last: ").append(latest);
    }
    return b.toString();
  }
}
