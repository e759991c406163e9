package io.github.vigil.alerts;

import io.github.vigil.Signal;
import io.github.vigil.Termination;
import io.github.vigil.spi.ProcessBackend;
import io.github.vigil.spi.ProcessListener;
import io.github.vigil.spi.RunningProcess;
import io.github.vigil.spi.SpawnRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A backend whose processes live until the test ends them or the supervisor signals them, so that an exit happens at
 * an exact instant of the virtual clock; exits are reported on one thread of its own, as a real backend's are (core's
 * calendar tests have the same, package-private there). Thread-safe.
 */
final class FakeBackend implements ProcessBackend {
  private final ExecutorService exits = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "fake-backend-exits");
    t.setDaemon(true);
    return t;
  });
  private final AtomicLong pids = new AtomicLong(40_000);
  private final Map<String, Run> live = new ConcurrentHashMap<>();

  private final class Run implements RunningProcess {
    final long pid = pids.incrementAndGet();
    final ProcessListener listener;
    final AtomicBoolean alive = new AtomicBoolean(true);

    Run(ProcessListener listener) {
      this.listener = listener;
    }

    void end(Termination t) {
      if (alive.compareAndSet(true, false)) {
        exits.execute(() -> listener.onExit(t));
      }
    }

    @Override
    public long pid() {
      return pid;
    }

    @Override
    public boolean signal(Signal signal) {
      return signalTree(signal);
    }

    @Override
    public boolean signalTree(Signal signal) {
      boolean was = alive.get();
      end(Termination.Signaled.of(signal.number(), false));
      return was;
    }

    @Override
    public boolean isTreeAlive() {
      return alive.get();
    }
  }

  @Override
  public String name() {
    return "fake";
  }

  @Override
  public RunningProcess spawn(SpawnRequest request, ProcessListener listener) {
    Run r = new Run(listener);
    live.put(request.name(), r);
    return r;
  }

  /** Ends the live run of {@code name} with exit code {@code code}. */
  void exit(String name, int code) {
    Run r = live.get(name);
    if (r == null || !r.alive.get()) {
      throw new IllegalStateException(name + " is not running");
    }
    r.end(new Termination.Exited(code));
  }

  @Override
  public void close() {
    exits.shutdown();
  }
}
