package io.github.vigil.spi;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Signal;
import io.github.vigil.Supervisor;
import java.time.Duration;

/**
 * Run in a separate JVM by {@link JdkIgnoredSignalsTest}, started with signals ignored: supervises {@code /bin/sleep
 * args[0]} on the JDK backend with {@code stopSignal(SIGINT)} and a stop timeout of {@code args[1]} seconds, stops it
 * and prints how its run ended.
 */
public final class JdkStopSignalMain {
  private JdkStopSignalMain() {}

  public static void main(String[] args) throws Exception {
    try (Supervisor sup = Supervisor.builder().name("jdk-ignoring").backend("jdk").build()) {
      ProcessController c = sup.register(ProcessSpec.builder("gateway").command("/bin/sleep", args[0])
          .stopSignal(Signal.SIGINT).stopTimeout(Duration.ofSeconds(Long.parseLong(args[1])))
          .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ZERO).build());
      c.start(Duration.ofSeconds(30));
      System.out.println("ENDED " + c.stop(Duration.ofSeconds(60)).lastExit());
    }
  }
}
