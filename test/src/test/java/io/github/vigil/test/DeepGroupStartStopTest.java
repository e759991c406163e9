package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.GroupController;
import io.github.vigil.GroupSpec;
import io.github.vigil.GroupState;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A group's own {@code start()} and {@code stop()} of groups nested 100,000 deep (g99999 around ... around g0 around
 * one process, as in core's DeepGroupTreeTest), on the fake backend. Each nested group's start and stop was a step of
 * its parent's, called from it, so both went as deep on the thread's stack, and each walked its whole tree again for its
 * members (quadratic).
 */
@Timeout(180)
class DeepGroupStartStopTest {
  private static final int N = 100_000;

  private static Supervisor nested(SupervisorTestKit kit) {
    Supervisor sup = kit.supervisor();
    sup.register(ProcessSpec.builder("p").command("p").startupGrace(Duration.ZERO).restartPolicy(RestartPolicy.never()).build());
    sup.registerGroup(GroupSpec.builder("g0").children("p").build());
    for (int i = 1; i < N; i++) {
      sup.registerGroup(GroupSpec.builder("g" + i).children("g" + (i - 1)).build());
    }
    return sup;
  }

  private static List<String> groupsMovedTo(SupervisorTestKit kit, GroupState to) {
    return kit.events().of(SupervisorEvent.GroupStateChanged.class).stream().filter(e -> e.to() == to).map(SupervisorEvent::process).toList();
  }

  @Test
  void aGroupsStartAndStopReachAMemberOfGroupsNestedAHundredThousandDeep() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = nested(kit);
      GroupController top = sup.group("g" + (N - 1)).orElseThrow();
      top.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
      kit.awaitIdle();
      assertThat(sup.controller("p").orElseThrow().status().state()).isEqualTo(ProcessState.RUNNING);
      List<String> running = groupsMovedTo(kit, GroupState.RUNNING);
      assertThat(running).hasSize(N);
      assertThat(running.get(0)).isEqualTo("g" + (N - 1)); // each group before the groups it holds
      assertThat(running.get(N - 1)).isEqualTo("g0");
      assertThat(sup.group("g0").orElseThrow().state()).isEqualTo(GroupState.RUNNING);

      top.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
      kit.awaitIdle();
      assertThat(sup.controller("p").orElseThrow().status().state()).isEqualTo(ProcessState.STOPPED);
      List<String> stopped = groupsMovedTo(kit, GroupState.STOPPED);
      assertThat(stopped).hasSize(N);
      assertThat(stopped.get(0)).isEqualTo("g" + (N - 1));
      assertThat(stopped.get(N - 1)).isEqualTo("g0");
      assertThat(sup.group("g0").orElseThrow().state()).isEqualTo(GroupState.STOPPED);
    }
  }
}
