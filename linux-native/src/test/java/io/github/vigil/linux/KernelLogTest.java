package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class KernelLogTest {
  @Test
  void recordTimeStamp() {
    assertEquals(1481725624L, KernelLog.micros("3,2291,1481725624,-;Memory cgroup out of memory: Killed process 1 (x)"));
    assertEquals(5L, KernelLog.micros("6,1,5,c;text, with, commas"));
    assertEquals(-1L, KernelLog.micros("garbage"));
  }

  /**
   * In a pid namespace of its own (a container; {@code unshare --pid}), the kernel logs an OOM kill with the host's pid
   * of the victim: the log is not read there, or another process's kill, or none, would be taken for a run's. It was
   * read, and an OOM kill of a run went unrecognised (OomKillTest under {@code unshare --pid --fork --mount-proc}).
   */
  @Test
  void theKernelLogIsNotReadInAPidNamespaceOfItsOwn() throws Exception {
    try (KernelLog nested = new KernelLog("pid:[4026532177]")) {
      assertThat(nested.unavailable()).hasValueSatisfying(why -> assertThat(why).contains("pid namespace of its own")
          .contains("pid:[4026532177]").contains("host's pids"));
    }
    assertThat(KernelLog.pidsNotOurs(KernelLog.INITIAL_PID_NAMESPACE)).isEmpty();
    assertThat(KernelLog.pidsNotOurs(null)).as("unknown: as before namespaces").isEmpty();
    String here = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
    try (KernelLog real = new KernelLog()) { // this JVM's own namespace decides, whether /dev/kmsg is readable or not
      if (!here.equals(KernelLog.INITIAL_PID_NAMESPACE)) {
        assertThat(real.unavailable()).hasValueSatisfying(why -> assertThat(why).contains(here));
      } else {
        assertThat(real.unavailable().orElse("")).doesNotContain("pid namespace");
      }
    }
  }
}
