package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Signal;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.spi.ProcessBackend;
import io.github.vigil.spi.ProcessListener;
import io.github.vigil.spi.RunningProcess;
import io.github.vigil.spi.SpawnException;
import io.github.vigil.spi.SpawnRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The look for what a dead run left running (and its output's flush) waits until the listeners have been handed
 * the exit's events, when no spawn follows at once: on two CPUs the JDK backend's scan of {@code /proc} took the
 * CPU the events' delivery needed (p99 of an exit's event 1 to 2 ms later). A start, a stop or the close that comes
 * while a listener still holds the exit hands it over at once; a start does it before its spawn. A listener that holds
 * the exit for a second no longer holds it.
 */
@Timeout(60)
class DeadRunLookTest {
  private static final long WAIT_SECONDS = 10;

  /** The fake backend, with each look at a run's tree and each spawn noted in order. */
  private static final class Noting implements ProcessBackend {
    final FakeBackend fake;
    final List<String> notes = new CopyOnWriteArrayList<>();
    final CountDownLatch looked = new CountDownLatch(1);
    final CountDownLatch spawnedAgain = new CountDownLatch(1);

    Noting(FakeBackend fake) {
      this.fake = fake;
    }

    @Override
    public String name() {
      return fake.name();
    }

    @Override
    public boolean hostStartChecks() {
      return fake.hostStartChecks();
    }

    @Override
    public RunningProcess spawn(SpawnRequest request, ProcessListener listener) throws SpawnException {
      RunningProcess p = fake.spawn(request, listener);
      int run = fake.runs(request.name()).size();
      notes.add("spawn " + run);
      if (run == 2) {
        spawnedAgain.countDown();
      }
      return new RunningProcess() {
        @Override
        public long pid() {
          return p.pid();
        }

        @Override
        public boolean signal(Signal signal) {
          return p.signal(signal);
        }

        @Override
        public boolean signalTree(Signal signal) {
          return p.signalTree(signal);
        }

        @Override
        public boolean isTreeAlive() {
          notes.add("look " + run);
          looked.countDown();
          return p.isTreeAlive();
        }
      };
    }

    @Override
    public void close() {
      fake.close();
    }
  }

  /** A listener that holds the first {@code Exited} until {@code release} counts down (or its own time-out). */
  private static final class Holding implements io.github.vigil.SupervisorListener {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release;
    final List<String> notes;
    final long holdMillis;

    Holding(List<String> notes, long holdMillis, CountDownLatch release) {
      this.notes = notes;
      this.holdMillis = holdMillis;
      this.release = release;
    }

    Holding(List<String> notes, long holdMillis) {
      this(notes, holdMillis, new CountDownLatch(1));
    }

    @Override
    public void onEvent(SupervisorEvent event) {
      if (event instanceof SupervisorEvent.Exited && entered.getCount() > 0) {
        notes.add("listener has the exit");
        entered.countDown();
        try {
          release.await(holdMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        notes.add("listener done");
      }
    }
  }

  private static ProcessSpec spec() {
    return ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO).restartPolicy(RestartPolicy.never()).build();
  }

  /** Registers {@code feed}, with {@code listener} subscribed, starts it, and ends its run (exit 1; no restart follows). */
  private static ProcessController runThatEnds(SupervisorTestKit kit, Holding listener) {
    ProcessController feed = kit.supervisor().register(spec());
    kit.supervisor().subscribe(listener);
    feed.start();
    kit.awaitIdle();
    kit.backend().last("feed").exit(1);
    return feed;
  }

    private static SupervisorTestKit kit(Noting backend) {
    return SupervisorTestKit.create(backend.fake, b -> b.backend(backend));
  }

  @Test
  void theLookForWhatTheRunLeftComesAfterTheListenerHadTheExit() throws Exception {
    Noting backend = new Noting(new FakeBackend());
    // held half a second, or until the look comes meanwhile, as it did: queued for an I/O thread with the exit's event
    Holding listener = new Holding(backend.notes, 500, backend.looked);
    try (SupervisorTestKit kit = kit(backend)) {
      ProcessController feed = runThatEnds(kit, listener);
      kit.awaitIdle();
      assertThat(backend.notes).containsExactly("spawn 1", "listener has the exit", "listener done", "look 1");
      assertThat(feed.status().state()).isEqualTo(ProcessState.CRASHED);
    }
  }

  @Test
  void aListenerThatHoldsTheExitForASecondNoLongerHoldsTheLook() throws Exception {
    Noting backend = new Noting(new FakeBackend());
    Holding listener = new Holding(backend.notes, TimeUnit.SECONDS.toMillis(WAIT_SECONDS * 2));
    try (SupervisorTestKit kit = kit(backend)) {
      ProcessController feed = runThatEnds(kit, listener);
      assertThat(listener.entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the listener has the exit").isTrue();
      // the exit's decision goes on while the listener has its event: the bound's timer is set once it is over
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (kit.clock().pending().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertThat(kit.clock().pending()).as("timers set").containsExactly(Duration.ofSeconds(1));
      kit.clock().advance(Duration.ofSeconds(1)); // not the kit's advance: it would wait for the listener
      assertThat(backend.looked.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("looked a second after the exit").isTrue();
      listener.release.countDown();
      kit.awaitIdle();
      assertThat(backend.notes).containsExactly("spawn 1", "listener has the exit", "look 1", "listener done");
      assertThat(feed.status().state()).isEqualTo(ProcessState.CRASHED);
    }
  }

  @Test
  void theCloseCallsTheBoundsTimerOff() throws Exception {
    Noting backend = new Noting(new FakeBackend());
    try (SupervisorTestKit kit = kit(backend)) {
      ProcessController feed = kit.supervisor().register(spec());
      feed.start();
      kit.awaitIdle();
      kit.backend().last("feed").exit(1); // heard by the kit's recorder: held for it, and the bound's timer set
      kit.awaitIdle();
      assertThat(kit.clock().pending()).as("the bound's timer").containsExactly(Duration.ofSeconds(1));
      kit.supervisor().close(); // not the kit's close: it moves the clock
      // left set, the supervision thread's executor ran it before it ended, and a close waited up to a second for it
      assertThat(kit.clock().pending()).as("timers left after the close").isEmpty();
    }
  }

  @Test
  void aStartWhileTheLookIsHeldLooksBeforeItsSpawn() throws Exception {
    Noting backend = new Noting(new FakeBackend());
    Holding listener = new Holding(backend.notes, TimeUnit.SECONDS.toMillis(WAIT_SECONDS * 2));
    try (SupervisorTestKit kit = kit(backend)) {
      ProcessController feed = runThatEnds(kit, listener);
      assertThat(listener.entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the listener has the exit").isTrue();
      CompletableFuture<?> started = feed.start().toCompletableFuture();
      assertThat(backend.spawnedAgain.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("spawned for the start").isTrue();
      listener.release.countDown();
      started.get(WAIT_SECONDS, TimeUnit.SECONDS);
      kit.awaitIdle();
      assertThat(backend.notes).containsExactly("spawn 1", "listener has the exit", "look 1", "spawn 2", "listener done");
      assertThat(feed.status().state()).isEqualTo(ProcessState.RUNNING);
    }
  }

  @Test
  void aStopWhileTheLookIsHeldHandsItOver() throws Exception {
    Noting backend = new Noting(new FakeBackend());
    Holding listener = new Holding(backend.notes, TimeUnit.SECONDS.toMillis(WAIT_SECONDS * 2));
    try (SupervisorTestKit kit = kit(backend)) {
      ProcessController feed = runThatEnds(kit, listener);
      assertThat(listener.entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the listener has the exit").isTrue();
      CompletableFuture<?> stopped = feed.stop().toCompletableFuture();
      assertThat(backend.looked.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("looked for the stop").isTrue();
      listener.release.countDown();
      stopped.get(WAIT_SECONDS, TimeUnit.SECONDS);
      assertThat(backend.notes).containsExactly("spawn 1", "listener has the exit", "look 1", "listener done");
    }
  }

  @Test
  void theCloseHandsOverAHeldLook() throws Exception {
    Noting backend = new Noting(new FakeBackend());
    Holding listener = new Holding(backend.notes, TimeUnit.SECONDS.toMillis(WAIT_SECONDS * 2));
    SupervisorTestKit kit = kit(backend);
    Thread closer = new Thread(kit::close, "test-closer");
    try {
      runThatEnds(kit, listener);
      assertThat(listener.entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("the listener has the exit").isTrue();
      closer.start();
      assertThat(backend.looked.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("looked for the close").isTrue();
    } finally {
      listener.release.countDown();
      if (closer.getState() == Thread.State.NEW) {
        kit.close();
      }
      closer.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS * 2));
    }
    assertThat(closer.isAlive()).as("close() returned").isFalse();
    assertThat(backend.notes).containsExactly("spawn 1", "listener has the exit", "look 1", "listener done");
  }
}
