package io.github.vigil.linux;

import io.github.vigil.linux.proc.ProcFs;
import io.github.vigil.linux.proc.ProcStat;
import java.util.Optional;

/** Whether a process seen in {@code /proc} is still alive, for tests that look for what a killed JVM left running. */
final class LiveProcesses {
  private static final ProcFs PROC = new ProcFs();

  private LiveProcesses() {}

  /** Whether {@code pid} exists and is not a zombie. */
  static boolean running(int pid) {
    Optional<ProcStat> s = PROC.stat(pid);
    return s.isPresent() && PROC.running(s.get());
  }

  /** Whether the process {@code g} was taken of still runs: the same pid with the same start time, not a zombie. */
  static boolean sameAndRunning(ProcStat g) {
    Optional<ProcStat> s = PROC.stat(g.pid());
    return s.isPresent() && s.get().startTicks() == g.startTicks() && PROC.running(s.get());
  }
}
