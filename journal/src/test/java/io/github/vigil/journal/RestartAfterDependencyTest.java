package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
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
 * An order gateway that ends while its quote feed is down restarts once the feed is back: its policy's restart waits
 * in {@code WAITING} for the dependency (no {@code RestartScheduled}: no backoff), then starts with origin
 * {@code POLICY}. The supervisor counts it ({@code ProcessStatus.restarts()}); the journal's restart report did not (it
 * took the start for one through the API), so {@code vigil restarts} and {@code vigil status}' RESTARTS 24H said one
 * fewer than the supervisor (a black-box run: 13 restarts of the gateway in the supervisor, 12 in the journal, when the
 * feed was SIGKILLed and the gateway lost its connection).
 */
@Timeout(60)
class RestartAfterDependencyTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  @Test
  void aRestartThatWaitedForItsDependencyIsARestart() throws Exception {
    Path db = dir.resolve("dependency.db");
    Instant from = Instant.now().minusSeconds(1);
    int supervisorSays;
    try (Journal journal = Journal.builder().sqlite(db).host("gw").batchInterval(Duration.ofMillis(50)).snapshotInterval(Duration.ZERO)
            .build();
        Supervisor sup = Supervisor.builder().name("gw").build()) {
      EventRecorder events = new EventRecorder();
      sup.subscribe(events);
      journal.attach(sup);
      sup.register(ProcessSpec.builder("feed").command("sleep", "600").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(2)))).build());
      sup.register(ProcessSpec.builder("gateway").command("sleep", "600").startupGrace(Duration.ZERO).dependsOn("feed")
          .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofMillis(100)))).build());
      sup.startAll().toCompletableFuture().get();
      long feedPid = sup.controller("feed").orElseThrow().status().pid();
      ProcessHandle.of(feedPid).orElseThrow().destroyForcibly(); // SIGKILL: the feed restarts after its 2 s backoff
      events.awaitState("feed", ProcessState.BACKOFF, 1, WAIT);
      long gatewayPid = sup.controller("gateway").orElseThrow().status().pid();
      ProcessHandle.of(gatewayPid).orElseThrow().destroyForcibly(); // while the feed is down: its restart waits for it
      events.awaitState("gateway", ProcessState.WAITING, 1, WAIT);
      events.awaitState("gateway", ProcessState.RUNNING, 2, WAIT);
      assertThat(events.events().stream().filter(e -> e instanceof SupervisorEvent.RestartScheduled && e.process().equals("gateway")))
          .as("a restart that waited for its dependency: no backoff scheduled").isEmpty();
      supervisorSays = sup.controller("gateway").orElseThrow().status().restarts();
      assertThat(supervisorSays).isEqualTo(1);
      assertThat(journal.flush(WAIT)).as("the journal has heard and written what the recorder heard").isTrue();
    }
    RestartReport r;
    try (JournalReader reader = JournalReader.open(db.toString(), "gw")) {
      r = reader.restarts("gateway", from, Instant.now().plusSeconds(1), ZoneOffset.UTC, TradeCalendar.calendarDays(ZoneOffset.UTC));
    }
    assertThat(r.total()).as("the journal's restarts of the gateway, as the supervisor counted them: %s", r.timeline()).isEqualTo(supervisorSays);
    assertThat(r.timeline().get(0).recovery()).as("from its exit to RUNNING after the feed was back").isNotNull();
  }
}
