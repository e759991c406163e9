package io.github.vigil;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.vigil.testing.Gen;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The restart decision over many seeded random exit sequences on a simulated clock. Each case
 * replays a process that keeps dying: random run lengths, random causes, random policies.
 */
class RestartPolicyPropertyTest {

  static LongStream seeds() {
    return Gen.seeds(500);
  }

  private record Outcome(List<Long> restartTimes, List<String> violations, int gaveUpAfter) {}

  /** Simulates exits and restarts as the supervisor does: restart recorded when it happens. */
  private static Outcome simulate(RestartPolicy policy, SplittableRandom r, int exits) {
    long now = 0;
    RestartHistory history = RestartHistory.empty();
    List<Long> restarts = new ArrayList<>();
    List<String> violations = new ArrayList<>();
    for (int i = 0; i < exits; i++) {
      Duration run = r.nextInt(4) == 0 ? Gen.millis(r, 300_000) : Gen.millis(r, 2_000);
      now += run.toNanos();
      ExitCause cause = r.nextInt(5) == 0 ? ExitCause.NORMAL : ExitCause.ERROR_EXIT;
      Termination t = cause == ExitCause.NORMAL ? new Termination.Exited(0) : new Termination.Exited(1);
      ExitInfo exit = new ExitInfo(t, cause, run, Instant.EPOCH, "", -1);
      RestartDecision d = policy.decide(exit, history, now, r);
      if (d instanceof RestartDecision.Restart restart) {
        int attempt = restart.attempt();
        Duration delay = restart.delay();
        Duration floor = policy.backoff().floor(attempt);
        Duration ceiling = policy.backoff().cap().compareTo(policy.cooldown()) >= 0 ? policy.backoff().cap() : policy.cooldown();
        if (delay.compareTo(floor) < 0) {
          violations.add("delay " + delay + " below the backoff floor " + floor + " at attempt " + attempt);
        }
        if (delay.compareTo(ceiling) > 0) {
          violations.add("delay " + delay + " above the cap " + ceiling + " at attempt " + attempt);
        }
        if (run.compareTo(policy.stableAfter()) >= 0 && attempt != 1) {
          violations.add("attempt " + attempt + " after a stable run of " + run);
        }
        now += delay.toNanos();
        if (!restarts.isEmpty() && now - restarts.get(restarts.size() - 1) < policy.cooldown().toNanos()) {
          violations.add("restart " + (now - restarts.get(restarts.size() - 1)) + " ns after the previous one, cooldown " + policy.cooldown());
        }
        restarts.add(now);
        history = history.withRestart(now, attempt, policy.window().toNanos(), policy.maxRestarts() + 1);
      } else if (d instanceof RestartDecision.GiveUp) {
        int recent = history.restartsWithin(policy.window().toNanos(), now);
        if (recent < policy.maxRestarts()) {
          violations.add("gave up with only " + recent + " restarts in the window, limit " + policy.maxRestarts());
        }
        return new Outcome(restarts, violations, i);
      } else {
        if (cause.isFailure() && policy.mode() != RestartPolicy.Mode.NEVER) {
          violations.add("a failure was not restarted under " + policy.mode());
        }
        if (!cause.isFailure() && policy.mode() == RestartPolicy.Mode.ALWAYS) {
          violations.add("a clean exit was not restarted under ALWAYS");
        }
      }
    }
    return new Outcome(restarts, violations, -1);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void neverMoreRestartsInAnyWindowThanTheLimitAndDelaysWithinBounds(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    RestartPolicy policy = Gen.policy(r);
    Outcome o = simulate(policy, r, 1 + r.nextInt(60));
    if (!o.violations().isEmpty()) {
      fail("seed " + seed + ", policy " + policy + ": " + o.violations());
    }
    long window = policy.window().toNanos();
    List<Long> t = o.restartTimes();
    for (int i = 0; i < t.size(); i++) {
      int inWindow = 0;
      for (int j = i; j < t.size() && t.get(j) - t.get(i) < window; j++) {
        inWindow++;
      }
      int count = inWindow;
      assertTrue(count <= policy.maxRestarts(),
          () -> "seed " + seed + ": " + count + " restarts within " + policy.window() + ", limit " + policy.maxRestarts() + "; policy " + policy);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aProcessThatAlwaysDiesAtOnceGivesUpAfterExactlyTheLimit(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int limit = r.nextInt(15);
    RestartPolicy policy = RestartPolicy.always().withBackoff(Backoff.fixed(Gen.millis(r, 100)))
        .withStartLimit(limit, Duration.ofHours(1)).withStableAfter(Duration.ofSeconds(60));
    long now = 0;
    RestartHistory history = RestartHistory.empty();
    int restarts = 0;
    while (true) {
      now += Duration.ofMillis(r.nextInt(50)).toNanos();
      ExitInfo exit = new ExitInfo(new Termination.Exited(1), ExitCause.ERROR_EXIT, Duration.ofMillis(5), Instant.EPOCH, "", -1);
      RestartDecision d = policy.decide(exit, history, now, r);
      if (d instanceof RestartDecision.GiveUp) {
        break;
      }
      RestartDecision.Restart restart = (RestartDecision.Restart) d;
      now += restart.delay().toNanos();
      history = history.withRestart(now, restart.attempt(), policy.window().toNanos(), policy.maxRestarts() + 1);
      restarts++;
      if (restarts > limit) {
        fail("seed " + seed + ": more than " + limit + " restarts");
      }
    }
    int done = restarts;
    assertTrue(done == limit, () -> "seed " + seed + ": gave up after " + done + " restarts, limit " + limit);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void backoffDelayStaysBetweenFloorAndCap(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Backoff b = Gen.backoff(r);
    int attempt = 1 + r.nextInt(200);
    Duration d = b.delay(attempt, r);
    assertTrue(!d.isNegative() && d.compareTo(b.cap()) <= 0 && d.compareTo(b.floor(attempt)) >= 0,
        () -> "seed " + seed + ": " + b + " attempt " + attempt + " gave " + d);
  }
}
