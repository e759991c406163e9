package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.Dependency;
import io.github.vigil.GroupSpec;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A restart deferred while supervision was off ({@link ProcessController#restartDeferred}, as a trading freeze window
 * defers one) whose dependency is down when it comes due waits for the dependency as the policy's restart at an exit
 * does: it uses up nothing (no start limit, no count against its group's intensity) until it can start. It counted the
 * restart first, and a group allowed no restart escalated for a process that had only begun to wait.
 */
@Timeout(60)
class DeferredRestartWaitsForDependencyTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void aDeferredRestartWhoseDependencyIsDownWaitsForItAndCountsNothingUntilItStarts() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      ProcessController feed = sup.register(ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.never()).build());
      ProcessController gw = sup.register(ProcessSpec.builder("gw").command("gw").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.always().withBackoff(Backoff.none())).dependsOn("feed", Dependency.Condition.STARTED).build());
      // a group that allows no restart: counted at once, the deferred restart would escalate it
      io.github.vigil.GroupController desk = sup.registerGroup(GroupSpec.builder("desk").intensity(0, Duration.ofMinutes(1)).children("gw").build());
      feed.start(WAIT);
      desk.start().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
      kit.awaitIdle();
      assertThat(desk.state()).isEqualTo(io.github.vigil.GroupState.RUNNING);

      gw.setSupervised(false, "freeze window");
      kit.backend().last("gw").exit(1); // crashed in the freeze: left for the window's end
      kit.events().awaitState("gw", ProcessState.CRASHED, 1, WAIT);
      feed.stop(WAIT); // and its dependency is down when the window ends
      kit.awaitIdle();

      gw.setSupervised(true, "freeze window over");
      CompletableFuture<?> restarted = gw.restartDeferred("the end of the freeze window").toCompletableFuture();
      kit.events().awaitState("gw", ProcessState.WAITING, 1, WAIT);
      kit.awaitIdle();
      assertThat(kit.events().of(SupervisorEvent.GroupRestart.class)).as("nothing counted against the group while it waits").isEmpty();
      assertThat(kit.events().of(SupervisorEvent.GroupFailed.class)).isEmpty();
      assertThat(gw.status().restarts()).isZero();
      assertThat(restarted).as("it completes once the restart is done").isNotDone();

      feed.start(WAIT); // the dependency back: the restart goes on, counted once
      restarted.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      kit.awaitIdle();
      assertThat(gw.status().state()).isEqualTo(ProcessState.RUNNING);
      assertThat(gw.status().restarts()).isEqualTo(1);
      assertThat(kit.backend().runs("gw")).hasSize(2);
    }
  }
}
