package io.github.vigil.testing;

import io.github.vigil.Backoff;
import io.github.vigil.Dependency;
import io.github.vigil.HealthCheck;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;

/**
 * Generators for seeded property tests: every case is drawn from a {@link SplittableRandom} made
 * from its seed, so a failure message that names the seed replays exactly.
 */
public final class Gen {
  private Gen() {}

  /** The seeds a property runs over: {@code count} fixed ones, the same on every run. */
  public static LongStream seeds(int count) {
    return LongStream.range(0, count).map(i -> 0x9E3779B97F4A7C15L * (i + 1));
  }

  public static Duration millis(SplittableRandom r, long maxInclusive) {
    return Duration.ofMillis(r.nextLong(maxInclusive + 1));
  }

  public static Backoff backoff(SplittableRandom r) {
    Duration initial = millis(r, 2_000);
    if (r.nextInt(4) == 0) {
      return Backoff.fixed(initial).withJitter(r.nextInt(3) == 0 ? r.nextDouble() : 0.0);
    }
    Duration cap = initial.plus(millis(r, 60_000));
    double multiplier = 1.0 + r.nextDouble() * 3.0;
    return Backoff.exponential(initial, multiplier, cap).withJitter(r.nextInt(3) == 0 ? r.nextDouble() : 0.0);
  }

  public static RestartPolicy policy(SplittableRandom r) {
    RestartPolicy base = switch (r.nextInt(3)) {
      case 0 -> RestartPolicy.always();
      case 1 -> RestartPolicy.onFailure();
      default -> RestartPolicy.onFailure().withMode(RestartPolicy.Mode.ALWAYS);
    };
    return base.withBackoff(backoff(r))
        .withStartLimit(r.nextInt(12), Duration.ofSeconds(1 + r.nextInt(600)))
        .withCooldown(r.nextInt(3) == 0 ? millis(r, 5_000) : Duration.ZERO)
        .withStableAfter(millis(r, 120_000));
  }

  /**
   * A spec for dependency graphs: up to three dependencies drawn from {@code names} (whatever they are: registered, in
   * the same batch, unknown, or closing a cycle), STARTED or HEALTHY, and health checks half of the time (a HEALTHY
   * dependency on a process without any is refused). Never itself, which the builder refuses.
   */
  public static ProcessSpec dependent(SplittableRandom r, String name, List<String> names) {
    ProcessSpec.Builder b = dependsOn(r, name, names);
    if (r.nextBoolean()) {
      b.healthCheck(HealthCheck.processAlive().name("alive").build());
    }
    return b.build();
  }

  /**
   * As {@link #dependent(SplittableRandom, String, List)}, with health checks or without as told: the specs of one process
   * (the one in effect and those of updates to come) have the same. {@code names} may be empty.
   */
  public static ProcessSpec dependent(SplittableRandom r, String name, List<String> names, boolean healthChecks) {
    ProcessSpec.Builder b = names.isEmpty() ? ProcessSpec.builder(name).command("true") : dependsOn(r, name, names);
    if (healthChecks) {
      b.healthCheck(HealthCheck.processAlive().name("alive").build());
    }
    return b.build();
  }

  private static ProcessSpec.Builder dependsOn(SplittableRandom r, String name, List<String> names) {
    ProcessSpec.Builder b = ProcessSpec.builder(name).command("true");
    int dependencies = r.nextInt(4);
    for (int i = 0; i < dependencies; i++) {
      String other = names.get(r.nextInt(names.size()));
      if (!other.equals(name)) {
        b.dependsOn(other, r.nextInt(4) == 0 ? Dependency.Condition.HEALTHY : Dependency.Condition.STARTED);
      }
    }
    return b;
  }
}
