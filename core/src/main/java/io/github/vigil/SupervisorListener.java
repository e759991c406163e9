package io.github.vigil;

/**
 * Receives {@link SupervisorEvent}s. Called on the supervisor's listener executor (by default one
 * thread, {@code vigil-<name>-events}), never on the thread that drives supervision, one event at a
 * time in order. A listener that throws is logged and keeps receiving events.
 *
 * <p>The stages that commands return complete in that same order, after the events before them: a
 * listener may issue commands and act on their stages, but not wait for them ({@link
 * ProcessController#start(java.time.Duration)} and the other waiting calls refuse, as do {@link
 * Supervisor#awaitIdle(java.time.Duration)} and {@link Supervisor#awaitDelivered}).
 */
@FunctionalInterface
public interface SupervisorListener {
  void onEvent(SupervisorEvent event);
}
