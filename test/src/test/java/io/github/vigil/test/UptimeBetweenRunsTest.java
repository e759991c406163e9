package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.RestartPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ProcessStatus#uptime()} is the current run's: from the start of its spawn (its {@code startedAt}), zero while
 * there is no run. Between a run's end and the return of the next run's spawn (a restart whose spawn is under way) the
 * status has no pid, and no uptime either: the journal's snapshots and the command line's {@code vigil status} showed the
 * ended run's uptime still growing there.
 */
@Timeout(60)
class UptimeBetweenRunsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void aRestartWhoseSpawnIsUnderWayHasNoUptimeYetAndTheNewRunCountsFromItsSpawn() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      ProcessController feed = kit.supervisor().register(ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.always().withBackoff(Backoff.none())).build());
      feed.start();
      kit.awaitIdle();
      kit.advance(Duration.ofSeconds(5));
      assertThat(feed.status().uptime()).isEqualTo(Duration.ofSeconds(5));

      FakeBackend.SpawnGate gate = kit.backend().holdNextSpawn("feed");
      kit.backend().last("feed").exit(1);
      assertThat(gate.awaitEntered(WAIT)).as("the restart's spawn is held").isTrue();
      kit.clock().advance(Duration.ofSeconds(2)); // not kit.advance: that waits for the held spawn
      ProcessStatus between = feed.status();
      assertThat(between.state()).isEqualTo(ProcessState.STARTING);
      assertThat(between.pid()).isEqualTo(-1);
      assertThat(between.uptime()).as("no run is up while its spawn is under way").isEqualTo(Duration.ZERO);

      gate.open();
      kit.events().awaitState("feed", ProcessState.RUNNING, 2, WAIT);
      kit.awaitIdle();
      kit.advance(Duration.ofSeconds(3));
      assertThat(feed.status().uptime()).as("the new run's, from its spawn's start (as its startedAt): the held 2 s and 3 s")
          .isEqualTo(Duration.ofSeconds(5));
    }
  }

  @Test
  void aStoppedProcessStartedAgainHasNoUptimeUntilItsSpawnReturns() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      ProcessController feed = kit.supervisor().register(ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO).build());
      feed.start();
      kit.awaitIdle();
      kit.advance(Duration.ofSeconds(7));
      feed.stop();
      kit.awaitIdle();
      assertThat(feed.status().uptime()).isEqualTo(Duration.ZERO);

      FakeBackend.SpawnGate gate = kit.backend().holdNextSpawn("feed");
      feed.start();
      assertThat(gate.awaitEntered(WAIT)).isTrue();
      kit.clock().advance(Duration.ofSeconds(1));
      assertThat(feed.status().state()).isEqualTo(ProcessState.STARTING);
      assertThat(feed.status().uptime()).as("the stopped run's uptime is not counted on").isEqualTo(Duration.ZERO);
      gate.open();
      kit.awaitIdle();
      assertThat(feed.status().state()).isEqualTo(ProcessState.RUNNING);
    }
  }
}
