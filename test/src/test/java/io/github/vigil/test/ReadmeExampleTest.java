package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.SupervisorEvent;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The example of the README's "Testing your supervision setup": a 30 s cooldown and a start limit, in milliseconds. */
@Timeout(30)
class ReadmeExampleTest {

  // tag::readme[]
  @Test
  void theFeedRestartsAtMostOncePer30sAndGivesUpAfterThreeRestarts() {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      ProcessController feed = kit.supervisor().register(ProcessSpec.builder("quote-feed")
          .command("/opt/feed/bin/feed")            // never looked for: the fake backend spawns nothing
          .startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.onFailure()
              .withBackoff(Backoff.fixed(Duration.ofMillis(100)))
              .withCooldown(Duration.ofSeconds(30))
              .withStartLimit(3, Duration.ofMinutes(10)))
          .build());
      feed.start();
      kit.awaitIdle();

      kit.backend().last("quote-feed").exit(1);      // crash: restarted after the 100 ms backoff
      kit.advance(Duration.ofMillis(100));
      assertThat(kit.events().starts("quote-feed")).isEqualTo(2);

      kit.backend().last("quote-feed").exit(1);      // crash again: the cooldown holds it for 30 s
      kit.advance(Duration.ofSeconds(29));
      assertThat(feed.status().state()).isEqualTo(ProcessState.BACKOFF);
      kit.advance(Duration.ofSeconds(1));
      assertThat(kit.events().starts("quote-feed")).isEqualTo(3);

      kit.backend().last("quote-feed").exit(1);
      kit.advance(Duration.ofSeconds(30));
      kit.backend().last("quote-feed").exit(1);      // the fourth crash in 10 minutes: over the limit
      kit.awaitIdle();
      assertThat(feed.status().state()).isEqualTo(ProcessState.FAILED);
      assertThat(kit.events().of(SupervisorEvent.Failed.class, "quote-feed")).singleElement()
          .satisfies(f -> assertThat(f.reason()).contains("start limit reached: 3 restarts"));
    }
  }
  // end::readme[]
}
