package io.github.vigil.test;

import static java.util.Objects.requireNonNull;

import io.github.vigil.Supervisor;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * A real {@link Supervisor} on a {@link FakeBackend} and a {@link VirtualClock}, with an
 * {@link EventRecorder} subscribed before anything happens. Tests run in milliseconds and never
 * sleep: act, then {@link #awaitIdle()} (or {@link #advance}, which settles after every timer), then
 * assert.
 *
 * <pre>{@code
 * try (SupervisorTestKit kit = SupervisorTestKit.create()) {
 *   ProcessController feed = kit.supervisor().register(ProcessSpec.builder("feed").command("feed")
 *       .startupGrace(Duration.ZERO)
 *       .restartPolicy(RestartPolicy.onFailure().withCooldown(Duration.ofSeconds(30))).build());
 *   feed.start();
 *   kit.awaitIdle();
 *   kit.backend().last("feed").exit(1);      // the first restart comes after the backoff's 100 ms
 *   kit.advance(Duration.ofMillis(100));
 *   kit.backend().last("feed").exit(1);      // the second only 30 s after the first
 *   kit.advance(Duration.ofSeconds(29));
 *   assertEquals(2, kit.events().starts("feed"));
 *   kit.advance(Duration.ofSeconds(1));
 *   assertEquals(3, kit.events().starts("feed"));
 * }
 * }</pre>
 *
 * <p>Wall-clock stamps on events come from the virtual clock too (from {@link #WALL_ORIGIN}), and the
 * jitter source is seeded, so a test replays exactly. Not thread-safe: one test thread drives it.
 */
public final class SupervisorTestKit implements AutoCloseable {
  /** The wall-clock time the virtual clock's start maps to. */
  public static final Instant WALL_ORIGIN = Instant.parse("2026-01-05T08:00:00Z");
  /** How long {@link #awaitIdle()} waits for a busy supervisor before it fails the test. */
  public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(20);

  private final FakeBackend backend;
  private final VirtualClock clock;
  private final EventRecorder events = new EventRecorder();
  private final Supervisor supervisor;

  private SupervisorTestKit(FakeBackend backend, UnaryOperator<Supervisor.Builder> customizer) {
    this.backend = requireNonNull(backend, "backend");
    this.clock = new VirtualClock();
    long start = clock.read();
    InstantSource wall = () -> WALL_ORIGIN.plusNanos(clock.read() - start);
    Supervisor.Builder b = Supervisor.builder().name("test").backend(backend).ticker(clock).scheduler(clock)
        .instantSource(wall).random(new SplittableRandom(42)).closeTimeout(Duration.ofSeconds(5))
        .closeOnJvmShutdown(false); // the kit closes it; a shutdown hook would wait for a stop on virtual time
    this.supervisor = customizer.apply(b).build();
    supervisor.subscribe(events);
  }

  /** A kit with the defaults: supervisor name {@code test}, jitter seeded with 42. */
  public static SupervisorTestKit create() {
    return new SupervisorTestKit(new FakeBackend(), b -> b);
  }

  /**
   * A kit whose supervisor builder is adjusted by {@code customizer} after the kit's settings (a name,
   * a listener executor...). Replacing the backend, ticker or scheduler takes the kit's control away.
   */
  public static SupervisorTestKit create(UnaryOperator<Supervisor.Builder> customizer) {
    return new SupervisorTestKit(new FakeBackend(), customizer);
  }

  /**
   * A kit on {@code backend}, e.g. {@link FakeBackend#spawningOnItsOwnThread()} to drive the path the
   * Linux backend takes; {@code customizer} as in {@link #create(UnaryOperator)}. The kit closes it.
   */
  public static SupervisorTestKit create(FakeBackend backend, UnaryOperator<Supervisor.Builder> customizer) {
    return new SupervisorTestKit(backend, customizer);
  }

  public Supervisor supervisor() {
    return supervisor;
  }

  public FakeBackend backend() {
    return backend;
  }

  public VirtualClock clock() {
    return clock;
  }

  /** Everything the supervisor published, from its first event. */
  public EventRecorder events() {
    return events;
  }

  /**
   * Waits until nothing is left to happen without the clock moving: the fake backend has delivered
   * every exit and output, the supervisor has run every task and delivered every event
   * ({@link Supervisor#awaitIdle(Duration)}), and neither started anything new meanwhile.
   *
   * @throws AssertionError when still busy after {@link #IDLE_TIMEOUT}
   */
  public void awaitIdle() {
    if (!settle(IDLE_TIMEOUT)) {
      throw new AssertionError("supervisor still busy after " + IDLE_TIMEOUT + "; heard " + events.events());
    }
  }

  /** As {@link #awaitIdle()}, false instead of an error when still busy after {@code timeout}. */
  private boolean settle(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        long reports = backend.reportsQueued();
        Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        if (!backend.awaitReported(left) || !supervisor.awaitIdle(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
          return false;
        }
        if (backend.reportsQueued() == reports) {
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Settles, then moves the clock forward by {@code d}, running each timer at its due time and
   * settling after each, so that what a timer causes (a spawn, the next timer) happens at that
   * virtual moment.
   */
  public void advance(Duration d) {
    awaitIdle();
    clock.advance(d, this::awaitIdle);
    awaitIdle();
  }

  /**
   * Stops every process on virtual time (advancing the clock through stop timeouts, so a process that
   * ignores its stop signal is killed at its timeout without a real wait), then closes the supervisor
   * (which closes the backend). Idempotent.
   */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      java.util.concurrent.CompletableFuture<Void> stopped;
      try {
        stopped = supervisor.stopAll().toCompletableFuture();
      } catch (RuntimeException e) {
        stopped = java.util.concurrent.CompletableFuture.completedFuture(null);
      }
      // a listener the test keeps blocked must not hold the close up: then it closes in real time
      for (int i = 0; i < 1000 && !stopped.isDone() && settle(Duration.ofSeconds(2)); i++) {
        if (stopped.isDone()) {
          break;
        }
        java.util.List<Duration> pending = clock.pending();
        clock.advance(pending.isEmpty() ? Duration.ofSeconds(1) : pending.get(0), () -> settle(Duration.ofSeconds(2)));
      }
    }
    supervisor.close();
  }

  private boolean closed;

  @Override
  public String toString() {
    return "SupervisorTestKit{" + clock + ", " + backend + "}";
  }
}
