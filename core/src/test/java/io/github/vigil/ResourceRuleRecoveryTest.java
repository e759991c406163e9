package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resource rule that recovers: a real process spins (CPU above the limit) until told to stop, then
 * sleeps. The breach is an event, the rule's state is BREACHED while it lasts, and the first sample
 * within the limit publishes {@link SupervisorEvent.ResourceLimitRecovered} and makes it WITHIN.
 */
@Timeout(120)
@EnabledOnOs({OS.LINUX, OS.MAC})
class ResourceRuleRecoveryTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final String marker = (50000 + ThreadLocalRandom.current().nextInt(9999)) + "." + ThreadLocalRandom.current().nextInt(100000, 999999);

  @Test
  void aBreachThatClearsIsAnEventAndTheRuleStateFollows(@TempDir Path dir) throws Exception {
    Path calm = dir.resolve("calm");
    try (Supervisor sup = Supervisor.builder().name("recovery").backend("jdk").build()) {
      EventRecorder rec = new EventRecorder();
      sup.subscribe(rec);
      ProcessController p = sup.register(ProcessSpec.builder("quote-feed")
          .command("sh", "-c", "while [ ! -e " + calm + " ]; do :; done; exec sleep " + marker).startupGrace(Duration.ZERO)
          .resourceRule(ResourceRule.cpuPercentAbove(10).failureThreshold(2).interval(Duration.ofMillis(300)).action(HealthCheck.Action.NOTIFY).build())
          .build());
      p.start(WAIT);

      SupervisorEvent.ResourceLimitExceeded broken = rec.await(SupervisorEvent.ResourceLimitExceeded.class, e -> true, 1, WAIT).get(0);
      assertThat(broken.rule()).isEqualTo("cpu");
      HealthReport.Rule during = p.health().rule("cpu").orElseThrow();
      assertThat(during.state()).isEqualTo(HealthReport.Rule.State.BREACHED);
      assertThat(during.breachedAt()).isNotNull();

      Files.createFile(calm);
      SupervisorEvent.ResourceLimitRecovered back = rec.await(SupervisorEvent.ResourceLimitRecovered.class, e -> true, 1, WAIT).get(0);
      assertThat(back.process()).isEqualTo("quote-feed");
      assertThat(back.rule()).isEqualTo("cpu");
      assertThat(back.value()).isLessThanOrEqualTo(10.0);
      assertThat(back.breachedFor()).isPositive();
      assertThat(back.at()).isAfterOrEqualTo(broken.at());
      assertThat(back.message()).startsWith("resource rule 'cpu' back within its limit after ").contains("within 10.0%");
      HealthReport.Rule after = p.health().rule("cpu").orElseThrow();
      assertThat(after.state()).isEqualTo(HealthReport.Rule.State.WITHIN);
      assertThat(after.breachedAt()).isNull();
      assertThat(after.violations()).isEqualTo(1);
      assertThat(p.status().state()).as("notify only: not restarted").isEqualTo(ProcessState.RUNNING);
      assertThat(p.status().restarts()).isZero();
    }
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Processes.withMarker(marker).isEmpty())).isTrue();
  }
}
