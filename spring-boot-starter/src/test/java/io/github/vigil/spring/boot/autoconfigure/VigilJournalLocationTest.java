package io.github.vigil.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Supervisor;
import io.github.vigil.journal.Journal;
import io.github.vigil.journal.JournalReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Where the journal of {@code vigil.journal.enabled} is written without {@code vigil.journal.url}: {@code journal.db} in
 * {@code vigil.state-directory}, where the {@code vigil} command line's README looks for it (as
 * {@code Journal.Builder.stateDirectory} puts it). It was {@code vigil-journal.db} in the working directory whatever the
 * state directory, and {@code vigil status --journal /var/lib/gateway/journal.db} found no file (a black-box run).
 */
@Timeout(60)
class VigilJournalLocationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(VigilAutoConfiguration.class, VigilJournalAutoConfiguration.class));

  @TempDir
  Path dir;

  @Test
  void byDefaultTheJournalIsInTheStateDirectory() {
    Path state = dir.resolve("gateway");
    runner.withPropertyValues("vigil.state-directory=" + state, "vigil.journal.enabled=true", "vigil.journal.snapshot-interval=0s",
        "vigil.processes.feed.command=sleep,600", "vigil.processes.feed.auto-start=false").run(context -> {
          assertThat(context).hasNotFailed();
          Journal journal = context.getBean(Journal.class);
          assertThat(journal.url()).isEqualTo("jdbc:sqlite:" + state.resolve("journal.db").toAbsolutePath());
          assertThat(context.getBean(Supervisor.class).awaitIdle(Duration.ofSeconds(10))).as("the journal has heard the registration").isTrue();
          assertThat(journal.flush(Duration.ofSeconds(10))).isTrue();
          assertThat(state.resolve("journal.db")).exists();
          try (JournalReader reader = JournalReader.open(state.resolve("journal.db").toString(), null)) {
            assertThat(reader.processes()).contains("feed");
          }
        });
  }

  @Test
  void itsOwnUrlPutsItElsewhere() {
    Path state = dir.resolve("gateway");
    Path elsewhere = dir.resolve("elsewhere.db");
    runner.withPropertyValues("vigil.state-directory=" + state, "vigil.journal.enabled=true", "vigil.journal.snapshot-interval=0s",
        "vigil.journal.url=jdbc:sqlite:" + elsewhere).run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(Journal.class).url()).isEqualTo("jdbc:sqlite:" + elsewhere);
          assertThat(Files.exists(state.resolve("journal.db"))).isFalse();
        });
  }
}
