package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.testing.EventRecorder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot read while its process changes state: the status it read is older than the StateChanged published
 * meanwhile, and must not pass for newer. A CI-like run of the command line's test saw {@code vigil status} say STOPPING
 * for a process stopped before (a snapshot read during the stop, stamped after it).
 */
@EnabledOnOs(OS.LINUX)
class SnapshotDuringTransitionTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;

  @Test
  @Timeout(60)
  void aSnapshotReadBeforeAStopNeverOutranksTheStopsEvent() throws Exception {
    // the journal's clock is read as the snapshot is stamped: when armed, the process stops right then, so that the
    // status the snapshot holds (read before or after that reading of the clock) and the stop's events race as they can
    // when a snapshot is taken during a stop
    AtomicReference<ProcessController> stopOnNextReading = new AtomicReference<>();
    Thread snapshotting = Thread.currentThread(); // snapshotNow() runs here; the journal's writer reads the clock too
    InstantSource clock = () -> {
      ProcessController c = Thread.currentThread() == snapshotting ? stopOnNextReading.getAndSet(null) : null;
      if (c != null) {
        c.stop(WAIT);
      }
      return Instant.now();
    };
    try (Journal journal = Journal.builder().sqlite(dir.resolve("journal.db")).clock(clock)
            .snapshotInterval(Duration.ofHours(1)).build();
        Supervisor supervisor = Supervisor.builder().name("snapshot-race").build()) {
      journal.attach(supervisor);
      EventRecorder events = new EventRecorder(); // a queue of its own: the journal may hear an event later (flush waits for it)
      supervisor.subscribe(events);
      ProcessController job = supervisor.register(ProcessSpec.builder("job").command("sleep", "600")
          .startupGrace(Duration.ZERO).build());
      job.start(WAIT);
      events.awaitState("job", ProcessState.RUNNING, 1, WAIT);

      stopOnNextReading.set(job);
      journal.snapshotNow();
      assertThat(stopOnNextReading.get()).as("the snapshot read the journal's clock").isNull();
      events.awaitState("job", ProcessState.STOPPED, 1, WAIT);
      assertThat(journal.flush(WAIT)).as("the journal has heard and written the stop").isTrue();

      try (JournalReader reader = journal.reader()) {
        ProcessSummary job1 = reader.status(Instant.now()).stream().filter(s -> s.process().equals("job")).findFirst()
            .orElseThrow();
        assertThat(job1.state()).as("the state after the stop: %s", job1).isEqualTo("STOPPED");
        assertThat(job1.pid()).as("no pid once stopped: %s", job1).isNull();
      }
    }
  }
}
