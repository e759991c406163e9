package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.Signal;
import io.github.vigil.Supervisor;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A process being removed (its stop under way) is still registered, but no new dependency on it is taken: once its stop
 * ends it is gone, and the dependent would name an unknown process. That kept register and registerAll from trusting
 * the processes already registered (a registered process names only registered ones), and made every later register
 * fail on the whole-graph check ("dependsOn of 'app' names unknown process 'db'").
 */
@Timeout(60)
class RegisterWhileRemovingTest {

  private static ProcessSpec.Builder spec(String name) {
    return ProcessSpec.builder(name).command(name).startupGrace(Duration.ZERO).stopTimeout(Duration.ofSeconds(10));
  }

  @Test
  void aDependencyOnAProcessBeingRemovedIsRefused() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      kit.backend().ignore("db", Signal.SIGTERM); // its stop waits for the stop timeout, on the kit's clock
      ProcessController db = sup.register(spec("db").build());
      db.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
      CompletableFuture<Void> removed = sup.remove("db").toCompletableFuture();
      assertThat(removed).isNotDone();

      assertThatThrownBy(() -> sup.register(spec("app").dependsOn("db").build())).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("dependsOn of 'app' names process 'db', which is being removed");
      ProcessController other = sup.register(spec("other").build());
      assertThat(other.update(spec("other").dependsOn("db").build(), io.github.vigil.UpdateMode.NEXT_START).toCompletableFuture())
          .failsWithin(Duration.ofSeconds(10)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .withMessageContaining("update of 'other': dependsOn of 'other' names process 'db', which is being removed");
      assertThat(sup.controller("app")).isEmpty();

      kit.awaitIdle();
      kit.advance(Duration.ofSeconds(10)); // the stop timeout: SIGKILL, and the removal ends
      removed.get(10, TimeUnit.SECONDS);
      // nothing names the removed process: the supervisor takes new processes, and stopAll() orders them by dependency
      sup.register(spec("db").build());
      sup.register(spec("app").dependsOn("db").build());
      sup.stopAll().toCompletableFuture().get(10, TimeUnit.SECONDS);
      kit.awaitIdle();
      assertThat(kit.backend().alive()).isEmpty();
    }
  }
}
