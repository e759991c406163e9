package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** "What was seen" 5, first part: public futures complete on the listener executor, so a blocking thenApply cannot freeze supervision. */
@Timeout(60)
class FutureThreadTest {

  private static void eventually(String what, BooleanSupplier check) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!check.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited 20 s for " + what);
      }
      Thread.sleep(2);
    }
  }

  @Test
  void aCallersBlockingThenApplyDoesNotFreezeSupervision() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      ProcessSpec.Builder base = ProcessSpec.builder("x").command("x").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.always().withBackoff(Backoff.none()));
      ProcessController caller = kit.supervisor().register(base.build());
      ProcessController other = kit.supervisor().register(ProcessSpec.builder("other").command("other").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.always().withBackoff(Backoff.none())).build());
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch entered = new CountDownLatch(1);
      AtomicReference<String> ranOn = new AtomicReference<>();
      FakeBackend.SpawnGate gate = kit.backend().holdNextSpawn("x"); // so that thenApply is attached before the start completes
      caller.start().thenApply(s -> {
        ranOn.set(Thread.currentThread().getName());
        entered.countDown();
        try {
          release.await(); // e.g. starts something else and waits for it
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return s;
      });
      gate.open();
      assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
      try {
        // supervision goes on meanwhile: a start, a crash and its restart
        other.start();
        eventually("other to be spawned", () -> kit.backend().runs("other").size() == 1);
        kit.backend().last("other").exit(1);
        eventually("other to be restarted", () -> kit.backend().runs("other").size() == 2 && other.status().state() == ProcessState.RUNNING);
      } finally {
        release.countDown();
      }
      assertThat(ranOn.get()).isNotEqualTo("vigil-test").isEqualTo("vigil-test-events");
    }
  }
}
