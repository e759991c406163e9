package io.github.vigil.test;

import io.github.vigil.Signal;
import io.github.vigil.StdStream;
import io.github.vigil.Termination;
import io.github.vigil.spi.ProcessListener;
import io.github.vigil.spi.RunningProcess;
import io.github.vigil.spi.SpawnRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One run spawned by a {@link FakeBackend}: an object the test ends, signals and makes print.
 *
 * <p>It reacts to the signals the supervisor sends as a process with default signal dispositions does:
 * a signal whose default action is to terminate ends it ({@code Signaled}, as the kernel reports
 * it), others are only recorded, unless the backend was told that this process ignores the signal
 * or exits with a code on it ({@link FakeBackend#ignore}, {@link FakeBackend#exitOn}). {@code SIGKILL}
 * always ends it. Its end is reported to the supervisor asynchronously, from the backend's report
 * thread, as a real backend reports it from its own.
 *
 * <p>Thread-safe.
 */
public final class FakeProcess implements RunningProcess {
  /** Signals whose default action ends a process (signal(7)). */
  static final Set<Signal> TERMINATING = Set.of(Signal.SIGHUP, Signal.SIGINT, Signal.SIGQUIT, Signal.SIGILL, Signal.SIGABRT,
      Signal.SIGFPE, Signal.SIGKILL, Signal.SIGSEGV, Signal.SIGPIPE, Signal.SIGALRM, Signal.SIGTERM, Signal.SIGUSR1,
      Signal.SIGUSR2, Signal.SIGBUS, Signal.SIGSYS, Signal.SIGTRAP, Signal.SIGXCPU, Signal.SIGXFSZ, Signal.SIGVTALRM,
      Signal.SIGPROF, Signal.SIGIO, Signal.SIGPWR, Signal.SIGSTKFLT);

  private final FakeBackend backend;
  private final SpawnRequest request;
  private final ProcessListener listener;
  private final long pid;
  private final int spawnNumber;
  private final List<Signal> signals = new ArrayList<>(); // guarded by this
  private boolean alive = true; // guarded by this
  private @Nullable Termination termination; // guarded by this

  FakeProcess(FakeBackend backend, SpawnRequest request, ProcessListener listener, long pid, int spawnNumber) {
    this.backend = backend;
    this.request = request;
    this.listener = listener;
    this.pid = pid;
    this.spawnNumber = spawnNumber;
  }

  @Override
  public long pid() {
    return pid;
  }

  /** The supervised process's name. */
  public String name() {
    return request.name();
  }

  /** Which spawn of this process it is, 1-based (counting only successful spawns). */
  public int spawnNumber() {
    return spawnNumber;
  }

  /** What the supervisor asked the backend to spawn. */
  public SpawnRequest request() {
    return request;
  }

  /** The signals the supervisor sent it, in order. */
  public synchronized List<Signal> signals() {
    return List.copyOf(signals);
  }

  /** Whether it has not ended yet. */
  public synchronized boolean isAlive() {
    return alive;
  }

  /** How it ended, or null while alive. */
  public synchronized @Nullable Termination termination() {
    return termination;
  }

  /** Ends it with {@code exit(code)}. @return false if it had already ended */
  public boolean exit(int code) {
    return end(new Termination.Exited(code));
  }

  /** Ends it by {@code signal}, as if someone else (the kernel, an operator's {@code kill -9}) sent it. @return false if already ended */
  public boolean kill(Signal signal) {
    return end(Termination.Signaled.of(signal.number(), false));
  }

  /** Ends it by {@code signal} with a core dump. @return false if already ended */
  public boolean crash(Signal signal) {
    return end(Termination.Signaled.of(signal.number(), true));
  }

  /** Ends it the kernel's out-of-memory killer's way ({@code SIGKILL}, reported as an OOM kill). @return false if already ended */
  public boolean oomKill(long memoryAtDeathBytes) {
    Termination t = Termination.Signaled.of(Signal.SIGKILL.number(), false);
    synchronized (this) {
      if (!alive) {
        return false;
      }
      alive = false;
      termination = t;
    }
    backend.report(() -> listener.onOomKill(t, memoryAtDeathBytes));
    return true;
  }

  /** Makes it print {@code line} (a newline is added) on {@code stream}. */
  public void print(StdStream stream, String line) {
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    backend.report(() -> listener.onOutput(stream, bytes, 0, bytes.length));
  }

  private boolean end(Termination t) {
    synchronized (this) {
      if (!alive) {
        return false;
      }
      alive = false;
      termination = t;
    }
    backend.ended(this);
    backend.report(() -> listener.onExit(t));
    return true;
  }

  @Override
  public boolean signal(Signal signal) {
    synchronized (this) {
      if (!alive) {
        return false;
      }
      signals.add(signal);
    }
    if (backend.survivesKill(request.name())) {
      return true; // in uninterruptible sleep: the signal waits, the run goes on
    }
    FakeBackend.Reaction r = backend.reaction(request.name(), signal);
    if (signal == Signal.SIGKILL || r == FakeBackend.Reaction.DEFAULT && TERMINATING.contains(signal)) {
      end(Termination.Signaled.of(signal.number(), false));
    } else if (r instanceof FakeBackend.Reaction.ExitWith e) {
      end(new Termination.Exited(e.code()));
    }
    return true;
  }

  @Override
  public boolean signalTree(Signal signal) {
    return signal(signal);
  }

  @Override
  public synchronized boolean isTreeAlive() {
    return alive;
  }

  @Override
  public synchronized String toString() {
    return "FakeProcess{" + request.name() + " #" + spawnNumber + ", pid " + pid + (alive ? ", alive" : ", " + termination) + "}";
  }
}
