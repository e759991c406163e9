package io.github.vigil.spring.boot.actuate;

import static java.util.Objects.requireNonNull;

import io.github.vigil.HealthState;
import io.github.vigil.Origin;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.SupervisorListener;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Remembers, per supervised process, since when it has not been available: {@code RUNNING} and not
 * {@code UNHEALTHY}. Fed by the supervisor's events ({@link SupervisorEvent.StateChanged},
 * {@link SupervisorEvent.HealthChanged}), so a crash loop that alternates {@code BACKOFF} and
 * {@code STARTING} between two reads is seen as one unavailable stretch from the first exit on. A run
 * that ends before it has been available for {@code stableAfter} does not end the stretch either (a loop
 * whose runs outlive their startup grace is a crash loop too), and a process that comes back from a
 * stretch longer than {@code stableAfter} counts as unavailable until it has been up that long. Only a
 * stretch that began with a failure (an exit, {@code UNHEALTHY}, a stop by supervision to be started
 * again) is one to come back from: the first start, a stop someone asked for (a caller, a schedule, the
 * shutdown) and a start after such a stop each begin a stretch of their own that is not a loop.
 *
 * <p>Thread-safe: events arrive on the listener thread, reads come from health requests.
 */
final class AvailabilityTracker implements SupervisorListener {

  /**
   * What the events said last about one process; {@code stopOrigin}: who stopped it last (the change to STOPPING).
   * While available: {@code backAt}, since when, and {@code cameBackFrom}, the start of the stretch it came back from
   * (null for none). While not available: {@code fromFailure}, whether the stretch began with a failure, which a run
   * back from it must outlast; not for a first start, a stop on request or a start after one.
   */
  private record Seen(ProcessState state, HealthState health, Instant unavailableSince, Origin stopOrigin,
      @org.jspecify.annotations.Nullable Instant backAt, @org.jspecify.annotations.Nullable Instant cameBackFrom, boolean fromFailure) {
    boolean available() {
      return state == ProcessState.RUNNING && health != HealthState.UNHEALTHY;
    }

    boolean outOfService() {
      return AvailabilityTracker.outOfService(state, stopOrigin);
    }
  }

  /**
   * Stopping or stopped because someone asked: a caller, a schedule (through the API), the shutdown. Not a stop by
   * supervision to be started again (its group's restart, a dependency, a failing health check's restart).
   */
  private static boolean outOfService(ProcessState state, Origin stopOrigin) {
    return (state == ProcessState.STOPPING || state == ProcessState.STOPPED) && (stopOrigin == Origin.API || stopOrigin == Origin.SHUTDOWN);
  }

  private final ConcurrentMap<String, Seen> seen = new ConcurrentHashMap<>();
  private final InstantSource clock;
  private final java.time.Duration stableAfter;
  private final java.util.function.Predicate<String> inFailedGroup;

  AvailabilityTracker(InstantSource clock, java.time.Duration stableAfter) {
    this(clock, stableAfter, name -> false);
  }

  /**
   * @param stableAfter how long a run must be available to end an unavailable stretch (the health's down-after)
   * @param inFailedGroup whether a process is in a group (or a group's group) that gave up: FAILED
   */
  AvailabilityTracker(InstantSource clock, java.time.Duration stableAfter, java.util.function.Predicate<String> inFailedGroup) {
    this.clock = requireNonNull(clock, "clock");
    this.stableAfter = requireNonNull(stableAfter, "stableAfter");
    this.inFailedGroup = requireNonNull(inFailedGroup, "inFailedGroup");
  }

  /** Whether {@code process} was stopped by a group that then gave up: nothing will start it again. */
  boolean givenUpByItsGroup(String process) {
    return inFailedGroup.test(process);
  }

  @Override
  public void onEvent(SupervisorEvent event) {
    if (event instanceof SupervisorEvent.StateChanged sc) {
      // a stop's origin is that of the change to STOPPING (the policy, a caller); the change to STOPPED is the process's exit
      boolean stopBegins = sc.to() == ProcessState.STOPPING || sc.to() == ProcessState.STOPPED && sc.from() != ProcessState.STOPPING;
      seen.compute(sc.process(), (name, old) -> next(old, sc.to(), old != null ? old.health() : HealthState.UNKNOWN, sc.at(),
          stopBegins ? sc.origin() : old != null ? old.stopOrigin() : Origin.API));
    } else if (event instanceof SupervisorEvent.HealthChanged hc) {
      seen.compute(hc.process(), (name, old) -> next(old, old != null ? old.state() : ProcessState.STOPPED, hc.to(), hc.at(),
          old != null ? old.stopOrigin() : Origin.API));
    } else if (event instanceof SupervisorEvent.Removed r) {
      seen.remove(r.process());
    }
  }

  private Seen next(Seen old, ProcessState state, HealthState health, Instant at, Origin origin) {
    boolean available = state == ProcessState.RUNNING && health != HealthState.UNHEALTHY;
    if (available) {
      if (old == null) {
        return new Seen(state, health, at, origin, at, null, false);
      }
      return old.available() ? new Seen(state, health, at, origin, old.backAt(), old.cameBackFrom(), false)
          // back: remember the stretch it came back from, if a failure began it (not a first start, nor a stop on request)
          : new Seen(state, health, at, origin, at, old.fromFailure() ? old.unavailableSince() : null, false);
    }
    boolean outOfService = outOfService(state, origin);
    if (old == null) {
      return new Seen(state, health, at, origin, null, null, false); // a first start, or first seen stopped
    }
    if (!old.available()) {
      if (old.outOfService() != outOfService) { // stopped on request while unavailable, or started after such a stop: a stretch of its own
        return new Seen(state, health, at, origin, null, null, false);
      }
      return new Seen(state, health, old.unavailableSince(), origin, null, null, old.fromFailure()); // still unavailable: the stretch goes on
    }
    if (outOfService) { // it was available, and is stopped on request: not a failure, whatever the run's length
      return new Seen(state, health, at, origin, null, null, false);
    }
    // it was available, and is not now: a run shorter than stableAfter does not end the stretch it came back from
    boolean shortRun = old.cameBackFrom() != null && old.backAt() != null && java.time.Duration.between(old.backAt(), at).compareTo(stableAfter) < 0;
    return new Seen(state, health, shortRun ? old.cameBackFrom() : at, origin, null, null, true);
  }

  /**
   * Whether the process in {@code status} is {@code STOPPED} by supervision itself, to be started again: by its group's
   * restart strategy (a {@code REST_FOR_ONE} sibling, origin {@link Origin#POLICY}) or because a dependency ended
   * ({@link Origin#DEPENDENCY}). Not a stop someone asked for, which is out of service.
   */
  boolean stoppedBySupervision(ProcessStatus status) {
    if (status.state() != ProcessState.STOPPED) {
      return false;
    }
    Seen s = seen.get(status.name());
    return s != null && s.state() == ProcessState.STOPPED && (s.stopOrigin() == Origin.POLICY || s.stopOrigin() == Origin.DEPENDENCY)
        && !inFailedGroup.test(status.name());
  }

  /**
   * Since when the process in {@code status} has not been available; empty when it is available
   * now. A process the events have not told of yet counts from the first time it is asked about.
   */
  Optional<Instant> unavailableSince(ProcessStatus status) {
    if (status.state() == ProcessState.RUNNING && status.health() != HealthState.UNHEALTHY) {
      // back from a stretch longer than stableAfter (a crash loop), and not up that long yet: the stretch goes on
      Seen s = seen.get(status.name());
      if (s != null && s.available() && s.cameBackFrom() != null && s.backAt() != null
          && java.time.Duration.between(s.cameBackFrom(), s.backAt()).compareTo(stableAfter) > 0
          && java.time.Duration.between(s.backAt(), clock.instant()).compareTo(stableAfter) < 0) {
        return Optional.of(s.cameBackFrom());
      }
      return Optional.empty();
    }
    Seen s = seen.computeIfAbsent(status.name(), n -> new Seen(status.state(), status.health(), clock.instant(), Origin.API, null, null, false));
    return Optional.of(s.available() ? clock.instant() : s.unavailableSince());
  }

  /** The current time of the clock the stretches are measured with. */
  Instant now() {
    return clock.instant();
  }
}
