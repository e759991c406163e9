package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Origin;
import io.github.vigil.SupervisorEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal's SQLite file removed with its directory while the journal runs (a state directory cleaned up): SQLite
 * went on writing into the unlinked file, the stats counted every event written, and all of it was gone at the close,
 * without a word. Now the file is made again (schema and all) before the next batch, and what comes after is in it.
 */
@Timeout(60)
class JournalFileRemovedTest {

  @TempDir Path tmp;

  @Test
  void eventsAfterTheFileWasRemovedAreInANewFile() throws Exception {
    Path dir = tmp.resolve("state");
    Path db = dir.resolve("journal.db");
    try (Journal journal = Journal.builder().sqlite(db).batchInterval(Duration.ofMillis(50)).build()) {
      for (int i = 0; i < 5; i++) {
        journal.onEvent(new SupervisorEvent.CommandIssued("feed", Instant.now(), SupervisorEvent.Command.START, Origin.API, "before " + i));
      }
      assertThat(journal.flush(Duration.ofSeconds(10))).isTrue();
      Process rm = new ProcessBuilder("rm", "-rf", dir.toString()).start();
      assertThat(rm.waitFor()).isZero();
      for (int i = 0; i < 5; i++) {
        journal.onEvent(new SupervisorEvent.CommandIssued("feed", Instant.now(), SupervisorEvent.Command.START, Origin.API, "after " + i));
      }
      assertThat(journal.flush(Duration.ofSeconds(10))).isTrue();
      assertThat(db).as("the journal's file made again").exists();
      assertThat(afterRows(db)).as("the events written after the removal, in the new file").isEqualTo(5);
    }
    assertThat(afterRows(db)).isEqualTo(5);
  }

  private static long afterRows(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM events WHERE reason LIKE 'after %'")) {
      r.next();
      return r.getLong(1);
    }
  }
}
