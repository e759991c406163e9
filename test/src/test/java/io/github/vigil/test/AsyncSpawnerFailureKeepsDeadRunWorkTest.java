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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A restart that follows a crash at once takes the dead run's work along (its output's flush, the look for what it left
 * running), to be done by the spawn's {@code prepare} first. An async spawner that throws synchronously never calls
 * {@code prepare}: that work was dropped, and what the crashed run left kept running next to its successor.
 */
@Timeout(60)
class AsyncSpawnerFailureKeepsDeadRunWorkTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void whatACrashedRunLeftIsKilledThoughTheRestartsAsyncSpawnerThrew() throws Exception {
    FakeBackend fake = FakeBackend.spawningOnItsOwnThread();
    ThrowingBackend backend = new ThrowingBackend(fake);
    try (SupervisorTestKit kit = SupervisorTestKit.create(fake, b -> b.backend(backend))) {
      ProcessController feed = kit.supervisor().register(ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.none())).build());
      backend.leaveDescendants = true; // run 1 leaves something running when it dies
      feed.start();
      kit.events().awaitState("feed", ProcessState.RUNNING, 1, WAIT);
      kit.awaitIdle();
      backend.leaveDescendants = false;
      backend.asyncSpawnerThrows.set(() -> new UnsatisfiedLinkError("no vigil-native in java.library.path"));
      fake.last("feed").exit(1); // restarted at once: the restart's spawn throws, then the policy's next one runs
      kit.events().awaitState("feed", ProcessState.RUNNING, 2, WAIT);
      kit.awaitIdle();
      assertThat(kit.events().of(SupervisorEvent.Exited.class, "feed")).extracting(x -> x.exit().cause())
          .containsExactly(ExitCause.ERROR_EXIT, ExitCause.START_FAILED);
      assertThat(fake.runs("feed")).hasSize(2);
      assertThat(backend.leftoversKilled.get()).as("what run 1 left, killed").isEqualTo(1);
    }
  }
}
