package io.github.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading a command's tables back in tests: whether its lines fit a width, how often a text occurs, its words, a column's cells. */
final class TableText {
  private TableText() {}

  /** Every line of {@code out} at most {@code width} columns. */
  static void assertFits(String out, int width) {
    for (String line : out.split("\n")) {
      assertThat(line.length()).as("a line of %d columns:%n%s%n%s", line.length(), line, out).isLessThanOrEqualTo(width);
    }
  }

  /** How often {@code part} occurs in {@code out}, not overlapping. */
  static int count(String out, String part) {
    Matcher m = Pattern.compile(Pattern.quote(part)).matcher(out);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /** The output's words, without the table's lines, one space apart: a cell or note wrapped over lines reads as one text. */
  static String words(String out) {
    return out.replaceAll("[│┌┬┐├┼┤└┴┘─]", " ").replaceAll("\\s+", " ");
  }

  /**
   * The cells of the column under {@code header}, one per row, a cell wrapped over lines read back as one text (its
   * lines joined by a space, or by nothing after a {@code '/'} or {@code '_'} it was broken after). A row starts on the
   * line where the column under {@code key} has text (a column never wrapped: a run's number, an event's type); it ends
   * there, or at a note, a heading or the table's end.
   */
  static List<String> column(String out, String header, String key) {
    List<String> lines = out.lines().toList();
    int columns = 0;
    int at = -1;
    int keyAt = -1;
    for (String line : lines) {
      String[] cells = line.split("│", -1);
      for (int i = 0; i < cells.length && (at < 0 || keyAt < 0); i++) {
        if (at < 0 && cells[i].trim().equals(header)) {
          at = i;
          columns = cells.length;
        }
        if (keyAt < 0 && cells[i].trim().equals(key)) {
          keyAt = i;
        }
      }
    }
    assertThat(at).as("no column %s in%n%s", header, out).isPositive();
    assertThat(keyAt).as("no column %s in%n%s", key, out).isPositive();
    List<String> found = new ArrayList<>();
    StringBuilder cell = null;
    boolean body = false; // after the rule under the header
    for (String line : lines) {
      String[] cells = line.split("│", -1);
      boolean row = body && cells.length == columns;
      if (cell != null && (!row || !cells[keyAt].isBlank())) { // a note, a heading, the table's end or the next row
        found.add(cell.toString());
        cell = null;
      }
      if (row) {
        String part = cells[at].trim();
        if (cell == null) {
          cell = new StringBuilder(part);
        } else if (!part.isEmpty()) {
          cell.append(cell.toString().endsWith("/") || cell.toString().endsWith("_") ? "" : " ").append(part);
        }
      }
      body |= line.startsWith("├");
    }
    if (cell != null) {
      found.add(cell.toString());
    }
    return found;
  }
}
