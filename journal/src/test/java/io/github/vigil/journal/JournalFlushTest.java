package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Journal#flush} writes what the attached supervisors published before it was called, also what the journal's
 * own listener queue has not delivered to it yet; and called on the supervisor's listener thread it returns at once
 * rather than wait for the queue that thread serves. Real processes ({@code sleep}), a real SQLite journal.
 */
@Timeout(120)
class JournalFlushTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  /**
   * A listener of the program's own hears RUNNING before the journal does (it was subscribed first, and holds the one
   * listener thread until the flush is under way): the flush waits for the journal to hear it, and writes it. It did
   * not: the flush wrote what the journal had heard, and returned true without the RUNNING the program had heard.
   */
  @Test
  void aFlushWritesAnEventAnotherListenerHeardBeforeTheJournal() throws Exception {
    Path db = dir.resolve("heard.db");
    // a batch interval longer than the test: only the flush writes
    try (Supervisor sup = Supervisor.builder().name("flush-test").backend("jdk").build();
        Journal journal = Journal.builder().sqlite(db).host("gw1").batchInterval(Duration.ofMinutes(5)).snapshotInterval(Duration.ZERO)
            .build()) {
      CountDownLatch heard = new CountDownLatch(1);
      CountDownLatch flushing = new CountDownLatch(1);
      sup.subscribe(e -> {
        if (e instanceof SupervisorEvent.StateChanged s && s.to() == ProcessState.RUNNING) {
          heard.countDown();
          try { // the journal, behind this listener on the one listener thread, hears RUNNING only after this returns
            flushing.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
          } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
          }
        }
      });
      journal.attach(sup);
      ProcessController feed = sup.register(ProcessSpec.builder("feed").command("sleep", "600").startupGrace(Duration.ZERO).build());
      feed.start();
      assertThat(heard.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the program's listener heard RUNNING").isTrue();

      Thread flusher = Thread.currentThread();
      // lets the listener thread go on once the flush waits for the journal's queue: as late as can be, so that a flush
      // that does not wait finds RUNNING not heard yet (that one never waits there: it is let go after the flush)
      Thread releaser = new Thread(() -> {
        while (flushing.getCount() > 0 && !waitsForDeliveries(flusher)) {
          try {
            Thread.sleep(5);
          } catch (InterruptedException x) {
            return;
          }
        }
        flushing.countDown();
      }, "flush-test-releaser");
      releaser.setDaemon(true);
      releaser.start();
      boolean flushed;
      try {
        flushed = journal.flush(WAIT);
      } finally {
        flushing.countDown();
        releaser.join(WAIT.toMillis());
      }
      assertThat(flushed).as("flushed").isTrue();

      try (JournalReader reader = JournalReader.open(db.toString(), null)) {
        List<JournalEvent> rows = reader.events("feed", Instant.EPOCH, Instant.now().plusSeconds(60), 1000);
        assertThat(rows).as("the journal's rows, read right after the flush").extracting(JournalEvent::type).contains("Started");
        assertThat(rows).as("the journal's rows, read right after the flush")
            .anySatisfy(r -> assertThat(r.toState()).isEqualTo(ProcessState.RUNNING.name()));
      }
    }
  }

  /**
   * A listener (on the supervisor's one listener thread) and a command's stage (completed on that thread) flush the
   * journal: each returns at once, true, having written what the journal had heard. Waiting for the journal's queue,
   * which only that thread delivers, would have held them the whole timeout and returned false.
   */
  @Test
  void aFlushOnTheListenerThreadDoesNotWaitForItself() throws Exception {
    Path db = dir.resolve("listener.db");
    Duration timeout = Duration.ofSeconds(20);
    try (Supervisor sup = Supervisor.builder().name("flush-test").backend("jdk").build();
        Journal journal = Journal.builder().sqlite(db).host("gw1").batchInterval(Duration.ofMinutes(5)).snapshotInterval(Duration.ZERO)
            .build()) {
      journal.attach(sup);
      CompletableFuture<long[]> byListener = new CompletableFuture<>();
      sup.subscribe(e -> {
        if (e instanceof SupervisorEvent.StateChanged s && s.to() == ProcessState.RUNNING && !byListener.isDone()) {
          byListener.complete(timedFlush(journal, timeout));
        }
      });
      ProcessController feed = sup.register(ProcessSpec.builder("feed").command("sleep", "600").startupGrace(Duration.ZERO).build());
      long[] inStage = feed.start().thenApply(status -> timedFlush(journal, timeout)).toCompletableFuture().get(60, TimeUnit.SECONDS);
      long[] inListener = byListener.get(60, TimeUnit.SECONDS);

      for (long[] r : List.of(inListener, inStage)) {
        assertThat(r[0]).as("flushed, in a listener and in a command's stage: %s", Arrays.toString(r)).isEqualTo(1);
        assertThat(Duration.ofNanos(r[1])).as("the flush's time, in a listener and in a command's stage").isLessThan(timeout.dividedBy(2));
      }
      assertThat(journal.flush(WAIT)).as("flushed from the test's thread").isTrue();
      try (JournalReader reader = JournalReader.open(db.toString(), null)) {
        List<JournalEvent> rows = reader.events("feed", Instant.EPOCH, Instant.now().plusSeconds(60), 1000);
        assertThat(rows).extracting(JournalEvent::type).contains("Registered", "Started");
        assertThat(rows).anySatisfy(r -> assertThat(r.toState()).isEqualTo(ProcessState.RUNNING.name()));
      }
    }
  }

  /** {1 when it returned true, else 0; its nanoseconds}. */
  private static long[] timedFlush(Journal journal, Duration timeout) {
    long t0 = System.nanoTime();
    boolean ok = journal.flush(timeout);
    return new long[] {ok ? 1 : 0, System.nanoTime() - t0};
  }

  /** Whether {@code t} is waiting for a supervisor's deliveries to a listener, in {@link Supervisor#awaitDelivered}. */
  private static boolean waitsForDeliveries(Thread t) {
    return Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getMethodName().equals("awaitDelivered"))
        && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
  }
}
