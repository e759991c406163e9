package io.github.vigil;

import org.jspecify.annotations.Nullable;

import static java.util.Objects.requireNonNull;

import io.github.vigil.spi.ProcessBackend;
import io.github.vigil.spi.SupervisorEngine;
import io.github.vigil.spi.SupervisorSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;

/**
 * Owns the supervised processes of one application: registers them, starts them in dependency
 * order, restarts them by their policies, stops them in reverse order, and reports every change as a
 * {@link SupervisorEvent}.
 *
 * <pre>{@code
 * try (Supervisor supervisor = Supervisor.builder().name("gateway").build()) {
 *   supervisor.register(ProcessSpec.builder("quote-feed").command("/opt/feed").build());
 *   supervisor.register(ProcessSpec.builder("orders").command("/opt/orders").dependsOn("quote-feed").build());
 *   supervisor.subscribe(event -> log.info("{}", event));
 *   supervisor.startAll().toCompletableFuture().join();
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> A supervisor uses a fixed number of threads whatever the number of processes:
 * {@code vigil-<name>} runs every transition of every process (so transitions of one process are
 * serialized) and, unless a {@link Scheduler} is given, the timers; {@code vigil-<name>-events}
 * delivers events to listeners unless a listener executor is given; the backend adds its own fixed
 * few (the JDK backend: one thread draining output; the JDK itself keeps a reaper thread per child);
 * the first {@link HealthCheck} or {@link ResourceRule} adds a fixed six more, whatever the number of
 * checks (see {@link HealthCheck} for which, and why a hung check holds none of them).
 * All are daemon threads and all end with {@link #close()}.
 *
 * <p>Thread-safe.
 */
public interface Supervisor extends AutoCloseable {

  /** A builder with the system clock, its own timer thread and the best available backend. */
  static Builder builder() {
    return new Builder();
  }

  /** The supervisor's name. */
  String name();

  /** The backend in use: {@code "jdk"}, {@code "linux"}. */
  String backendName();

  /**
   * Adds a process, not yet started. Its dependencies must be registered already (or use
   * {@link #registerAll}).
   *
   * @throws IllegalArgumentException when the name is taken or a dependency is unknown, naming it
   * @throws IllegalStateException after {@link #close()}
   */
  ProcessController register(ProcessSpec spec);

  /**
   * Adds several processes at once; they may depend on one another in any order. All or none are added.
   *
   * @throws IllegalArgumentException on a taken name, an unknown dependency or a dependency cycle,
   *     naming it (e.g. {@code "dependency cycle: a -> b -> a"})
   */
  List<ProcessController> registerAll(Collection<ProcessSpec> specs);

  /**
   * Stops a process and forgets it; completes when it is gone. Unknown names complete at once. Fails with an
   * {@link IllegalStateException} while another process depends on it, by the spec in effect or by one an
   * {@link UpdateMode#NEXT_START} update keeps for its next start, naming which.
   */
  CompletionStage<Void> remove(String name);

  /** The controller of a registered process. */
  Optional<ProcessController> controller(String name);

  /** All registered processes, in registration order. */
  Collection<ProcessController> controllers();

  /**
   * Starts every process with {@link ProcessSpec#autoStart()} and the processes they depend on, each
   * once its dependencies meet their conditions: all are asked at once, and one whose dependency does
   * not meet its condition yet is {@code WAITING}, its status's detail saying for what. Completes when
   * all are running; exceptionally when one is stopped while it waits, or a dependency it waits for
   * is {@code FAILED} or stopped, and with a {@link ProcessOperationException} naming the process when
   * one's runs end in {@code FAILED} before it is {@code RUNNING} (its start limit reached: {@code process
   * 'orders' did not reach RUNNING: failed: start limit reached: ...}), as {@link ProcessController#start()}
   * does.
   *
   * <p>It starts processes, not groups: a group's strategy and intensity apply once the group is started
   * ({@link GroupController#start()}, which starts its members in declared order). Give a group's members
   * {@code autoStart(false)} to leave them to it; a member this starts while its group is not running is
   * named at WARN.
   *
   * @throws IllegalArgumentException (in the stage) on an unknown dependency or a cycle, naming it
   */
  CompletionStage<Void> startAll();

  /**
   * Stops every process, dependents before their dependencies; completes when all are stopped.
   *
   * <p>It stops the groups too, as a stop of its root stops an OTP supervision tree: each group that is {@code RUNNING}
   * (or {@code ESCALATED}) is {@link GroupState#STOPPED} from the stop's beginning ({@link SupervisorEvent.GroupStateChanged},
   * origin {@link Origin#API}, said before its members' stops), so its strategy no longer applies: a member started
   * by hand afterwards is restarted by its own policy alone, and its stopped siblings stay stopped. A {@code FAILED}
   * group stays {@code FAILED}. Start a group again with {@link GroupController#start()}; {@link #startAll()} starts
   * processes, not groups.
   */
  CompletionStage<Void> stopAll();

  /**
   * Starts watching processes Vigil did not start: by pid, pid file, exact name or command-line
   * pattern. Returns at once; the first look for the target happens on the supervision thread right
   * after (the handle's status is {@code NOT_FOUND} until then). Exits of matched processes are
   * reported within milliseconds by a backend that watches pidfds (Linux), else by polling every
   * {@link AttachSpec#exitPollInterval()}; new matches are looked for as
   * {@link AttachSpec#rescanInterval()} says. Attached processes are never signalled or reaped unless
   * the spec allows it and {@link AttachedProcess#signal(Signal)} is called.
   *
   * @throws IllegalArgumentException when the name is taken by a registered or attached process
   * @throws IllegalStateException after {@link #close()}
   */
  default AttachedProcess attach(AttachSpec spec) {
    throw new UnsupportedOperationException("this supervisor does not attach to processes: " + this);
  }

  /**
   * As {@link #attach(AttachSpec)}, saying why: the {@link SupervisorEvent.Attached} carries origin
   * {@link Origin#API}, the calling thread as actor and this reason.
   */
  default AttachedProcess attach(AttachSpec spec, String reason) {
    return attach(spec);
  }

  /** Stops watching an attachment (its processes are left alone); false when no such attachment exists. */
  default boolean detach(String name) {
    return false;
  }

  /**
   * As {@link #detach(String)}, saying why: the {@link SupervisorEvent.Detached} carries origin
   * {@link Origin#API}, the calling thread as actor and this reason.
   */
  default boolean detach(String name, String reason) {
    return detach(name);
  }

  /**
   * {@link ProcessController#update} of the registered process the spec names.
   *
   * @return a stage failed with an {@link IllegalArgumentException} when no process has that name
   */
  default CompletionStage<ProcessStatus> update(ProcessSpec spec, UpdateMode mode, String reason) {
    java.util.Objects.requireNonNull(spec, "spec");
    return controller(spec.name()).map(c -> c.update(spec, mode, reason)).orElseGet(() -> java.util.concurrent.CompletableFuture
        .failedFuture(new IllegalArgumentException("update: no process named '" + spec.name() + "' is registered")));
  }

  /** The attachment with this name. */
  default Optional<AttachedProcess> attached(String name) {
    return Optional.empty();
  }

  /** All attachments, in the order they were made. */
  default Collection<AttachedProcess> attachedProcesses() {
    return List.of();
  }

  /**
   * Adds a supervision group over processes and groups already registered (see {@link GroupSpec}).
   * A process or group belongs to at most one group. The group is {@link GroupState#STOPPED} until
   * {@link GroupController#start()}.
   *
   * @throws IllegalArgumentException when the name is taken, a child is unknown or already in a group, naming it
   * @throws IllegalStateException after {@link #close()}
   */
  default GroupController registerGroup(GroupSpec spec) {
    throw new UnsupportedOperationException("this supervisor has no supervision groups: " + this);
  }

  /** The group with this name. */
  default Optional<GroupController> group(String name) {
    return Optional.empty();
  }

  /** All supervision groups, in the order they were registered (a nested group before the group that contains it). */
  default Collection<GroupController> groups() {
    return List.of();
  }

  /**
   * Listens to events until the returned handle is closed; once it is, the listener hears nothing more (an
   * event already being delivered to it finishes).
   *
   * @throws IllegalStateException when the supervisor is closed
   */
  AutoCloseable subscribe(SupervisorListener listener);

  /** Counters and means summed over all processes. */
  ProcessStatistics statistics();

  /**
   * Waits until the supervisor has nothing left to do on its own: every command, backend report and
   * due timer handed to the supervision thread so far has been run, every event it published has
   * been delivered to every listener, and every future it completed has been completed, with nothing
   * new arriving meanwhile. A custom health check's attempt counts until its code has returned (a blocking
   * check's result handed on; an asynchronous check's function, not its future) or the attempt is abandoned at
   * its timeout, so that a virtual clock never runs past it (a check that hangs keeps the
   * supervisor busy until its timeout, which on a virtual clock only advancing the clock brings). Timers not yet
   * due, other health checks, and diagnoses running on their own threads (they may hang on user code), do not
   * count. Meant for tests on a fake backend and a manual {@link Scheduler} (the
   * {@code vigil-test} module's {@code SupervisorTestKit} calls it after each step), where "idle"
   * is exactly "everything that follows from what the test did has happened": no sleeps needed.
   *
   * @return true once idle, false if still busy after {@code timeout}
   * @throws IllegalStateException when called on the supervision thread or by a listener (it would
   *     wait for itself)
   * @throws InterruptedException when the calling thread is interrupted
   */
  default boolean awaitIdle(Duration timeout) throws InterruptedException {
    throw new UnsupportedOperationException("this supervisor cannot tell when it is idle: " + this);
  }

  /**
   * Waits until every event this supervisor published before this call has been delivered to {@code listener}: its
   * {@link SupervisorListener#onEvent} has returned for each (an unsubscribed listener's skipped deliveries count as
   * delivered). Each listener has a queue of its own, so another listener (or the caller, told of a command's result)
   * may have heard an event this one has not heard yet; this waits for that one queue only, not for the other listeners,
   * commands, timers or checks {@link #awaitIdle} waits for. For a listener that keeps what it hears for later, such as
   * a journal that writes it in batches, before it is asked to write what it has. Returns true at once for a listener
   * that is not subscribed, and once the supervisor's {@link #close()} has finished (it waited for its listeners).
   *
   * <p>The default implementation waits for {@link #awaitIdle}, which implies it.
   *
   * @return true once delivered, false if not within {@code timeout}
   * @throws IllegalStateException when called on the supervision thread or by a listener, or where a command's stage
   *     completes (listeners share the thread that delivers to {@code listener}: it would wait for itself)
   * @throws UnsupportedOperationException when this supervisor cannot tell ({@link #awaitIdle} cannot)
   * @throws InterruptedException when the calling thread is interrupted
   */
  default boolean awaitDelivered(SupervisorListener listener, Duration timeout) throws InterruptedException {
    requireNonNull(listener, "listener");
    return awaitIdle(timeout);
  }

  /**
   * Stops every process (waiting up to each one's stop timeout, then killing), releases all threads,
   * and leaves nothing running. The groups are {@code STOPPED} from its beginning, as {@link #stopAll()} leaves them
   * (their {@link SupervisorEvent.GroupStateChanged} of origin {@link Origin#SHUTDOWN}).
   *
   * <p>Terminal and idempotent: once it has begun nothing is spawned any more (a process waiting in
   * {@code BACKOFF} is not restarted), and every later command ({@code start}, {@code stop},
   * {@code restart}, {@code startAll}, {@code stopAll}, {@code remove}) completes exceptionally at
   * once with an {@link IllegalStateException} saying the supervisor is closed; {@code register} and
   * {@code attach} throw it. Safe from any thread: called on the supervision thread or by a listener,
   * it closes on a thread of its own ({@code vigil-<name>-close}) and returns at once; a second call
   * from elsewhere returns once the first has finished.
   */
  @Override
  void close();

  /**
   * Builds a {@link Supervisor}. Setters check their argument at once; not thread-safe.
   */
  final class Builder {
    private String name = "supervisor";
    private Ticker ticker = Ticker.system();
    private InstantSource instantSource = InstantSource.system();
    private @Nullable Scheduler scheduler;
    private @Nullable RandomGenerator random;
    private @Nullable Executor listenerExecutor;
    private @Nullable Path stateDirectory;
    private @Nullable String backendName;
    private @Nullable ProcessBackend backend;
    private Duration closeTimeout = Duration.ofSeconds(60);
    private boolean closeOnJvmShutdown = true;

    private Builder() {}

    /** A name for threads and logs: letters, digits, {@code .}, {@code _} and {@code -}. */
    public Builder name(String n) {
      if (n == null || !n.matches("[A-Za-z0-9._-]{1,64}")) {
        throw new IllegalArgumentException("supervisor name must be 1 to 64 letters, digits, '.', '_' or '-': '" + n + "'");
      }
      this.name = n;
      return this;
    }

    /** The monotonic clock for uptime, windows and delays. */
    public Builder ticker(Ticker t) {
      this.ticker = requireNonNull(t, "ticker");
      return this;
    }

    /** The wall clock for event time stamps. */
    public Builder instantSource(InstantSource s) {
      this.instantSource = requireNonNull(s, "instantSource");
      return this;
    }

    /** Where delayed tasks run; by default the supervisor's own thread. */
    public Builder scheduler(Scheduler s) {
      this.scheduler = requireNonNull(s, "scheduler");
      return this;
    }

    /** The source of backoff jitter. */
    public Builder random(RandomGenerator r) {
      this.random = requireNonNull(r, "random");
      return this;
    }

    /**
     * Where listeners run; by default one thread of the supervisor's. It must run them on threads of its own: one that
     * runs a task where it is handed over ({@code Runnable::run}) runs listeners on the supervision thread, which is
     * said once at WARN.
     */
    public Builder listenerExecutor(Executor e) {
      this.listenerExecutor = requireNonNull(e, "listenerExecutor");
      return this;
    }

    /** Keeps log files and what the backend must remember across a crash of the JVM. */
    public Builder stateDirectory(Path dir) {
      this.stateDirectory = requireNonNull(dir, "stateDirectory");
      return this;
    }

    /** Uses the backend whose provider has this name, e.g. {@code "jdk"}, instead of the best available. */
    public Builder backend(String providerName) {
      this.backendName = requireNonNull(providerName, "backend");
      return this;
    }

    /** Uses this backend; the supervisor closes it on {@link #close()}. */
    public Builder backend(ProcessBackend b) {
      this.backend = requireNonNull(b, "backend");
      return this;
    }

    /** The longest {@link #close()} waits for processes to stop before it kills what is left. */
    public Builder closeTimeout(Duration timeout) {
      requireNonNull(timeout, "closeTimeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("closeTimeout must not be negative: " + HumanFormat.duration(timeout));
      }
      Limits.atMostMax("closeTimeout", timeout);
      this.closeTimeout = timeout;
      return this;
    }

    /**
     * Whether a JVM shutdown ({@code SIGTERM} from {@code kill} or {@code systemctl stop}, Ctrl-C, {@code System.exit},
     * the end of {@code main}) closes the supervisor as {@link Supervisor#close()} does, through a shutdown hook
     * ({@code vigil-<name>-shutdown}): each process gets its stop signal and stop timeout, dependents first, and nothing
     * is left running. Default {@code true}. Without it a JVM that ends without calling {@code close()} (a
     * try-with-resources block does not run on {@code SIGTERM}) leaves its children running on the JDK backend, and
     * kills them with {@code SIGKILL}, without their stop signal, on the Linux backend. Turn it off where something
     * else closes the supervisor at shutdown in an order of its own (the Spring Boot starter: the application
     * context does; a shutdown hook of the application's that must close a journal after it).
     * {@code close()} removes the hook.
     */
    public Builder closeOnJvmShutdown(boolean close) {
      this.closeOnJvmShutdown = close;
      return this;
    }

    /**
     * Creates the supervisor, its threads and its backend.
     *
     * @throws IllegalStateException when no backend is available or the state directory is in use
     */
    public Supervisor build() {
      return Engine.INSTANCE.create(new SupervisorSettings(name, ticker, instantSource, scheduler,
          random != null ? random : new SplittableRandom(), listenerExecutor, stateDirectory, backendName, backend, closeTimeout,
          closeOnJvmShutdown));
    }

    /** The engine, found once (the API does not name it: {@link SupervisorEngine}). */
    private static final class Engine {
      static final SupervisorEngine INSTANCE = load();

      private static SupervisorEngine load() {
        for (SupervisorEngine engine : ServiceLoader.load(SupervisorEngine.class, SupervisorEngine.class.getClassLoader())) {
          return engine;
        }
        throw new IllegalStateException("no " + SupervisorEngine.class.getName() + " service: vigil-core's "
            + "META-INF/services/" + SupervisorEngine.class.getName() + " is missing (a fat jar that dropped service files?)");
      }
    }
  }
}
