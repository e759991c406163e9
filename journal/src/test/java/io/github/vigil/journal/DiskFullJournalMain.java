package io.github.vigil.journal;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Run in a separate JVM by {@link DiskFullJournalTest}, its log on standard error: a supervisor whose process crashes
 * and is restarted without end, journaled into {@code DIR/journal.db} (a small tmpfs); once the first events are
 * written, fills {@code DIR} until ENOSPC and waits until the journal has dropped events. With {@code free} it then
 * frees the space and flushes; with {@code keep} it closes the journal on the full disk. Prints {@code KEY value}
 * lines: {@code HEARD-AT-FULL}, {@code HEARD-AT-DROP} (the supervisor's events heard by then), {@code FLUSHED},
 * {@code STATS} (after the close), {@code GAP-ROWS} (the {@code EventsDropped} rows, with {@code free}).
 */
public final class DiskFullJournalMain {
  private DiskFullJournalMain() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    boolean free = args[1].equals("free");
    Path db = dir.resolve("journal.db");
    AtomicLong heard = new AtomicLong();
    Journal journal = Journal.builder().sqlite(db).batchInterval(Duration.ofMillis(100)).retryDelay(Duration.ofMillis(200))
        .bufferCapacity(20).snapshotInterval(Duration.ofMillis(200)).build();
    try (journal; Supervisor sup = Supervisor.builder().name("disk-full").build()) {
      journal.attach(sup);
      sup.subscribe(e -> heard.incrementAndGet());
      ProcessController c = sup.register(ProcessSpec.builder("crasher").command("/bin/sh", "-c", "sleep 0.05; exit 1")
          .restartPolicy(RestartPolicy.always().withBackoff(Backoff.fixed(Duration.ofMillis(20))).withStartLimit(100_000, Duration.ofMinutes(1)))
          .startupGrace(Duration.ZERO).build());
      c.start();
      await(() -> journal.stats().eventsWritten() >= 20, "20 events written");
      Path filler = dir.resolve("filler");
      try (OutputStream o = Files.newOutputStream(filler)) {
        byte[] b = new byte[4096];
        while (true) {
          o.write(b);
        }
      } catch (IOException e) {
        System.out.println("FILLED " + e.getMessage());
      }
      System.out.println("HEARD-AT-FULL " + heard.get());
      await(() -> journal.stats().eventsDropped() >= 10, "10 events dropped");
      System.out.println("HEARD-AT-DROP " + heard.get());
      if (free) {
        Files.delete(filler);
        c.stop(Duration.ofSeconds(10));
        System.out.println("FLUSHED " + journal.flush(Duration.ofSeconds(20)));
      } else {
        c.stop(Duration.ofSeconds(10));
      }
    }
    System.out.println("STATS " + journal.stats());
    if (free) {
      try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + db);
          ResultSet r = conn.createStatement().executeQuery("SELECT count(*) FROM events WHERE type = 'EventsDropped'")) {
        r.next();
        System.out.println("GAP-ROWS " + r.getLong(1));
      }
    }
  }

  private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not within 30 s: " + what);
      }
      Thread.sleep(20);
    }
  }
}
