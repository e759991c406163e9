package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessSpec;
import io.github.vigil.SupervisorEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal at a SQLite URI ({@code jdbc:sqlite:file:/path/journal.db}, the form the reader and {@code vigil} take too)
 * gets its directory created as a file path's is, and nothing is made in the working directory. The builder took the
 * text after {@code jdbc:sqlite:} for the path: it created {@code ./file:/path} and not {@code /path}, and the open
 * failed with SQLITE_CANTOPEN.
 */
@Timeout(60)
class SqliteUriTest {
  private static final Instant T = Instant.parse("2026-12-06T19:00:00Z");

  @TempDir
  Path dir;

  @Test
  void aFileUriJournalIsCreatedInItsOwnDirectoryAndReadBack() throws Exception {
    Path file = dir.resolve("state").resolve("journal.db");
    assertJournalAt("jdbc:sqlite:file:" + file, file);
  }

  @Test
  void aFileUriWithAnEmptyAuthorityAndAQueryIsCreatedToo() throws Exception {
    Path file = dir.resolve("other").resolve("journal.db");
    assertJournalAt("jdbc:sqlite:file://" + file + "?cache=private", file);
  }

  private void assertJournalAt(String url, Path file) throws Exception {
    try (Journal journal = Journal.builder().url(url).snapshotInterval(Duration.ZERO).build()) {
      journal.onEvent(new SupervisorEvent.Registered("feed", T, ProcessSpec.builder("feed").command("/opt/feed").build()));
      assertThat(journal.flush(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(file).as(url).isRegularFile();
    try (JournalReader reader = JournalReader.open(url, null)) {
      assertThat(reader.processes()).containsExactly("feed");
    }
    assertThat(Path.of("file:")).as("a directory made in the working directory").doesNotExist();
  }

  /** What the old builder made in the working directory ({@code ./file:/...dir...}), so that a failure leaves none behind. */
  @AfterEach
  void removeWhatTheOldBuilderMade() throws IOException {
    Path made = Path.of("file:" + dir);
    if (Files.exists(made)) {
      try (Stream<Path> walk = Files.walk(made)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      for (Path p = made.getParent(); p != null; p = p.getParent()) {
        if (!p.toFile().delete()) { // only the empty directories it made, up to "file:"
          break;
        }
      }
    }
  }
}
