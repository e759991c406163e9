package io.github.vigil.spring.boot.autoconfigure;

import static java.util.Objects.requireNonNull;

import io.github.vigil.AttachSpec;
import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Ties the supervised processes to the application context: registers the processes when it is
 * created, starts them in dependency order when the context starts, and stops them, dependents
 * first, when it stops.
 *
 * <p><b>Phase.</b> {@link #DEFAULT_PHASE} ({@code SmartLifecycle.DEFAULT_PHASE - 4096}, configurable
 * with {@code vigil.lifecycle.phase}) is below the web server's phases (Spring Boot starts the web
 * server at {@code DEFAULT_PHASE - 2048} and shuts it down gracefully at {@code DEFAULT_PHASE - 1024}),
 * so processes are up before the server takes requests and still up while it drains them during a
 * graceful shutdown.
 *
 * <p><b>Attached processes</b> ({@code vigil.attach}) are attached when the context starts and
 * detached, never signalled, when it stops. One whose name the supervisor has attached already when the context starts
 * (the application attached it itself, after the properties were checked) is not attached, said at WARN, and not
 * detached when it stops.
 *
 * <p><b>Start.</b> {@link #start()} asks the supervisor to start every auto-start process, each once
 * its dependencies are running, and waits up to {@code vigil.lifecycle.start-timeout} for them. A
 * process that does not come up by then is logged at WARN and left to its restart policy: the
 * application still starts, and the health contributor reports the process.
 *
 * <p><b>Stop.</b> {@link #stop(Runnable)} stops every process, dependents before their dependencies,
 * and reports completion to Spring when all are stopped (Spring waits up to
 * {@code spring.lifecycle.timeout-per-shutdown-phase}). Whatever is still running when the context
 * destroys the {@link Supervisor} bean is killed by {@link Supervisor#close()}, so no child outlives
 * the context.
 *
 * <p>Thread-safe.
 */
public class VigilLifecycle implements SmartLifecycle {

  /** The default phase: before the web server starts, after it has shut down. */
  public static final int DEFAULT_PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private static final Logger log = LoggerFactory.getLogger(VigilLifecycle.class);

  private final Supervisor supervisor;
  private final int phase;
  private final Duration startTimeout;
  private final List<AttachSpec> attachments;
  private volatile boolean running;
  /** The names of {@link #attachments} this lifecycle attached, and detaches when it stops. */
  private final java.util.Set<String> attachedHere = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Registers {@code specs} with {@code supervisor}, all at once so they may depend on one another
   * in any order.
   *
   * @throws IllegalArgumentException on a taken name, an unknown dependency or a dependency cycle
   */
  public VigilLifecycle(Supervisor supervisor, Collection<ProcessSpec> specs, int phase, Duration startTimeout) {
    this(supervisor, specs, List.of(), phase, startTimeout);
  }

  /**
   * Registers {@code specs} with {@code supervisor}, as the other constructor does, and attaches to
   * {@code attachments} whenever the context starts (detaching when it stops).
   *
   * @throws IllegalArgumentException on a taken name, an unknown dependency or a dependency cycle
   */
  public VigilLifecycle(Supervisor supervisor, Collection<ProcessSpec> specs, Collection<AttachSpec> attachments, int phase,
      Duration startTimeout) {
    this.supervisor = requireNonNull(supervisor, "supervisor");
    this.attachments = List.copyOf(attachments);
    this.phase = phase;
    this.startTimeout = requireNonNull(startTimeout, "startTimeout");
    if (startTimeout.isNegative()) {
      throw new InvalidVigilPropertyException("vigil.lifecycle.start-timeout", startTimeout, "must not be negative", null);
    }
    if (!specs.isEmpty()) {
      supervisor.registerAll(new ArrayList<>(specs));
    }
  }

  @Override
  public void start() {
    for (AttachSpec spec : attachments) {
      if (supervisor.attached(spec.name()).isEmpty()) {
        supervisor.attach(spec);
        attachedHere.add(spec.name());
        log.atInfo().addKeyValue("process", spec.name()).log("Attached to {}", spec);
      } else if (!attachedHere.contains(spec.name())) {
        // attached by the application after the check of the properties (VigilAutoConfiguration fails the start on one it
        // had before): its own is kept, and this one said to be ignored rather than skipped with no word
        log.atWarn().addKeyValue("process", spec.name()).log("Not attaching vigil.attach.{}: the supervisor has an attachment of"
            + " that name already (attached by the application); the vigil.attach entry is ignored", spec.name());
      }
    }
    List<String> names = supervisor.controllers().stream().filter(c -> c.spec().autoStart()).map(c -> c.name()).toList();
    log.atInfo().addKeyValue("supervisor", supervisor.name()).log("Starting processes {} (backend {})", names, supervisor.backendName());
    CompletableFuture<Void> all = supervisor.startAll().toCompletableFuture();
    running = true;
    if (startTimeout.isZero()) {
      return;
    }
    try {
      all.get(startTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      log.warn("Not all processes of {} are running after {}; they stay under supervision: {}", supervisor.name(),
          io.github.vigil.HumanFormat.duration(startTimeout), notRunning());
    } catch (ExecutionException e) {
      // expected when a process cannot start: the reason, without a stack trace; the process's own lines say more
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      log.warn("Not all processes of {} started; they stay under supervision: {} ({})", supervisor.name(), notRunning(),
          cause.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("Interrupted while waiting for the processes of {} to start", supervisor.name());
    }
  }

  private List<String> notRunning() {
    return supervisor.controllers().stream().filter(c -> c.spec().autoStart())
        .filter(c -> c.status().state() != io.github.vigil.ProcessState.RUNNING)
        .map(c -> c.name() + " " + c.status().state()).toList();
  }

  @Override
  public void stop(Runnable callback) {
    log.atInfo().addKeyValue("supervisor", supervisor.name()).log("Stopping the processes of {}", supervisor.name());
    running = false;
    for (AttachSpec spec : attachments) {
      if (attachedHere.remove(spec.name())) {   // only what this lifecycle attached: an application's own stays
        supervisor.detach(spec.name()); // leaves the processes alone
      }
    }
    supervisor.stopAll().whenComplete((v, e) -> {
      if (e != null) {
        log.warn("Stopping the processes of {} failed; closing the supervisor kills what is left", supervisor.name(), e);
      }
      callback.run();
    });
  }

  @Override
  public void stop() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    stop(() -> done.complete(null));
    done.join();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return phase;
  }

  @Override
  public boolean isAutoStartup() {
    return true;
  }
}
