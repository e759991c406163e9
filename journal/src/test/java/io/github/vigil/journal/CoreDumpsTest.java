package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Where a core went, per core(5): a file pattern expanded against the crash, or the program the pattern pipes to. */
class CoreDumpsTest {
  private static final Instant AT = Instant.parse("2026-11-30T09:30:00Z");
  private static final Path CWD = Path.of("/srv/orders");

  @Test
  void plainCoreIsInTheWorkingDirectory() {
    assertThat(CoreDumps.locate("core", false, CWD, 4242, "orders", AT, "gw1")).isEqualTo("/srv/orders/core");
    assertThat(CoreDumps.locate("core", true, CWD, 4242, "orders", AT, "gw1")).as("core_uses_pid").isEqualTo("/srv/orders/core.4242");
  }

  @Test
  void patternSpecifiersAreExpanded() {
    assertThat(CoreDumps.locate("/var/crash/core.%e.%p.%t.%h.%%", true, CWD, 4242, "a-very-long-executable-name", AT, "gw1"))
        .as("%%e is cut to 15 characters as the kernel's comm; %%p present, so no .pid suffix")
        .isEqualTo("/var/crash/core.a-very-long-exe.4242." + AT.getEpochSecond() + ".gw1.%");
  }

  @Test
  void pipedPatternsNameTheirHandler() {
    assertThat(CoreDumps.locate("|/lib/systemd/systemd-coredump %P %u %g %s %t 9223372036854775808 %h", false, CWD, 4242, "orders", AT, "gw1"))
        .isEqualTo("coredumpctl info 4242");
    assertThat(CoreDumps.locate("|/usr/share/apport/apport -p%p -s%s -c%c", false, CWD, 4242, "orders", AT, "gw1"))
        .isEqualTo("piped to /usr/share/apport/apport");
  }

  @Test
  void signalsSayWhatTheyMean() {
    assertThat(Signals.meaning(11)).startsWith("segmentation fault");
    assertThat(Signals.dumpsCore(11)).isTrue();
    assertThat(Signals.dumpsCore(9)).isFalse();
    assertThat(Signals.meaning(64)).isEqualTo("signal 64");
  }
}
