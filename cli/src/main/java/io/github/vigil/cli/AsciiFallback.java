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
 * {@code µ} {@code u}, an ellipsis {@code ...}; any other character the encoding lacks {@code ?}, as the encoder
 * would. Where the encoding has them, the plain writer.
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
    return charset.newEncoder().canEncode('│') ? plain : new AsciiFallback(plain, charset);
  }

  /** The ASCII for {@code c}, or null where the encoding has {@code c} itself. */
  private String replacement(char c) {
    if (c < 0x80 || encoder.canEncode(c)) {
      return null;
    }
    return switch (c) {
      case '┌', '┬', '┐', '├', '┼', '┤', '└', '┴', '┘' -> "+";
      case '─' -> "-";
      case '│' -> "|";
      case '→' -> "->";
      case '…' -> "...";
      case 'µ', 'μ' -> "u";
      case '·', '•' -> "*";
      case '×' -> "x";
      case '≥' -> ">=";
      case '≤' -> "<=";
      default -> "?";
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
