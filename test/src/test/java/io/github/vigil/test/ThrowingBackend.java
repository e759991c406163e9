package io.github.vigil.test;

import io.github.vigil.Signal;
import io.github.vigil.spi.AsyncSpawner;
import io.github.vigil.spi.ProcessBackend;
import io.github.vigil.spi.ProcessListener;
import io.github.vigil.spi.RunningProcess;
import io.github.vigil.spi.SpawnException;
import io.github.vigil.spi.SpawnRequest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A backend around another one (the fake, or the JDK backend) that throws where a broken backend does: its async spawner
 * throws {@link #asyncSpawnerThrows} once, synchronously, and the first {@code pid()} of the next {@link #pidFailures}
 * runs throws an {@link IllegalStateException} (read on the supervision thread, when the spawn is handed over). Every
 * run the delegate spawned is kept ({@link #spawned()}), to see that none is left running. Thread-safe.
 */
final class ThrowingBackend implements ProcessBackend {
  private final ProcessBackend delegate;
  final AtomicInteger pidFailures = new AtomicInteger();
  final AtomicReference<Supplier<? extends Error>> asyncSpawnerThrows = new AtomicReference<>();
  private final List<RunningProcess> spawned = new CopyOnWriteArrayList<>();
  /** Runs with each run the delegate spawned, on the spawning thread, before it is returned (to wait for its children). */
  volatile java.util.function.Consumer<RunningProcess> afterSpawn = run -> { };

  ThrowingBackend(ProcessBackend delegate) {
    this.delegate = delegate;
  }

  /** The runs the delegate spawned, oldest first. */
  List<RunningProcess> spawned() {
    return List.copyOf(spawned);
  }

  @Override
  public String name() {
    return "throwing-" + delegate.name();
  }

  @Override
  public boolean hostStartChecks() {
    return delegate.hostStartChecks();
  }

  @Override
  public Optional<AsyncSpawner> asyncSpawner() {
    return delegate.asyncSpawner().map(async -> (prepare, listener) -> {
      Supplier<? extends Error> error = asyncSpawnerThrows.getAndSet(null);
      if (error != null) {
        throw error.get();
      }
      return async.spawn(prepare, listener).thenApply(this::wrap);
    });
  }

  @Override
  public RunningProcess spawn(SpawnRequest request, ProcessListener listener) throws SpawnException {
    return wrap(delegate.spawn(request, listener));
  }

  private RunningProcess wrap(RunningProcess run) {
    spawned.add(run);
    afterSpawn.accept(run);
    boolean fail = pidFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    return new RunningProcess() {
      private boolean failed;

      @Override
      public long pid() {
        if (fail && !failed) {
          failed = true;
          throw new IllegalStateException("pid of run " + (spawned.indexOf(run) + 1) + " unreadable");
        }
        return run.pid();
      }

      @Override
      public boolean signal(Signal signal) {
        return run.signal(signal);
      }

      @Override
      public boolean signalTree(Signal signal) {
        return run.signalTree(signal);
      }

      @Override
      public boolean signalTree(Signal signal, long askedNanos) {
        return run.signalTree(signal, askedNanos);
      }

      @Override
      public boolean isTreeAlive() {
        return run.isTreeAlive();
      }

      @Override
      public boolean isTreeAlive(long askedNanos) {
        return run.isTreeAlive(askedNanos);
      }
    };
  }

  @Override
  public void close() {
    delegate.close();
  }
}
