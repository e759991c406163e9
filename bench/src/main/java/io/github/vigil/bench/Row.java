package io.github.vigil.bench;

import java.util.Locale;

/**
 * One measured figure of one contender in one comparison, as bench/run's harnesses write it (one TSV line)
 * and {@link Report} reads it. Immutable and thread-safe.
 *
 * @param comparison "1" to "5", as issue 8 numbers them
 * @param contender e.g. {@code vigil-linux}, {@code supervisord}
 * @param metric what was measured, e.g. {@code crash-to-restart}
 * @param unit e.g. {@code ms}
 * @param stats the figures
 * @param note how it was measured, or what it is not
 */
public record Row(String comparison, String contender, String metric, String unit, Stats stats, String note) {

  /** This row as one tab-separated line. */
  public String toTsv() {
    return String.join("\t", comparison, contender, metric, unit, Integer.toString(stats.n()), fmt(stats.median()),
        fmt(stats.p99()), fmt(stats.min()), fmt(stats.max()), note.replace('\t', ' ').replace('\n', ' '));
  }

  /** Parses {@link #toTsv()}. */
  public static Row parse(String line) {
    String[] f = line.split("\t", -1);
    if (f.length != 10) {
      throw new IllegalArgumentException("row must have 10 tab-separated fields: " + line);
    }
    return new Row(f[0], f[1], f[2], f[3], new Stats(Integer.parseInt(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]),
        Double.parseDouble(f[7]), Double.parseDouble(f[8])), f[9]);
  }

  private static String fmt(double d) {
    return String.format(Locale.ROOT, "%.6g", d);
  }
}
