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
 * runs throws an {@link IllegalStateException} (read on the supervision thread, when the spawn is handed over); the
 * next {@link #unreadableExits} exits are reported without their termination ({@code null}: a backend that could not
 * read the exit status), which the supervisor's task deciding the exit cannot take. A run spawned while
 * {@link #leaveDescendants} is set says its tree is alive (something it started outlives it) until its tree gets
 * SIGKILL, counted in {@link #leftoversKilled}. The next {@link #treeCheckFailures} checks of a run's tree ({@code isTreeAlive})
 * and the next {@link #signalFailures} signals to a run's tree ({@code signalTree}) throw an {@link IllegalStateException}
 * (a {@code /proc} that cannot be read), on the I/O thread that asks. Every run the delegate spawned is kept ({@link #spawned()}), to see
 * that none is left running. Thread-safe.
 */
final class ThrowingBackend implements ProcessBackend {
  private final ProcessBackend delegate;
  final AtomicInteger pidFailures = new AtomicInteger();
  final AtomicReference<Supplier<? extends Error>> asyncSpawnerThrows = new AtomicReference<>();
  final AtomicInteger unreadableExits = new AtomicInteger();
  volatile boolean leaveDescendants;
  final AtomicInteger leftoversKilled = new AtomicInteger();
  final AtomicInteger treeCheckFailures = new AtomicInteger();
  final AtomicInteger signalFailures = new AtomicInteger();
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
      return async.spawn(prepare, reading(listener)).thenApply(this::wrap);
    });
  }

  @Override
  public RunningProcess spawn(SpawnRequest request, ProcessListener listener) throws SpawnException {
    return wrap(delegate.spawn(request, reading(listener)));
  }

  /** {@code listener}, to which the next {@link #unreadableExits} exits are reported without their termination. */
  private ProcessListener reading(ProcessListener listener) {
    return new ProcessListener() {
      @Override
      public void onOutput(io.github.vigil.StdStream stream, byte[] buffer, int offset, int length) {
        listener.onOutput(stream, buffer, offset, length);
      }

      @Override
      public void onExit(io.github.vigil.Termination termination) {
        listener.onExit(unreadableExits.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? null : termination);
      }

      @Override
      public void onOomKill(io.github.vigil.Termination termination, long memoryAtDeathBytes) {
        listener.onOomKill(termination, memoryAtDeathBytes);
      }
    };
  }

  private RunningProcess wrap(RunningProcess run) {
    spawned.add(run);
    afterSpawn.accept(run);
    boolean fail = pidFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    boolean leaves = leaveDescendants;
    return new RunningProcess() {
      private boolean failed;
      private volatile boolean leftover = leaves; // what it started is alive until its tree's SIGKILL

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
        killLeftover(signal);
        return run.signalTree(signal);
      }

      @Override
      public boolean signalTree(Signal signal, long askedNanos) {
        killLeftover(signal);
        return run.signalTree(signal, askedNanos);
      }

      private void killLeftover(Signal signal) {
        if (signalFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          throw new IllegalStateException("/proc unreadable: " + signal + " not sent");
        }
        if (signal == Signal.SIGKILL && leftover) {
          leftover = false;
          leftoversKilled.incrementAndGet();
        }
      }

      @Override
      public boolean isTreeAlive() {
        checkTree();
        return leftover || run.isTreeAlive();
      }

      @Override
      public boolean isTreeAlive(long askedNanos) {
        checkTree();
        return leftover || run.isTreeAlive(askedNanos);
      }

      private void checkTree() {
        if (treeCheckFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          throw new IllegalStateException("/proc unreadable: tree not checked");
        }
      }
    };
  }

  @Override
  public void close() {
    delegate.close();
  }
}
