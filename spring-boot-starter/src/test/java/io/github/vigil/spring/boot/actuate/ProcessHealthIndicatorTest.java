package io.github.vigil.spring.boot.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.HealthState;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.health.contributor.Status;

/** Every state, health and criticality: DOWN only for a critical process that is FAILED or UNHEALTHY. */
class ProcessHealthIndicatorTest {

  static Stream<Arguments> cases() {
    return Stream.of(ProcessState.values()).flatMap(state -> Stream.of(HealthState.values())
        .flatMap(health -> Stream.of(true, false).map(critical -> Arguments.of(state, health, critical))));
  }

  @ParameterizedTest(name = "{0} {1} critical={2}")
  @MethodSource("cases")
  void status(ProcessState state, HealthState health, boolean critical) {
    ProcessStatus s = new ProcessStatus("p", state, state.isActive() ? 42 : -1, null, Duration.ZERO, 0, null, health, true, "");
    Status expected;
    if (critical && (state == ProcessState.FAILED || health == HealthState.UNHEALTHY)) {
      expected = Status.DOWN;
    } else if (state == ProcessState.RUNNING && health != HealthState.UNHEALTHY) {
      expected = Status.UP;
    } else {
      expected = Status.UNKNOWN;
    }
    assertThat(ProcessHealthIndicator.status(s, critical)).isEqualTo(expected);
  }
}
