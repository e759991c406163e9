package io.github.vigil.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM that is pid 1 of its pid namespace ({@code docker run image java -jar app.jar}) adopts every orphan there,
 * child subreaper or not. With {@code -Dvigil.linux.subreaper=false} (which the README suggests to a host whose own
 * children leave many orphans) the backend took itself for no reaper and never swept: the leftovers of its own runs,
 * which it kills when a run ends, stayed zombies of the JVM, one more with every such run (found by a black-box trial
 * under {@code unshare --pid --fork --mount-proc java ...}). Outside a namespace they go to init, which reaps them.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class InitProcessOrphansTest {

  @Test
  void aJvmThatIsPid1ReapsTheLeftoversOfItsRunsAlsoWithTheSubreaperOff(@TempDir Path dir) throws Exception {
    assumeTrue(io.github.vigil.testing.Processes.canUnsharePidNamespace(), "cannot make a pid namespace here (unshare --pid --fork --mount-proc needs root)");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path log = dir.resolve("jvm.log");
    Process jvm = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", java.toString(), "--enable-native-access=ALL-UNNAMED",
        // no hsperfdata file: pid 1 of another namespace (CI's own container) may hold /tmp/hsperfdata_<user>/1, and the
        // JVM's warning about it goes to stdout
        "-XX:-UsePerfData",
        "-Dvigil.linux.subreaper=false", "-Dorg.slf4j.simpleLogger.log.io.github.vigil.internal.ManagedProcess=warn", "-cp", System.getProperty("java.class.path"), InitSupervisorMain.class.getName(), "3", "20")
        .redirectError(log.toFile()).start();
    try {
      String all = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      String out = all.substring(all.lastIndexOf('\n') + 1); // its last line: what it found
      assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String stderr = Files.exists(log) ? Files.readString(log) : "";
      assertThat(out).as("the pid-1 JVM's output; its log: %s", stderr).startsWith("PID 1 LEFTOVERS 0 ZOMBIES ");
      assertThat(stderr).as("the pid-1 JVM's log").contains("left descendants running; killing them");
      assertThat(Integer.parseInt(out.substring("PID 1 LEFTOVERS 0 ZOMBIES ".length())))
          .as("zombie children of the pid-1 JVM 20 s after its runs' leftovers were killed; its log: %s", stderr).isZero();
    } finally {
      jvm.destroyForcibly();
    }
  }
}
