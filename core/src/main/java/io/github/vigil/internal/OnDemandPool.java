package io.github.vigil.internal;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code threads} named daemon threads, the second and later started only once work finds the
 * ones there busy, each gone after {@code keepAliveSeconds} idle. A plain {@link ThreadPoolExecutor}
 * starts a new core thread for every task until it has them all, idle ones or not: most supervisors
 * would then start two I/O threads where one is never waited for.
 *
 * <p>Thread-safe.
 */
final class OnDemandPool extends ThreadPoolExecutor {
  private final int threads;
  /** Tasks queued or running. */
  private final AtomicInteger busy = new AtomicInteger();

  OnDemandPool(String namePrefix, int threads, long keepAliveSeconds, BlockingQueue<Runnable> queue) {
    super(1, threads, keepAliveSeconds, TimeUnit.SECONDS, queue, daemonThreads(namePrefix));
    this.threads = threads;
    allowCoreThreadTimeOut(true); // none while idle: a supervisor that spawns nothing holds none
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void execute(Runnable task) {
    if (busy.getAndIncrement() > 0 && getCorePoolSize() < threads) {
      setCorePoolSize(threads); // work is waiting for a busy thread: from now on up to `threads` run at once
    }
    try {
      super.execute(task);
    } catch (RejectedExecutionException e) {
      busy.decrementAndGet();
      throw e;
    }
  }

  @Override
  protected void afterExecute(Runnable task, Throwable failure) {
    busy.decrementAndGet();
  }
}
