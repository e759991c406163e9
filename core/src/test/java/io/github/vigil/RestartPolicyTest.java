package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {
  private static final SplittableRandom RANDOM = new SplittableRandom(1);

  private static ExitInfo exit(Termination t, RestartPolicy p, Duration run) {
    return new ExitInfo(t, p.classify(t), run, Instant.EPOCH, "", -1);
  }

  @Test
  void modesFollowSystemd() {
    Termination clean = new Termination.Exited(0);
    Termination error = new Termination.Exited(2);
    Termination killed = Termination.Signaled.of(9, false);
    for (Termination t : new Termination[] {clean, error, killed}) {
      RestartPolicy never = RestartPolicy.never();
      assertThat(never.decide(exit(t, never, Duration.ZERO), RestartHistory.empty(), 0, RANDOM)).isInstanceOf(RestartDecision.Stay.class);
      RestartPolicy always = RestartPolicy.always();
      assertThat(always.decide(exit(t, always, Duration.ZERO), RestartHistory.empty(), 0, RANDOM)).isInstanceOf(RestartDecision.Restart.class);
    }
    RestartPolicy onFailure = RestartPolicy.onFailure();
    assertThat(onFailure.decide(exit(clean, onFailure, Duration.ZERO), RestartHistory.empty(), 0, RANDOM)).isInstanceOf(RestartDecision.Stay.class);
    assertThat(onFailure.decide(exit(error, onFailure, Duration.ZERO), RestartHistory.empty(), 0, RANDOM)).isInstanceOf(RestartDecision.Restart.class);
    assertThat(onFailure.decide(exit(killed, onFailure, Duration.ZERO), RestartHistory.empty(), 0, RANDOM)).isInstanceOf(RestartDecision.Restart.class);
  }

  @Test
  void successExitCodesAreConfigurable() {
    RestartPolicy p = RestartPolicy.onFailure().withSuccessExitCodes(Set.of(0, 143));
    assertThat(p.classify(new Termination.Exited(143))).isEqualTo(ExitCause.NORMAL);
    assertThat(p.classify(new Termination.Exited(1))).isEqualTo(ExitCause.ERROR_EXIT);
  }

  @Test
  void stopsOnRequestAreNeverRestarted() {
    RestartPolicy p = RestartPolicy.always();
    ExitInfo stopped = new ExitInfo(Termination.Signaled.of(15, false), ExitCause.KILLED_BY_SUPERVISOR, Duration.ZERO, Instant.EPOCH, "", -1);
    assertThat(p.decide(stopped, RestartHistory.empty(), 0, RANDOM)).isInstanceOf(RestartDecision.Stay.class);
  }

  @Test
  void exponentialBackoffDoublesToItsCapAndResetsAfterAStableRun() {
    RestartPolicy p = RestartPolicy.always().withBackoff(Backoff.exponential(Duration.ofMillis(100), 2.0, Duration.ofMillis(500)))
        .withStableAfter(Duration.ofSeconds(10));
    RestartHistory h = RestartHistory.empty();
    long now = 0;
    long[] expected = {100, 200, 400, 500, 500};
    for (long ms : expected) {
      RestartDecision.Restart d = (RestartDecision.Restart) p.decide(exit(new Termination.Exited(1), p, Duration.ofMillis(1)), h, now, RANDOM);
      assertThat(d.delay()).isEqualTo(Duration.ofMillis(ms));
      now += d.delay().toNanos();
      h = h.withRestart(now, d.attempt(), p.window().toNanos(), p.maxRestarts() + 1);
    }
    RestartDecision.Restart afterStable = (RestartDecision.Restart) p.decide(exit(new Termination.Exited(1), p, Duration.ofSeconds(11)), h, now, RANDOM);
    assertThat(afterStable.attempt()).isEqualTo(1);
    assertThat(afterStable.delay()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void cooldownHoldsWhateverTheBackoff() {
    RestartPolicy p = RestartPolicy.always().withBackoff(Backoff.none()).withCooldown(Duration.ofSeconds(5));
    RestartHistory h = RestartHistory.empty().withRestart(0, 1, p.window().toNanos(), 11);
    RestartDecision.Restart d = (RestartDecision.Restart) p.decide(exit(new Termination.Exited(1), p, Duration.ZERO), h,
        Duration.ofSeconds(2).toNanos(), RANDOM);
    assertThat(d.delay()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void theStartLimitSlidesWithItsWindow() {
    RestartPolicy p = RestartPolicy.always().withBackoff(Backoff.none()).withStartLimit(2, Duration.ofMinutes(1));
    long w = Duration.ofMinutes(1).toNanos();
    RestartHistory h = RestartHistory.empty().withRestart(0, 1, w, 3).withRestart(Duration.ofSeconds(30).toNanos(), 2, w, 3);
    ExitInfo e = exit(new Termination.Exited(1), p, Duration.ZERO);
    assertThat(p.decide(e, h, Duration.ofSeconds(40).toNanos(), RANDOM)).isInstanceOf(RestartDecision.GiveUp.class);
    assertThat(p.decide(e, h, Duration.ofSeconds(61).toNanos(), RANDOM)).isInstanceOf(RestartDecision.Restart.class);
  }

  @Test
  void invalidSettingsNameTheFieldAndValue() {
    assertThatThrownBy(() -> RestartPolicy.always().withStartLimit(-1, Duration.ofHours(1)))
        .hasMessageContaining("maxRestarts").hasMessageContaining("-1");
    assertThatThrownBy(() -> RestartPolicy.always().withStartLimit(3, Duration.ZERO)).hasMessageContaining("window").hasMessageContaining("0 ns");
    assertThatThrownBy(() -> RestartPolicy.always().withCooldown(Duration.ofSeconds(-1))).hasMessageContaining("cooldown").hasMessageContaining("-1.00 s");
    assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(10), 2.0, Duration.ofSeconds(1)))
        .hasMessageContaining("backoff.cap 1.00 s").hasMessageContaining("backoff.initial 10.0 s");
    assertThatThrownBy(() -> Backoff.fixed(Duration.ofMillis(-5))).hasMessageContaining("backoff.initial").hasMessageContaining("-5.00 ms");
    assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(2))).hasMessageContaining("multiplier").hasMessageContaining("0.5");
    assertThatThrownBy(() -> Backoff.none().withJitter(1.5)).hasMessageContaining("jitter").hasMessageContaining("1.5");
  }

  /**
   * An exit read by a person (the start-limit message, logs): a start that failed shows why, not a termination it never
   * had; it read "START_FAILED (unknown (not started)): binary ... not found". Others show termination and run time.
   */
  @Test
  void anExitReadsAsAPersonWouldSayIt() {
    ExitInfo notStarted = new ExitInfo(new Termination.Unknown("not started"), ExitCause.START_FAILED, Duration.ZERO, Instant.EPOCH,
        "binary /opt/feed/bin/feed not found", -1);
    assertThat(notStarted).hasToString("START_FAILED: binary /opt/feed/bin/feed not found");
    ExitInfo crashed = new ExitInfo(Termination.Signaled.of(11, true), ExitCause.SIGNALED, Duration.ofSeconds(3), Instant.EPOCH, "", -1);
    assertThat(crashed.toString()).startsWith("SIGNALED (").contains("SIGSEGV").endsWith(" after 3.00 s");
  }
}
