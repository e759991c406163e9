package io.github.vigil;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * When and how fast a supervised process is restarted after it ends.
 *
 * <ul>
 *   <li>{@link Mode} follows systemd's {@code Restart=}: {@code NEVER}, {@code ON_FAILURE} (any
 *       ending that {@link ExitCause#isFailure() is a failure}), {@code ALWAYS} (also clean exits).
 *       Which exit codes count as success is configurable ({@code {0}} by default).
 *   <li>The {@link Backoff} spaces restarts out; its attempt count goes back to 1 once a run has
 *       stayed up for {@code stableAfter}.
 *   <li>The start limit allows at most {@code maxRestarts} restarts within any sliding
 *       {@code window} (systemd's {@code StartLimitBurst}/{@code StartLimitIntervalSec}, OTP's
 *       intensity/period). The next failure past it gives up: the process becomes {@code FAILED}.
 *   <li>{@code cooldown} is the least time between two restarts, whatever the backoff says.
 * </ul>
 *
 * <p>{@link #decide} is a pure function of the exit, the history and the time, so the policy can be
 * tested exactly. Stops requested through the API are never restarted.
 *
 * <p>Immutable and thread-safe.
 *
 * @param mode when to restart
 * @param successExitCodes exit codes that count as a clean exit
 * @param backoff the delay before each restart
 * @param maxRestarts the most restarts allowed within {@code window}; 0 gives up at the first failure
 * @param window the sliding window of the start limit
 * @param cooldown the least time between two restarts
 * @param stableAfter how long a run must stay up for the backoff to start again from its first delay
 */
public record RestartPolicy(
    Mode mode, Set<Integer> successExitCodes, Backoff backoff, int maxRestarts, Duration window, Duration cooldown, Duration stableAfter) {

  /** When a process is restarted, with systemd's meanings. */
  public enum Mode {
    /** Never restart. */
    NEVER,
    /** Restart when the run ended in failure: an error exit code, a signal, a failed start or check. */
    ON_FAILURE,
    /** Restart whenever the process ends, unless it was stopped on request. */
    ALWAYS
  }

  public RestartPolicy {
    requireNonNull(mode, "mode");
    requireNonNull(successExitCodes, "successExitCodes");
    requireNonNull(backoff, "backoff");
    requireNonNull(window, "window");
    requireNonNull(cooldown, "cooldown");
    requireNonNull(stableAfter, "stableAfter");
    for (Integer code : successExitCodes) {
      if (code == null || code < 0 || code > 255) {
        throw new IllegalArgumentException("restart.successExitCodes must be exit codes from 0 to 255: " + code);
      }
    }
    successExitCodes = Set.copyOf(new TreeSet<>(successExitCodes));
    if (maxRestarts < 0) {
      throw new IllegalArgumentException("restart.maxRestarts must not be negative: " + maxRestarts);
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("restart.window must be positive: " + HumanFormat.duration(window));
    }
    if (cooldown.isNegative()) {
      throw new IllegalArgumentException("restart.cooldown must not be negative: " + HumanFormat.duration(cooldown));
    }
    if (stableAfter.isNegative()) {
      throw new IllegalArgumentException("restart.stableAfter must not be negative: " + HumanFormat.duration(stableAfter));
    }
    // maxRestarts takes any int: Integer.MAX_VALUE is the usual "no start limit", and its arithmetic saturates
    Limits.atMostMax("restart.window", window);
    Limits.atMostMax("restart.cooldown", cooldown);
    Limits.atMostMax("restart.stableAfter", stableAfter);
  }

  /** Never restart. */
  public static RestartPolicy never() {
    return defaults(Mode.NEVER);
  }

  /**
   * Restart failures: exponential backoff from 100 ms doubling to 30 s, at most 10 restarts per
   * hour, backoff reset after 60 s of stable running.
   */
  public static RestartPolicy onFailure() {
    return defaults(Mode.ON_FAILURE);
  }

  /** Like {@link #onFailure()}, but clean exits are restarted too. */
  public static RestartPolicy always() {
    return defaults(Mode.ALWAYS);
  }

  private static RestartPolicy defaults(Mode mode) {
    return new RestartPolicy(mode, Set.of(0), Backoff.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(30)),
        10, Duration.ofHours(1), Duration.ZERO, Duration.ofSeconds(60));
  }

  public RestartPolicy withMode(Mode m) {
    return new RestartPolicy(m, successExitCodes, backoff, maxRestarts, window, cooldown, stableAfter);
  }

  public RestartPolicy withBackoff(Backoff b) {
    return new RestartPolicy(mode, successExitCodes, b, maxRestarts, window, cooldown, stableAfter);
  }

  /** At most {@code max} restarts within any {@code window}. */
  public RestartPolicy withStartLimit(int max, Duration w) {
    return new RestartPolicy(mode, successExitCodes, backoff, max, w, cooldown, stableAfter);
  }

  public RestartPolicy withCooldown(Duration c) {
    return new RestartPolicy(mode, successExitCodes, backoff, maxRestarts, window, c, stableAfter);
  }

  public RestartPolicy withStableAfter(Duration s) {
    return new RestartPolicy(mode, successExitCodes, backoff, maxRestarts, window, cooldown, s);
  }

  public RestartPolicy withSuccessExitCodes(Set<Integer> codes) {
    return new RestartPolicy(mode, codes, backoff, maxRestarts, window, cooldown, stableAfter);
  }

  /** How an exit code counts under this policy. */
  public ExitCause classify(Termination termination) {
    if (termination instanceof Termination.Exited e) {
      return successExitCodes.contains(e.code()) ? ExitCause.NORMAL : ExitCause.ERROR_EXIT;
    }
    if (termination instanceof Termination.Signaled) {
      return ExitCause.SIGNALED;
    }
    return ExitCause.ERROR_EXIT;
  }

  /**
   * Decides what follows {@code exit}.
   *
   * @param exit how the run ended
   * @param history earlier restarts
   * @param nowNanos the supervisor's ticker now
   * @param random the source of backoff jitter
   */
  public RestartDecision decide(ExitInfo exit, RestartHistory history, long nowNanos, RandomGenerator random) {
    if (exit.cause() == ExitCause.KILLED_BY_SUPERVISOR) {
      return new RestartDecision.Stay("stopped on request");
    }
    switch (mode) {
      case NEVER:
        return new RestartDecision.Stay("restart mode is NEVER");
      case ON_FAILURE:
        if (!exit.cause().isFailure()) {
          return new RestartDecision.Stay("clean exit under ON_FAILURE");
        }
        break;
      case ALWAYS:
      default:
        break;
    }
    long windowNanos = window.toNanos();
    int recent = history.restartsWithin(windowNanos, nowNanos);
    if (recent >= maxRestarts) {
      return new RestartDecision.GiveUp("start limit reached: " + recent + " restart" + (recent == 1 ? "" : "s")
          + " within " + HumanFormat.period(window) + " (at most " + maxRestarts + " allowed); last exit: " + exit);
    }
    boolean stable = exit.runDuration().compareTo(stableAfter) >= 0;
    int attempt = stable ? 1 : history.consecutiveRestarts() + 1;
    long delay = backoff.delay(attempt, random).toNanos();
    long last = history.lastRestartNanos();
    if (last != Long.MIN_VALUE && !cooldown.isZero()) {
      long earliest = last + cooldown.toNanos();
      if (((last ^ earliest) & (cooldown.toNanos() ^ earliest)) < 0) { // saturate
        earliest = Long.MAX_VALUE;
      }
      delay = Math.max(delay, earliest - nowNanos);
    }
    return new RestartDecision.Restart(Duration.ofNanos(delay), attempt);
  }
}
