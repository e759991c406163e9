package io.github.vigil;

/**
 * Receives {@link SupervisorEvent}s. Called on the supervisor's listener executor (by default one
 * thread, {@code vigil-events}), never on the thread that drives supervision, one event at a time
 * in order. A listener that throws is logged and keeps receiving events.
 */
@FunctionalInterface
public interface SupervisorListener {
  void onEvent(SupervisorEvent event);
}
