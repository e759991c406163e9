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

  /**
   * With a listener executor of the caller's, {@code close()} returns once every listener has taken the last events and
   * every command's future is complete, also when a start's spawn was still on an I/O thread when close began (its
   * result reaches the supervision thread, and so the listeners, while close is stopping the threads). And both
   * listeners hear one order, though {@code Registered} is published on the caller's thread and the commands' events
   * on the supervision thread. Before the fix the first run failed on both counts.
   */
  @Test
  void closeReturnsOnceEveryListenerHasTakenTheLastEvents() {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      for (int i = 0; i < 100; i++) {
        EventRecorder second = new EventRecorder();
        SupervisorTestKit kit = SupervisorTestKit.create(b -> b.listenerExecutor(pool));
        kit.supervisor().subscribe(second);
        var started = kit.supervisor().register(spec("feed")).start().toCompletableFuture();
        var other = kit.supervisor().register(spec("gateway")).start().toCompletableFuture();
        kit.close();
        assertThat(started).as("run %d: start's future", i).isDone();
        assertThat(other).as("run %d: start's future", i).isDone();
        List<SupervisorEvent> events = kit.events().events();
        assertThat(second.events()).as("run %d: the second listener", i).isEqualTo(events);
        for (String name : List.of("feed", "gateway")) {
          List<ProcessState> states = kit.events().states(name);
          assertThat(states.isEmpty() ? ProcessState.STOPPED : states.get(states.size() - 1)).as("run %d: %s's last state heard; %s", i,
              name, events).isIn(ProcessState.STOPPED, ProcessState.FAILED);
        }
      }
    } finally {
      pool.shutdown();
    }
  }
}
