package io.github.vigil.spi;

import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * Run in a separate JVM by {@link JdkSweepLogLineTest}, on the JDK backend and state directory {@code args[0]}:
 * {@code run COMMAND...} supervises {@code COMMAND}, prints {@code READY pid} once it runs, then waits to be killed;
 * {@code sweep} starts a supervisor there (which sweeps what a killed one left), prints {@code SWEPT} and closes it.
 */
public final class JdkSweepSupervisorMain {
  private JdkSweepSupervisorMain() {}

  public static void main(String[] args) throws Exception {
    Path state = Path.of(args[0]);
    try (Supervisor sup = Supervisor.builder().name("jdk-sweep").backend("jdk").stateDirectory(state).build()) {
      if (args[1].equals("sweep")) {
        System.out.println("SWEPT");
        System.out.flush();
        return;
      }
      long pid = sup.register(ProcessSpec.builder("argv").command(Arrays.asList(args).subList(2, args.length))
          .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ZERO).build()).start(Duration.ofSeconds(30)).pid();
      System.out.println("READY " + pid);
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
