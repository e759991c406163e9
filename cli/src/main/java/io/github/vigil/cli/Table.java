package io.github.vigil.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

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
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  String render(Style style) {
    int n = headers.size();
    // for an ASCII terminal, replaced before measuring: "→" becomes "->", one column wider
    UnaryOperator<String> text = style.ascii() ? AsciiFallback::ascii : UnaryOperator.identity();
    List<String> head = headers.stream().map(text).toList();
    List<List<String>> body = rows.stream().map(r -> r.stream().map(text).toList()).toList();
    int[] w = new int[n];
    for (int i = 0; i < n; i++) {
      w[i] = visible(head.get(i));
      for (List<String> r : body) {
        for (String line : r.get(i).split("\n", -1)) {
          w[i] = Math.max(w[i], visible(line));
        }
      }
    }
    String box = style.ascii() ? "+++++++++-|" : "┌┬┐├┼┤└┴┘─│";
    StringBuilder b = new StringBuilder();
    line(b, w, box, 0);
    cells(b, w, head, null, style, true, box.charAt(10));
    line(b, w, box, 3);
    for (int r = 0; r < body.size(); r++) {
      cells(b, w, body.get(r), colours.get(r), style, false, box.charAt(10));
    }
    line(b, w, box, 6);
    return b.toString();
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
