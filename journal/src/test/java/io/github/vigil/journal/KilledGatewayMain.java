package io.github.vigil.journal;

import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A child JVM for {@link SupervisorEndedTest}: a gateway whose journal (a SQLite file, host {@code gw}) records one
 * supervised {@code sleep}; prints {@code running PID} once that is in the database. Then, with {@code graceful}, it
 * closes the supervisor and the journal (in that order) and exits; otherwise it waits to be killed.
 *
 * <p>Arguments: database file, {@code graceful} or {@code wait}.
 */
public final class KilledGatewayMain {
  private KilledGatewayMain() {}

  public static void main(String[] args) throws Exception {
    Path db = Path.of(args[0]);
    boolean graceful = args[1].equals("graceful");
    try (Journal journal = Journal.builder().sqlite(db).host("gw").batchInterval(Duration.ofMillis(100)).snapshotInterval(Duration.ZERO)
            .build();
        Supervisor sup = Supervisor.builder().name("gw").backend("linux").build()) {
      journal.attach(sup);
      long pid = sup.register(ProcessSpec.builder("feed").command("sleep", "600").startupGrace(Duration.ZERO).build())
          .start(Duration.ofSeconds(30)).pidIfAlive().orElseThrow();
      if (!journal.flush(Duration.ofSeconds(30))) { // the journal has heard the start (in a queue of its own) and written it
        throw new IllegalStateException("the journal did not flush");
      }
      System.out.println("running " + pid);
      System.out.flush();
      if (!graceful) {
        Thread.sleep(Long.MAX_VALUE);
      }
    }
  }
}
