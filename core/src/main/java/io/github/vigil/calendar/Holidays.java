package io.github.vigil.calendar;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Reads lists of dates: holidays or extra trading days, from a file with one date per line or from a
 * property value with dates separated by commas.
 *
 * <p>A date is ISO ({@code 2026-10-01}); a range of consecutive dates is written
 * {@code 2026-10-01..2026-10-07} (both ends included). In files, {@code #} starts a comment to the
 * end of the line, and blank lines are skipped:
 * <pre>
 * # Shanghai 2026 (example data, not authoritative)
 * 2026-01-01            # New Year
 * 2026-02-16..2026-02-20
 * </pre>
 * Errors name the source (a file by its full path), the line and the value: {@code line 7 of
 * /etc/desk/shfe.holidays: '2026-13-01' is not a date}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Holidays {
  private Holidays() {}

  /**
   * Reads a file with one date or range per line, UTF-8. Errors name the file by its full (absolute) path, once.
   *
   * @throws IllegalArgumentException on a malformed line, naming the file, the line and the value
   * @throws UncheckedIOException when the file cannot be read, naming it
   */
  public static SortedSet<LocalDate> read(Path file) {
    requireNonNull(file, "file");
    Path path = file.toAbsolutePath().normalize();
    List<String> lines;
    try {
      lines = Files.readAllLines(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read holiday file " + path + ": " + why(e), e);
    }
    return parseLines(lines, path.toString());
  }

  /**
   * Why a file could not be read, in words, without its path (the caller names it): a {@link
   * java.nio.file.NoSuchFileException}'s message is the path alone, another {@link java.nio.file.FileSystemException}'s
   * the path and the reason ({@code /a/b.calendar: Not a directory}).
   */
  static String why(IOException e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "it does not exist";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /**
   * Parses lines as a holiday file does; {@code source} names them in errors.
   *
   * @throws IllegalArgumentException on a malformed line, naming the source, the line and the value
   */
  public static SortedSet<LocalDate> parseLines(List<String> lines, String source) {
    requireNonNull(lines, "lines");
    requireNonNull(source, "source");
    SortedSet<LocalDate> out = new TreeSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = stripComment(lines.get(i));
      if (!line.isEmpty()) {
        addDates(out, line, "line " + (i + 1) + " of " + source);
      }
    }
    return out;
  }

  /**
   * Parses a comma-separated list, e.g. a property value {@code 2026-01-01, 2026-10-01..2026-10-07};
   * {@code source} (e.g. the property's name) names it in errors. An empty or blank list is empty; an
   * empty item in a list ({@code 2026-01-01,,2026-01-02}, or a comma at either end) is refused, as a date
   * left out by mistake is more likely than an empty one meant.
   *
   * @throws IllegalArgumentException on a malformed or empty item, naming the source, the item's position and
   *     the value
   */
  public static SortedSet<LocalDate> parseList(String list, String source) {
    requireNonNull(list, "list");
    requireNonNull(source, "source");
    SortedSet<LocalDate> out = new TreeSet<>();
    if (list.isBlank()) {
      return out;
    }
    String[] items = list.split(",", -1);
    for (int i = 0; i < items.length; i++) {
      String s = items[i].trim();
      if (s.isEmpty()) {
        throw new IllegalArgumentException(source + ": item " + (i + 1) + " of '" + list + "' is empty (a date left out, or a comma too many)");
      }
      addDates(out, s, source);
    }
    return out;
  }

  static String stripComment(String line) {
    int hash = line.indexOf('#');
    return (hash >= 0 ? line.substring(0, hash) : line).strip();
  }

  static void addDates(SortedSet<LocalDate> out, String item, String where) {
    int dots = item.indexOf("..");
    if (dots < 0) {
      out.add(date(item, where));
      return;
    }
    LocalDate from = date(item.substring(0, dots).strip(), where);
    LocalDate to = date(item.substring(dots + 2).strip(), where);
    if (to.isBefore(from)) {
      throw new IllegalArgumentException(where + ": range '" + item + "' ends before it begins");
    }
    if (from.plusYears(2).isBefore(to)) {
      throw new IllegalArgumentException(where + ": range '" + item + "' is longer than two years");
    }
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      out.add(d);
    }
  }

  static LocalDate date(String s, String where) {
    try {
      return LocalDate.parse(s);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(where + ": '" + s + "' is not a date (expected yyyy-mm-dd)", e);
    }
  }
}
