package io.github.vigil.journal;

import java.util.Map;

/** What Linux signals mean to someone reading a crash report. Internal. */
final class Signals {
  private Signals() {}

  private static final Map<Integer, String> MEANING = Map.ofEntries(
      Map.entry(1, "hangup: the controlling terminal closed, or someone sent SIGHUP"),
      Map.entry(2, "interrupt from the keyboard (Ctrl-C)"),
      Map.entry(3, "quit from the keyboard; dumps core"),
      Map.entry(4, "illegal instruction: corrupt code, or a CPU feature the binary expects is missing"),
      Map.entry(5, "trace or breakpoint trap"),
      Map.entry(6, "abort: the program called abort(), usually a failed assertion or a detected heap corruption"),
      Map.entry(7, "bus error: a misaligned access, or a memory-mapped file that shrank"),
      Map.entry(8, "floating-point exception: usually an integer division by zero"),
      Map.entry(9, "killed: SIGKILL cannot be caught; sent by the kernel's OOM killer, a supervisor or an operator"),
      Map.entry(11, "segmentation fault: an access to memory the process does not own (a bug, or a native library's)"),
      Map.entry(13, "broken pipe: it wrote to a pipe or socket nobody reads"),
      Map.entry(14, "alarm clock timer expired"),
      Map.entry(15, "terminated: a polite request to stop, from an operator or another program"),
      Map.entry(24, "CPU time limit (RLIMIT_CPU) exceeded"),
      Map.entry(25, "file size limit (RLIMIT_FSIZE) exceeded"),
      Map.entry(31, "bad system call: blocked by a seccomp filter"));

  /** A sentence on what the signal means. */
  static String meaning(int signal) {
    return MEANING.getOrDefault(signal, "signal " + signal);
  }

  /** Whether the signal's default action dumps core (signal(7)). */
  static boolean dumpsCore(int signal) {
    return switch (signal) {
      case 3, 4, 5, 6, 7, 8, 11, 24, 25, 31 -> true;
      default -> false;
    };
  }
}
