package io.github.vigil;

/**
 * How a process ended, as the operating system reported it. A signal is never folded into an int.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface Termination {

  /** The process called {@code exit(code)}. */
  record Exited(int code) implements Termination {
    @Override
    public String toString() {
      return "exit code " + code;
    }
  }

  /**
   * The process was killed by a signal.
   *
   * @param signal the Linux signal number
   * @param name the signal's name, e.g. {@code SIGKILL}
   * @param coreDumped whether the kernel wrote a core dump
   * @param exact false where the backend only inferred the signal (the JDK reports a signal death
   *     as exit status 128 + signal, which an {@code exit(137)} also gives)
   */
  record Signaled(int signal, String name, boolean coreDumped, boolean exact) implements Termination {
    /** An exact report of death by {@code signal}. */
    public static Signaled of(int signal, boolean coreDumped) {
      return new Signaled(signal, Signal.nameOf(signal), coreDumped, true);
    }

    @Override
    public String toString() {
      return "killed by " + name + (coreDumped ? " (core dumped)" : "") + (exact ? "" : " (inferred from exit status " + (128 + signal) + ")");
    }
  }

  /**
   * The status is not known: the process was never started, or it was not a child of this JVM
   * (an attached process), so nobody could collect its exit status.
   */
  record Unknown(String reason) implements Termination {
    @Override
    public String toString() {
      return "unknown (" + reason + ")";
    }
  }
}
