package io.github.vigil.internal;

import io.github.vigil.Scheduler;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Bounds how long the listeners may hold a dead run's work (the flush of its output and the look for what it left
 * running, {@link ManagedProcess}): past {@link #LIMIT} it is handed over whether or not they have been handed the
 * exit. A listener that blocks (on a network call, a lock, a full queue) would otherwise keep a crashed process's
 * background children alive, holding their ports, for as long as it blocks.
 *
 * <p>One timer for the whole supervisor, set when a hold begins and none is set: a burst of exits sets one timer a
 * second at most, not one each (a timer set per exit woke the supervision thread while the exit's delivery waited
 * for a CPU, {@code bench/results/dead-run-look.md}). Supervision thread only.
 */
final class HeldWorkBound {
  /** The longest the listeners hold a dead run's work: the time at which a delivery is said to be slow. */
  static final Duration LIMIT = Duration.ofNanos(EventBus.SLOW_LISTENER_NANOS);

  private final BiFunction<Duration, Runnable, Scheduler.Cancellable> schedule;
  private final LongSupplier ticker;
  /** Each process holding work, with the ticker's reading when its hold began; oldest first. */
  private final Map<ManagedProcess, Long> held = new LinkedHashMap<>();
  private boolean timerSet;
  /** The timer set, to call off at the close: the supervision thread's executor runs it before it ends, a second late. */
  private volatile Scheduler.@Nullable Cancellable timer;
  private volatile boolean closed;

  /**
   * @param schedule runs a task on the supervision thread after a delay
   * @param ticker the supervisor's ticker, nanoseconds
   */
  HeldWorkBound(BiFunction<Duration, Runnable, Scheduler.Cancellable> schedule, LongSupplier ticker) {
    this.schedule = schedule;
    this.ticker = ticker;
  }

  /** {@code process} holds a dead run's work from {@code since} (the ticker's reading) until the listeners are done. */
  void held(ManagedProcess process, long since) {
    held.remove(process); // a later hold of the same process replaces its earlier one, which it has handed over
    held.put(process, since);
    if (!timerSet) {
      set(LIMIT);
    }
  }

  /** Hands over each hold that has lasted {@link #LIMIT}; sets the timer again for the oldest of the others. */
  private void handOverDue() {
    timerSet = false;
    long now = ticker.getAsLong();
    long limit = LIMIT.toNanos();
    for (Iterator<Map.Entry<ManagedProcess, Long>> it = held.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<ManagedProcess, Long> e = it.next();
      long age = now - e.getValue();
      if (age < limit) {
        set(Duration.ofNanos(limit - age));
        return;
      }
      it.remove();
      e.getKey().handOverHeldSince(e.getValue(), Duration.ofNanos(age));
    }
  }

  private void set(Duration delay) {
    if (closed) {
      return; // the close hands each process's held work over itself
    }
    timerSet = true;
    Scheduler.Cancellable t = schedule.apply(delay, this::handOverDue);
    timer = t;
    if (closed) { // the close came meanwhile and may have missed it
      t.cancel();
    }
  }

  /**
   * Calls the timer off and sets none again, from any thread: the supervisor closes, and each process's close hands its
   * held work over itself. Left set, the supervision thread's executor ran it before it ended: a close waited up to a
   * second for it.
   */
  void close() {
    closed = true;
    Scheduler.Cancellable t = timer;
    if (t != null) {
      t.cancel();
    }
  }
}
