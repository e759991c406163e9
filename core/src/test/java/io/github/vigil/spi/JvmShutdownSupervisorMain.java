package io.github.vigil.spi;

import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import java.time.Duration;

/**
 * Run in a separate JVM by {@link JvmShutdownClosesSupervisorTest} (and linux-native's, with {@code linux} as the third
 * argument): the root README's quick start as a program, a supervisor in a try-with-resources block (the JDK backend
 * unless the third argument names another) whose one process writes {@code TERM} to a file when it gets
 * its stop signal; prints {@code READY}, then waits to be ended (a SIGTERM of the JVM runs no finally block).
 */
public final class JvmShutdownSupervisorMain {
  private JvmShutdownSupervisorMain() {}

  public static void main(String[] args) throws Exception {
    String stoppedFile = args[0];
    String marker = args[1];
    String backend = args.length > 2 ? args[2] : "jdk";
    try (Supervisor sup = Supervisor.builder().name("jvm-shutdown").backend(backend).build()) {
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
