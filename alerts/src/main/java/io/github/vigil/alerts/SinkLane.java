package io.github.vigil.alerts;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One sink's deliveries, one at a time and in order, so that a sink that is slow, down or hung holds up
 * only its own notifications: with one pool for all sinks, a receiver that never answered held the pool's
 * threads through its timeouts and retries, and every other sink waited behind it. Runs them on a thread of
 * its own ({@code vigil-alerts-sender-<sink>}, started when there is work, gone after 30 s without) or on
 * the executor the pipeline was given. At most {@code capacity} deliveries wait; an offer beyond is refused,
 * and the caller counts it dropped.
 *
 * <p>Thread-safe.
 */
final class SinkLane {
  private final Executor executor;
  private final @Nullable ThreadPoolExecutor own;
  private final int capacity;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private boolean running; // a drain is submitted or under way
  private boolean closed;
  private volatile @Nullable Thread delivering;

  SinkLane(String sink, @Nullable Executor given, int capacity) {
    this.capacity = capacity;
    if (given != null) {
      this.own = null;
      this.executor = given;
    } else {
      // a queue, not a hand-off: a drain offered while the thread is still returning from the last one waits for it
      // (with a SynchronousQueue and one thread at most it was refused, and its notification dropped)
      ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "vigil-alerts-sender-" + sink);
        t.setDaemon(true);
        return t;
      });
      pool.allowCoreThreadTimeOut(true);
      this.own = pool;
      this.executor = pool;
    }
  }

  /** Queues {@code delivery}; false when the lane is closed or full, or no thread could take it. */
  boolean offer(Runnable delivery) {
    synchronized (this) {
      if (closed || waiting.size() >= capacity) {
        return false;
      }
      waiting.add(delivery);
      if (running) {
        return true;
      }
      running = true;
    }
    try {
      executor.execute(this::drain);
      return true;
    } catch (RejectedExecutionException e) {
      synchronized (this) {
        running = false;
        waiting.removeLastOccurrence(delivery);
      }
      return false;
    }
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (this) {
        next = waiting.poll();
        if (next == null) {
          running = false;
          notifyAll(); // a close waiting for the lane to empty
          return;
        }
      }
      delivering = Thread.currentThread();
      try {
        next.run();
      } finally {
        delivering = null;
      }
    }
  }

  /** Takes no more deliveries; those waiting are still made, until {@link #close}'s deadline. */
  void stopTaking() {
    synchronized (this) {
      closed = true;
    }
  }

  /**
   * Closes: what waits is still delivered until {@code deadlineNanos} ({@link System#nanoTime()}): a graceful
   * close sends the resolutions of its shutdown (they were dropped at once). What still waits then is given up and
   * counted in the return value, and a delivery under way is interrupted and given a second more.
   */
  int close(long deadlineNanos) throws InterruptedException {
    stopTaking();
    synchronized (this) {
      while (running && System.nanoTime() < deadlineNanos) {
        long ms = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
        wait(ms);
      }
    }
    int dropped;
    synchronized (this) {
      dropped = waiting.size();
      waiting.clear();
    }
    if (own != null) {
      own.shutdown();
      if (!own.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        own.shutdownNow();
        own.awaitTermination(1, TimeUnit.SECONDS); // the interrupted send records its outcome; a deaf one is left
      }
    }
    return dropped;
  }

  /** The thread in a delivery now, if any: after {@link #close} one that ignores interrupts. */
  @Nullable Thread delivering() {
    return delivering;
  }
}
