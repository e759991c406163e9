package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ExitCause;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.SupervisorEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Where a spawn runs, which is the number of thread hops from a crash to its restart: a backend that
 * spawns on a thread of its own (as the Linux backend forks on its event loop) gets the spawn straight
 * from the supervision thread; any other backend is called on the supervisor's I/O threads. Either
 * way a failure to spawn is a start failure with the backend's words.
 */
@Timeout(60)
class SpawnHandOverTest {
  private static final RestartPolicy AT_ONCE = RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ZERO));

  @Test
  void aCrashIsRestartedOnTheBackendsOwnThreadWhenItHasOne() {
    List<String> threads = crashAndRestart(FakeBackend.spawningOnItsOwnThread());
    assertThat(threads).as("the first start and the restart").containsExactly("vigil-fake-backend", "vigil-fake-backend");
  }

  @Test
  void aCrashIsRestartedOnAnIoThreadOtherwise() {
    List<String> threads = crashAndRestart(new FakeBackend());
    assertThat(threads).hasSize(2).allMatch(t -> t.startsWith("vigil-test-io-"), "an I/O thread of the supervisor");
  }

  private static List<String> crashAndRestart(FakeBackend backend) {
    List<String> threads = new CopyOnWriteArrayList<>();
    backend.inSpawn("feed", request -> threads.add(Thread.currentThread().getName()));
    try (SupervisorTestKit kit = SupervisorTestKit.create(backend, b -> b)) {
      ProcessController feed = kit.supervisor().register(ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO)
          .restartPolicy(AT_ONCE).build());
      feed.start();
      kit.awaitIdle();
      backend.last("feed").exit(1);
      kit.awaitIdle();
      assertThat(kit.events().starts("feed")).isEqualTo(2);
      assertThat(feed.status().state()).isEqualTo(ProcessState.RUNNING);
      assertThat(feed.status().pid()).isEqualTo(backend.last("feed").pid());
    }
    return threads;
  }

  @Test
  void aSpawnRefusedOnTheBackendsThreadIsAStartFailureWithItsMessage() {
    FakeBackend backend = FakeBackend.spawningOnItsOwnThread();
    try (SupervisorTestKit kit = SupervisorTestKit.create(backend, b -> b)) {
      ProcessController feed = kit.supervisor().register(ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO)
          .restartPolicy(AT_ONCE).build());
      feed.start();
      kit.awaitIdle();
      backend.failNextSpawn("feed", "binary /opt/feed not found");
      backend.last("feed").exit(1);
      kit.awaitIdle(); // the refused restart, then the next one (a failed start waits for its task, not the clock)
      List<SupervisorEvent.Exited> exits = kit.events().of(SupervisorEvent.Exited.class, "feed");
      assertThat(exits).hasSize(2);
      assertThat(exits.get(1).exit().cause()).isEqualTo(ExitCause.START_FAILED);
      assertThat(exits.get(1).exit().message()).isEqualTo("binary /opt/feed not found");
      assertThat(backend.spawnAttempts("feed")).isEqualTo(3);
      assertThat(feed.status().state()).isEqualTo(ProcessState.RUNNING);
    }
  }
}
