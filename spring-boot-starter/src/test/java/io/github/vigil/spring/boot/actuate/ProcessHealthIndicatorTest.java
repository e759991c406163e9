package io.github.vigil.spring.boot.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.AttachState;
import io.github.vigil.HealthState;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.health.contributor.Status;

/**
 * Every state, health, criticality and length of unavailability against the starter README's health
 * table: UP while RUNNING and not UNHEALTHY; for a critical process DOWN when FAILED, UNHEALTHY or
 * unavailable for longer than down-after, OUT_OF_SERVICE when STOPPED; UNKNOWN otherwise.
 */
class ProcessHealthIndicatorTest {

  private static final Duration DOWN_AFTER = Duration.ofSeconds(30);

  static Stream<Arguments> cases() {
    return Stream.of(ProcessState.values()).flatMap(state -> Stream.of(HealthState.values())
        .flatMap(health -> Stream.of(true, false).flatMap(critical -> Stream.of(Duration.ofSeconds(1), Duration.ofSeconds(31))
            .flatMap(unavailable -> Stream.of(true, false).map(bySupervision -> Arguments.of(state, health, critical, unavailable,
                bySupervision && state == ProcessState.STOPPED))))));
  }

  @ParameterizedTest(name = "{0} {1} critical={2} unavailable for {3} stopped by supervision={4}")
  @MethodSource("cases")
  void status(ProcessState state, HealthState health, boolean critical, Duration unavailable, boolean bySupervision) {
    ProcessStatus s = new ProcessStatus("p", state, state.isActive() ? 42 : -1, null, Duration.ZERO, 0, null, health, true, "");
    boolean available = state == ProcessState.RUNNING && health != HealthState.UNHEALTHY;
    Status expected;
    if (available) {
      expected = Status.UP;
    } else if (!critical) {
      expected = Status.UNKNOWN;
    } else if (state == ProcessState.FAILED || health == HealthState.UNHEALTHY) {
      expected = Status.DOWN;
    } else if (state == ProcessState.STOPPED && !bySupervision) {
      expected = Status.OUT_OF_SERVICE;
    } else if (unavailable.compareTo(DOWN_AFTER) > 0) {
      expected = Status.DOWN;
    } else {
      expected = Status.UNKNOWN;
    }
    assertThat(ProcessHealthIndicator.status(s, critical, available ? null : unavailable, DOWN_AFTER, bySupervision)).isEqualTo(expected);
  }

  @Test
  void attachments() {
    for (AttachState state : AttachState.values()) {
      for (boolean critical : new boolean[] {true, false}) {
        for (Duration in : new Duration[] {Duration.ofSeconds(1), Duration.ofSeconds(31)}) {
          Status expected = state == AttachState.RUNNING ? Status.UP
              : critical && in.compareTo(DOWN_AFTER) > 0 ? Status.DOWN : Status.UNKNOWN;
          assertThat(AttachmentHealthIndicator.status(state, critical, in, DOWN_AFTER)).as("%s %s %s", state, critical, in)
              .isEqualTo(expected);
        }
      }
    }
  }
}
