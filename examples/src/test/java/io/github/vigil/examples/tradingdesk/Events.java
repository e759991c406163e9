package io.github.vigil.examples.tradingdesk;

import io.github.vigil.SupervisorEvent;
import io.github.vigil.SupervisorListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The events a listener heard, in order; {@link #await} waits until it has heard enough of them. Thread-safe. */
final class Events implements SupervisorListener {
  private final List<SupervisorEvent> heard = new ArrayList<>();

  @Override
  public synchronized void onEvent(SupervisorEvent e) {
    heard.add(e);
    notifyAll();
  }

  synchronized List<SupervisorEvent> all() {
    return List.copyOf(heard);
  }

  /** Waits until {@code count} heard events match; fails with what was heard after {@code timeout}. */
  synchronized void await(Predicate<SupervisorEvent> match, int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (heard.stream().filter(match).count() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("fewer than " + count + " matching events within " + timeout + "; heard " + heard);
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }
}
