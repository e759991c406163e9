package io.github.vigil.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.LocalTime;
import org.junit.jupiter.api.Test;

/** A schedule refuses settings it cannot mean, naming the setting and the value. */
class ScheduleTest {

  /**
   * A max gap of zero kept a process up through no gap at all, and was accepted without a word: that is
   * {@code BetweenSessions.STOP}, said another way or by mistake (found by a black-box run).
   */
  @Test
  void aMaxGapThatIsNotPositiveIsRefusedNamingIt() {
    Schedule s = Schedule.inSession(ExampleCalendars.shfe());
    assertThatThrownBy(() -> s.withMaxGap(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxGap must be positive: 0 ns");
    assertThatThrownBy(() -> s.withMaxGap(Duration.ofMinutes(-5))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("maxGap must be positive: -");
    assertThat(s.withMaxGap(Duration.ofNanos(1)).maxGap()).isEqualTo(Duration.ofNanos(1));
  }

  /**
   * Two freeze windows of one name were accepted; the events and logs that name a window could not tell them apart
   * (found by a black-box run).
   */
  @Test
  void aSecondFreezeWindowOfTheSameNameIsRefusedNamingIt() {
    Schedule s = Schedule.inSession(ExampleCalendars.shfe()).withFreeze(FreezeWindow.daily("auction", LocalTime.of(14, 57), LocalTime.of(15, 0)));
    assertThatThrownBy(() -> s.withFreeze(FreezeWindow.beforeClose("auction", Duration.ofMinutes(3))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("freeze window 'auction' is given twice: each freeze window of a schedule needs its own name");
    assertThat(s.withFreeze(FreezeWindow.beforeClose("pre-close", Duration.ofMinutes(3))).freezes()).hasSize(2);
  }
}
