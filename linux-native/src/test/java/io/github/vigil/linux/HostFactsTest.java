package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Supervisor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** What the backend says at start, and that it wins over the JDK backend when on the class path. */
@EnabledOnOs(OS.LINUX)
class HostFactsTest {

  @Test
  void describesKernelPidfdDeathSignalSubreaperAndCgroups() {
    HostFacts facts = HostFacts.detect();
    String line = facts.describe();
    assertThat(line).contains("kernel " + System.getProperty("os.version"), "pidfd yes", "child subreaper", "cgroups ");
    assertThat(line).contains(facts.setpriv() != null ? "death signal via " + facts.setpriv() : "death signal none");
    // with a guardian no run gets a death signal: the line said "via setpriv" beside the guardian's own words
    assertThat(facts.describe(true)).contains("death signal none per run (a guardian kills the runs' cgroups")
        .doesNotContain("--pdeathsig").contains("kernel ", "child subreaper", "cgroups ");
    assertThat(facts.clockTicks()).isPositive();
    if (facts.subreaper()) { // while a backend is open (HostChildrenTest: not after the last closed)
      try (LinuxProcessBackend backend = Backends.create("facts", null)) {
        assertThat(Kernel.isChildSubreaper()).isTrue();
      }
    }
  }

  @Test
  void linuxBackendIsChosenByDefault() {
    assertThat(new LinuxBackendProvider().isAvailable()).isTrue();
    try (Supervisor s = Supervisor.builder().name("default-choice").build()) {
      assertThat(s.backendName()).isEqualTo("linux");
    }
  }
}
