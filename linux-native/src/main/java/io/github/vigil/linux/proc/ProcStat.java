package io.github.vigil.linux.proc;

import static java.util.Objects.requireNonNull;

import io.github.vigil.spi.ProcFiles;

/**
 * The fields of {@code /proc/PID/stat} the Linux backend uses.
 *
 * <p>Immutable and thread-safe.
 *
 * @param pid field 1
 * @param comm field 2, without the parentheses; may contain spaces and {@code ")"}
 * @param state field 3: {@code R}, {@code S}, {@code Z}, ..., classified by {@link ProcFiles#isZombieState} and
 *     {@link ProcFiles#isEndedState}
 * @param ppid field 4
 * @param pgrp field 5, the process group
 * @param session field 6
 * @param startTicks field 22, start time in clock ticks since boot: with the pid, it names a process
 *     across pid reuse
 */
public record ProcStat(int pid, String comm, char state, int ppid, int pgrp, int session, long startTicks) {

  public ProcStat {
    requireNonNull(comm, "comm");
  }

  /** Whether the process has exited and waits to be reaped: {@link ProcFiles#isZombieState}. */
  public boolean zombie() {
    return ProcFiles.isZombieState(state);
  }

  /** Whether the process has ended, a zombie or dead: {@link ProcFiles#isEndedState}. */
  public boolean ended() {
    return ProcFiles.isEndedState(state);
  }

  /**
   * Parses one {@code /proc/PID/stat} line.
   *
   * @throws IllegalArgumentException naming the line when it is malformed
   */
  public static ProcStat parse(String line) {
    requireNonNull(line, "line");
    int open = line.indexOf('(');
    int close = line.lastIndexOf(')'); // comm may contain ") "
    if (open <= 0 || close < open || close + 2 > line.length()) {
      throw new IllegalArgumentException("malformed /proc stat line: '" + abbreviate(line) + "'");
    }
    try {
      int pid = Integer.parseInt(line.substring(0, open).trim());
      String comm = line.substring(open + 1, close);
      String[] f = line.substring(close + 2).trim().split(" +");
      // f[0] is field 3 (state); field n is f[n - 3]
      if (f.length < 20 || f[0].length() != 1) {
        throw new IllegalArgumentException("malformed /proc stat line (" + f.length + " fields after comm): '" + abbreviate(line) + "'");
      }
      return new ProcStat(pid, comm, f[0].charAt(0), Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
          Long.parseLong(f[22 - 3]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("malformed /proc stat line: '" + abbreviate(line) + "': " + e.getMessage(), e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
