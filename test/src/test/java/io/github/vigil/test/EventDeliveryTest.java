package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.SupervisorEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** "What was seen" 4: one listener's failure, or one rejection by the listener executor, never stops delivery. */
@Timeout(30)
class EventDeliveryTest {

  private static ProcessSpec spec(String name) {
    return ProcessSpec.builder(name).command(name).startupGrace(Duration.ZERO).restartPolicy(RestartPolicy.never()).build();
  }

  @Test
  void aListenerThatThrowsAnAssertionErrorKeepsHearingEventsAndSoDoOthers() {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      List<SupervisorEvent> heardByThrower = new CopyOnWriteArrayList<>();
      kit.supervisor().subscribe(e -> {
        heardByThrower.add(e);
        throw new AssertionError("a test's assertion inside a listener");
      });
      EventRecorder other = new EventRecorder();
      kit.supervisor().subscribe(other);
      AtomicInteger errors = new AtomicInteger();
      kit.supervisor().subscribe(e -> {
        errors.incrementAndGet();
        throw new IllegalStateException("a listener's own bug");
      });
      ProcessController p = kit.supervisor().register(spec("feed"));
      p.start();
      kit.awaitIdle();
      kit.backend().last("feed").exit(0);
      kit.awaitIdle();
      List<SupervisorEvent> all = kit.events().events();
      assertThat(all).hasSizeGreaterThanOrEqualTo(6);
      assertThat(heardByThrower).containsExactlyElementsOf(all);
      assertThat(other.events()).containsExactlyElementsOf(all);
      assertThat(errors.get()).isEqualTo(all.size());
    }
  }

  @Test
  void aRejectionByTheListenerExecutorDelaysEventsButLosesNone() {
    ExecutorService real = Executors.newSingleThreadExecutor();
    AtomicInteger rejectionsLeft = new AtomicInteger(3);
    try (SupervisorTestKit kit = SupervisorTestKit.create(b -> b.listenerExecutor(task -> {
      if (rejectionsLeft.getAndDecrement() > 0) {
        throw new RejectedExecutionException("queue full");
      }
      real.execute(task);
    }))) {
      ProcessController p = kit.supervisor().register(spec("feed"));
      p.start();
      kit.awaitIdle();
      p.stop();
      kit.awaitIdle();
      p.start();
      kit.awaitIdle();
      assertThat(rejectionsLeft.get()).isNegative(); // the executor did reject
      assertThat(kit.events().states("feed")).containsExactly(ProcessState.STARTING, ProcessState.RUNNING, ProcessState.STOPPING,
          ProcessState.STOPPED, ProcessState.STARTING, ProcessState.RUNNING);
      assertThat(kit.events().events().get(0)).isInstanceOf(SupervisorEvent.Registered.class);
    } finally {
      real.shutdownNow();
    }
  }

  @Test
  void aSlowListenerDoesNotHoldUpAnotherOnAPooledExecutor() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    try (SupervisorTestKit kit = SupervisorTestKit.create(b -> b.listenerExecutor(pool))) {
      kit.supervisor().subscribe(e -> {
        try {
          release.await();
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
        }
      });
      kit.supervisor().register(spec("feed")).start();
      kit.events().awaitState("feed", ProcessState.RUNNING, 1, Duration.ofSeconds(10));
      release.countDown();
    } finally {
      release.countDown();
      pool.shutdown();
    }
  }
}
