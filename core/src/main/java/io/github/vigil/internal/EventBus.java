package io.github.vigil.internal;

import io.github.vigil.SupervisorEvent;
import io.github.vigil.SupervisorListener;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Delivers events to listeners in order, off the supervision thread, isolating failing listeners. */
final class EventBus {
  private static final Logger log = LoggerFactory.getLogger(EventBus.class);

  private final CopyOnWriteArrayList<SupervisorListener> listeners = new CopyOnWriteArrayList<>();
  private final Executor executor;

  EventBus(Executor executor) {
    this.executor = new SerialExecutor(executor);
  }

  AutoCloseable subscribe(SupervisorListener listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  void publish(SupervisorEvent event) {
    if (listeners.isEmpty()) {
      return;
    }
    try {
      executor.execute(() -> deliver(event));
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      log.debug("Event after close dropped: {}", event);
    }
  }

  private void deliver(SupervisorEvent event) {
    {
      for (SupervisorListener listener : listeners) {
        try {
          listener.onEvent(event);
        } catch (RuntimeException e) {
          log.warn("Listener {} failed on {}", listener, event, e);
        }
      }
    }
  }
}
