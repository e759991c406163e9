package io.github.vigil.journal;

import io.github.vigil.Origin;
import io.github.vigil.SupervisorEvent;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A child JVM for {@link SigkillLossTest}: a journal on a SQLite file, fed a steady burst of events
 * ({@code CommandIssued} with reason {@code "seq N"}), printing {@code "N epochMillis"} after every 100th
 * event has been handed to the journal, until it is killed.
 *
 * <p>Arguments: database file, batch interval in ms, events per millisecond.
 */
public final class BurstWriterMain {
  private BurstWriterMain() {}

  public static void main(String[] args) throws Exception {
    Path db = Path.of(args[0]);
    Duration interval = Duration.ofMillis(Long.parseLong(args[1]));
    int perMs = Integer.parseInt(args[2]);
    PrintStream out = System.out;
    Journal journal = Journal.builder().sqlite(db).host("burst").batchInterval(interval).snapshotInterval(Duration.ZERO).build();
    out.println("ready");
    out.flush();
    long seq = 0;
    while (true) {
      long t0 = System.nanoTime();
      for (int i = 0; i < perMs; i++) {
        seq++;
        journal.onEvent(new SupervisorEvent.CommandIssued("burst", Instant.now(), SupervisorEvent.Command.RESTART, Origin.API, "seq " + seq));
        if (seq % 100 == 0) {
          out.println(seq + " " + System.currentTimeMillis());
          out.flush();
        }
      }
      long left = 1_000_000 - (System.nanoTime() - t0);
      if (left > 0) {
        Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
      }
    }
  }
}
