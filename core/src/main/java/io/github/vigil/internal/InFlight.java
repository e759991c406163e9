package io.github.vigil.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts one supervisor's work under way, wherever it is: tasks queued or running on the supervision
 * thread, blocking work on the I/O threads or a backend's spawn, events not yet delivered to a listener,
 * futures not yet completed. {@link DefaultSupervisor#awaitIdle} waits for the count to reach zero.
 *
 * <p>One count, not one per kind, because work moves between kinds (a task on the supervision thread
 * publishes an event, a listener issues a command): whoever hands work on counts it with {@link #begin}
 * before its own work {@link #end ends}, so the count passes through zero only when nothing is left.
 * A waiter parks once and is woken by the end that reaches zero, instead of sending barriers through
 * every queue: on a fake backend this wait is most of a step's thread hand-overs.
 *
 * <p>Thread-safe. {@link #end} costs an atomic decrement, and a lock only when it reaches zero while
 * someone waits.
 */
final class InFlight {
  private final AtomicLong count = new AtomicLong();
  private final AtomicInteger waiters = new AtomicInteger();
  private final Object lock = new Object();

  /** One more piece of work under way; pair it with exactly one {@link #end}. */
  void begin() {
    count.incrementAndGet();
  }

  /** A piece of work begun with {@link #begin} has finished, or will never run. */
  void end() {
    // waiters is read after the decrement: a waiter that registered too late for this read checks the count after it
    if (count.decrementAndGet() == 0 && waiters.get() > 0) {
      synchronized (lock) {
        lock.notifyAll();
      }
    }
  }

  /** {@link #begin}, and an end that does something the first time it is run only (for callbacks that may come twice). */
  Runnable beginOnce() {
    begin();
    AtomicBoolean ended = new AtomicBoolean();
    return () -> {
      if (ended.compareAndSet(false, true)) {
        end();
      }
    };
  }

  /** How much work is under way now. */
  long count() {
    return count.get();
  }

  /** Waits until no work is under way. @return false at the deadline ({@link System#nanoTime()}) */
  boolean awaitNone(long deadlineNanos) throws InterruptedException {
    if (count.get() == 0) {
      return true;
    }
    synchronized (lock) {
      waiters.incrementAndGet();
      try {
        while (count.get() > 0) {
          long left = deadlineNanos - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        }
        return true;
      } finally {
        waiters.decrementAndGet();
      }
    }
  }
}
