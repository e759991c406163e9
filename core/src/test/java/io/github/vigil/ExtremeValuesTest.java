package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/**
 * "What was seen" 7: every duration and count of every builder is range-checked when built, with a
 * message naming the field and the value; {@link Limits#MAX_DURATION} itself is accepted. (The same
 * values driven through a running supervisor: {@code ExtremeValuesSupervisionTest} in vigil-test.)
 */
class ExtremeValuesTest {
  /** Past the maximum: FOREVER, the largest Duration, 200,000 days (the YAML case), one nanosecond too many. */
  static final List<Duration> TOO_LONG = List.of(ChronoUnit.FOREVER.getDuration(), Duration.ofSeconds(Long.MAX_VALUE, 999_999_999),
      Duration.ofDays(200_000), Limits.MAX_DURATION.plusNanos(1));
  static final List<Integer> TOO_MANY = List.of(Integer.MAX_VALUE, Limits.MAX_COUNT + 1);

  private static Map<String, Consumer<Duration>> durationFields() {
    Map<String, Consumer<Duration>> f = new LinkedHashMap<>();
    f.put("backoff.initial", d -> Backoff.fixed(d));
    f.put("backoff.cap", d -> Backoff.exponential(Duration.ofSeconds(1), 2.0, d));
    f.put("restart.window", d -> RestartPolicy.onFailure().withStartLimit(3, d));
    f.put("restart.cooldown", d -> RestartPolicy.onFailure().withCooldown(d));
    f.put("restart.stableAfter", d -> RestartPolicy.onFailure().withStableAfter(d));
    f.put("stopTimeout of 'p'", d -> ProcessSpec.builder("p").command("x").stopTimeout(d));
    f.put("startupGrace of 'p'", d -> ProcessSpec.builder("p").command("x").startupGrace(d));
    f.put("interval of health check", d -> HealthCheck.tcp("localhost", 80).interval(d));
    f.put("timeout of health check", d -> HealthCheck.tcp("localhost", 80).timeout(d));
    f.put("startPeriod of health check", d -> HealthCheck.tcp("localhost", 80).startPeriod(d));
    f.put("initialDelay of health check", d -> HealthCheck.tcp("localhost", 80).initialDelay(d));
    f.put("watchdog of health check", d -> HealthCheck.systemdNotify().watchdog(d));
    f.put("interval of resource rule", d -> ResourceRule.cpuPercentAbove(90).interval(d));
    f.put("rescanInterval", d -> AttachSpec.builder("a").pid(4242).rescanInterval(d));
    f.put("exitPollInterval", d -> AttachSpec.builder("a").pid(4242).exitPollInterval(d));
    f.put("closeTimeout", d -> Supervisor.builder().closeTimeout(d));
    return f;
  }

  private static Map<String, IntConsumer> countFields() {
    Map<String, IntConsumer> f = new LinkedHashMap<>();
    f.put("failureThreshold of health check", n -> HealthCheck.tcp("localhost", 80).failureThreshold(n));
    f.put("successThreshold of health check", n -> HealthCheck.tcp("localhost", 80).successThreshold(n));
    f.put("failureThreshold of resource rule", n -> ResourceRule.cpuPercentAbove(90).failureThreshold(n));
    return f;
  }

  @Test
  void everyDurationPastTheMaximumIsRefusedNamingTheFieldAndTheValue() {
    durationFields().forEach((field, set) -> {
      for (Duration d : TOO_LONG) {
        assertThatThrownBy(() -> set.accept(d)).as("%s = %s", field, d).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(field).hasMessageContaining(HumanFormat.duration(d)).hasMessageContaining("at most 36500 days");
      }
    });
  }

  @Test
  void theMaximumItselfIsAccepted() {
    durationFields().forEach((field, set) ->
        assertThatCode(() -> set.accept(Limits.MAX_DURATION)).as(field).doesNotThrowAnyException());
    countFields().forEach((field, set) ->
        assertThatCode(() -> set.accept(Limits.MAX_COUNT)).as(field).doesNotThrowAnyException());
  }

  @Test
  void everyCountPastTheMaximumIsRefusedNamingTheFieldAndTheValue() {
    countFields().forEach((field, set) -> {
      for (int n : TOO_MANY) {
        assertThatThrownBy(() -> set.accept(n)).as("%s = %d", field, n).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(field).hasMessageContaining(Integer.toString(n));
      }
    });
  }

  @Test
  void noStartLimitIsSpelledIntegerMaxValue() {
    RestartPolicy p = RestartPolicy.always().withStartLimit(Integer.MAX_VALUE, Limits.MAX_DURATION);
    RestartHistory h = RestartHistory.empty().withRestart(1, 1, Limits.MAX_DURATION.toNanos(), Integer.MAX_VALUE);
    ExitInfo exit = new ExitInfo(new Termination.Exited(1), ExitCause.ERROR_EXIT, Duration.ZERO, java.time.Instant.EPOCH, "", -1);
    assertThat(p.decide(exit, h, 2, new java.util.SplittableRandom(1))).isInstanceOf(RestartDecision.Restart.class);
  }

  @Test
  void theLargestCooldownDoesNotOverflowTheDecision() {
    RestartPolicy p = RestartPolicy.always().withCooldown(Limits.MAX_DURATION).withBackoff(Backoff.none())
        .withStartLimit(Limits.MAX_COUNT, Limits.MAX_DURATION).withStableAfter(Limits.MAX_DURATION);
    long now = Long.MAX_VALUE - 5; // a ticker near its end
    RestartHistory h = RestartHistory.empty().withRestart(now - 1, 1, Limits.MAX_DURATION.toNanos(), Limits.MAX_COUNT + 1);
    ExitInfo exit = new ExitInfo(new Termination.Exited(1), ExitCause.ERROR_EXIT, Duration.ZERO, java.time.Instant.EPOCH, "", -1);
    RestartDecision d = p.decide(exit, h, now, new java.util.SplittableRandom(1));
    assertThat(d).isInstanceOf(RestartDecision.Restart.class);
    Duration delay = ((RestartDecision.Restart) d).delay();
    assertThat(delay).isPositive().isLessThanOrEqualTo(Limits.MAX_DURATION); // saturated at the ticker's end, never negative
  }
}
