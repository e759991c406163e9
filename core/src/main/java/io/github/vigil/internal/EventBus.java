package io.github.vigil.internal;

import io.github.vigil.SupervisorEvent;
import io.github.vigil.SupervisorListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to listeners in order, off the supervision thread, isolating listeners from one
 * another: each has its own queue on the listener executor, so one that throws (anything, an
 * {@code AssertionError} included) or whose delivery the executor rejects keeps receiving later
 * events, and the others never notice. A listener's first failure is logged at WARN with its stack;
 * later ones at DEBUG, and the count when it is unsubscribed or the bus closes.
 *
 * <p>Also completes the public futures ({@link #complete}) on the listener executor, so a caller's
 * {@code thenApply} never runs on the supervision thread.
 */
final class EventBus {
  private static final Logger log = LoggerFactory.getLogger(EventBus.class);
  /** Events waiting for one listener whose executor keeps rejecting; past this the oldest are dropped. */
  static final int QUEUE_LIMIT = 100_000;
  /** A delivery this long is said at WARN, once per listener. */
  static final long SLOW_LISTENER_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final ThreadLocal<Boolean> DELIVERING = new ThreadLocal<>();

  private final CopyOnWriteArrayList<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final Executor executor;
  private final SerialExecutor completions;
  private final InFlight inFlight;

  private final java.util.function.BooleanSupplier onSupervisionThread;
  private final java.util.concurrent.atomic.AtomicBoolean toldOnSupervisionThread = new java.util.concurrent.atomic.AtomicBoolean();

  /** @param inFlight counts each delivery and completion from when it is queued until it has run (or was dropped) */
  EventBus(Executor executor, InFlight inFlight) {
    this(executor, inFlight, () -> false);
  }

  /**
   * @param onSupervisionThread whether the calling thread is the supervision thread: a listener executor that runs
   *     tasks where they are handed over ({@code Runnable::run}) runs listeners there, which is said once at WARN
   */
  EventBus(Executor executor, InFlight inFlight, java.util.function.BooleanSupplier onSupervisionThread) {
    this.executor = executor;
    this.inFlight = inFlight;
    this.onSupervisionThread = onSupervisionThread;
    this.completions = new SerialExecutor(executor, e -> log.debug("Listener executor rejected a future's completion", e),
        t -> log.warn("Completing a future failed", t), () -> {}, Integer.MAX_VALUE, true);
  }

  /** Whether the calling thread is delivering an event (or completing a future) right now. */
  static boolean isDeliveryThread() {
    return DELIVERING.get() != null;
  }

  AutoCloseable subscribe(SupervisorListener listener) {
    Subscriber s = new Subscriber(listener);
    subscribers.add(s);
    return () -> {
      s.subscribed = false; // deliveries already queued for it are skipped, not run
      if (subscribers.remove(s)) {
        s.reportTotal();
      }
    };
  }

  /** @return whether a listener's queue was idle and handed to the executor (a thread of it may have been woken) */
  boolean publish(SupervisorEvent event) {
    return queueToAll(subscribers.toArray(NONE), s -> s.deliver(event));
  }

  /**
   * Runs {@code action} on a listener thread once every listener has been handed what was published before this
   * call: for work that should wait for those deliveries rather than compete with them for a CPU. When no one
   * listens it runs at once, here. Not a promise: a listener that never returns, or whose executor keeps rejecting,
   * holds {@code action} back for good, so a caller bounds the wait itself.
   *
   * @return whether {@code action} was queued behind listeners (false: it has run)
   */
  boolean afterDelivered(Runnable action) {
    Subscriber[] list = subscribers.toArray(NONE);
    if (list.length == 0) {
      action.run();
      return false;
    }
    AtomicInteger left = new AtomicInteger(list.length);
    queueToAll(list, s -> {
      if (left.decrementAndGet() == 0) {
        action.run();
      }
    });
    return true;
  }

  /** @return whether a listener's queue was idle and handed to the executor (a thread of it may have been woken) */
  private boolean queueToAll(Subscriber[] list, Consumer<Subscriber> work) {
    // Events come from more than one thread (the supervision thread, a caller registering, a removal completing):
    // queued to every listener under one lock, they reach all listeners in one order. The hand-over to the listener
    // executor, which is the caller's code, happens outside it.
    int[] todo = new int[list.length];
    synchronized (order) {
      for (int i = 0; i < list.length; i++) {
        Subscriber s = list[i];
        inFlight.begin();
        todo[i] = s.queue.enqueue(() -> {
          try {
            work.accept(s);
          } finally {
            inFlight.end();
          }
        });
      }
    }
    boolean handedOver = false;
    for (int i = 0; i < list.length; i++) {
      list[i].queue.handOver(todo[i]);
      handedOver |= (todo[i] & SerialExecutor.DRAIN) != 0;
    }
    return handedOver;
  }

  private static final Subscriber[] NONE = new Subscriber[0];
  private final Object order = new Object();

  /**
   * Completes {@code target} with {@code value} or {@code error} on the listener executor; on the
   * calling thread when that executor no longer takes tasks (after close), so no future is left hanging.
   */
  <T> void complete(CompletableFuture<T> target, T value, Throwable error) {
    Runnable r = () -> {
      DELIVERING.set(Boolean.TRUE);
      try {
        if (error != null) {
          target.completeExceptionally(error);
        } else {
          target.complete(value);
        }
      } finally {
        DELIVERING.remove();
        inFlight.end();
      }
    };
    inFlight.begin();
    completions.execute(r);
  }

  /**
   * Waits until everything published or completed before this call has been handed to its listener
   * or future. @return false on timeout
   */
  boolean awaitDelivered(long deadlineNanos) throws InterruptedException {
    var list = subscribers.toArray(new Subscriber[0]);
    CountDownLatch latch = new CountDownLatch(list.length + 1);
    for (Subscriber s : list) {
      s.queue.execute(latch::countDown);
    }
    completions.execute(latch::countDown);
    return latch.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  /**
   * A latch that reaches zero once everything published before this call has been delivered to {@code listener} (to
   * each of its subscriptions): a barrier queued behind it in that listener's own queue, and in no other. Already at
   * zero when {@code listener} is not subscribed. Not counted as work under way ({@link InFlight}): it does nothing.
   */
  CountDownLatch deliveredTo(SupervisorListener listener) {
    List<Subscriber> mine = new ArrayList<>(1);
    for (Subscriber s : subscribers) {
      if (s.listener == listener) {
        mine.add(s);
      }
    }
    CountDownLatch latch = new CountDownLatch(mine.size());
    int[] todo = new int[mine.size()];
    synchronized (order) { // behind every event whose publish() has queued it, as publish() queues under this lock
      for (int i = 0; i < todo.length; i++) {
        todo[i] = mine.get(i).queue.enqueue(latch::countDown);
      }
    }
    for (int i = 0; i < todo.length; i++) {
      mine.get(i).queue.handOver(todo[i]);
    }
    return latch;
  }

  /** Logs the failure counts of listeners that failed more than once. */
  void close() {
    subscribers.forEach(Subscriber::reportTotal);
  }

  /** One listener and its own ordered queue. */
  private final class Subscriber {
    final SupervisorListener listener;
    final SerialExecutor queue;
    final AtomicLong failures = new AtomicLong();
    final AtomicLong rejections = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    volatile boolean subscribed = true;
    private boolean toldSlow;

    Subscriber(SupervisorListener listener) {
      this.listener = listener;
      this.queue = new SerialExecutor(executor, this::rejected, this::failed, this::drop, QUEUE_LIMIT, false);
    }

    void deliver(SupervisorEvent event) {
      if (!subscribed) {
        return;
      }
      if (onSupervisionThread.getAsBoolean() && toldOnSupervisionThread.compareAndSet(false, true)) {
        log.warn("Listeners run on the supervision thread: the listener executor runs them where they are handed over (such as "
            + "Runnable::run); a slow listener then holds up every process's supervision. Give an executor of threads of its own, "
            + "or none (one thread of the supervisor's)");
      }
      DELIVERING.set(Boolean.TRUE);
      long t0 = System.nanoTime();
      try {
        listener.onEvent(event);
        slow(event, System.nanoTime() - t0);
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable t) {
        long n = failures.incrementAndGet();
        if (n == 1) {
          log.warn("Listener {} failed on {}; it keeps receiving events (later failures are counted, logged at DEBUG)",
              listener, event, t);
        } else {
          log.debug("Listener {} failed again ({} failures) on {}", listener, n, event, t);
        }
      } finally {
        DELIVERING.remove();
      }
    }

    /**
     * Listeners share the listener executor's thread (one by default), and the stages of commands complete on it
     * after the events before them: one that takes long holds all of them up. Said once per listener, so that a
     * caller whose join() waits sees why.
     */
    private void slow(SupervisorEvent event, long nanos) {
      if (nanos >= SLOW_LISTENER_NANOS && !toldSlow) {
        toldSlow = true;
        log.warn("Listener {} took {} on {}: it holds up the other listeners and the results of commands, delivered on the same "
            + "thread after it; hand slow work to an executor of your own", listener,
            io.github.vigil.HumanFormat.duration(java.time.Duration.ofNanos(nanos)), event);
      }
    }

    void failed(Throwable t) {
      log.warn("Delivery to listener {} failed", listener, t);
    }

    void rejected(RejectedExecutionException e) {
      long n = rejections.incrementAndGet();
      if (n == 1) {
        log.warn("The listener executor rejected delivery to {}; its events stay queued and are delivered with the next event "
            + "(later rejections are counted, logged at DEBUG)", listener, e);
      } else {
        log.debug("The listener executor rejected delivery to {} ({} rejections)", listener, n);
      }
    }

    void drop() {
      inFlight.end(); // the oldest delivery, dropped, will never run
      if (dropped.incrementAndGet() == 1) {
        log.warn("Listener {} has {} events waiting; dropping the oldest", listener, QUEUE_LIMIT);
      }
    }

    void reportTotal() {
      long f = failures.get();
      long r = rejections.get();
      long d = dropped.get();
      if (f > 1 || r > 1 || d > 0) {
        log.warn("Listener {}: {} failures, {} rejected deliveries, {} events dropped", listener, f, r, d);
      }
    }
  }
}
