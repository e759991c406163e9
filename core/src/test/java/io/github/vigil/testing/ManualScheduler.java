package io.github.vigil.testing;

import io.github.vigil.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A scheduler on a {@link FakeTicker}: tasks run when {@link #advance} moves time past their due
 * time, on the caller's thread, in due order. Thread-safe. Superseded for users by vigil-test's
 * {@code VirtualClock}; kept for core's own tests, which cannot depend on vigil-test.
 */
public final class ManualScheduler implements Scheduler {
  private final FakeTicker ticker;
  private final PriorityQueue<Task> queue = new PriorityQueue<>(Comparator.comparingLong((Task t) -> t.due).thenComparingLong(t -> t.seq));
  private long seq;

  public ManualScheduler(FakeTicker ticker) {
    this.ticker = ticker;
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
  public synchronized Cancellable schedule(Duration delay, Runnable task) {
    Task t = new Task(ticker.read() + delay.toNanos(), seq++, task);
    queue.add(t);
    return () -> t.cancelled = true;
  }

  /** Moves time forward by {@code d}, running every task that falls due, at its due time. */
  public void advance(Duration d) {
    long target = ticker.read() + d.toNanos();
    while (true) {
      Task next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.due > target) {
          break;
        }
        queue.poll();
      }
      if (next.due > ticker.read()) {
        ticker.advance(Duration.ofNanos(next.due - ticker.read()));
      }
      if (!next.cancelled) {
        next.body.run();
      }
    }
    if (target > ticker.read()) {
      ticker.advance(Duration.ofNanos(target - ticker.read()));
    }
  }

  /** Delays of the tasks waiting, from now, in due order. */
  public synchronized List<Duration> pending() {
    List<Duration> out = new ArrayList<>();
    queue.stream().filter(t -> !t.cancelled).sorted(queue.comparator())
        .forEach(t -> out.add(Duration.ofNanos(t.due - ticker.read())));
    return out;
  }
}
