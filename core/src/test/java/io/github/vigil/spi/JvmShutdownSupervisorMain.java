package io.github.vigil.spi;

import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import java.time.Duration;

/**
 * Run in a separate JVM by {@link JvmShutdownClosesSupervisorTest} (and linux-native's, with {@code linux} as the third
 * argument): the root README's quick start as a program, a supervisor in a try-with-resources block (the JDK backend
 * unless the third argument names another) whose one process writes {@code TERM} to a file when it gets
 * its stop signal; prints {@code READY}, then waits to be ended (a SIGTERM of the JVM runs no finally block). With a
 * fourth argument, a file, a listener calls {@code System.exit(3)} once that file is created (a process waiting for it
 * exits).
 */
public final class JvmShutdownSupervisorMain {
  private JvmShutdownSupervisorMain() {}

  public static void main(String[] args) throws Exception {
    String stoppedFile = args[0];
    String marker = args[1];
    String backend = args.length > 2 ? args[2] : "jdk";
    String exitWhenCreated = args.length > 3 ? args[3] : null;
    try (Supervisor sup = Supervisor.builder().name("jvm-shutdown").backend(backend).build()) {
      if (exitWhenCreated != null) { // a listener that ends the JVM when the trigger process exits (the file created)
        sup.subscribe(e -> {
          if (e instanceof SupervisorEvent.Exited x && x.process().equals("trigger")) {
            System.exit(3);
          }
        });
        sup.register(ProcessSpec.builder("trigger")
            .command("/bin/sh", "-c", "while [ ! -e " + exitWhenCreated + " ]; do /bin/sleep 0.05; done")
            .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ZERO).build())
            .start(Duration.ofSeconds(30));
      }
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
