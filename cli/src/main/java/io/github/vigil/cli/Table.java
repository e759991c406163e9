package io.github.vigil.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * A table drawn with box-drawing characters. Widths are measured on the plain text; colour is applied to the
 * text of a cell before it is padded, so escapes never break the alignment and a colour by value sees the value.
 * Numbers align right where a column says so.
 */
final class Table {
  private final List<String> headers;
  private final boolean[] right;
  private final List<List<String>> rows = new ArrayList<>();
  private final List<List<UnaryOperator<String>>> colours = new ArrayList<>();
  /** Each row's note, or null: text drawn under the row across the columns from {@code NOTE_FROM} on, wrapped to fit. */
  private final List<String> notes = new ArrayList<>();
  /** Notes are drawn under all columns but the first, which holds the row's number or name. */
  private static final int NOTE_FROM = 1;
  /** Each row's heading, or null: text drawn above the row across the whole table (a group's title), wrapped to fit. */
  private final List<String> headings = new ArrayList<>();
  private @Nullable String nextHeading;

  Table(String... headers) {
    this.headers = List.of(headers);
    this.right = new boolean[headers.length];
  }

  Table alignRight(int... columns) {
    for (int c : columns) {
      right[c] = true;
    }
    return this;
  }

  Table row(String... cells) {
    List<UnaryOperator<String>> none = new ArrayList<>();
    for (int i = 0; i < cells.length; i++) {
      none.add(UnaryOperator.identity());
    }
    return row(List.of(cells), none);
  }

  Table row(List<String> cells, List<UnaryOperator<String>> colour) {
    if (cells.size() != headers.size()) {
      throw new IllegalArgumentException("row has " + cells.size() + " cells for " + headers.size() + " columns: " + cells);
    }
    rows.add(cells);
    colours.add(colour);
    notes.add(null);
    headings.add(nextHeading);
    nextHeading = null;
    return this;
  }

  /**
   * A heading for the rows that follow: {@code text} is drawn on lines of its own above the next row, across the whole
   * table, wrapped at spaces to fit: the title of a group of rows (the runs of one supervisor) that so takes no column.
   */
  Table heading(String text) {
    nextHeading = text;
    return this;
  }

  /**
   * A row with a note: {@code note} is drawn on lines of its own under the row, across all columns but the first (the
   * table's width, not a column's), wrapped at spaces to fit; a line break in it starts a line. A long text (a detail, a
   * path) so takes no column of its own that would widen the table past a terminal's width.
   */
  Table row(List<String> cells, List<UnaryOperator<String>> colour, String note) {
    row(cells, colour);
    return note(notes.size() - 1, note);
  }

  /** Gives row {@code row} (0-based, in the order added) the note {@code note}, as {@link #row(List, List, String)} does. */
  Table note(int row, String note) {
    if (headers.size() <= NOTE_FROM) {
      throw new IllegalStateException("a note needs a column after the first: " + headers);
    }
    notes.set(row, note);
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  /** How wide the table is drawn with no width to fit: its columns as wide as their widest lines, and its bars. */
  int naturalWidth() {
    return width(Table::widest);
  }

  /**
   * Whether {@link #render(Style, int)} can draw the table within {@code width} columns: each column narrowed no further
   * than its longest word. A command whose table cannot moves a long column's text to a note under each row instead.
   */
  boolean fits(int width) {
    return width(Table::longestWord) <= width;
  }

  /** The table's width with each column as wide as {@code measure} says its widest cell (or header) is, and its bars. */
  private int width(java.util.function.ToIntFunction<String> measure) {
    int total = 3 * headers.size() + 1;
    for (int i = 0; i < headers.size(); i++) {
      int w = measure.applyAsInt(headers.get(i));
      for (List<String> r : rows) {
        w = Math.max(w, measure.applyAsInt(r.get(i)));
      }
      total += w;
    }
    return total;
  }

  /**
   * The table, at most {@code maxWidth} columns wide where its cells allow: while it is wider, the widest column is
   * narrowed by one, its cells wrapped as notes are ({@link #wrap}: at spaces, or after a path's {@code '/'} or a name's
   * {@code '_'}), down to the longest word (or such part) of the column; no word is cut, so a table of long words (a
   * fleet's long host names in 80 columns) may stay wider. Nothing is left out: a narrowed cell takes more lines.
   */
  String render(Style style, int maxWidth) {
    int n = headers.size();
    // for an ASCII terminal, replaced before measuring: "→" becomes "->", one column wider
    UnaryOperator<String> text = style.ascii() ? AsciiFallback::ascii : UnaryOperator.identity();
    List<String> head = headers.stream().map(text).toList();
    List<List<String>> body = rows.stream().map(r -> r.stream().map(text).toList()).toList();
    int[] w = new int[n];
    int[] least = new int[n];
    for (int i = 0; i < n; i++) {
      w[i] = widest(head.get(i));
      least[i] = longestWord(head.get(i));
      for (List<String> r : body) {
        w[i] = Math.max(w[i], widest(r.get(i)));
        least[i] = Math.max(least[i], longestWord(r.get(i)));
      }
    }
    int total = 3 * n + 1;
    for (int x : w) {
      total += x;
    }
    int[] natural = w.clone();
    while (total > maxWidth) {
      int widest = -1;
      for (int i = 0; i < n; i++) {
        if (w[i] > least[i] && (widest < 0 || w[i] > w[widest])) {
          widest = i;
        }
      }
      if (widest < 0) {
        break; // every column as narrow as its longest word
      }
      w[widest]--;
      total--;
    }
    for (int i = 0; i < n; i++) {
      if (w[i] < natural[i]) {
        int col = i;
        head = narrowed(head, col, w[col]);
        body = body.stream().map(r -> narrowed(r, col, w[col])).toList();
        // as wide as its lines came out: a date wrapped over its time in 12 columns takes 10
        w[i] = widest(head.get(i));
        for (List<String> r : body) {
          w[i] = Math.max(w[i], widest(r.get(i)));
        }
      }
    }
    String box = style.ascii() ? "+++++++++-|" : "┌┬┐├┼┤└┴┘─│";
    StringBuilder b = new StringBuilder();
    line(b, w, box, 0);
    cells(b, w, head, null, style, true, box.charAt(10));
    line(b, w, box, 3);
    // a note spans the columns from NOTE_FROM on, and the bars between them
    int noteWidth = -3;
    for (int i = NOTE_FROM; i < n; i++) {
      noteWidth += w[i] + 3;
    }
    char bar = box.charAt(10);
    int inner = noteWidth + NOTE_FROM * 3;
    for (int i = 0; i < NOTE_FROM; i++) {
      inner += w[i];
    }
    for (int r = 0; r < body.size(); r++) {
      String heading = headings.get(r);
      if (heading != null) {
        for (String line : wrap(text.apply(heading), inner)) {
          b.append(bar).append(' ').append(line).append(" ".repeat(Math.max(0, inner - visible(line)))).append(' ').append(bar).append('\n');
        }
      }
      cells(b, w, body.get(r), colours.get(r), style, false, bar);
      String note = notes.get(r);
      if (note != null) {
        for (String line : wrap(text.apply(note), noteWidth)) {
          b.append(bar);
          for (int i = 0; i < NOTE_FROM; i++) {
            b.append(" ".repeat(w[i] + 2)).append(bar);
          }
          b.append(' ').append(line).append(" ".repeat(noteWidth - visible(line))).append(' ').append(bar).append('\n');
        }
      }
    }
    line(b, w, box, 6);
    return b.toString();
  }

  /**
   * {@code text}'s lines, each broken into lines of at most {@code width}: after a clause's {@code "; "} where one
   * ends in the second half of the line, else at a space not after a digit (a figure stays with its unit, a date with its time), else at
   * any space; a longer word after its last {@code '/'} or {@code '_'} that fits (a path, a cause's name), else it is cut.
   */
  static List<String> wrap(String text, int width) {
    List<String> out = new ArrayList<>();
    for (String paragraph : text.split("\n", -1)) {
      String rest = paragraph.stripTrailing();
      while (visible(rest) > width) {
        int clause = rest.lastIndexOf("; ", width - 1);
        int cut = clause >= width / 2 ? clause + 1 : 0; // the space after it, where that leaves a line half full at least
        for (int at = width; cut <= 0 && at > 0; at--) {
          if (rest.charAt(at) == ' ' && !Character.isDigit(rest.charAt(at - 1))) {
            cut = at;
          }
        }
        if (cut <= 0) {
          cut = rest.lastIndexOf(' ', width);
        }
        if (cut <= 0) {
          // no space to break at: after a path's '/' or a name's '_' (HEALTH_CHECK_FAILED), else cut the word
          cut = width;
          for (int at = width - 1; at > 0; at--) {
            if (BREAKS_AFTER.indexOf(rest.charAt(at)) >= 0) {
              cut = at + 1;
              break;
            }
          }
          out.add(rest.substring(0, cut));
          rest = rest.substring(cut);
        } else {
          out.add(rest.substring(0, cut).stripTrailing());
          rest = rest.substring(cut + 1).stripLeading();
        }
      }
      out.add(rest);
    }
    return out;
  }

  /**
   * {@code text} in lines of at most {@code width} columns, broken as {@link #wrap} breaks them: the first line after
   * {@code first}, the others after as many spaces (a numbered suggestion's hanging indent, a stderr tail's indent), each
   * line's text through {@code colour} and ended by a line break. Nothing is cut: the text around a table (a title, a
   * footnote, a suggestion naming a path) fits the width the table does.
   */
  static String paragraph(String text, int width, String first, UnaryOperator<String> colour) {
    StringBuilder b = new StringBuilder();
    String indent = first;
    for (String line : wrap(text, Math.max(1, width - first.length()))) {
      b.append(indent).append(colour.apply(line)).append('\n');
      indent = " ".repeat(first.length());
    }
    return b.toString();
  }

  /**
   * A report's title line, {@code name} in bold then {@code rest}, wrapped to {@code width} as {@link #paragraph}: the
   * name in bold where the first line holds it whole.
   */
  static String title(String name, String rest, Style style, int width) {
    StringBuilder b = new StringBuilder();
    for (String line : wrap(name + rest, width)) {
      b.append(line.startsWith(name) ? style.bold(name) + line.substring(name.length()) : line).append('\n');
    }
    return b.toString();
  }

  /** {@code cells} with the one at {@code column} wrapped to {@code width}. */
  private static List<String> narrowed(List<String> cells, int column, int width) {
    List<String> out = new ArrayList<>(cells);
    out.set(column, String.join("\n", wrap(cells.get(column), width)));
    return out;
  }

  /** The widest line of a cell. */
  private static int widest(String cell) {
    int w = 0;
    for (String line : cell.split("\n", -1)) {
      w = Math.max(w, visible(line));
    }
    return w;
  }

  /** Where {@link #wrap} breaks a word longer than its line: after a path's slash, a name's underscore. */
  private static final String BREAKS_AFTER = "/_";

  /** The longest word of a cell, or part of a word after which {@link #wrap} breaks it: a narrowed column is no narrower. */
  private static int longestWord(String cell) {
    int w = 0;
    for (String word : cell.split("[ \n]+|(?<=[/_])")) {
      w = Math.max(w, visible(word));
    }
    return w;
  }

  /** Columns a text takes on a terminal: its colour codes take none (a cell coloured by its command misaligned its table). */
  static int visible(String text) {
    return text.indexOf('\u001b') < 0 ? text.length() : text.replaceAll("\u001b\\[[0-9;]*m", "").length();
  }

  private void cells(StringBuilder b, int[] w, List<String> cells, List<UnaryOperator<String>> colour, Style style, boolean header,
      char bar) {
    List<String[]> split = new ArrayList<>();
    int height = 1;
    for (String c : cells) {
      String[] lines = c.split("\n", -1);
      split.add(lines);
      height = Math.max(height, lines.length);
    }
    for (int l = 0; l < height; l++) {
      b.append(bar);
      for (int i = 0; i < w.length; i++) {
        String[] lines = split.get(i);
        String text = l < lines.length ? lines[l] : "";
        String pad = " ".repeat(w[i] - visible(text));
        // colour the text, not the padded cell: a colour chosen by value (a state) must see the value itself
        String shown = header ? style.bold(text) : colour != null ? colour.get(i).apply(text) : text;
        String cell = right[i] && !header ? pad + shown : shown + pad;
        b.append(' ').append(cell).append(' ').append(bar);
      }
      b.append('\n');
    }
  }

  /** A rule of the table: {@code box} holds its corners and joins from {@code at} (left, middle, right), then its line. */
  private static void line(StringBuilder b, int[] w, String box, int at) {
    b.append(box.charAt(at));
    for (int i = 0; i < w.length; i++) {
      b.append(String.valueOf(box.charAt(9)).repeat(w[i] + 2)).append(box.charAt(i == w.length - 1 ? at + 2 : at + 1));
    }
    b.append('\n');
  }
}
