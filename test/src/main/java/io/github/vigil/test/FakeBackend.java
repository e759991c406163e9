package io.github.vigil.test;

import static java.util.Objects.requireNonNull;

import io.github.vigil.Signal;
import io.github.vigil.spi.AsyncSpawner;
import io.github.vigil.spi.ProcessBackend;
import io.github.vigil.spi.ProcessListener;
import io.github.vigil.spi.RunningProcess;
import io.github.vigil.spi.SpawnException;
import io.github.vigil.spi.SpawnRequest;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A {@link ProcessBackend} without processes, for tests: every spawn makes a {@link FakeProcess}
 * the test controls. Script it per process name before or during a test:
 *
 * <pre>{@code
 * FakeBackend backend = new FakeBackend();
 * backend.failNextSpawn("feed", "binary /opt/feed not found"); // the next spawn of "feed" fails
 * backend.onSpawn("feed", p -> p.exit(1));                     // every run of "feed" crashes at once
 * backend.ignore("orders", Signal.SIGTERM);                    // "orders" needs SIGKILL to stop
 * SpawnGate gate = backend.holdNextSpawn("orders");            // its next spawn blocks until gate.open()
 * }</pre>
 *
 * <p>Pids are unique and increasing from 1000. Exits and output are reported to the supervisor from
 * one thread of the backend ({@code vigil-fake-backend}), in the order they happened, as real
 * backends report from their own threads; {@link #awaitReported} waits until all are delivered.
 * It does not check binaries on the filesystem ({@link #hostStartChecks()} is false): a missing
 * binary is whatever the test scripts with {@link #failNextSpawn}.
 *
 * <p>Thread-safe.
 */
public final class FakeBackend implements ProcessBackend {

  /** How a fake process reacts to one signal. */
  sealed interface Reaction {
    /** The signal's default disposition: end by it if it terminates, else nothing. */
    Reaction DEFAULT = new Default();
    /** Only recorded. */
    Reaction IGNORE = new Ignore();

    record Default() implements Reaction {}

    record Ignore() implements Reaction {}

    record ExitWith(int code) implements Reaction {}
  }

  /** A spawn held until the test opens it: a slow fork/exec. Thread-safe. */
  public static final class SpawnGate {
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch open = new CountDownLatch(1);

    /** Lets the held spawn (and any later one through this gate) go on. */
    public void open() {
      open.countDown();
    }

    /** Waits until the supervisor has called spawn and is held here. @return false on timeout */
    public boolean awaitEntered(Duration timeout) throws InterruptedException {
      return entered.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Whether the spawn is held here now. */
    public boolean isHolding() {
      return entered.getCount() == 0 && open.getCount() > 0;
    }
  }

  private final Object lock = new Object();
  private final AtomicLong nextPid = new AtomicLong(1000);
  private final Map<String, ArrayDeque<Object>> nextSpawns = new HashMap<>(); // String (failure) or SpawnGate; guarded by lock
  private final Map<String, List<Consumer<FakeProcess>>> onSpawn = new HashMap<>(); // guarded by lock
  private final Map<String, ArrayDeque<Consumer<FakeProcess>>> onNextSpawn = new HashMap<>(); // guarded by lock
  private final Map<String, Map<Signal, Reaction>> reactions = new HashMap<>(); // guarded by lock
  private final java.util.Set<String> unkillable = new java.util.HashSet<>(); // guarded by lock
  private final Map<String, List<FakeProcess>> runs = new HashMap<>(); // guarded by lock
  private final Map<String, List<Consumer<SpawnRequest>>> inSpawn = new HashMap<>(); // guarded by lock
  private final Map<String, Integer> attempts = new HashMap<>(); // guarded by lock
  private final List<String> spawnLog = new ArrayList<>(); // guarded by lock
  private final ExecutorService reporter = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "vigil-fake-backend");
    t.setDaemon(true);
    return t;
  });
  private final AtomicLong reportsQueued = new AtomicLong();
  private volatile boolean closed;
  private volatile int spawnsAfterClose;
  private final boolean spawnsOnItsOwnThread;

  /**
   * A backend with no scripts: every spawn succeeds and the processes run until ended or signalled.
   * The supervisor calls its {@link #spawn} on one of its I/O threads, as it does the JDK backend's.
   */
  public FakeBackend() {
    this(false);
  }

  private FakeBackend(boolean spawnsOnItsOwnThread) {
    this.spawnsOnItsOwnThread = spawnsOnItsOwnThread;
  }

  /**
   * A backend that spawns as the Linux backend does: on its own thread (the one that reports exits and
   * output), through {@link #asyncSpawner()}, so the supervisor hands a spawn straight to it. A held
   * spawn ({@link #holdNextSpawn}) then holds that thread and every report behind it, as a slow fork
   * holds the Linux backend's event loop.
   */
  public static FakeBackend spawningOnItsOwnThread() {
    return new FakeBackend(true);
  }

  @Override
  public String name() {
    return "fake";
  }

  /** False: the supervisor does not look for binaries on this machine; scripts decide what fails. */
  @Override
  public boolean hostStartChecks() {
    return false;
  }

  // --- scripting -------------------------------------------------------------------------------

  /** The next spawn of {@code process} fails with a {@link SpawnException} carrying {@code message}. Queued after earlier scripts. */
  public FakeBackend failNextSpawn(String process, String message) {
    requireNonNull(message, "message");
    synchronized (lock) {
      nextSpawns.computeIfAbsent(process, k -> new ArrayDeque<>()).add(message);
    }
    return this;
  }

  /** The next spawn of {@code process} blocks (on the supervisor's I/O thread, as a slow fork/exec does) until the gate opens. */
  public SpawnGate holdNextSpawn(String process) {
    SpawnGate gate = new SpawnGate();
    synchronized (lock) {
      nextSpawns.computeIfAbsent(process, k -> new ArrayDeque<>()).add(gate);
    }
    return gate;
  }

  /** Runs {@code action} with every new run of {@code process} once the spawn has returned (e.g. {@code p -> p.exit(1)}). */
  public FakeBackend onSpawn(String process, Consumer<FakeProcess> action) {
    synchronized (lock) {
      onSpawn.computeIfAbsent(process, k -> new ArrayList<>()).add(requireNonNull(action, "action"));
    }
    return this;
  }

  /**
   * Runs {@code action} inside every call of spawn for {@code process}, on the calling thread (the
   * supervisor's own thread), before anything else: for tests of what user code on that thread may do,
   * and of the supervisor's state while a spawn is under way.
   */
  public FakeBackend inSpawn(String process, Consumer<SpawnRequest> action) {
    synchronized (lock) {
      inSpawn.computeIfAbsent(process, k -> new ArrayList<>()).add(requireNonNull(action, "action"));
    }
    return this;
  }

  /** Runs {@code action} with the next run of {@code process} only. */
  public FakeBackend onNextSpawn(String process, Consumer<FakeProcess> action) {
    synchronized (lock) {
      onNextSpawn.computeIfAbsent(process, k -> new ArrayDeque<>()).add(requireNonNull(action, "action"));
    }
    return this;
  }

  /** Runs of {@code process} ignore {@code signal} (it is recorded, nothing else). {@code SIGKILL} cannot be ignored. */
  public FakeBackend ignore(String process, Signal signal) {
    return react(process, signal, Reaction.IGNORE);
  }

  /**
   * Runs of {@code process} survive every signal, {@code SIGKILL} too (each is recorded), as a process in uninterruptible
   * sleep does until its I/O returns (a hung NFS read): only {@link FakeProcess#exit} or {@link FakeProcess#crash} ends one.
   */
  public FakeBackend unkillable(String process) {
    synchronized (lock) {
      unkillable.add(requireNonNull(process, "process"));
    }
    return this;
  }

  boolean survivesKill(String process) {
    synchronized (lock) {
      return unkillable.contains(process);
    }
  }

  /** Runs of {@code process} exit with {@code code} on {@code signal}, as a program with a handler does (a JVM exits 143 on SIGTERM). */
  public FakeBackend exitOn(String process, Signal signal, int code) {
    return react(process, signal, new Reaction.ExitWith(code));
  }

  private FakeBackend react(String process, Signal signal, Reaction r) {
    if (signal == Signal.SIGKILL) {
      throw new IllegalArgumentException("SIGKILL cannot be caught or ignored");
    }
    synchronized (lock) {
      reactions.computeIfAbsent(process, k -> new HashMap<>()).put(signal, r);
    }
    return this;
  }

  Reaction reaction(String process, Signal signal) {
    synchronized (lock) {
      return reactions.getOrDefault(process, Map.of()).getOrDefault(signal, Reaction.DEFAULT);
    }
  }

  // --- what happened ---------------------------------------------------------------------------

  /** Every run of {@code process} spawned so far, oldest first. */
  public List<FakeProcess> runs(String process) {
    synchronized (lock) {
      return List.copyOf(runs.getOrDefault(process, List.of()));
    }
  }

  /** The latest run of {@code process}, if it is alive. */
  public Optional<FakeProcess> current(String process) {
    List<FakeProcess> r = runs(process);
    return r.isEmpty() || !r.get(r.size() - 1).isAlive() ? Optional.empty() : Optional.of(r.get(r.size() - 1));
  }

  /** The latest run of {@code process}, alive or not. @throws AssertionError when it was never spawned */
  public FakeProcess last(String process) {
    List<FakeProcess> r = runs(process);
    if (r.isEmpty()) {
      throw new AssertionError("process '" + process + "' was never spawned");
    }
    return r.get(r.size() - 1);
  }

  /** How many times the supervisor called spawn for {@code process}, failed spawns included. */
  public int spawnAttempts(String process) {
    synchronized (lock) {
      return attempts.getOrDefault(process, 0);
    }
  }

  /** Every run alive now, of every process. */
  public List<FakeProcess> alive() {
    synchronized (lock) {
      return runs.values().stream().flatMap(List::stream).filter(FakeProcess::isAlive).toList();
    }
  }

  /** The names of the processes spawned, in spawn order (successful spawns only). */
  public List<String> spawnOrder() {
    synchronized (lock) {
      return List.copyOf(spawnLog);
    }
  }

  /** Spawns the supervisor asked for after {@link #close()}: a correct supervisor makes none. */
  public int spawnsAfterClose() {
    return spawnsAfterClose;
  }

  /**
   * Waits until every exit and output line reported so far has been handed to the supervisor.
   * @return false on timeout
   */
  public boolean awaitReported(Duration timeout) throws InterruptedException {
    if (closed) {
      return true;
    }
    CountDownLatch done = new CountDownLatch(1);
    try {
      reporter.execute(done::countDown);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return true;
    }
    return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** How many reports (exits, output) were queued so far; the test kit waits until it stops moving. */
  public long reportsQueued() {
    return reportsQueued.get();
  }

  // --- the SPI ---------------------------------------------------------------------------------

  /** Present for {@link #spawningOnItsOwnThread()}: the spawn then runs on the backend's reporting thread. */
  @Override
  public Optional<AsyncSpawner> asyncSpawner() {
    return spawnsOnItsOwnThread ? Optional.of(this::spawnLater) : Optional.empty();
  }

  private CompletionStage<RunningProcess> spawnLater(Callable<SpawnRequest> prepare, ProcessListener listener) {
    CompletableFuture<RunningProcess> result = new CompletableFuture<>();
    Runnable task = () -> {
      try {
        result.complete(spawn(prepare.call(), listener));
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    };
    if (!report(task)) {
      task.run(); // closed: the spawn fails here, and is counted as one after close
    }
    return result;
  }

  @Override
  public RunningProcess spawn(SpawnRequest request, ProcessListener listener) throws SpawnException {
    String name = request.name();
    List<Consumer<SpawnRequest>> first;
    synchronized (lock) {
      first = List.copyOf(inSpawn.getOrDefault(name, List.of()));
    }
    first.forEach(a -> a.accept(request));
    Object step;
    synchronized (lock) {
      attempts.merge(name, 1, Integer::sum);
      if (closed) {
        spawnsAfterClose++;
        throw new SpawnException("fake backend is closed");
      }
      ArrayDeque<Object> q = nextSpawns.get(name);
      step = q == null ? null : q.poll();
    }
    if (step instanceof String message) {
      throw new SpawnException(message);
    }
    if (step instanceof SpawnGate gate) {
      gate.entered.countDown();
      try {
        gate.open.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SpawnException("interrupted while held at a spawn gate", e);
      }
    }
    FakeProcess p;
    List<Consumer<FakeProcess>> actions = new ArrayList<>();
    synchronized (lock) {
      List<FakeProcess> list = runs.computeIfAbsent(name, k -> new ArrayList<>());
      p = new FakeProcess(this, request, listener, nextPid.getAndIncrement(), list.size() + 1);
      list.add(p);
      spawnLog.add(name);
      actions.addAll(onSpawn.getOrDefault(name, List.of()));
      ArrayDeque<Consumer<FakeProcess>> once = onNextSpawn.get(name);
      if (once != null && !once.isEmpty()) {
        actions.add(once.poll());
      }
    }
    if (!actions.isEmpty()) { // after spawn has returned, as a real child acts after fork/exec
      report(() -> actions.forEach(a -> a.accept(p)));
    }
    return p;
  }

  /** Runs {@code r} on the reporting thread, after everything reported before. @return false once closed (nobody listens) */
  boolean report(Runnable r) {
    try {
      reporter.execute(r);
      reportsQueued.incrementAndGet(); // after the hand-over: a waiter that saw the old count has its barrier behind it
      return true;
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return false;
    }
  }

  void ended(FakeProcess p) {
    // nothing to free: a hook for symmetry with real backends' reaping
  }

  @Override
  public void close() {
    closed = true;
    reporter.shutdown();
    try {
      if (!reporter.awaitTermination(5, TimeUnit.SECONDS)) {
        reporter.shutdownNow();
      }
    } catch (InterruptedException e) {
      reporter.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "FakeBackend{alive " + alive() + "}";
  }
}
