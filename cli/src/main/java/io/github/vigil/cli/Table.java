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
    int[] w = new int[n];
    for (int i = 0; i < n; i++) {
      w[i] = headers.get(i).length();
      for (List<String> r : rows) {
        for (String line : r.get(i).split("\n", -1)) {
          w[i] = Math.max(w[i], line.length());
        }
      }
    }
    StringBuilder b = new StringBuilder();
    line(b, w, '┌', '┬', '┐');
    cells(b, w, headers, null, style, true);
    line(b, w, '├', '┼', '┤');
    for (int r = 0; r < rows.size(); r++) {
      cells(b, w, rows.get(r), colours.get(r), style, false);
    }
    line(b, w, '└', '┴', '┘');
    return b.toString();
  }

  private void cells(StringBuilder b, int[] w, List<String> cells, List<UnaryOperator<String>> colour, Style style, boolean header) {
    List<String[]> split = new ArrayList<>();
    int height = 1;
    for (String c : cells) {
      String[] lines = c.split("\n", -1);
      split.add(lines);
      height = Math.max(height, lines.length);
    }
    for (int l = 0; l < height; l++) {
      b.append('│');
      for (int i = 0; i < w.length; i++) {
        String[] lines = split.get(i);
        String text = l < lines.length ? lines[l] : "";
        String pad = " ".repeat(w[i] - text.length());
        // colour the text, not the padded cell: a colour chosen by value (a state) must see the value itself
        String shown = header ? style.bold(text) : colour != null ? colour.get(i).apply(text) : text;
        String cell = right[i] && !header ? pad + shown : shown + pad;
        b.append(' ').append(cell).append(' ').append('│');
      }
      b.append('\n');
    }
  }

  private static void line(StringBuilder b, int[] w, char left, char mid, char end) {
    b.append(left);
    for (int i = 0; i < w.length; i++) {
      b.append("─".repeat(w[i] + 2)).append(i == w.length - 1 ? end : mid);
    }
    b.append('\n');
  }
}
