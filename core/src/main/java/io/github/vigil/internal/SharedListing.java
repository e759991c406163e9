package io.github.vigil.internal;

import io.github.vigil.spi.ProcessEntry;
import io.github.vigil.spi.ProcessTable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One supervisor's listings of the process table, shared by its attachments: a look asks for a
 * listing taken no earlier than a given instant, and gets the last one taken (or the one under way)
 * if it began then or later, otherwise a new one, taken on the asking thread while later askers
 * wait for it. A listing of 1,000 processes costs about 19 ms; attachments whose steady looks fall
 * on one tick need one listing, not one each.
 *
 * <p>Thread-safe: called from the attachments' I/O threads, never from the supervision thread.
 */
final class SharedListing {
  private final ProcessTable table;
  private final Object lock = new Object();
  private @Nullable Taken last; // guarded by lock
  private final AtomicLong asked = new AtomicLong();
  private final AtomicLong taken = new AtomicLong();

  /** A listing begun at {@code startedNanos} ({@link System#nanoTime()}), complete or under way. */
  private record Taken(long startedNanos, CompletableFuture<List<ProcessEntry>> result) {}

  SharedListing(ProcessTable table) {
    this.table = table;
  }

  /**
   * Every process, from a listing begun at or after {@code notBeforeNanos} (a {@link System#nanoTime()} value).
   *
   * @throws java.io.UncheckedIOException as {@link ProcessTable#list()} when the table cannot be read
   */
  List<ProcessEntry> list(long notBeforeNanos) {
    asked.incrementAndGet();
    Taken t;
    boolean mine = false;
    synchronized (lock) {
      t = last;
      if (t == null || t.startedNanos - notBeforeNanos < 0 || t.result.isCompletedExceptionally()) {
        t = new Taken(System.nanoTime(), new CompletableFuture<>());
        last = t;
        mine = true;
      }
    }
    if (mine) {
      taken.incrementAndGet();
      try {
        t.result.complete(List.copyOf(table.list()));
      } catch (RuntimeException | Error e) {
        t.result.completeExceptionally(e);
        throw e;
      }
    }
    try {
      return t.result.join();
    } catch (CompletionException e) { // another asker's listing failed: its error, as if this one had listed
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /** How many listings were asked for; for tests and benchmarks. */
  long asked() {
    return asked.get();
  }

  /** How many listings were taken of the process table; for tests and benchmarks. */
  long taken() {
    return taken.get();
  }
}
