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
    boolean dropped = false;
    synchronized (tasks) {
      tasks.add(task);
      if (tasks.size() > limit) {
        tasks.poll();
        dropped = true;
      }
      if (running) {
        task = null;
      } else {
        running = true;
      }
    }
    if (dropped) {
      onDrop.run();
    }
    if (task != null) {
      submitDrain();
    }
  }

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
