package io.github.vigil.test;

import io.github.vigil.HumanFormat;
import io.github.vigil.Scheduler;
import io.github.vigil.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A monotonic clock and a scheduler on it that move only when told: {@link #advance} moves time
 * forward and runs, on the calling thread and in due order, every task that falls due, each at its due
 * time (the clock reads the task's due time while it runs). Delays are added with saturation, so a
 * delay of centuries is simply never due.
 *
 * <p>Replaces core's test-only {@code FakeTicker} and {@code ManualScheduler}. Thread-safe.
 */
public final class VirtualClock implements Ticker, Scheduler {
  private final Object lock = new Object();
  private final PriorityQueue<Task> queue = new PriorityQueue<>(Comparator.comparingLong((Task t) -> t.due).thenComparingLong(t -> t.seq));
  private final long origin;
  private long nanos; // guarded by lock
  private long seq; // guarded by lock

  /** A clock that reads one second at its start (so that "0" never means "unset" by accident). */
  public VirtualClock() {
    this(1_000_000_000L);
  }

  /** A clock that starts at {@code startNanos}. */
  public VirtualClock(long startNanos) {
    this.origin = startNanos;
    this.nanos = startNanos;
  }

  private static final class Task {
    final long due;
    final long seq;
    final Runnable body;
    volatile boolean cancelled;

    Task(long due, long seq, Runnable body) {
      this.due = due;
      this.seq = seq;
      this.body = body;
    }
  }

  @Override
  public long read() {
    synchronized (lock) {
      return nanos;
    }
  }

  /** How far this clock has moved since it was made. */
  public Duration elapsed() {
    return Duration.ofNanos(read() - origin);
  }

  @Override
  public Cancellable schedule(Duration delay, Runnable task) {
    long d;
    try {
      d = Math.max(0, delay.toNanos());
    } catch (ArithmeticException e) {
      d = delay.isNegative() ? 0 : Long.MAX_VALUE;
    }
    synchronized (lock) {
      long due = nanos + d;
      if (due < nanos) {
        due = Long.MAX_VALUE; // saturate: never due
      }
      Task t = new Task(due, seq++, task);
      queue.add(t);
      return () -> t.cancelled = true;
    }
  }

  /** Moves time forward by {@code d}, running every task that falls due, at its due time. */
  public void advance(Duration d) {
    advance(d, () -> { });
  }

  /**
   * As {@link #advance(Duration)}, calling {@code afterEach} after each task that ran (the test kit
   * waits there for the supervisor to settle, so that what a task caused is scheduled from its due
   * time and not from the end of the step).
   */
  public void advance(Duration d, Runnable afterEach) {
    if (d.isNegative()) {
      throw new IllegalArgumentException("a clock cannot go back: " + HumanFormat.duration(d));
    }
    long target;
    synchronized (lock) {
      target = nanos + d.toNanos();
      if (target < nanos) {
        target = Long.MAX_VALUE;
      }
    }
    while (runNextDue(target)) {
      afterEach.run();
    }
    synchronized (lock) {
      if (target > nanos) {
        nanos = target;
      }
    }
  }

  /** Runs the earliest task due at or before {@code target}, moving the clock to its due time; false when none is. */
  private boolean runNextDue(long target) {
    Task next;
    synchronized (lock) {
      while (true) {
        next = queue.peek();
        if (next == null || next.due > target) {
          return false;
        }
        queue.poll();
        if (!next.cancelled) {
          break;
        }
      }
      if (next.due > nanos) {
        nanos = next.due;
      }
    }
    next.body.run();
    return true;
  }

  /** Delays from now of the tasks waiting (not cancelled), in due order. */
  public List<Duration> pending() {
    synchronized (lock) {
      List<Duration> out = new ArrayList<>();
      queue.stream().filter(t -> !t.cancelled).sorted(queue.comparator()).forEach(t -> out.add(Duration.ofNanos(t.due - nanos)));
      return out;
    }
  }

  @Override
  public String toString() {
    return "VirtualClock{elapsed " + elapsed() + ", " + pending().size() + " pending}";
  }
}
