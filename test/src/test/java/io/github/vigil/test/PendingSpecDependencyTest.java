package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Supervisor;
import io.github.vigil.UpdateMode;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The spec of an update(NEXT_START) kept until the next start counts as the process's own for the dependency graph:
 * a process it names is not removed, and no two pending updates close a cycle. Either would have left a registered
 * process naming an unknown one, or a cycle, once the pending spec took effect.
 */
@Timeout(60)
class PendingSpecDependencyTest {

  private static ProcessSpec.Builder spec(String name) {
    return ProcessSpec.builder(name).command(name).startupGrace(Duration.ZERO);
  }

  @Test
  void aProcessThatAPendingSpecNamesIsNotRemoved() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      ProcessController db = sup.register(spec("db").build());
      ProcessController app = sup.register(spec("app").build());
      app.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      app.update(spec("app").dependsOn("db").build(), UpdateMode.NEXT_START, "needs db from its next run")
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(kit.events().await(SupervisorEvent.SpecUpdated.class, e -> e.process().equals("app"), 1, Duration.ofSeconds(10)).get(0).spec().dependencies()).hasSize(1);

      assertThat(sup.remove("db").toCompletableFuture()).failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(ExecutionException.class).havingCause().isInstanceOf(IllegalStateException.class)
          .withMessage("process 'db' cannot be removed: the pending spec of 'app' (in effect from its next start) depends on it");
      assertThat(sup.controller("db")).isPresent();

      // the next start takes the pending spec, which names a registered process (and waits for it to run)
      db.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      app.restart().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(app.spec().dependencies()).extracting(d -> d.name()).containsExactly("db");
      sup.stopAll().toCompletableFuture().get(10, TimeUnit.SECONDS);
      kit.awaitIdle();
      assertThat(kit.backend().alive()).isEmpty();
    }
  }

  @Test
  void twoPendingUpdatesCannotCloseACycle() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      ProcessController a = sup.register(spec("a").build());
      ProcessController b = sup.register(spec("b").build());
      a.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      b.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      a.update(spec("a").dependsOn("b").build(), UpdateMode.NEXT_START, "a needs b")
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(kit.events().await(SupervisorEvent.SpecUpdated.class, e -> e.process().equals("a"), 1, Duration.ofSeconds(10)).get(0).spec().dependencies()).hasSize(1);

      assertThat(b.update(spec("b").dependsOn("a").build(), UpdateMode.NEXT_START, "b needs a").toCompletableFuture())
          .failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
          .havingCause().isInstanceOf(IllegalArgumentException.class)
          .withMessage("update of 'b': dependency cycle: a -> b -> a");

      // once both have started again the graph is still acyclic, and startAll() and stopAll() order it
      a.restart().toCompletableFuture().get(10, TimeUnit.SECONDS);
      b.restart().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(b.spec().dependencies()).isEmpty();
      sup.startAll().toCompletableFuture().get(10, TimeUnit.SECONDS);
      sup.stopAll().toCompletableFuture().get(10, TimeUnit.SECONDS);
      kit.awaitIdle();
      assertThat(kit.backend().alive()).isEmpty();
    }
  }
}
