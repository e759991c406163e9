package io.github.vigil.spi;

import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import java.time.Duration;

/**
 * Run in a separate JVM by {@link JvmShutdownClosesSupervisorTest}: the root README's quick start as a program, a
 * supervisor in a try-with-resources block (JDK backend) whose one process writes {@code TERM} to a file when it gets
 * its stop signal; prints {@code READY}, then waits to be ended (a SIGTERM of the JVM runs no finally block).
 */
public final class JvmShutdownSupervisorMain {
  private JvmShutdownSupervisorMain() {}

  public static void main(String[] args) throws Exception {
    String stoppedFile = args[0];
    String marker = args[1];
    try (Supervisor sup = Supervisor.builder().name("jvm-shutdown").backend("jdk").build()) {
      sup.register(ProcessSpec.builder("feed")
          .command("/bin/sh", "-c", "trap 'echo TERM > " + stoppedFile + "; exit 0' TERM; /bin/sleep " + marker + " & wait")
          .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ZERO).build())
          .start(Duration.ofSeconds(30));
      System.out.println("READY");
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
