package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.Termination;
import io.github.vigil.spi.SpawnRequest;
import io.github.vigil.testing.Processes;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * An environment variable whose name is not a shell identifier ({@code my-var}, {@code spring.profiles.active})
 * reaches the program: where {@code /bin/sh} is dash, which leaves such names out, the run's wrapper runs in bash.
 * Where no shell keeps them, the backend says it at WARN, naming the variable, instead of dropping it unsaid. The
 * probe that tells shells apart agrees with what real runs show.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class DroppedNamesTest {
  private static final Map<String, String> ENV = Map.of("my-var", "1", "spring.profiles.active", "prod", "PLAIN", "2");

  @Test
  void theProbeAgreesWithTheShells() throws Exception {
    for (String shell : List.of("/bin/sh", "/bin/bash", "/bin/dash")) {
      assumeTrue(java.nio.file.Files.isExecutable(Path.of(shell)), shell + " is not here");
      ProcessBuilder pb = new ProcessBuilder(shell, "-c", "exec env");
      pb.environment().clear();
      pb.environment().putAll(ENV);
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor()).isZero();
      assertThat(out).contains("PLAIN=2");
      assertThat(HostFacts.shellDropsOddNames(shell)).as("%s: %s", shell, out).isEqualTo(!out.contains("my-var=1"));
    }
  }

  @Test
  void aRunGetsEveryNameThroughAShellThatKeepsThem() throws Exception {
    String shell = HostFacts.detect().shell();
    assumeTrue(shell != null, "no /bin/sh: no wrapper");
    assumeTrue(HostFacts.shellKeepingOddNames(shell) != null, "no shell here keeps odd names (no bash)");
    Run run = run(new SpawnRequest("odd-names", List.of("/usr/bin/env"), null, ENV, Path.of("/usr/bin/env"), Map.of()));
    assertThat(run.out).contains("PLAIN=2\n").contains("my-var=1\n").contains("spring.profiles.active=prod\n");
    assertThat(run.logged).doesNotContain("are not passed to it");
  }

  @Test
  void withoutAShellThatKeepsThemTheyAreSaidAtWarn() throws Exception {
    String shell = HostFacts.detect().shell();
    assumeTrue(shell != null, "no /bin/sh: no wrapper");
    assumeTrue(HostFacts.shellDropsOddNames(shell), "/bin/sh keeps odd names here: nothing is dropped");
    String before = System.getProperty(HostFacts.ODD_NAMES_SHELLS_PROPERTY);
    System.setProperty(HostFacts.ODD_NAMES_SHELLS_PROPERTY, "none");
    Run run;
    try {
      run = run(new SpawnRequest("odd-names-dropped", List.of("/usr/bin/env"), null, ENV, Path.of("/usr/bin/env"), Map.of()));
    } finally {
      if (before == null) {
        System.clearProperty(HostFacts.ODD_NAMES_SHELLS_PROPERTY);
      } else {
        System.setProperty(HostFacts.ODD_NAMES_SHELLS_PROPERTY, before);
      }
    }
    assertThat(run.out).contains("PLAIN=2\n").doesNotContain("my-var=1");
    assertThat(run.logged).contains("WARN")
        .contains("environment variables [my-var, spring.profiles.active] are not passed to it")
        .contains(HostFacts.ODD_NAMES_SHELLS_PROPERTY + ": none");
  }

  @Test
  void aStandbyKeepsThemToo() throws Exception {
    String shell = HostFacts.detect().shell();
    assumeTrue(shell != null, "no /bin/sh: no wrapper");
    assumeTrue(HostFacts.shellKeepingOddNames(shell) != null, "no shell here keeps odd names (no bash)");
    SpawnRequest request = new SpawnRequest("odd-names-standby", List.of("/usr/bin/env"), null, ENV, Path.of("/usr/bin/env"), Map.of());
    String before = System.getProperty("vigil.linux.standby");
    System.setProperty("vigil.linux.standby", "from-start");
    try (LinuxProcessBackend backend = Backends.create("odd-names-standby", null)) {
      RecordingListener first = new RecordingListener();
      backend.spawn(request, first);
      assertThat(first.awaitExit(Duration.ofSeconds(20))).isEqualTo(new Termination.Exited(0));
      assertThat(first.out()).contains("my-var=1\n");
      // the standby starts as setpriv (with the name in its environment already), which then runs the wrapper
      assertThat(Processes.eventually(Duration.ofSeconds(20), () -> standbyOf(request.name()) > 0 && "bash".equals(comm(standbyOf(request.name())))))
          .as("a standby waits in a wrapper that keeps the names (bash): %s", standbyOf(request.name()) > 0 ? comm(standbyOf(request.name())) : "none")
          .isTrue();
      int standby = standbyOf(request.name());
      RecordingListener second = new RecordingListener();
      assertThat(backend.spawn(request, second).pid()).as("the run prepared ahead").isEqualTo(standby);
      assertThat(second.awaitExit(Duration.ofSeconds(20))).isEqualTo(new Termination.Exited(0));
      assertThat(second.out()).contains("PLAIN=2\n").contains("my-var=1\n").contains("spring.profiles.active=prod\n");
    } finally {
      if (before == null) {
        System.clearProperty("vigil.linux.standby");
      } else {
        System.setProperty("vigil.linux.standby", before);
      }
    }
  }

  /** The pid of a shell, child of this JVM, that waits with the name {@code name}; 0 when none. */
  private static int standbyOf(String name) {
    String self = Integer.toString(Kernel.pid());
    String entry = LinuxProcessBackend.NAME_VARIABLE + "=" + name;
    try (var dirs = java.nio.file.Files.newDirectoryStream(Path.of("/proc"), d -> d.getFileName().toString().matches("\\d+"))) {
      for (Path d : dirs) {
        try {
          String stat = java.nio.file.Files.readString(d.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          String env = new String(java.nio.file.Files.readAllBytes(d.resolve("environ")), StandardCharsets.UTF_8);
          if (f[1].equals(self) && !f[0].equals("Z") && List.of(env.split("\u0000")).contains(entry)) {
            return Integer.parseInt(d.getFileName().toString());
          }
        } catch (java.io.IOException | RuntimeException e) {
          // gone meanwhile, or not ours to read
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return 0;
  }

  private static String comm(int pid) {
    try {
      return java.nio.file.Files.readString(Path.of("/proc/" + pid + "/comm")).trim();
    } catch (java.io.IOException e) {
      return ""; // gone meanwhile
    }
  }

  private record Run(String out, String logged) {}

  private static Run run(SpawnRequest request) throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream before = System.err;
    RecordingListener l = new RecordingListener();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8)); // slf4j-simple writes to System.err as it is now
    try (LinuxProcessBackend backend = Backends.create(request.name(), null)) {
      backend.spawn(request, l);
      assertThat(l.awaitExit(Duration.ofSeconds(20))).isEqualTo(new Termination.Exited(0));
    } finally {
      System.setErr(before);
    }
    return new Run(l.out(), err.toString(StandardCharsets.UTF_8));
  }
}
