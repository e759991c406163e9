package io.github.vigil.linux;

import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a separate JVM by {@link JvmCrashTest}: supervises {@code count} children that each start two
 * grandchildren, prints {@code READY pid...} once all run, then waits to be killed. An optional third argument is
 * the children's shell script instead ({@link LeftoverCountTest}).
 */
public final class CrashSupervisorMain {
  /**
   * The JVM option that starts the backend without its {@link Guardian}: its runs then get a death signal, and their
   * descendants outlive a killed JVM until the next start on the state directory sweeps them, which the tests of that
   * sweep need.
   */
  static final String NO_GUARDIAN = "-D" + LinuxProcessBackend.GUARDIAN_PROPERTY + "=false";

  private CrashSupervisorMain() {}

  public static void main(String[] args) throws Exception {
    Path state = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    String script = args.length > 2 ? args[2] : "sleep 1000 & setsid sleep 1001 & echo started; wait";
    Supervisor sup = Supervisor.builder().name("crashing").backend("linux").stateDirectory(state).build();
    List<Long> pids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      // two grandchildren: one stays in the group, one leaves the session with setsid (only the cgroup and the marker find it)
      var c = sup.register(ProcessSpec.builder("child-" + i)
          .command("/bin/sh", "-c", script)
          .restartPolicy(RestartPolicy.never()).startupGrace(Duration.ZERO).build());
      pids.add(c.start(Duration.ofSeconds(30)).pid());
    }
    StringBuilder line = new StringBuilder("READY");
    pids.forEach(p -> line.append(' ').append(p));
    System.out.println(line);
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
