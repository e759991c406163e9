package io.github.vigil.testing;

import io.github.vigil.ProcessState;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.SupervisorListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Records events and waits for the ones a test expects. Thread-safe. Superseded for users by
 * vigil-test's {@code EventRecorder}; kept for core's own tests, which cannot depend on vigil-test.
 */
public final class EventRecorder implements SupervisorListener {
  private final List<SupervisorEvent> events = new ArrayList<>();

  @Override
  public synchronized void onEvent(SupervisorEvent event) {
    events.add(event);
    notifyAll();
  }

  public synchronized List<SupervisorEvent> events() {
    return List.copyOf(events);
  }

  public <T extends SupervisorEvent> List<T> of(Class<T> type) {
    return events().stream().filter(type::isInstance).map(type::cast).toList();
  }

  public <T extends SupervisorEvent> List<T> of(Class<T> type, String process) {
    return of(type).stream().filter(e -> e.process().equals(process)).toList();
  }

  /** Waits until {@code count} events of {@code type} match, or fails after {@code timeout}. */
  public synchronized <T extends SupervisorEvent> List<T> await(Class<T> type, Predicate<T> match, int count, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<T> found = events.stream().filter(type::isInstance).map(type::cast).filter(match).toList();
      if (found.size() >= count) {
        return found;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("waited " + timeout + " for " + count + " " + type.getSimpleName() + " events; saw " + events);
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  /** Waits until {@code process} has entered {@code state} {@code count} times. */
  public List<SupervisorEvent.StateChanged> awaitState(String process, ProcessState state, int count, Duration timeout)
      throws InterruptedException {
    return await(SupervisorEvent.StateChanged.class, e -> e.process().equals(process) && e.to() == state, count, timeout);
  }

  /** Waits until the attachment {@code name} has entered {@code state} {@code count} times. */
  public List<SupervisorEvent.AttachStateChanged> awaitAttach(String name, io.github.vigil.AttachState state, int count, Duration timeout)
      throws InterruptedException {
    return await(SupervisorEvent.AttachStateChanged.class, e -> e.process().equals(name) && e.to() == state, count, timeout);
  }
}
