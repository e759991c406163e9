package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.Origin;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Termination;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash that nothing restarted (supervision off, or a schedule's restart the journal did not hear of), then a start
 * through the API in the same JVM, and that JVM killed while the new run was RUNNING: the next JVM's registration
 * restarts the run that was running ({@code SUPERVISOR_ENDED}); the old crash is no restart by the next JVM. Found by a
 * black-box run: the report dated the next JVM's restart at the old crash, with a recovery from it to the new JVM's
 * RUNNING (1 min 22 s where the process had been down 45 s), and left out the {@code SUPERVISOR_ENDED} restart.
 */
@Timeout(60)
class StartAfterCrashTest {
  private static final Instant T0 = Instant.parse("2026-12-05T16:35:00Z");
  private static final Instant CRASH = Instant.parse("2026-12-05T16:39:16Z");
  private static final Instant STARTED = Instant.parse("2026-12-05T16:40:00Z");
  private static final Instant NEXT_JVM = Instant.parse("2026-12-05T16:40:37Z");

  @TempDir
  Path dir;

  @Test
  void aStartAfterAnUnrestartedCrashIsNotTakenForTheNextJvmsRestartOfIt() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("start-after-crash.db");
    String p = "trader";
    try (Journal j = Journal.builder().url(url).host("gw").snapshotInterval(Duration.ZERO).build()) {
      j.onEvent(new SupervisorEvent.Registered(p, T0, ProcessSpec.builder(p).command("/opt/trader").build()));
      j.onEvent(new SupervisorEvent.StateChanged(p, T0, ProcessState.STOPPED, ProcessState.STARTING, Origin.API, "start"));
      j.onEvent(new SupervisorEvent.Started(p, T0, 100, 1));
      j.onEvent(new SupervisorEvent.StateChanged(p, T0.plusSeconds(1), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS, "up"));
      ExitInfo crash = new ExitInfo(Termination.Signaled.of(9, false), ExitCause.SIGNALED, Duration.between(T0, CRASH), CRASH, "", -1);
      j.onEvent(new SupervisorEvent.Exited(p, CRASH, 1, crash));
      j.onEvent(new SupervisorEvent.StateChanged(p, CRASH, ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS, crash.toString()));
      // no RestartScheduled nor RestartDeferred: started again through the API
      j.onEvent(new SupervisorEvent.CommandIssued(p, STARTED, SupervisorEvent.Command.START, Origin.API, "start requested"));
      j.onEvent(new SupervisorEvent.StateChanged(p, STARTED, ProcessState.CRASHED, ProcessState.STARTING, Origin.API, "start requested"));
      j.onEvent(new SupervisorEvent.Started(p, STARTED, 101, 2));
      j.onEvent(new SupervisorEvent.StateChanged(p, STARTED.plusSeconds(1), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS, "up"));
      // the JVM is killed; the next one registers and starts it
      j.onEvent(new SupervisorEvent.Registered(p, NEXT_JVM, ProcessSpec.builder(p).command("/opt/trader").build()));
      j.onEvent(new SupervisorEvent.StateChanged(p, NEXT_JVM, ProcessState.STOPPED, ProcessState.STARTING, Origin.DEPENDENCY, "start all"));
      j.onEvent(new SupervisorEvent.Started(p, NEXT_JVM, 200, 1));
      j.onEvent(new SupervisorEvent.StateChanged(p, NEXT_JVM.plusSeconds(1), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS, "up"));
      assertThat(j.flush(Duration.ofSeconds(10))).isTrue();
    }
    RestartReport r;
    try (JournalReader reader = JournalReader.open(url, "gw")) {
      r = reader.restarts(p, T0, T0.plus(Duration.ofHours(1)), ZoneOffset.UTC, TradeCalendar.calendarDays(ZoneOffset.UTC));
    }
    assertThat(r.timeline()).singleElement().satisfies(x -> {
      assertThat(x.cause()).isEqualTo(RestartCause.SUPERVISOR_ENDED);
      assertThat(x.at()).isEqualTo(NEXT_JVM);
      assertThat(x.run()).as("the run the killed JVM ran").isEqualTo(2);
      assertThat(x.recovery()).isEqualTo(Duration.ofSeconds(1));
    });
  }
}
