package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.Limits;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Signal;
import io.github.vigil.SupervisorEvent;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * "What was seen" 7 inside supervision: every duration at {@link Limits#MAX_DURATION} and every count
 * at {@link Limits#MAX_COUNT} is supervised without an overflow (before: {@code ArithmeticException}
 * in the supervision task, the process stuck CRASHED without an event; a stop that never signalled).
 */
@Timeout(30)
class ExtremeValuesSupervisionTest {

  @Test
  void theLargestSettingsAreSupervisedWithoutOverflow() {
    try (SupervisorTestKit kit = SupervisorTestKit.create(b -> b.closeTimeout(Duration.ofSeconds(5)))) {
      kit.backend().ignore("feed", Signal.SIGTERM);
      ProcessController p = kit.supervisor().register(ProcessSpec.builder("feed").command("feed")
          .startupGrace(Duration.ZERO)
          .stopTimeout(Limits.MAX_DURATION)
          .restartPolicy(RestartPolicy.always()
              .withBackoff(Backoff.exponential(Limits.MAX_DURATION, 1e300, Limits.MAX_DURATION))
              .withCooldown(Limits.MAX_DURATION).withStableAfter(Limits.MAX_DURATION)
              .withStartLimit(Limits.MAX_COUNT, Limits.MAX_DURATION))
          .build());
      p.start();
      kit.awaitIdle();
      kit.backend().last("feed").exit(1);
      kit.advance(Duration.ofDays(365));
      assertThat(p.status().state()).isEqualTo(ProcessState.BACKOFF);
      assertThat(kit.events().of(SupervisorEvent.RestartScheduled.class, "feed")).singleElement()
          .satisfies(r -> assertThat(r.delay()).isEqualTo(Limits.MAX_DURATION));
      kit.advance(Limits.MAX_DURATION);
      assertThat(kit.events().starts("feed")).isEqualTo(2);
      // the second restart waits for the cooldown after the first
      kit.backend().last("feed").exit(1);
      kit.awaitIdle();
      assertThat(p.status().state()).isEqualTo(ProcessState.BACKOFF);
      p.start();
      kit.awaitIdle();
      // a stop with the longest timeout sends its signal at once, and SIGKILL only when the timeout ends
      p.stop();
      kit.awaitIdle();
      assertThat(kit.backend().last("feed").signals()).containsExactly(Signal.SIGTERM);
      assertThat(p.status().state()).isEqualTo(ProcessState.STOPPING);
      kit.advance(Limits.MAX_DURATION);
      assertThat(kit.backend().last("feed").signals()).containsExactly(Signal.SIGTERM, Signal.SIGKILL);
      assertThat(p.status().state()).isEqualTo(ProcessState.STOPPED);
    }
  }

  @Test
  void theLargestStartupGraceStaysStartingAndStops() {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      ProcessController p = kit.supervisor().register(ProcessSpec.builder("feed").command("feed")
          .startupGrace(Limits.MAX_DURATION).build());
      p.start();
      kit.advance(Duration.ofDays(36_499));
      assertThat(p.status().state()).isEqualTo(ProcessState.STARTING);
      kit.advance(Duration.ofDays(1));
      assertThat(p.status().state()).isEqualTo(ProcessState.RUNNING);
    }
  }
}
