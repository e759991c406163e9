package io.github.vigil;

import java.util.Locale;
import java.util.Optional;

/**
 * A POSIX signal that Vigil can send to a supervised process or report as the cause of its death.
 *
 * <p>Numbers are Linux's (x86-64 and aarch64). The portable JDK backend delivers signals by name, so
 * the numbers matter only where the operating system reports them.
 *
 * <p>Thread-safe: an enum.
 */
public enum Signal {
  SIGHUP(1), SIGINT(2), SIGQUIT(3), SIGILL(4), SIGTRAP(5), SIGABRT(6), SIGBUS(7), SIGFPE(8),
  SIGKILL(9), SIGUSR1(10), SIGSEGV(11), SIGUSR2(12), SIGPIPE(13), SIGALRM(14), SIGTERM(15),
  SIGSTKFLT(16), SIGCHLD(17), SIGCONT(18), SIGSTOP(19), SIGTSTP(20), SIGTTIN(21), SIGTTOU(22),
  SIGURG(23), SIGXCPU(24), SIGXFSZ(25), SIGVTALRM(26), SIGPROF(27), SIGWINCH(28), SIGIO(29),
  SIGPWR(30), SIGSYS(31);

  private static final Signal[] BY_NUMBER = new Signal[32];

  static {
    for (Signal s : values()) {
      BY_NUMBER[s.number] = s;
    }
  }

  private final int number;

  Signal(int number) {
    this.number = number;
  }

  /** The Linux signal number. */
  public int number() {
    return number;
  }

  /** The name without the {@code SIG} prefix, as {@code kill -s} takes it: {@code TERM}. */
  public String shortName() {
    return name().substring(3);
  }

  /** The signal with this Linux number, if it is one of the standard signals. */
  public static Optional<Signal> ofNumber(int number) {
    return number > 0 && number < BY_NUMBER.length ? Optional.ofNullable(BY_NUMBER[number]) : Optional.empty();
  }

  /**
   * Parses {@code TERM}, {@code SIGTERM}, {@code sigterm} or {@code 15}.
   *
   * @throws IllegalArgumentException naming the value when it is not a known signal
   */
  public static Signal parse(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    try {
      int n = Integer.parseInt(t);
      return ofNumber(n).orElseThrow(() -> new IllegalArgumentException("unknown signal number: " + text));
    } catch (NumberFormatException notANumber) {
      String name = t.startsWith("SIG") ? t : "SIG" + t;
      for (Signal s : values()) {
        if (s.name().equals(name)) {
          return s;
        }
      }
      throw new IllegalArgumentException("unknown signal: " + text);
    }
  }

  /** A readable name for any signal number, including real-time ones: {@code SIGKILL}, {@code SIGRT3}. */
  public static String nameOf(int number) {
    return ofNumber(number).map(Enum::name).orElse(number >= 34 && number <= 64 ? "SIGRT" + (number - 34) : "SIG" + number);
  }
}
