package io.github.vigil.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.AttachSpec;
import io.github.vigil.AttachState;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.spi.ProcessEntry;
import io.github.vigil.spi.ProcessTable;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.Outsider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The attachments of one supervisor share their listings of the process table; real processes, the JDK backend. */
class AttachSharedListingTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int ATTACHMENTS = 20;

  @TempDir
  Path dir;

  @Test
  void theSteadyLooksOfTwentyAttachmentsAtOneTickTakeOneListing() throws Exception {
    String token = "sharedlook" + Long.toHexString(System.nanoTime());
    Path program = Outsider.sleepAs(dir, token + "/sleeper");
    EventRecorder events = new EventRecorder();
    try (Outsider target = Outsider.start(program);
        Supervisor supervisor = Supervisor.builder().name("attach-shared").backend("jdk").build()) {
      supervisor.subscribe(events);
      for (int i = 0; i < ATTACHMENTS; i++) {
        supervisor.attach(AttachSpec.builder("a" + i).commandLine(token + "/sleeper").exitPollInterval(Duration.ofMillis(50))
            .rescanInterval(Duration.ofMillis(300)).build());
      }
      for (int i = 0; i < ATTACHMENTS; i++) {
        events.awaitAttach("a" + i, AttachState.RUNNING, 1, WAIT);
      }
      SharedListing listings = ((DefaultSupervisor) supervisor).listings();
      long asked0 = listings.asked();
      long taken0 = listings.taken();
      awaitAsked(listings, asked0 + 3L * ATTACHMENTS); // three ticks' looks, which may straddle four ticks
      long asked = listings.asked() - asked0;
      long taken = listings.taken() - taken0;
      assertThat(taken).as("listings taken for %d looks of %d attachments every 300 ms", asked, ATTACHMENTS)
          .isLessThanOrEqualTo(asked / ATTACHMENTS + 1);
      assertThat(supervisor.attachedProcesses()).allSatisfy(a -> assertThat(a.status().pids()).containsExactly(target.pid()));
    }
  }

  @Test
  void aReplacementAfterAnExitIsFoundByTheFollowUpLooksWithAFreshListing() throws Exception {
    String token = "sharedlost" + Long.toHexString(System.nanoTime());
    Path program = Outsider.sleepAs(dir, token + "/sleeper");
    EventRecorder events = new EventRecorder();
    try (Supervisor supervisor = Supervisor.builder().name("attach-shared-lost").backend("jdk").build();
        Outsider first = Outsider.start(program)) {
      supervisor.subscribe(events);
      for (int i = 0; i < ATTACHMENTS; i++) { // a steady look only every 10 minutes: what finds the replacement is a follow-up
        supervisor.attach(AttachSpec.builder("a" + i).commandLine(token + "/sleeper").exitPollInterval(Duration.ofMillis(50))
            .rescanInterval(Duration.ofMinutes(10)).build());
      }
      for (int i = 0; i < ATTACHMENTS; i++) {
        events.awaitAttach("a" + i, AttachState.RUNNING, 1, WAIT);
      }
      first.kill();
      events.await(SupervisorEvent.AttachedLost.class, e -> e.lost().pid() == first.pid(), ATTACHMENTS, WAIT);
      long started = System.nanoTime();
      try (Outsider second = Outsider.start(program)) {
        events.await(SupervisorEvent.AttachedFound.class, e -> e.found().pid() == second.pid(), ATTACHMENTS, WAIT);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        // the follow-ups after an exit look at once, then 100, 200, 400 ... ms later: well under the 10-minute interval
        assertThat(ms).as("replacement started to found by all %d attachments, in ms", ATTACHMENTS).isLessThan(WAIT.toMillis());
      }
    }
  }

  @Test
  void aListingBegunBeforeTheLookAskedIsNeverReusedOneBegunAfterIs() throws Exception {
    AtomicInteger lists = new AtomicInteger();
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ProcessTable table = new ProcessTable() {
      @Override
      public List<ProcessEntry> list() {
        lists.incrementAndGet();
        inside.countDown();
        try {
          release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return List.of();
      }

      @Override
      public Optional<ProcessEntry> get(long pid) {
        return Optional.empty();
      }
    };
    SharedListing listings = new SharedListing(table);
    long asked = System.nanoTime();
    Thread first = new Thread(() -> listings.list(asked), "first-look");
    first.start();
    assertThat(inside.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    // a look asked when the listing was under way, with a listing begun no earlier than it began: waits for it
    Thread second = new Thread(() -> listings.list(asked), "second-look");
    second.start();
    release.countDown();
    first.join(WAIT.toMillis());
    second.join(WAIT.toMillis());
    assertThat(lists).as("listings for two looks of one instant").hasValue(1);
    listings.list(asked);
    assertThat(lists).as("listings after a third look of that instant").hasValue(1);
    listings.list(System.nanoTime());
    assertThat(lists).as("listings after a look asked after the last one began").hasValue(2);
    assertThat(listings.asked()).isEqualTo(4);
    assertThat(listings.taken()).isEqualTo(2);
  }

  @Test
  void theSteadyLooksFallOnCommonTicksNeverLaterThanTheInterval() {
    Duration second = Duration.ofSeconds(1);
    assertThat(Attachment.untilTick(second, 0)).isEqualTo(second);
    assertThat(Attachment.untilTick(second, 2_300_000_000L)).isEqualTo(Duration.ofMillis(700));
    assertThat(Attachment.untilTick(second, -300_000_000L)).isEqualTo(Duration.ofMillis(300));
    assertThat(Attachment.untilTick(Duration.ofSeconds(Long.MAX_VALUE), 5)).isEqualTo(Duration.ofSeconds(Long.MAX_VALUE));
  }

  private static void awaitAsked(SharedListing listings, long count) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (listings.asked() < count) {
      assertThat(System.nanoTime() - deadline).as("looks asked, waiting for %d", count).isNegative();
      Thread.sleep(10);
    }
  }
}
