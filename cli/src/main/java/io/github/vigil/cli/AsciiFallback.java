package io.github.vigil.cli;

import java.io.FilterWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;

/**
 * A writer for a terminal whose encoding lacks the characters the tables are drawn with (a C or POSIX locale: ASCII,
 * as under cron, in a container or over ssh without a locale): box lines become {@code +-|}, arrows {@code ->},
 * {@code µ} {@code u}, an ellipsis {@code ...}, a bar {@code #}; any other character the encoding lacks {@code ?}, as
 * the encoder would. Where the encoding has them, the plain writer. A {@link Table} drawn for such a terminal
 * ({@link Style#ascii()}) is already ASCII: it replaces with {@link #ascii(String)} before it measures its columns, as
 * a replacement wider than its character, written after the padding, would push its row out of line.
 *
 * <p>Not thread-safe, as the writer it wraps.
 */
final class AsciiFallback extends FilterWriter {
  private final CharsetEncoder encoder;

  private AsciiFallback(Writer out, Charset charset) {
    super(out);
    this.encoder = charset.newEncoder();
  }

  /** A writer of {@code out} in {@code charset}, drawing in ASCII where {@code charset} cannot draw the tables. */
  static Writer of(OutputStream out, Charset charset) {
    Writer plain = new OutputStreamWriter(out, charset);
    return needed(charset) ? new AsciiFallback(plain, charset) : plain;
  }

  /** Whether {@code charset} lacks the characters the tables are drawn with. */
  static boolean needed(Charset charset) {
    return !charset.newEncoder().canEncode('│');
  }

  /** {@code s} with every character this knows an ASCII form of replaced by it; others are left as they are. */
  static String ascii(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String r = c < 0x80 ? null : known(c);
      if (r != null && b == null) {
        b = new StringBuilder(s.length() + 8).append(s, 0, i);
      }
      if (b != null) {
        b.append(r != null ? r : String.valueOf(c));
      }
    }
    return b == null ? s : b.toString();
  }

  /** The ASCII for {@code c}, or null where the encoding has {@code c} itself. */
  private String replacement(char c) {
    if (c < 0x80 || encoder.canEncode(c)) {
      return null;
    }
    String r = known(c);
    return r != null ? r : "?";
  }

  /** The ASCII form of {@code c}, or null where this knows none. */
  private static String known(char c) {
    return switch (c) {
      case '┌', '┬', '┐', '├', '┼', '┤', '└', '┴', '┘' -> "+";
      case '─', '–', '—' -> "-";
      case '│' -> "|";
      case '→' -> "->";
      case '…' -> "...";
      case 'µ', 'μ' -> "u";
      case '·', '•' -> "*";
      case '×' -> "x";
      case '≥' -> ">=";
      case '≤' -> "<=";
      case '█' -> "#";
      default -> null;
    };
  }

  @Override
  public void write(int c) throws IOException {
    String r = replacement((char) c);
    if (r == null) {
      out.write(c);
    } else {
      out.write(r);
    }
  }

  @Override
  public void write(char[] cbuf, int off, int len) throws IOException {
    for (int i = off; i < off + len; i++) {
      write(cbuf[i]);
    }
  }

  @Override
  public void write(String str, int off, int len) throws IOException {
    for (int i = off; i < off + len; i++) {
      write(str.charAt(i));
    }
  }
}
