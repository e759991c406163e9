package io.github.vigil.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A supervisor's listener executor that holds the engine's thread at one hand-over, so that the freeze-window races'
 * orders are certain: once armed, the first thread that hands it a delivery (the engine's, deciding an exit: the
 * {@code Exited}, before its {@code CRASHED} and before it reads whether supervision is on) waits there until
 * {@link #release}d; the delivery reaches the listeners as {@link Deliver} says. Deliveries run on one thread, in order.
 * Used by the calendar tests that hold an exit's hand-over (DeferredExitHeldTest, DeferredExitAfterTheEndTest,
 * DeferredExitAtTheStartTest).
 */
final class HeldListenerExecutor implements Executor, AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** When the held delivery (the {@code Exited}) reaches the listeners. */
  enum Deliver {
    /** At once, while the engine's thread is held: heard before whatever the test does next. */
    FIRST,
    /** Once the engine's thread is released: heard after whatever the test did meanwhile. */
    AFTER_RELEASE,
    /** When the test says ({@link #deliver()}), the engine's thread still held. */
    ON_SIGNAL
  }

  private final ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "held-listeners");
    t.setDaemon(true);
    return t;
  });
  private final AtomicBoolean armed = new AtomicBoolean();
  private volatile Deliver mode = Deliver.AFTER_RELEASE;
  private volatile Runnable heldTask;
  private final CountDownLatch held = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicBoolean delivered = new AtomicBoolean();

  /** The next delivery handed over is held, and reaches the listeners as {@code mode} says. */
  void arm(Deliver mode) {
    this.mode = mode;
    armed.set(true);
  }

  @Override
  public void execute(Runnable task) {
    if (!armed.compareAndSet(true, false)) {
      pool.execute(task);
      return;
    }
    heldTask = task;
    if (mode == Deliver.FIRST) {
      deliver();
    }
    held.countDown();
    try {
      if (!release.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deliver(); // AFTER_RELEASE; for the others it has been delivered already
  }

  /** Hands the held delivery to the listeners (once). */
  void deliver() {
    if (delivered.compareAndSet(false, true)) {
      pool.execute(heldTask);
    }
  }

  /** Lets the engine's thread go on. */
  void release() {
    release.countDown();
  }

  /** Waits until the listeners have handled what was delivered so far (the pool runs one task at a time, in order). */
  void awaitDelivered() throws Exception {
    pool.submit(() -> { }).get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Waits until the engine's thread is held here. */
  void awaitHeld() throws InterruptedException {
    assertThat(held.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the engine handed over the Exited").isTrue();
  }

  /** Releases the engine's thread, if held, and ends the listeners' thread. */
  @Override
  public void close() {
    release();
    pool.shutdownNow();
  }
}
