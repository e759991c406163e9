package io.github.vigil.linux.proc;

import java.util.SplittableRandom;

/** Seeded generators of hostile {@code /proc} texts: command names with spaces, parentheses, digits and escapes. */
final class ProcGen {
  private ProcGen() {}

  private static final String HOSTILE = " ()) (a)b) (1 2 3) S R Z\t:\\0123456789xyz-_.";

  /** A command name of 0 to 15 bytes, as the kernel keeps them, drawn mostly from troublesome characters. */
  static String hostileName(SplittableRandom r) {
    int len = r.nextInt(16);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      int pick = r.nextInt(10);
      if (pick == 0) {
        sb.append('\n');
      } else if (pick == 1) {
        sb.append(") ");
      } else {
        sb.append(HOSTILE.charAt(r.nextInt(HOSTILE.length())));
      }
    }
    return sb.toString();
  }

  static long value(SplittableRandom r) {
    switch (r.nextInt(4)) {
      case 0:
        return 0;
      case 1:
        return r.nextInt(10);
      case 2:
        return r.nextLong(1L << 32);
      default:
        return r.nextLong(Long.MAX_VALUE / 10);
    }
  }

  /** A 52-field stat line; {@code fields[i]} is the value of field {@code i + 1} for numeric fields 4..52. */
  static String statLine(long pid, String comm, char state, long[] fields) {
    StringBuilder sb = new StringBuilder().append(pid).append(" (").append(comm).append(") ").append(state);
    for (int f = 4; f <= 52; f++) {
      sb.append(' ').append(fields[f]);
    }
    return sb.append('\n').toString();
  }

  /** The kernel's escaping of {@code Name:} in status: backslash and newline (and other controls) escaped. */
  static String escapeStatusName(String name) {
    StringBuilder sb = new StringBuilder();
    for (char c : name.toCharArray()) {
      if (c == '\\') {
        sb.append("\\\\");
      } else if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\t') {
        sb.append("\\t");
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
