package io.github.vigil.test;

import io.github.vigil.AttachState;
import io.github.vigil.ProcessState;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.SupervisorListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Records every event a supervisor delivers, and waits for the ones a test expects. Read events only
 * once the listener has heard them: through an await, or after {@link SupervisorTestKit#awaitIdle()}.
 *
 * <p>Replaces core's test-only recorder of the same name. Thread-safe.
 */
public final class EventRecorder implements SupervisorListener {
  private final List<SupervisorEvent> events = new ArrayList<>();

  @Override
  public synchronized void onEvent(SupervisorEvent event) {
    events.add(event);
    notifyAll();
  }

  /** Everything heard so far, in order. */
  public synchronized List<SupervisorEvent> events() {
    return List.copyOf(events);
  }

  /** Everything heard so far about {@code process}, in order. */
  public List<SupervisorEvent> events(String process) {
    return events().stream().filter(e -> e.process().equals(process)).toList();
  }

  /** Forgets what was heard. */
  public synchronized void clear() {
    events.clear();
  }

  /** The events of one type, in order. */
  public <T extends SupervisorEvent> List<T> of(Class<T> type) {
    return events().stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The events of one type about {@code process}, in order. */
  public <T extends SupervisorEvent> List<T> of(Class<T> type, String process) {
    return of(type).stream().filter(e -> e.process().equals(process)).toList();
  }

  /** The states {@code process} entered, in order. */
  public List<ProcessState> states(String process) {
    return of(SupervisorEvent.StateChanged.class, process).stream().map(SupervisorEvent.StateChanged::to).toList();
  }

  /** How many runs of {@code process} were started. */
  public int starts(String process) {
    return of(SupervisorEvent.Started.class, process).size();
  }

  /**
   * Waits until {@code count} events of {@code type} match.
   *
   * @throws AssertionError after {@code timeout}, listing what was heard
   */
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
        throw new AssertionError("waited " + timeout + " for " + count + " " + type.getSimpleName() + " events; heard " + events);
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
  public List<SupervisorEvent.AttachStateChanged> awaitAttach(String name, AttachState state, int count, Duration timeout)
      throws InterruptedException {
    return await(SupervisorEvent.AttachStateChanged.class, e -> e.process().equals(name) && e.to() == state, count, timeout);
  }

  @Override
  public synchronized String toString() {
    return "EventRecorder{" + events.size() + " events}";
  }
}
