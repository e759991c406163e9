package io.github.vigil.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.GroupSpec;
import io.github.vigil.GroupState;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Groups nested 100,000 deep (g99999 around ... around g0 around one process): startAll() looks for the processes of
 * groups not started (to warn that their strategy does not apply yet), stopAll() and close() stop every group and its
 * nested ones first. Both walked the tree by recursion and overflowed the thread's stack. A group's own start() and stop()
 * went as deep too: the test module's DeepGroupStartStopTest.
 */
@Timeout(120)
class DeepGroupTreeTest {
  private static final int N = 100_000;

  private static Supervisor nested(boolean autoStart) {
    Supervisor sup = Supervisor.builder().name("deep").backend("jdk").build();
    sup.register(ProcessSpec.builder("p").command("sleep", "60").autoStart(autoStart).build());
    sup.registerGroup(GroupSpec.builder("g0").children("p").build());
    for (int i = 1; i < N; i++) {
      sup.registerGroup(GroupSpec.builder("g" + i).children("g" + (i - 1)).build());
    }
    return sup;
  }

  @Test
  void startAllStartsAMemberOfGroupsNestedAHundredThousandDeep() throws Exception {
    try (Supervisor sup = nested(true)) {
      sup.startAll().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(sup.controller("p").orElseThrow().status().state()).isEqualTo(ProcessState.RUNNING);
      assertThat(sup.group("g" + (N - 1)).orElseThrow().state()).isEqualTo(GroupState.STOPPED);
    }
  }

  @Test
  void stopAllStopsAMemberOfGroupsNestedAHundredThousandDeep() throws Exception {
    try (Supervisor sup = nested(false)) {
      ProcessController p = sup.controller("p").orElseThrow();
      p.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
      sup.stopAll().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(p.status().state()).isEqualTo(ProcessState.STOPPED);
    }
  }

  /**
   * stopAll()'s first task, on the supervision thread: the groups are stopped (each nested one after the one around it),
   * then every process held for the stop. The supervisor logs a task that fails and goes on, and each process is stopped
   * in its turn anyway, so stopAll() above completed on the old code too, with the groups not stopped and no process held
   * ("Supervision task failed", a StackOverflowError at Group.stopAllBegun); asked here, where the failure shows.
   */
  @Test
  void theGroupsOfATreeAHundredThousandDeepAreStoppedAtTheBeginningOfAStopAll() throws Exception {
    try (Supervisor sup = nested(false)) {
      Group top = (Group) sup.group("g" + (N - 1)).orElseThrow();
      java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
      ((DefaultSupervisor) sup).onLoop(() -> {
        try {
          top.stopAllBegun(io.github.vigil.Origin.API, "stop all");
          done.complete(null);
        } catch (Throwable e) {
          done.completeExceptionally(e);
        }
      });
      done.get(60, TimeUnit.SECONDS);
    }
  }
}
