package io.github.vigil.internal;

import io.github.vigil.AttachSpec;
import io.github.vigil.AttachedProcess;
import io.github.vigil.Dependency;
import io.github.vigil.Origin;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessStatistics;
import io.github.vigil.Scheduler;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.SupervisorListener;
import io.github.vigil.spi.BackendContext;
import io.github.vigil.spi.ProcessBackend;
import io.github.vigil.spi.SupervisorSettings;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Supervisor}: one thread ({@code vigil-<name>}) runs every transition and, by default,
 * every timer; listeners run on {@code vigil-<name>-events}.
 */
final class DefaultSupervisor implements Supervisor {
  private static final Logger log = LoggerFactory.getLogger(DefaultSupervisor.class);

  final SupervisorSettings settings;
  final ProcessBackend backend;
  /** The backend's spawn that does not block, or null: spawns then go through the I/O threads. */
  final io.github.vigil.spi.@Nullable AsyncSpawner asyncSpawner;
  final EventBus events;
  private final ScheduledThreadPoolExecutor loop;
  /** How many threads run the work that can block (spawns, signals, /proc scans, log flushes), whatever the number of processes. */
  static final int IO_THREADS = 2;
  /** {@code vigil-<name>-io-1..IO_THREADS}: the work that can block, so that the supervision thread only decides. */
  private final OnDemandPool ioPool;
  private final @Nullable ExecutorService eventThread;
  private final Scheduler scheduler;
  private final Map<String, ManagedProcess> processes = new LinkedHashMap<>(); // guarded by itself
  private final Map<String, Attachment> attachments = new LinkedHashMap<>(); // guarded by processes
  private final Object listingsLock = new Object();
  private @Nullable SharedListing listings; // guarded by listingsLock
  private final Map<String, Group> groups = new LinkedHashMap<>(); // guarded by processes
  /** Names some process depends on: only their state and health changes are passed on to dependents. */
  private final java.util.Set<String> dependedOn = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /**
   * The registered processes whose spec in effect names a process, by that name, in registration order: the dependents
   * told of its state and health changes ({@link #dependentsOf}), found in proportion to their number. A scan of every
   * process on each change made a start of n processes depending on others cost n^2. Kept with the specs in effect:
   * register, an update put into effect ({@link #specInEffect}), remove. Guarded by {@link #processes}.
   */
  private final Map<String, java.util.TreeMap<Long, ManagedProcess>> dependents = new HashMap<>();
  /** Each registered process's place in the registration order, for {@link #dependents}. Guarded by {@link #processes}. */
  private final Map<ManagedProcess, Long> registrationOrder = new java.util.IdentityHashMap<>();
  private long registrations; // guarded by processes
  private final @Nullable FileChannel lockChannel;
  private final @Nullable FileLock lock;
  /**
   * Held by the one thread deciding: the supervision thread for each of its tasks and timers, or a
   * backend's thread deciding on its own report ({@link #decideAtOnce}). The engine's state is read and
   * written only under it, so a decision sees every earlier one whichever thread made it.
   */
  private final java.util.concurrent.locks.ReentrantLock deciding = new java.util.concurrent.locks.ReentrantLock();
  /** Tasks handed to the supervision thread and not yet begun: a report is decided at once only behind none. */
  private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
  private volatile boolean closed;
  /** Completes when {@link #close()} has finished (from whichever thread ran it). */
  private final CompletableFuture<Void> closeDone = new CompletableFuture<>();
  /** Work under way on the supervision thread, the I/O threads, a backend's spawn and the listeners: {@link #awaitIdle} waits for none. */
  private final InFlight inFlight = new InFlight();
  private final HeldWorkBound heldWorkBound = new HeldWorkBound(this::schedule, this::now); // supervision thread only
  private final long createdNanos;
  private final Object healthLock = new Object();
  private @Nullable HealthExecutor healthExecutor; // guarded by healthLock; created with the first check
  /** Closes the supervisor when the JVM shuts down ({@code closeOnJvmShutdown}); null when off. Removed by close(). */
  private final @Nullable Thread shutdownHook;
  /** The listeners' thread (the default listener executor's one thread), once started. */
  private volatile @Nullable Thread listenerThread;
  /** close() was called by the shutdown hook. */
  private volatile boolean closingAtJvmShutdown;

  DefaultSupervisor(SupervisorSettings settings) {
    this.settings = settings;
    String threadName = "vigil-" + settings.name();
    this.loop = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
    loop.setRemoveOnCancelPolicy(true);
    this.ioPool = new OnDemandPool(threadName + "-io-", IO_THREADS, 30, new java.util.concurrent.LinkedBlockingQueue<>());
    if (settings.listenerExecutor() == null) {
      eventThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, threadName + "-events");
        t.setDaemon(true);
        listenerThread = t;
        return t;
      });
      events = new EventBus(eventThread, inFlight);
    } else {
      eventThread = null;
      events = new EventBus(settings.listenerExecutor(), inFlight, this::isLoopThread);
    }
    this.scheduler = settings.scheduler() != null ? settings.scheduler() : this::scheduleOnLoop;
    FileChannel channel = null;
    FileLock fileLock = null;
    try {
      Path state = settings.stateDirectory();
      if (state != null) {
        Files.createDirectories(state);
        channel = FileChannel.open(state.resolve("supervisor.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
          fileLock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          fileLock = null;
        }
        if (fileLock == null) {
          throw new IllegalStateException("state directory " + state + " is in use by another supervisor");
        }
      }
      this.backend = settings.backend() != null ? settings.backend()
          : BackendSelector.select(settings.backendName(), new BackendContext(settings.name(), state));
    } catch (IOException | RuntimeException e) {
      shutdownThreads();
      closeQuietly(channel);
      if (e instanceof IOException io) {
        throw new IllegalStateException("cannot use state directory " + settings.stateDirectory() + ": " + io, io);
      }
      throw (RuntimeException) e;
    }
    this.asyncSpawner = backend.asyncSpawner().orElse(null);
    this.lockChannel = channel;
    this.lock = fileLock;
    this.createdNanos = settings.ticker().read();
    this.shutdownHook = settings.closeOnJvmShutdown() ? addShutdownHook() : null;
  }

  /**
   * A SIGTERM of the JVM (kill, systemctl stop, Ctrl-C) ran no try-with-resources block: the JDK backend's children
   * lived on holding their ports, the Linux backend's were killed by its guardian with SIGKILL, without their stop signal.
   */
  private @Nullable Thread addShutdownHook() {
    Thread hook = new Thread(() -> {
      log.atInfo().log("JVM shutting down: closing supervisor {}", name());
      closingAtJvmShutdown = true;
      close();
    }, "vigil-" + settings.name() + "-shutdown");
    try {
      Runtime.getRuntime().addShutdownHook(hook);
      return hook;
    } catch (IllegalStateException e) { // built while the JVM shuts down already: close() is the caller's
      log.atDebug().log("Supervisor {} built during the JVM's shutdown: no shutdown hook", name());
      return null;
    }
  }

  private Scheduler.Cancellable scheduleOnLoop(Duration delay, Runnable task) {
    ScheduledFuture<?> f = loop.schedule(() -> {
      inFlight.begin(); // a due timer is work under way like a queued task (awaitIdle)
      deciding.lock();
      try {
        task.run();
      } finally {
        deciding.unlock();
        inFlight.end();
      }
    }, delay.toNanos(), TimeUnit.NANOSECONDS);
    return () -> f.cancel(false);
  }

  // --- the supervision thread ----------------------------------------------------------------

  /** Runs {@code task} on the supervision thread (at once if the calling thread is deciding already). */
  void onLoop(Runnable task) {
    onLoop(task, () -> log.debug("Task after close dropped"));
  }

  /** As {@link #onLoop(Runnable)}; runs {@code ifClosed} (on the calling thread) when the supervision thread has ended. */
  void onLoop(Runnable task, Runnable ifClosed) {
    onLoop(task, ifClosed, NO_FAILURE_HANDLER);
  }

  /**
   * As {@link #onLoop(Runnable, Runnable)}; when {@code task} throws, {@code ifFailed} runs after it on the same thread,
   * so that what the task was to complete (a caller's future) is completed all the same. A task run at once inside
   * another throws on into that one's.
   */
  void onLoop(Runnable task, Runnable ifClosed, java.util.function.Consumer<Throwable> ifFailed) {
    if (deciding.isHeldByCurrentThread()) {
      try {
        task.run(); // inside a task that is counted already
      } catch (RuntimeException | Error e) {
        failed(ifFailed, e);
        throw e;
      }
      return;
    }
    onLoopLater(task, ifClosed, ifFailed);
  }

  private static final java.util.function.Consumer<Throwable> NO_FAILURE_HANDLER = e -> { };

  private static void failed(java.util.function.Consumer<Throwable> ifFailed, Throwable e) {
    try {
      ifFailed.accept(e);
    } catch (RuntimeException | Error again) {
      e.addSuppressed(again);
    }
  }

  /**
   * Runs a backend's report ({@code task}: an exit, an attached process gone) at once on the calling
   * thread, the backend's, when no other thread is deciding and no task waits for the supervision
   * thread: the same decision, in the same order, without the hand-over to the supervision thread
   * (its wake-up is a tail of milliseconds on a busy machine, on the path from an exit to its event
   * and its restart). Otherwise, or once the supervisor is closing, it is queued as {@link #onLoop}
   * would. Never waits: a thread that finds another deciding hands over instead.
   */
  void decideAtOnce(Runnable task, Runnable ifClosed) {
    decideAtOnce(task, ifClosed, NO_FAILURE_HANDLER);
  }

  /** As {@link #decideAtOnce(Runnable, Runnable)}, with {@code ifFailed} as {@link #onLoop(Runnable, Runnable, java.util.function.Consumer)} has it. */
  void decideAtOnce(Runnable task, Runnable ifClosed, java.util.function.Consumer<Throwable> ifFailed) {
    if (deciding.isHeldByCurrentThread()) {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        failed(ifFailed, e);
        throw e;
      }
      return;
    }
    if (!closed && waiting.get() == 0 && deciding.tryLock()) {
      try {
        // under the lock: no task was queued meanwhile (it would be older than this report), none runs now
        if (!closed && !loop.isShutdown() && waiting.get() == 0) {
          inFlight.begin();
          try {
            runGuarded(task, ifFailed);
          } finally {
            inFlight.end();
          }
          return;
        }
      } finally {
        deciding.unlock();
      }
    }
    onLoopLater(task, ifClosed, ifFailed);
  }

  /** Queues {@code task} on the supervision thread, even from it. */
  void onLoopLater(Runnable task) {
    onLoopLater(task, () -> log.debug("Task after close dropped"));
  }

  /** As {@link #onLoopLater(Runnable)}; runs {@code ifClosed} (on the calling thread) when the supervision thread has ended. */
  void onLoopLater(Runnable task, Runnable ifClosed) {
    onLoopLater(task, ifClosed, NO_FAILURE_HANDLER);
  }

  /** As {@link #onLoopLater(Runnable, Runnable)}, with {@code ifFailed} as {@link #onLoop(Runnable, Runnable, java.util.function.Consumer)} has it. */
  void onLoopLater(Runnable task, Runnable ifClosed, java.util.function.Consumer<Throwable> ifFailed) {
    inFlight.begin(); // before the hand-over: the caller's own work, if counted, ends after it
    waiting.incrementAndGet();
    try {
      loop.execute(() -> {
        deciding.lock();
        waiting.decrementAndGet(); // under the lock: a report that finds none waiting is decided after this task
        try {
          runGuarded(task, ifFailed);
        } finally {
          deciding.unlock();
          inFlight.end();
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      waiting.decrementAndGet();
      inFlight.end();
      ifClosed.run();
    }
  }

  private static void runGuarded(Runnable task, java.util.function.Consumer<Throwable> ifFailed) {
    try {
      task.run();
    } catch (RuntimeException | Error e) {
      log.error("Supervision task failed", e);
      failed(ifFailed, e);
    }
  }

  /**
   * A queue of blocking work for one process (or attachment): its tasks run one at a time, in order,
   * on the {@code vigil-<name>-io-*} threads, never on the supervision thread. Results go back with
   * {@link #onLoop}. A task that throws is logged at ERROR under {@code name}, the process (or attachment) it is for.
   */
  IoQueue newIoQueue(String name) {
    java.util.function.Consumer<Throwable> failed =
        t -> log.atError().addKeyValue("process", name).setCause(t).log("Blocking supervision work of {} failed", name);
    return new IoQueue(new SerialExecutor(ioPool, e -> log.debug("Blocking work runs on the caller: the I/O threads are shut down"),
        failed, () -> {}, Integer.MAX_VALUE, true), failed);
  }

  /** One process's or attachment's blocking work, in order, on the I/O threads; counted for {@link #awaitIdle}. */
  final class IoQueue implements Executor {
    private final SerialExecutor serial;
    private final java.util.concurrent.atomic.AtomicInteger pending = new java.util.concurrent.atomic.AtomicInteger();

    private final java.util.function.Consumer<Throwable> failed;

    private IoQueue(SerialExecutor serial, java.util.function.Consumer<Throwable> failed) {
      this.serial = serial;
      this.failed = failed;
    }

    @Override
    public void execute(Runnable task) {
      Runnable done = beginOffLoop();
      pending.incrementAndGet();
      serial.execute(() -> {
        try {
          task.run();
        } catch (VirtualMachineError e) {
          throw e; // as SerialExecutor has it: on to its thread
        } catch (RuntimeException | Error e) { // said before the task counts as done: awaitIdle covers its log line
          failed.accept(e);
        } finally {
          pending.decrementAndGet();
          done.run();
        }
      });
    }

    /**
     * Nothing of this queue's is waiting or running, so work handed elsewhere now overtakes none of it.
     * Exact while deciding (on the supervision thread, or a backend's thread deciding at once), the only
     * time work is queued here (a task may end meanwhile, never begin).
     */
    boolean isIdle() {
      return pending.get() == 0;
    }
  }

  /**
   * Counts blocking work that runs off the supervision thread (on an I/O thread, or a backend's own
   * spawn) until the returned action is run, once, after its result was handed to the supervision
   * thread: {@link #awaitIdle} waits for it.
   */
  Runnable beginOffLoop() {
    return inFlight.beginOnce();
  }

  /**
   * The listings of the process table that this supervisor's attachments share (made at the first
   * attachment: a backend's table is asked for only when something attaches).
   */
  SharedListing listings() {
    synchronized (listingsLock) {
      if (listings == null) {
        listings = new SharedListing(backend.processTable());
      }
      return listings;
    }
  }

  /** Schedules {@code task} on the injected scheduler; it then runs on the supervision thread. */
  Scheduler.Cancellable schedule(Duration delay, Runnable task) {
    return scheduler.schedule(delay, () -> onLoop(task));
  }

  /** Bounds how long listeners hold a dead run's work. Supervision thread only. */
  HeldWorkBound heldWorkBound() {
    return heldWorkBound;
  }

  /** Whether the calling thread is deciding: the supervision thread in a task, or a backend's thread in {@link #decideAtOnce}. */
  boolean isLoopThread() {
    return deciding.isHeldByCurrentThread();
  }

  long now() {
    return settings.ticker().read();
  }

  Instant wallNow() {
    return settings.instantSource().instant();
  }

  /**
   * Publishes an exit; when no restart can follow it, lets a listener thread the event woke run now. The kernel may
   * put the woken thread on this CPU, where it waits for the rest of the decision (the state change, the policy, the
   * log line: about 0.09 ms of code that runs once per exit, measured in {@code bench/results/exit-yield-ab.md}); a
   * yield hands it the CPU at once and costs a system call where nothing else waits to run. A restart's spawn comes
   * first (it is what a crash waits for), so an exit that the policy may restart does not yield.
   */
  void publishExit(SupervisorEvent.Exited event, boolean restartMayFollow) {
    if (events.publish(event) && !restartMayFollow) {
      Thread.yield();
    }
  }

  /**
   * Runs {@code action} once the listeners have been handed the events published so far, on a listener thread; at
   * once, here, when none listens. @return false when it has run ({@link EventBus#afterDelivered})
   */
  boolean afterDelivered(Runnable action) {
    return events.afterDelivered(action);
  }

  void publish(SupervisorEvent event) {
    events.publish(event);
    if ((event instanceof SupervisorEvent.StateChanged || event instanceof SupervisorEvent.HealthChanged)
        && dependedOn.contains(event.process())) {
      // after the transition under way has finished: dependents waiting for it re-check, running ones apply OnExit
      onLoopLater(() -> {
        for (ManagedProcess d : dependentsOf(event.process())) {
          d.dependencyMoved(event);
        }
      });
    }
  }

  /** The registered process with this name, or null. */
  @Nullable ManagedProcess process(String name) {
    synchronized (processes) {
      return processes.get(name);
    }
  }

  /** The registered processes whose spec in effect names {@code name}, in registration order. */
  List<ManagedProcess> dependentsOf(String name) {
    synchronized (processes) {
      java.util.TreeMap<Long, ManagedProcess> d = dependents.get(name);
      return d == null ? List.of() : new ArrayList<>(d.values());
    }
  }

  /** Adds {@code p} to (or, {@code add} false, removes it from) {@link #dependents} as {@code spec} says. Holding {@code processes}. */
  private void indexDependencies(ManagedProcess p, ProcessSpec spec, boolean add) {
    Long at = registrationOrder.get(p);
    if (at == null) {
      return; // not registered (any more)
    }
    for (Dependency d : spec.dependencies()) {
      if (add) {
        dependents.computeIfAbsent(d.name(), k -> new java.util.TreeMap<>()).put(at, p);
      } else {
        java.util.TreeMap<Long, ManagedProcess> of = dependents.get(d.name());
        if (of != null) {
          of.remove(at);
          if (of.isEmpty()) {
            dependents.remove(d.name());
          }
        }
      }
    }
  }

  /** {@code next} has replaced {@code previous} as the spec in effect of {@code p}: its dependencies are indexed anew. Supervision thread. */
  void specInEffect(ManagedProcess p, ProcessSpec previous, ProcessSpec next) {
    if (previous.dependencies().equals(next.dependencies())) {
      return;
    }
    synchronized (processes) {
      indexDependencies(p, previous, false);
      indexDependencies(p, next, true);
    }
  }

  /**
   * A public view of {@code internal}, completed on the listener executor (never on the supervision
   * thread), so that what a caller chains to it cannot hold up supervision.
   */
  <T> CompletableFuture<T> relay(CompletableFuture<T> internal) {
    CompletableFuture<T> pub = new CompletableFuture<>();
    internal.whenComplete((v, e) -> events.complete(pub, v,
        e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e));
    return pub;
  }

  /** Whether {@link #close()} has begun: nothing is spawned any more, and every command fails at once. */
  boolean isClosed() {
    return closed;
  }

  /** The error of a command that arrives once the supervisor is closing or closed. */
  IllegalStateException closedError(String what) {
    return new IllegalStateException(what + " refused: supervisor '" + name() + "' is closed");
  }

  private @Nullable Diagnostician diagnostician; // guarded by healthLock; created with the first diagnosis

  /** The pool that makes diagnoses, created on first use. */
  Diagnostician diagnostician() {
    synchronized (healthLock) {
      if (diagnostician == null) {
        diagnostician = new Diagnostician(settings.name(), backend.listeningSockets().orElse(null), backend.inspector().orElse(null),
            backend.hostStartChecks());
      }
      return diagnostician;
    }
  }

  /** The pool that runs health check attempts, created on first use. */
  HealthExecutor healthExecutor() {
    synchronized (healthLock) {
      if (healthExecutor == null) {
        // a custom check's attempt is work in flight until its code has returned (or it was abandoned at its timeout)
        healthExecutor = new HealthExecutor(settings.name(), backend.listeningSockets().orElse(null), this::beginOffLoop);
      }
      return healthExecutor;
    }
  }

  // --- API -----------------------------------------------------------------------------------

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public String backendName() {
    return backend.name();
  }

  /** What holds {@code name} among processes, attachments and groups (one namespace), or null. Holding {@code processes}. */
  private @Nullable String takenBy(String name) {
    return processes.containsKey(name) ? "a registered process" : attachments.containsKey(name) ? "an attached process"
        : groups.containsKey(name) ? "a group" : null;
  }

  @Override
  public ProcessController register(ProcessSpec spec) {
    return registerAll(List.of(java.util.Objects.requireNonNull(spec, "spec"))).get(0);
  }

  @Override
  public List<ProcessController> registerAll(Collection<ProcessSpec> specs) {
    java.util.Objects.requireNonNull(specs, "specs");
    int index = 0;
    for (ProcessSpec spec : specs) {
      if (spec == null) {
        throw new NullPointerException("specs[" + index + "] is null");
      }
      index++;
    }
    List<ProcessController> added = new ArrayList<>();
    synchronized (processes) {
      if (closed) {
        throw new IllegalStateException("supervisor " + name() + " is closed");
      }
      Map<String, ProcessSpec> adding = new LinkedHashMap<>();
      for (ProcessSpec spec : specs) {
        if (processes.containsKey(spec.name()) || adding.putIfAbsent(spec.name(), spec) != null) {
          throw new IllegalArgumentException("name '" + spec.name() + "' is already registered");
        }
        String taken = takenBy(spec.name());
        if (taken != null) {
          throw new IllegalArgumentException("name '" + spec.name() + "' is already taken by " + taken);
        }
      }
      refuseDependenciesBeingRemoved(adding.values(), "");
      // only what the new specs reach: a registered process names only registered ones, so no cycle closes without a new
      // spec, and checking the whole graph on each register made registering n processes one by one cost n^2
      DependencyGraph.validate(adding.values(), n -> {
        ProcessSpec s = adding.get(n);
        if (s != null) {
          return List.of(s);
        }
        ManagedProcess registered = processes.get(n);
        // its other specs are not walked (it names no new process), only its health checks read, which an update keeps
        return registered == null ? List.of() : List.of(registered.spec());
      });
      for (ProcessSpec spec : specs) {
        HealthMonitor.checkSupported(spec, backend);
      }
      for (ProcessSpec spec : specs) {
        ManagedProcess p = new ManagedProcess(this, spec);
        processes.put(spec.name(), p);
        registrationOrder.put(p, registrations++);
        indexDependencies(p, spec, true);
        spec.dependencies().forEach(d -> dependedOn.add(d.name()));
        added.add(p);
        // published before anyone can see the process, so Registered is its first event for every listener
        publish(new SupervisorEvent.Registered(p.name(), wallNow(), p.spec()));
      }
    }
    return added;
  }

  /**
   * Refuses a dependency on a process being removed: it is still registered, but would be gone once its stop ends, leaving
   * the dependent naming an unknown process (which every later register then failed on). Holding {@code processes}.
   */
  private void refuseDependenciesBeingRemoved(Collection<ProcessSpec> specs, String prefix) {
    for (ProcessSpec spec : specs) {
      for (Dependency d : spec.dependencies()) {
        ManagedProcess target = processes.get(d.name());
        if (target != null && target.removal() != null) {
          throw new IllegalArgumentException(prefix + "dependsOn of '" + spec.name() + "' names process '" + d.name()
              + "', which is being removed");
        }
      }
    }
  }

  @Override
  public CompletionStage<Void> remove(String name) {
    ManagedProcess p;
    CompletableFuture<Void> removal;
    synchronized (processes) {
      if (closed) {
        return CompletableFuture.failedFuture(closedError("remove('" + name + "')"));
      }
      p = processes.get(name);
      if (p == null) {
        return CompletableFuture.completedFuture(null);
      }
      if (p.group != null) {
        return CompletableFuture.failedFuture(new IllegalStateException(
            "process '" + name + "' cannot be removed: it is a child of group '" + p.group.name() + "'"));
      }
      CompletableFuture<Void> under = p.removal();
      if (under != null) {
        return relay(under);
      }
      for (ManagedProcess other : processes.values()) {
        // the spec in effect, then those of updates to come: once in effect, one would name a process that is gone
        List<ProcessSpec> counted = other.specsThatCount();
        for (int i = 0; i < counted.size(); i++) {
          for (Dependency d : counted.get(i).dependencies()) {
            if (d.name().equals(name)) {
              return CompletableFuture.failedFuture(new IllegalStateException("process '" + name + "' cannot be removed: "
                  + (i == 0 ? "'" + other.name() + "'" : "the pending spec of '" + other.name() + "' (in effect from its next start)")
                  + " depends on it"));
            }
          }
        }
      }
      removal = new CompletableFuture<>();
      p.markRemoved(removal); // from here on every command to it fails at once, and nothing is spawned for it
    }
    p.stopInternal(Origin.API, "removed from the supervisor").whenComplete((s, e) -> {
      synchronized (processes) {
        if (processes.remove(name, p)) {
          indexDependencies(p, p.spec(), false);
          registrationOrder.remove(p);
        }
      }
      p.release();
      publish(new SupervisorEvent.Removed(name, wallNow()));
      removal.complete(null);
    });
    return relay(removal);
  }

  /**
   * Checks {@code next} as the new spec of {@code p}: same name, health checks and resource rules, known
   * dependencies, no cycle, supported by the backend. Records the dependencies it adds.
   *
   * @throws IllegalArgumentException naming the field and the value
   */
  void validateUpdate(ManagedProcess p, ProcessSpec next) {
    ProcessSpec now = p.spec();
    if (!next.name().equals(now.name())) {
      throw new IllegalArgumentException("update of '" + now.name() + "': name cannot change (spec names '" + next.name()
          + "'); register a new process instead");
    }
    if (!next.healthChecks().equals(now.healthChecks())) {
      throw new IllegalArgumentException("update of '" + now.name() + "': healthChecks cannot change (" + now.healthChecks()
          + " -> " + next.healthChecks() + "); remove and register the process instead");
    }
    if (!next.resourceRules().equals(now.resourceRules())) {
      throw new IllegalArgumentException("update of '" + now.name() + "': resourceRules cannot change (" + now.resourceRules()
          + " -> " + next.resourceRules() + "); remove and register the process instead");
    }
    synchronized (processes) {
      refuseDependenciesBeingRemoved(List.of(next), "update of '" + now.name() + "': ");
      // every spec that counts, of every process: the one in effect and those of updates to come, next among p's; any of
      // them may hold while another process's does, so two pending updates (or one and a current spec) close no cycle
      Map<String, List<ProcessSpec>> counted = new LinkedHashMap<>();
      List<ProcessSpec> from = new ArrayList<>();
      processes.forEach((n, q) -> {
        List<ProcessSpec> specs = new ArrayList<>(q.specsThatCount());
        if (q == p) {
          specs.add(next);
        }
        counted.put(n, specs);
        from.addAll(specs);
      });
      try {
        DependencyGraph.validate(from, n -> counted.getOrDefault(n, List.of()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("update of '" + now.name() + "': " + e.getMessage(), e);
      }
      HealthMonitor.checkSupported(next, backend);
      next.dependencies().forEach(d -> dependedOn.add(d.name()));
      p.updateAccepted(next);
    }
  }

  @Override
  public Optional<ProcessController> controller(String name) {
    synchronized (processes) {
      return Optional.ofNullable(processes.get(name));
    }
  }

  @Override
  public Collection<ProcessController> controllers() {
    synchronized (processes) {
      return List.copyOf(processes.values());
    }
  }

  /**
   * Every process's {@link ManagedProcess#commandStops()} now: a start of several steps begun now (a
   * {@code startAll()}, a group's start or restart) gives way to a command's stop after it. Supervision thread.
   */
  Map<ManagedProcess, Long> commandStopsNow() {
    Map<ManagedProcess, Long> now = new java.util.IdentityHashMap<>();
    for (ManagedProcess p : snapshot().values()) {
      now.put(p, p.commandStops());
    }
    return now;
  }

  private Map<String, ManagedProcess> snapshot() {
    synchronized (processes) {
      return new LinkedHashMap<>(processes);
    }
  }

  @Override
  public CompletionStage<Void> startAll() {
    if (closed) {
      return CompletableFuture.failedFuture(closedError("startAll()"));
    }
    Map<String, ManagedProcess> all = snapshot();
    Map<String, ProcessSpec> specs = new LinkedHashMap<>();
    all.forEach((n, p) -> specs.put(n, p.spec()));
    try {
      DependencyGraph.validate(specs);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    // taken on the supervision thread before any of the starts: a stop asked after it is not undone by a start that waited
    CompletableFuture<Map<ManagedProcess, Long>> stopsBefore = new CompletableFuture<>();
    onLoop(() -> stopsBefore.complete(commandStopsNow()), () -> stopsBefore.completeExceptionally(closedError("startAll()")),
        stopsBefore::completeExceptionally);
    // every process to start (those that start automatically and what they depend on) is asked at once, in start order:
    // one whose dependency does not meet its condition yet waits in WAITING, its detail saying for what, and goes on
    // when it does; a stop meanwhile ends its wait and fails this stage, as a dependency that FAILED does
    Set<String> toStart = new HashSet<>();
    all.values().stream().filter(p -> p.spec().autoStart()).forEach(p -> DependencyGraph.withDependencies(p.name(), specs, toStart));
    warnOfGroupsNotStarted(toStart);
    // the application asked: API, as stopAll()'s stops say (DEPENDENCY is for what a dependency did: a wait, a stop); the
    // start limit stays as it was, as before (a start() of one process resets it)
    List<CompletableFuture<?>> wanted = new ArrayList<>();
    for (String name : DependencyGraph.startOrder(specs)) {
      if (toStart.contains(name)) {
        ManagedProcess p = all.get(name);
        wanted.add(stopsBefore.thenCompose(stops -> p.startUnlessStoppedSinceKeepingStartLimit(stops.getOrDefault(p, 0L), Origin.API, "start all")));
      }
    }
    // the first failure ends it: the other starts may go on waiting (for a dependency that comes back, or for ever)
    CompletableFuture<Void> done = new CompletableFuture<>();
    CompletableFuture.allOf(wanted.toArray(CompletableFuture[]::new)).thenRun(() -> done.complete(null));
    wanted.forEach(f -> f.exceptionally(e -> {
      done.completeExceptionally(e);
      return null;
    }));
    return relay(done);
  }

  /**
   * startAll() starts processes, not groups: a member it starts of a group not started has no group strategy nor
   * intensity until the group is started. Said, as it is easily missed (found by a black-box run).
   */
  private void warnOfGroupsNotStarted(Set<String> toStart) {
    List<Group> top;
    synchronized (processes) {
      top = groups.values().stream().filter(g -> g.parent() == null && g.state() != io.github.vigil.GroupState.RUNNING).toList();
    }
    for (Group g : top) {
      List<String> members = g.processes().stream().map(ManagedProcess::name).filter(toStart::contains).toList();
      if (!members.isEmpty()) {
        log.atWarn().addKeyValue("process", g.name()).log("startAll() starts {} of group {}, which is {}: the group's strategy and "
            + "intensity apply to them once it is started (GroupController.start(), which starts them in declared order; give them "
            + "autoStart(false) to leave them to it)", members, g.name(), g.state());
      }
    }
  }

  @Override
  public CompletionStage<Void> stopAll() {
    if (closed) {
      return CompletableFuture.failedFuture(closedError("stopAll()"));
    }
    return relay(stopAll(Origin.API, "stop all"));
  }

  private CompletableFuture<Void> stopAll(Origin origin, String reason) {
    Map<String, ManagedProcess> all = snapshot();
    List<Group> top;
    synchronized (processes) {
      top = groups.values().stream().filter(g -> g.parent() == null).toList();
    }
    // first, at once: the groups are stopped (their strategy applies no more, a restart of theirs under way starts nothing
    // more), nothing waiting in BACKOFF is spawned, and no crash is restarted, while dependents are stopped first
    onLoop(() -> {
      top.forEach(g -> g.stopAllBegun(origin, reason));
      all.values().forEach(p -> p.holdForStop(origin, reason));
    });
    Map<String, ProcessSpec> specs = new LinkedHashMap<>();
    all.forEach((n, p) -> specs.put(n, p.spec()));
    List<String> order = DependencyGraph.startOrder(specs);
    Map<String, List<String>> dependents = new HashMap<>();
    for (ProcessSpec s : specs.values()) {
      for (Dependency d : s.dependencies()) {
        dependents.computeIfAbsent(d.name(), k -> new ArrayList<>()).add(s.name());
      }
    }
    Map<String, CompletableFuture<?>> stopped = new HashMap<>();
    for (int i = order.size() - 1; i >= 0; i--) {
      String name = order.get(i);
      List<CompletableFuture<?>> before = new ArrayList<>();
      for (String dep : dependents.getOrDefault(name, List.of())) {
        before.add(stopped.get(dep));
      }
      ManagedProcess p = all.get(name);
      Supplier<CompletableFuture<?>> stop = () -> p.stopInternal(origin, reason);
      stopped.put(name, before.isEmpty() ? stop.get()
          : CompletableFuture.allOf(before.toArray(CompletableFuture[]::new)).handle((v, e) -> null).thenCompose(v -> stop.get()));
    }
    return CompletableFuture.allOf(stopped.values().toArray(CompletableFuture[]::new));
  }

  @Override
  public io.github.vigil.GroupController registerGroup(io.github.vigil.GroupSpec spec) {
    java.util.Objects.requireNonNull(spec, "spec");
    synchronized (processes) {
      if (closed) {
        throw new IllegalStateException("supervisor " + name() + " is closed");
      }
      String taken = takenBy(spec.name());
      if (taken != null) {
        throw new IllegalArgumentException("name '" + spec.name() + "' is already taken by " + taken);
      }
      List<Object> children = new ArrayList<>();
      for (String c : spec.children()) {
        ManagedProcess p = processes.get(c);
        Group g = groups.get(c);
        if (p == null && g == null) {
          throw new IllegalArgumentException("group '" + spec.name() + "' names unknown child '" + c + "' (register it first)");
        }
        if (p != null && p.group != null || g != null && g.parent() != null) {
          throw new IllegalArgumentException("child '" + c + "' of group '" + spec.name() + "' is already in group '"
              + (p != null ? p.group.name() : g.parent().name()) + "'");
        }
        children.add(p != null ? p : g);
      }
      Group group = new Group(this, spec, children);
      for (Object c : children) {
        if (c instanceof ManagedProcess p) {
          p.group = group;
        } else {
          ((Group) c).parent(group);
        }
      }
      groups.put(spec.name(), group);
      return group;
    }
  }

  @Override
  public Optional<io.github.vigil.GroupController> group(String name) {
    synchronized (processes) {
      return Optional.ofNullable(groups.get(name));
    }
  }

  @Override
  public List<io.github.vigil.GroupController> groups() {
    synchronized (processes) {
      return List.copyOf(groups.values());
    }
  }

  @Override
  public AttachedProcess attach(AttachSpec spec) {
    return attach(spec, "attached");
  }

  @Override
  public AttachedProcess attach(AttachSpec spec, String reason) {
    java.util.Objects.requireNonNull(spec, "spec");
    java.util.Objects.requireNonNull(reason, "reason");
    String actor = Thread.currentThread().getName();
    Attachment a;
    synchronized (processes) {
      if (closed) {
        throw new IllegalStateException("supervisor " + name() + " is closed");
      }
      String taken = takenBy(spec.name());
      if (taken != null) {
        throw new IllegalArgumentException("name '" + spec.name() + "' is already taken by " + taken);
      }
      a = new Attachment(this, spec);
      attachments.put(spec.name(), a);
    }
    log.atInfo().addKeyValue("process", spec.name()).log("Attached {} to {} ({})", spec.name(), spec.target(),
        backend.exitWatcher().map(w -> "exits seen through " + w.describe())
            .orElse("exits seen by polling every " + io.github.vigil.HumanFormat.duration(spec.exitPollInterval())));
    publish(new SupervisorEvent.Attached(spec.name(), wallNow(), spec, Origin.API, actor, reason));
    onLoop(a::begin);
    return a;
  }

  @Override
  public boolean detach(String name) {
    return detach(name, "detached");
  }

  @Override
  public boolean detach(String name, String reason) {
    java.util.Objects.requireNonNull(reason, "reason");
    String actor = Thread.currentThread().getName();
    Attachment a;
    synchronized (processes) {
      a = attachments.remove(name);
    }
    if (a == null) {
      return false;
    }
    log.atInfo().addKeyValue("process", name).log("Detached {} by {}: {}", name, actor, reason);
    detachOnLoop(List.of(a), Origin.API, actor, reason);
    return true;
  }

  /** Detaches on the supervision thread and waits (a little) for it, then reports each as detached. */
  private void detachOnLoop(List<Attachment> list, Origin origin, String actor, String reason) {
    if (list.isEmpty()) {
      return;
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    onLoop(() -> {
      list.forEach(Attachment::detach);
      done.complete(null);
    });
    try {
      done.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("Supervisor {}: detaching {} did not finish", name(), list, e);
    }
    for (Attachment a : list) {
      publish(new SupervisorEvent.Detached(a.name(), wallNow(), origin, actor, reason));
    }
  }

  @Override
  public Optional<AttachedProcess> attached(String name) {
    synchronized (processes) {
      return Optional.ofNullable(attachments.get(name));
    }
  }

  @Override
  public Collection<AttachedProcess> attachedProcesses() {
    synchronized (processes) {
      return List.copyOf(attachments.values());
    }
  }

  @Override
  public AutoCloseable subscribe(SupervisorListener listener) {
    java.util.Objects.requireNonNull(listener, "listener");
    if (closed) {
      throw closedError("subscribe()"); // it would never hear anything
    }
    return events.subscribe(listener);
  }

  @Override
  public ProcessStatistics statistics() {
    long starts = 0;
    long restarts = 0;
    long ok = 0;
    long failed = 0;
    long recoverNanos = 0;
    long recoverCount = 0;
    long uptimeNanos = 0;
    long uptimeCount = 0;
    for (ProcessController c : controllers()) {
      ManagedProcess p = (ManagedProcess) c;
      ManagedProcess.Counters k = p.counters();
      starts += k.starts();
      restarts += k.restarts();
      ok += k.restartsSucceeded();
      failed += k.restartsFailed();
      recoverNanos += k.recoverNanos();
      recoverCount += k.recoverCount();
      uptimeNanos += k.uptimeNanos();
      uptimeCount += k.uptimeCount();
    }
    Duration observed = Duration.ofNanos(Math.max(0, now() - createdNanos));
    return ManagedProcess.statistics(starts, restarts, ok, failed, recoverNanos, recoverCount, uptimeNanos, uptimeCount, observed);
  }

  @Override
  public void close() {
    boolean first;
    synchronized (processes) {
      first = !closed;
      closed = true;
    }
    if (first && shutdownHook != null && Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook); // a closed supervisor is not kept by the JVM until it ends
      } catch (IllegalStateException e) {
        // the JVM is shutting down (close() from another hook): the hook runs, finds it closed, and returns
      }
    }
    boolean mustNotWait = isLoopThread() || EventBus.isDeliveryThread();
    if (first && mustNotWait) {
      // the stops need this very thread: close on another one, and return at once
      Thread closer = new Thread(this::closeNow, "vigil-" + name() + "-close");
      closer.setDaemon(true);
      closer.start();
      return;
    }
    if (first) {
      closeNow();
      return;
    }
    if (!mustNotWait) { // a second close() returns once the first has finished
      try {
        closeDone.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.util.concurrent.ExecutionException e) {
        log.debug("close() failed", e);
      }
    }
  }

  private void closeNow() {
    try {
      closeSteps();
    } finally {
      closeDone.complete(null);
    }
  }

  private void closeSteps() {
    log.atInfo().log("Supervisor {} closing", name());
    try {
      stopAll(Origin.SHUTDOWN, "supervisor closing").get(settings.closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      log.warn("Supervisor {}: processes still running after {}; killing them", name(),
          io.github.vigil.HumanFormat.duration(settings.closeTimeout()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("Supervisor {}: interrupted while stopping; killing what is left", name());
    } catch (Exception e) {
      log.warn("Supervisor {}: stopping failed; killing what is left", name(), e);
    }
    List<io.github.vigil.spi.RunningProcess> killed = new ArrayList<>();
    for (ManagedProcess p : snapshot().values()) {
      io.github.vigil.spi.RunningProcess k = p.killNow();
      if (k != null) {
        killed.add(k);
      }
    }
    ManagedProcess.awaitGone(killed); // all signalled first: one grace for all, not one each
    for (ManagedProcess p : snapshot().values()) {
      p.release();
    }
    HealthExecutor health;
    synchronized (healthLock) {
      health = healthExecutor;
    }
    if (health != null) {
      health.close();
    }
    Diagnostician diagnosing;
    synchronized (healthLock) {
      diagnosing = diagnostician;
    }
    if (diagnosing != null) {
      diagnosing.close();
    }
    List<Attachment> attached;
    synchronized (processes) {
      attached = List.copyOf(attachments.values());
      attachments.clear();
    }
    detachOnLoop(attached, Origin.SHUTDOWN, Thread.currentThread().getName(), "supervisor closing");
    heldWorkBound.close(); // its timer would hold the supervision thread's end up to a second
    shutdownThreads();
    events.close();
    try {
      backend.close();
    } catch (RuntimeException e) {
      log.warn("Closing backend {} failed", backend.name(), e);
    }
    if (lock != null) {
      try {
        lock.release();
      } catch (IOException e) {
        log.debug("Releasing the state lock failed", e);
      }
    }
    closeQuietly(lockChannel);
  }

  @Override
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    java.util.Objects.requireNonNull(timeout, "timeout");
    if (isLoopThread() || EventBus.isDeliveryThread()) {
      throw new IllegalStateException("awaitIdle() would wait for itself: it was called on the supervision thread or by a listener");
    }
    // Every piece of work is counted before the work that hands it on ends (InFlight): none under way is idle.
    return inFlight.awaitNone(Durations.saturatedAdd(System.nanoTime(), Durations.saturatedNanos(timeout)));
  }

  @Override
  public boolean awaitDelivered(SupervisorListener listener, Duration timeout) throws InterruptedException {
    java.util.Objects.requireNonNull(listener, "listener");
    java.util.Objects.requireNonNull(timeout, "timeout");
    if (isLoopThread() || EventBus.isDeliveryThread()) {
      throw new IllegalStateException("awaitDelivered() would wait for itself: it was called on the supervision thread or by a listener");
    }
    long deadline = Durations.saturatedAdd(System.nanoTime(), Durations.saturatedNanos(timeout));
    if (closeDone.isDone()) {
      return true; // close() waited for the listeners; its executor, shut down, would never run a barrier
    }
    CountDownLatch delivered = events.deliveredTo(listener);
    while (true) {
      long left = deadline - System.nanoTime();
      // a close() finishing meanwhile shuts the listener executor down: a barrier it rejected would never run
      if (delivered.await(Math.min(Math.max(0, left), CLOSE_CHECK_NANOS), TimeUnit.NANOSECONDS) || closeDone.isDone()) {
        return true;
      }
      if (left <= 0) {
        return false;
      }
    }
  }

  /** How often {@link #awaitDelivered} looks whether a close has finished while it waits. */
  private static final long CLOSE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private void shutdownThreads() {
    ioPool.shutdown(); // what is queued still runs (a last signal, a flush); nothing new is taken
    try {
      if (!ioPool.awaitTermination(5, TimeUnit.SECONDS)) {
        ioPool.shutdownNow();
      }
    } catch (InterruptedException e) {
      ioPool.shutdownNow();
      Thread.currentThread().interrupt();
    }
    loop.shutdown();
    try {
      if (!loop.awaitTermination(5, TimeUnit.SECONDS)) {
        loop.shutdownNow();
      }
    } catch (InterruptedException e) {
      loop.shutdownNow();
      Thread.currentThread().interrupt();
    }
    try { // a backend's thread deciding at once finishes first; any later one finds the loop shut down and hands over
      if (!deciding.isHeldByCurrentThread() && deciding.tryLock(5, TimeUnit.SECONDS)) {
        deciding.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Only now can nothing publish or complete any more (the I/O threads' last results went through the loop):
    // with a listener executor of the caller's, close() returns once the last events and futures were handed over.
    if (eventThread == null) {
      try {
        if (!events.awaitDelivered(System.nanoTime() + TimeUnit.SECONDS.toNanos(5))) {
          log.warn("Supervisor {}: listeners still busy 5 s after closing; not waiting for them", name());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      eventThread.shutdown();
      if (closingAtJvmShutdown && inSystemExit(listenerThread)) {
        // a listener called System.exit: its thread waits for this hook, and would make it wait 5 s for nothing
        log.atInfo().log("Supervisor {}: a listener called System.exit; not waiting for the listeners' thread", name());
        return;
      }
      try {
        if (!eventThread.awaitTermination(5, TimeUnit.SECONDS)) {
          eventThread.shutdownNow();
        }
      } catch (InterruptedException e) {
        eventThread.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Whether {@code t} is inside {@code System.exit} (or {@code Runtime.exit}), waiting for the shutdown hooks. */
  private static boolean inSystemExit(@Nullable Thread t) {
    if (t == null) {
      return false;
    }
    for (StackTraceElement f : t.getStackTrace()) {
      if ("java.lang.Shutdown".equals(f.getClassName()) && "exit".equals(f.getMethodName())) {
        return true;
      }
    }
    return false;
  }

  private static void closeQuietly(@Nullable FileChannel c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        log.debug("Closing the lock file failed", e);
      }
    }
  }

  @Override
  public String toString() {
    return "Supervisor{" + name() + ", backend=" + backend.name() + ", processes=" + snapshot().keySet() + "}";
  }
}
