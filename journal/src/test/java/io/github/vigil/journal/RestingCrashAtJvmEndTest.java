package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ExitCause;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.testing.EventRecorder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash its policy did not restart (a start that failed under {@link RestartPolicy#never()}: it rests in
 * {@code CRASHED}), then the supervising JVM ended without journaling its stops (killed) minutes later, and the next JVM
 * registered the process without starting it: no restart. The report counted the old crash as a restart "the next JVM
 * did" (a crash heard whose {@code RestartScheduled} was lost with the JVM), dated at the crash, with no recovery
 * ("none, down 20 min 59 s"), and {@code vigil status} said RESTARTS 24H 1 where the live supervisor had said 0 (a
 * black-box run of a gateway: five start-failure processes each gained a restart when the JVM was killed). The journal
 * heard of the process after the crash (its status snapshots), so the JVM outlived the policy's decision: had it
 * scheduled a restart, the journal would have heard that first.
 */
@Timeout(60)
class RestingCrashAtJvmEndTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  @Test
  void aCrashThatRestedUntilTheJvmEndedIsNoRestartByTheNextJvm() throws Exception {
    Path db = dir.resolve("resting.db");
    Instant from = Instant.now().minusSeconds(1);
    ProcessSpec spec = ProcessSpec.builder("risk").command("/bin/sh", "-c", "exit 0").workingDirectory(dir.resolve("no-such-dir"))
        .restartPolicy(RestartPolicy.never()).autoStart(false).build();
    // the first JVM: the start fails, the process rests in CRASHED, snapshots of it are journaled; then the journal
    // hears nothing more (closed before the supervisor: a killed JVM's journal hears no stops either)
    Supervisor first = Supervisor.builder().name("gw").build();
    try {
      try (Journal journal = Journal.builder().sqlite(db).host("gw").batchInterval(Duration.ofMillis(50))
          .snapshotInterval(Duration.ofMillis(100)).build()) {
        EventRecorder events = new EventRecorder();
        first.subscribe(events);
        journal.attach(first);
        first.register(spec);
        first.controller("risk").orElseThrow().start();
        SupervisorEvent.Exited exit = events.await(SupervisorEvent.Exited.class, e -> e.process().equals("risk"), 1, WAIT).get(0);
        assertThat(exit.exit().cause()).isEqualTo(ExitCause.START_FAILED);
        events.awaitState("risk", ProcessState.CRASHED, 1, WAIT);
        try (JournalReader reader = JournalReader.open(db.toString(), "gw")) {
          long deadline = System.nanoTime() + WAIT.toNanos();
          // the journal's snapshots of the resting process, 2 s after its crash: the JVM lived on past the policy's decision
          while (reader.lastHeardOf("gw", "risk", Instant.EPOCH, Instant.now().plusSeconds(1)).orElse(Instant.EPOCH)
              .isBefore(exit.at().plusSeconds(2))) {
            assertThat(System.nanoTime()).as("a snapshot of risk 2 s after its crash within %s", WAIT).isLessThan(deadline);
            Thread.sleep(50); // polling the journal's rows until a snapshot of that time is committed
          }
        }
      }
    } finally {
      first.close();
    }
    // the next JVM registers it and leaves it as it is
    try (Journal journal = Journal.builder().sqlite(db).host("gw").batchInterval(Duration.ofMillis(50)).snapshotInterval(Duration.ZERO)
            .build();
        Supervisor next = Supervisor.builder().name("gw").build()) {
      journal.attach(next);
      next.register(spec);
      assertThat(journal.flush(WAIT)).as("the journal has heard and written the registration").isTrue();
    }
    RestartReport r;
    try (JournalReader reader = JournalReader.open(db.toString(), "gw")) {
      r = reader.restarts("risk", from, Instant.now().plusSeconds(1), ZoneOffset.UTC, TradeCalendar.calendarDays(ZoneOffset.UTC));
    }
    assertThat(r.timeline()).as("restarts of a process restarted by no JVM").isEmpty();
    assertThat(r.total()).isZero();
  }
}
