package io.github.vigil.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.Supervisor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A JVM that is pid 1 of its pid namespace ({@code docker run image java -jar app.jar}) adopts every orphan there; the
 * JDK backend cannot reap them (the JDK waits only for its own children), so each stays a zombie. It says so at WARN
 * when it starts, naming what to do instead (found by a black-box trial under {@code unshare --pid --fork --mount-proc
 * java ...}, where an exec check leaving a background job made about three zombies a second). A supervisor JVM is run
 * as such a pid 1 here.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class JdkBackendAsInitTest {

  @Test
  void aJdkBackendInAJvmThatIsPid1WarnsThatOrphansStayZombies() throws Exception {
    assumeTrue(io.github.vigil.testing.Processes.canUnsharePidNamespace(), "cannot make a pid namespace here (unshare --pid --fork --mount-proc needs root)");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process jvm = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", java.toString(), "-XX:-UsePerfData", "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), // no /tmp/hsperfdata_<user>/1, which another namespace's pid 1 may hold
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"), Main.class.getName())
        .redirectErrorStream(true).start();
    try {
      String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(out).contains("PID 1 CLOSED");
      assertThat(out).as(out).containsOnlyOnce("WARN").contains("this JVM is pid 1 of its pid namespace")
          .contains("cannot reap").contains("Linux backend").contains("docker run --init");
    } finally {
      jvm.destroyForcibly();
    }
  }

  /** Builds and closes one supervisor on the JDK backend, then says its pid. */
  public static final class Main {
    private Main() {}

    public static void main(String[] args) {
      try (Supervisor sup = Supervisor.builder().name("init").backend("jdk").build()) {
        System.out.flush();
      }
      System.out.println("PID " + ProcessHandle.current().pid() + " CLOSED");
    }
  }
}
