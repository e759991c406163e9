package io.github.vigil.spring.boot.autoconfigure;

import static java.util.Objects.requireNonNull;

import io.github.vigil.GroupController;
import io.github.vigil.GroupSpec;
import io.github.vigil.GroupState;
import io.github.vigil.HumanFormat;
import io.github.vigil.Supervisor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Ties the supervision groups ({@code vigil.groups}) to the application context: registers them
 * when it is created (after the processes), starts the top-level groups that start with the context
 * once {@link VigilLifecycle} has started the processes in no group, and stops every top-level group,
 * its children in reverse order, before {@link VigilLifecycle} stops what is left.
 *
 * <p>It runs in {@link VigilLifecycle}'s phase and depends on it, so Spring starts it after and stops
 * it before that bean. {@link #start()} waits up to {@code vigil.lifecycle.start-timeout} for the
 * groups to be running (a group that is not is logged at WARN and left to its strategy);
 * {@link #stop()} returns once the groups are stopped, or after {@code vigil.close-timeout}.
 * Groups with an in-session schedule ({@code vigil.schedules}) are started and stopped by it, not here.
 *
 * <p>Thread-safe.
 */
public class VigilGroupLifecycle implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(VigilGroupLifecycle.class);

  private final Supervisor supervisor;
  private final List<String> autoStart;
  private final List<String> topLevel;
  private final int phase;
  private final Duration startTimeout;
  private final Duration stopTimeout;
  private volatile boolean running;

  /**
   * Registers {@code groups} with {@code supervisor}, in the given order (a nested group before the
   * group that contains it).
   *
   * @param autoStart names of the top-level groups to start with the context, in start order
   * @throws IllegalArgumentException when the supervisor refuses a group (a taken name, an unknown child, a child in two groups)
   */
  public VigilGroupLifecycle(Supervisor supervisor, List<GroupSpec> groups, Collection<String> autoStart, int phase, Duration startTimeout,
      Duration stopTimeout) {
    this.supervisor = requireNonNull(supervisor, "supervisor");
    this.autoStart = List.copyOf(autoStart);
    this.phase = phase;
    this.startTimeout = requireNonNull(startTimeout, "startTimeout");
    this.stopTimeout = requireNonNull(stopTimeout, "stopTimeout");
    Set<String> nested = new HashSet<>();
    groups.forEach(g -> nested.addAll(g.children()));
    List<String> top = new ArrayList<>();
    for (GroupSpec g : groups) {
      supervisor.registerGroup(g);
      if (!nested.contains(g.name())) {
        top.add(g.name());
      }
    }
    this.topLevel = List.copyOf(top);
  }

  @Override
  public void start() {
    running = true;
    if (autoStart.isEmpty()) {
      return;
    }
    log.atInfo().addKeyValue("supervisor", supervisor.name()).log("Starting groups {}", autoStart);
    List<CompletableFuture<Void>> started = new ArrayList<>();
    for (String name : autoStart) {
      supervisor.group(name).ifPresent(g -> started.add(g.start().toCompletableFuture()));
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(started.toArray(CompletableFuture[]::new));
    if (startTimeout.isZero()) {
      return;
    }
    try {
      all.get(startTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      log.warn("Not all groups of {} are running after {}; they stay under supervision: {}", supervisor.name(),
          HumanFormat.duration(startTimeout), states());
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      log.warn("Not all groups of {} started; they stay under supervision: {} ({})", supervisor.name(), states(), cause.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("Interrupted while waiting for the groups of {} to start", supervisor.name());
    }
  }

  private List<String> states() {
    return autoStart.stream().map(n -> n + " " + supervisor.group(n).map(GroupController::state).orElse(GroupState.STOPPED)).toList();
  }

  /** Stops the top-level groups, the last declared first, each one's children in reverse order; returns when they are stopped. */
  @Override
  public void stop() {
    running = false;
    if (topLevel.isEmpty()) {
      return;
    }
    log.atInfo().addKeyValue("supervisor", supervisor.name()).log("Stopping groups {}", topLevel);
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (int i = topLevel.size() - 1; i >= 0; i--) {
      GroupController g = supervisor.group(topLevel.get(i)).orElse(null);
      if (g != null) {
        chain = chain.handle((v, e) -> null).thenCompose(v -> g.stop().toCompletableFuture());
      }
    }
    try {
      chain.get(stopTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException | ExecutionException e) {
      log.warn("Stopping the groups of {} did not complete ({}); the processes are stopped with the others", supervisor.name(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops as {@link #stop()} does, before it reports back: {@link VigilLifecycle} stops what is left after it. */
  @Override
  public void stop(Runnable callback) {
    try {
      stop();
    } finally {
      callback.run();
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public int getPhase() {
    return phase;
  }
}
