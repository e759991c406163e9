package io.github.vigil.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * {@link Processes#kill} signals one process: a pid below 2 (a status's {@code -1} of a process not running, {@code 0}
 * of none) is refused by name, never handed to {@code kill}, where {@code -1} is every process the user may signal
 * (as root, all of the machine's) and {@code 0} the caller's process group. Signal 0 here, which only checks, so that
 * the old code's call did no harm when it ran.
 */
@Timeout(30)
@EnabledOnOs(OS.LINUX)
class ProcessesKillTest {

  @Test
  void aPidBelowTwoIsRefusedNamingIt() {
    for (long pid : new long[] {-1, 0, 1}) {
      assertThatThrownBy(() -> Processes.kill(pid, "0")).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("pid must be a single process, 2 or more: " + pid);
    }
  }
}
