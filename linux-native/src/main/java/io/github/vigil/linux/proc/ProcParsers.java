package io.github.vigil.linux.proc;

import java.nio.charset.StandardCharsets;

/**
 * Parsers of {@code /proc} texts, working on bytes in a reused buffer so that a sample allocates
 * (almost) nothing. Each takes the text and its length and fills a reusable holder. A malformed
 * text throws a {@link ProcFormatException} naming the file, the field and what was found; a line
 * that is simply not there (a kernel thread has no {@code VmSwap}) leaves its value at {@code -1}.
 *
 * <p>Not thread-safe: the holders are mutable and meant to be reused by one thread.
 */
final class ProcParsers {
  private ProcParsers() {}

  /** A malformed {@code /proc} text: names the file, the field and the value. */
  static final class ProcFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    ProcFormatException(String message) {
      super(message);
    }
  }

  // --- /proc/PID/stat ------------------------------------------------------------------------

  /** Fields of {@code /proc/PID/stat} (and {@code task/TID/stat}); numbers as the kernel gives them. */
  static final class Stat {
    int state;            // field 3, a letter
    long ppid;            // 4
    long minflt;          // 10
    long cminflt;         // 11: minor faults of the children it waited for (and theirs)
    long majflt;          // 12
    long cmajflt;         // 13: their major faults
    long utime;           // 14, ticks
    long stime;           // 15, ticks
    long cutime;          // 16, ticks: user time of the children it waited for (and theirs)
    long cstime;          // 17, ticks: their system time
    long numThreads;      // 20
    long startTime;       // 22, ticks since boot
    long vsize;           // 23, bytes
    long rss;             // 24, pages
    byte[] text = new byte[0];
    int commStart;        // comm is text[commStart, commEnd)
    int commEnd;

    /** The command name, between the first '(' and the last ')'. Allocates. */
    String comm() {
      return new String(text, commStart, commEnd - commStart, StandardCharsets.UTF_8);
    }
  }

  /**
   * Parses {@code /proc/PID/stat}. The command name may hold spaces and parentheses ({@code a) (b}),
   * so the fields are counted from the last {@code ')'}.
   */
  static Stat parseStat(byte[] b, int len, Stat out) {
    int open = indexOf(b, 0, len, '(');
    int close = len - 1;
    while (close >= 0 && b[close] != ')') {
      close--;
    }
    if (open < 0 || close < open) {
      throw new ProcFormatException("stat: no command name in parentheses in '" + excerpt(b, len) + "'");
    }
    out.text = b;
    out.commStart = open + 1;
    out.commEnd = close;
    int p = close + 1;
    int field = 2;
    while (p < len && field < 24) {
      while (p < len && b[p] == ' ') {
        p++;
      }
      if (p >= len || b[p] == '\n') {
        break;
      }
      field++;
      int start = p;
      while (p < len && b[p] != ' ' && b[p] != '\n') {
        p++;
      }
      switch (field) {
        case 3:
          if (p - start != 1) {
            throw new ProcFormatException("stat: field 3 (state) is not one letter: '" + str(b, start, p) + "'");
          }
          out.state = b[start];
          break;
        case 4:
          out.ppid = number(b, start, p, "stat", "ppid");
          break;
        case 10:
          out.minflt = number(b, start, p, "stat", "minflt");
          break;
        case 11:
          out.cminflt = number(b, start, p, "stat", "cminflt");
          break;
        case 12:
          out.majflt = number(b, start, p, "stat", "majflt");
          break;
        case 13:
          out.cmajflt = number(b, start, p, "stat", "cmajflt");
          break;
        case 14:
          out.utime = number(b, start, p, "stat", "utime");
          break;
        case 15:
          out.stime = number(b, start, p, "stat", "stime");
          break;
        case 16:
          out.cutime = number(b, start, p, "stat", "cutime");
          break;
        case 17:
          out.cstime = number(b, start, p, "stat", "cstime");
          break;
        case 20:
          out.numThreads = number(b, start, p, "stat", "num_threads");
          break;
        case 22:
          out.startTime = number(b, start, p, "stat", "starttime");
          break;
        case 23:
          out.vsize = number(b, start, p, "stat", "vsize");
          break;
        case 24:
          out.rss = number(b, start, p, "stat", "rss");
          break;
        default:
          break;
      }
    }
    if (field < 24) {
      throw new ProcFormatException("stat: " + field + " fields, expected at least 24, in '" + excerpt(b, len) + "'");
    }
    return out;
  }

  /** Only the ppid and state of a stat text; for the process-table scan. @return ppid, or -1 if malformed */
  static long parsePpid(byte[] b, int len) {
    int close = len - 1;
    while (close >= 0 && b[close] != ')') {
      close--;
    }
    int p = close + 4; // ") S "
    if (close < 0 || p >= len) {
      return -1;
    }
    long v = 0;
    int start = p;
    while (p < len && b[p] >= '0' && b[p] <= '9') {
      v = v * 10 + (b[p++] - '0');
    }
    return p == start ? -1 : v;
  }

  // --- /proc/PID/status ----------------------------------------------------------------------

  /** Fields of {@code /proc/PID/status}; -1 where the line is missing. */
  static final class Status {
    int state;            // the letter of "State:", 0 when missing
    long effectiveUid;
    long vmSwapKb;
    long vmRssKb;
    long voluntary;
    long involuntary;
    byte[] text = new byte[0];
    int nameStart = -1;
    int nameEnd = -1;

    void clear() {
      effectiveUid = vmSwapKb = vmRssKb = voluntary = involuntary = -1;
      state = 0;
      nameStart = nameEnd = -1;
    }

    /** The {@code Name:} value with the kernel's escapes ({@code \n}, {@code \\}, octal) undone. Allocates. */
    String name() {
      return nameStart < 0 ? "" : unescape(text, nameStart, nameEnd);
    }
  }

  private static final byte[] NAME = ascii("Name");
  private static final byte[] UID = ascii("Uid");
  private static final byte[] STATE = ascii("State");
  private static final byte[] VM_SWAP = ascii("VmSwap");
  private static final byte[] VM_RSS = ascii("VmRSS");
  private static final byte[] VOLUNTARY = ascii("voluntary_ctxt_switches");
  private static final byte[] NONVOLUNTARY = ascii("nonvoluntary_ctxt_switches");

  /** Parses {@code /proc/PID/status}: each line is {@code Key:\tvalue}. */
  static Status parseStatus(byte[] b, int len, Status out) {
    out.clear();
    out.text = b;
    int p = 0;
    while (p < len) {
      int eol = indexOf(b, p, len, '\n');
      if (eol < 0) {
        eol = len;
      }
      int colon = indexOf(b, p, eol, ':');
      if (colon > p) {
        int v = colon + 1;
        while (v < eol && (b[v] == '\t' || b[v] == ' ')) {
          v++;
        }
        if (keyIs(b, p, colon, NAME)) {
          // the kernel prints "Name:\t" then the escaped name, which may itself begin with spaces
          out.nameStart = colon + 1 < eol && b[colon + 1] == '\t' ? colon + 2 : colon + 1;
          out.nameEnd = eol;
        } else if (keyIs(b, p, colon, STATE)) {
          if (v >= eol) {
            throw new ProcFormatException("status: field State is empty");
          }
          out.state = b[v];
        } else if (keyIs(b, p, colon, UID)) {
          int second = skipToken(b, v, eol);                    // real, effective, saved, fs
          int end = tokenEnd(b, second, eol);
          out.effectiveUid = number(b, second, end, "status", "Uid (effective)");
        } else if (keyIs(b, p, colon, VM_SWAP)) {
          out.vmSwapKb = number(b, v, tokenEnd(b, v, eol), "status", "VmSwap");
        } else if (keyIs(b, p, colon, VM_RSS)) {
          out.vmRssKb = number(b, v, tokenEnd(b, v, eol), "status", "VmRSS");
        } else if (keyIs(b, p, colon, VOLUNTARY)) {
          out.voluntary = number(b, v, tokenEnd(b, v, eol), "status", "voluntary_ctxt_switches");
        } else if (keyIs(b, p, colon, NONVOLUNTARY)) {
          out.involuntary = number(b, v, tokenEnd(b, v, eol), "status", "nonvoluntary_ctxt_switches");
        }
      }
      p = eol + 1;
    }
    return out;
  }

  /** Undoes the escapes of {@code status}'s {@code Name:}: {@code \n}, {@code \t}, {@code \\} and {@code \ooo}. */
  static String unescape(byte[] b, int start, int end) {
    byte[] out = new byte[end - start];
    int n = 0;
    for (int i = start; i < end; i++) {
      byte c = b[i];
      if (c == '\\' && i + 1 < end) {
        byte d = b[i + 1];
        if (d == 'n') {
          out[n++] = '\n';
          i++;
          continue;
        } else if (d == 't') {
          out[n++] = '\t';
          i++;
          continue;
        } else if (d == '\\') {
          out[n++] = '\\';
          i++;
          continue;
        } else if (i + 3 < end && isOctal(d) && isOctal(b[i + 2]) && isOctal(b[i + 3])) {
          out[n++] = (byte) ((d - '0') * 64 + (b[i + 2] - '0') * 8 + (b[i + 3] - '0'));
          i += 3;
          continue;
        }
      }
      out[n++] = c;
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }

  private static boolean isOctal(byte c) {
    return c >= '0' && c <= '7';
  }

  // --- io, smaps_rollup, limits, meminfo, stat -----------------------------------------------

  /** The value of the line starting {@code key} (which includes the colon), or -1 when there is none. */
  static long lineValue(byte[] b, int len, byte[] key, String file) {
    int p = 0;
    while (p < len) {
      int eol = indexOf(b, p, len, '\n');
      if (eol < 0) {
        eol = len;
      }
      if (eol - p > key.length && startsWith(b, p, key)) {
        int v = p + key.length;
        while (v < eol && (b[v] == ' ' || b[v] == '\t')) {
          v++;
        }
        return number(b, v, tokenEnd(b, v, eol), file, new String(key, StandardCharsets.US_ASCII));
      }
      p = eol + 1;
    }
    return -1;
  }

  // --- /proc/PID/statm -----------------------------------------------------------------------

  /**
   * The resident pages of {@code /proc/PID/statm}, its second number ({@code size resident shared text lib data dt}):
   * the same sum of the file, anonymous and shared-memory page counters as {@code status}'s {@code VmRSS}, which the
   * kernel computes in the same file ({@code task_mmu.c}) and the same way, and a file a third the size to generate.
   */
  static long parseStatmResident(byte[] b, int len) {
    int size = tokenEnd(b, 0, len);
    int start = size + 1;
    if (size == 0 || start >= len || b[size] != ' ') {
      throw new ProcFormatException("statm: no resident pages (the second number) in '" + excerpt(b, len) + "'");
    }
    return number(b, start, tokenEnd(b, start, len), "statm", "resident");
  }

  static final byte[] READ_BYTES = ascii("read_bytes:");
  static final byte[] WRITE_BYTES = ascii("write_bytes:");
  static final byte[] PSS = ascii("Pss:");
  static final byte[] SWAP_PSS = ascii("SwapPss:");
  static final byte[] MEM_TOTAL = ascii("MemTotal:");
  static final byte[] BTIME = ascii("btime ");
  private static final byte[] MAX_OPEN_FILES = ascii("Max open files");

  /** The soft limit of {@code Max open files} in {@code /proc/PID/limits}; {@link Long#MAX_VALUE} for unlimited, -1 when missing. */
  static long parseOpenFilesLimit(byte[] b, int len) {
    int p = 0;
    while (p < len) {
      int eol = indexOf(b, p, len, '\n');
      if (eol < 0) {
        eol = len;
      }
      if (startsWith(b, p, MAX_OPEN_FILES)) {
        int v = p + MAX_OPEN_FILES.length;
        while (v < eol && b[v] == ' ') {
          v++;
        }
        int end = tokenEnd(b, v, eol);
        if (end - v == 9 && b[v] == 'u') { // "unlimited"
          return Long.MAX_VALUE;
        }
        return number(b, v, end, "limits", "Max open files (soft)");
      }
      p = eol + 1;
    }
    return -1;
  }

  // --- helpers -------------------------------------------------------------------------------

  static long number(byte[] b, int start, int end, String file, String field) {
    if (start >= end || end - start > 19) {
      throw new ProcFormatException(file + ": field " + field + " is not a number: '" + str(b, start, end) + "'");
    }
    long v = 0;
    for (int i = start; i < end; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        throw new ProcFormatException(file + ": field " + field + " is not a number: '" + str(b, start, end) + "'");
      }
      v = v * 10 + d;
    }
    return v;
  }

  static int indexOf(byte[] b, int from, int to, char c) {
    for (int i = from; i < to; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private static boolean keyIs(byte[] b, int start, int end, byte[] key) {
    return end - start == key.length && startsWith(b, start, key);
  }

  static boolean startsWith(byte[] b, int at, byte[] prefix) {
    if (at + prefix.length > b.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[at + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int skipToken(byte[] b, int p, int end) {
    p = tokenEnd(b, p, end);
    while (p < end && (b[p] == '\t' || b[p] == ' ')) {
      p++;
    }
    return p;
  }

  private static int tokenEnd(byte[] b, int p, int end) {
    while (p < end && b[p] != ' ' && b[p] != '\t' && b[p] != '\n') {
      p++;
    }
    return p;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static String str(byte[] b, int start, int end) {
    return new String(b, start, Math.max(0, Math.min(end, b.length) - start), StandardCharsets.UTF_8);
  }

  private static String excerpt(byte[] b, int len) {
    return str(b, 0, Math.min(len, 200)).replace("\n", "\\n");
  }
}
