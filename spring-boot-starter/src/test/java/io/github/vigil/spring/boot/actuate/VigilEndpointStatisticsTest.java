package io.github.vigil.spring.boot.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A process's figures where there is nothing to average: no mean time to recover without a recovery, no mean uptime
 * without an ended run, no uptime when it is not running. They read "0 ns" (found by a black-box run).
 */
@Timeout(60)
class VigilEndpointStatisticsTest {

  @Test
  void figuresWithNothingToAverageAreNullNotZero() {
    try (Supervisor s = Supervisor.builder().name("figures").backend("jdk").build()) {
      ProcessController feed = s.register(ProcessSpec.builder("feed").command("sleep", "7340099").startupGrace(Duration.ZERO).build());
      VigilEndpoint endpoint = new VigilEndpoint(s, Set.of(), Duration.ofSeconds(20), 10);
      VigilEndpoint.ProcessDescriptor never = (VigilEndpoint.ProcessDescriptor) endpoint.process("feed", null);
      assertThat(never.uptime()).isNull();
      assertThat(never.uptimeSeconds()).isNull();
      assertThat(never.statistics().meanTimeToRecover()).isNull();
      assertThat(never.statistics().meanTimeToRecoverSeconds()).isNull();
      assertThat(never.statistics().meanUptime()).isNull();
      assertThat(never.statistics().meanUptimeSeconds()).isNull();

      feed.start(Duration.ofSeconds(20));
      VigilEndpoint.ProcessDescriptor running = (VigilEndpoint.ProcessDescriptor) endpoint.process("feed", null);
      assertThat(running.uptime()).isNotNull();
      assertThat(running.statistics().meanUptime()).as("no run ended yet").isNull();

      feed.stop(Duration.ofSeconds(20));
      VigilEndpoint.ProcessDescriptor stopped = (VigilEndpoint.ProcessDescriptor) endpoint.process("feed", null);
      assertThat(stopped.uptime()).as("not running").isNull();
      assertThat(stopped.statistics().meanUptime()).as("one run ended").isNotNull();
      assertThat(stopped.statistics().meanUptimeSeconds()).isPositive();
      assertThat(stopped.statistics().meanTimeToRecover()).as("no crash recovered").isNull();
    }
  }
}
