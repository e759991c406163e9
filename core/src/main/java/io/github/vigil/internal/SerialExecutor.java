package io.github.vigil.internal;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Runs tasks one at a time, in submission order, on any executor (listener delivery keeps event order).
 *
 * <p>Robust against its tasks and its executor: a task that throws anything does not stop the ones
 * after it, and an executor that rejects the drain leaves the tasks queued (the next
 * {@link #execute} tries again) and is reported to {@code onReject}. At most {@code limit} tasks wait;
 * past that the oldest are dropped and reported to {@code onDrop}, so an executor that rejects for
 * good cannot hold an unbounded queue.
 */
final class SerialExecutor implements Executor {
  private final Queue<Runnable> tasks = new ArrayDeque<>();
  private final Executor delegate;
  private final Consumer<RejectedExecutionException> onReject;
  private final Consumer<Throwable> onFailure;
  private final Runnable onDrop;
  private final int limit;
  private final boolean inlineOnReject;
  private boolean running; // guarded by tasks

  SerialExecutor(Executor delegate) {
    this(delegate, e -> {}, t -> {}, () -> {}, Integer.MAX_VALUE, false);
  }

  /**
   * @param inlineOnReject when the delegate rejects, run the queued tasks on the calling thread
   *     instead of keeping them (for work that must never be left undone, such as completing futures)
   */
  SerialExecutor(Executor delegate, Consumer<RejectedExecutionException> onReject, Consumer<Throwable> onFailure, Runnable onDrop,
      int limit, boolean inlineOnReject) {
    this.inlineOnReject = inlineOnReject;
    this.delegate = delegate;
    this.onReject = onReject;
    this.onFailure = onFailure;
    this.onDrop = onDrop;
    this.limit = limit;
  }

  @Override
  public void execute(Runnable task) {
    handOver(enqueue(task));
  }

  /**
   * The first half of {@link #execute}: queues the task and says what is left to do, so that a caller can queue one
   * task on several executors under its own lock (the same order on all) and hand over outside it.
   *
   * @return {@link #DRAIN} when {@link #handOver} must submit a drain, {@link #DROPPED} when the oldest task was dropped
   */
  int enqueue(Runnable task) {
    int todo = 0;
    synchronized (tasks) {
      tasks.add(task);
      if (tasks.size() > limit) {
        tasks.poll();
        todo |= DROPPED;
      }
      if (!running) {
        running = true;
        todo |= DRAIN;
      }
    }
    return todo;
  }

  /** The second half of {@link #execute}, with what {@link #enqueue} returned; never under the caller's lock. */
  void handOver(int todo) {
    if ((todo & DROPPED) != 0) {
      onDrop.run();
    }
    if ((todo & DRAIN) != 0) {
      submitDrain();
    }
  }

  static final int DRAIN = 1;
  static final int DROPPED = 2;

  private void submitDrain() {
    try {
      delegate.execute(this::drain);
    } catch (RejectedExecutionException e) {
      onReject.accept(e);
      if (inlineOnReject) {
        drain();
        return;
      }
      synchronized (tasks) {
        running = false;
      }
    }
  }

  private void drain() {
    boolean normal = false;
    try {
      while (true) {
        Runnable next;
        synchronized (tasks) {
          next = tasks.poll();
          if (next == null) {
            running = false;
            normal = true;
            return;
          }
        }
        try {
          next.run();
        } catch (VirtualMachineError e) {
          throw e;
        } catch (Throwable t) {
          onFailure.accept(t);
        }
      }
    } finally {
      if (!normal) { // a VirtualMachineError: let a later drain deliver what is left
        boolean more;
        synchronized (tasks) {
          more = !tasks.isEmpty();
          running = more;
        }
        if (more) {
          submitDrain();
        }
      }
    }
  }
}
