package io.github.vigil.linux;

/**
 * What {@code waitid} reported for a reaped child.
 *
 * <p>Immutable and thread-safe.
 *
 * @param pid the reaped process
 * @param code {@code si_code}: {@code CLD_EXITED} (1), {@code CLD_KILLED} (2) or {@code CLD_DUMPED} (3)
 * @param status {@code si_status}: the exit code, or the signal number
 */
record WaitStatus(int pid, int code, int status) {
  /** Whether the process called {@code exit}. */
  public boolean exited() {
    return code == LinuxLibC.CLD_EXITED;
  }

  /** Whether a signal ended it (with or without a core dump). */
  public boolean signaled() {
    return code == LinuxLibC.CLD_KILLED || code == LinuxLibC.CLD_DUMPED;
  }

  /** Whether the kernel wrote a core dump ({@code CLD_DUMPED}). */
  public boolean coreDumped() {
    return code == LinuxLibC.CLD_DUMPED;
  }
}
