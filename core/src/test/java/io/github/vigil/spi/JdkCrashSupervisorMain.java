package io.github.vigil.spi;

import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Run in a separate JVM by {@link JdkCrashSweepTest}: supervises {@code count} children on the JDK backend,
 * each with a grandchild that rewrites nothing but would outlive it, prints {@code READY} and the marker,
 * then waits to be killed.
 */
public final class JdkCrashSupervisorMain {
  private JdkCrashSupervisorMain() {}

  public static void main(String[] args) throws Exception {
    Path state = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    String marker = args[2];
    Supervisor sup = Supervisor.builder().name("jdk-crashing").backend("jdk").stateDirectory(state).build();
    for (int i = 0; i < count; i++) {
      // env -i: the grandchild's environment holds no VIGIL_RUN_ID, as nginx's does not
      sup.register(ProcessSpec.builder("child-" + i)
          .command("/bin/sh", "-c", "env -i /bin/sleep " + marker + " & exec /bin/sleep " + marker)
          .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ZERO).build())
          .start(Duration.ofSeconds(30));
    }
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
