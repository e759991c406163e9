package io.github.vigil.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vigil.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The calendar tests' fake clock: local times in the exchange's zone, and tasks run at their due time as it moves. */
class TradingDayClockTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final ZoneId SH = ZoneId.of("Asia/Shanghai");

  @Test
  void startsAtTheLocalTimeOnItsDayInItsZone() {
    TradingDayClock winter = TradingDayClock.startingAt(LONDON, LocalDate.of(2026, 12, 14), "07:30");
    TradingDayClock summer = TradingDayClock.startingAt(LONDON, LocalDate.of(2026, 6, 15), "07:30");
    assertThat(winter.instant()).isEqualTo(Instant.parse("2026-12-14T07:30:00Z"));
    assertThat(summer.instant()).isEqualTo(Instant.parse("2026-06-15T06:30:00Z")); // BST
    assertThat(winter.at("16:30")).isEqualTo(Instant.parse("2026-12-14T16:30:00Z"));
    TradingDayClock shanghai = TradingDayClock.startingAt(SH, LocalDate.of(2026, 6, 12), "20:00");
    assertThat(shanghai.at(2026, 6, 13, "02:30")).isEqualTo(Instant.parse("2026-06-12T18:30:00Z"));
  }

  @Test
  void advanceToRunsEachTaskDueAtItsDueTimeAndEndsAtTheTarget() {
    TradingDayClock clock = TradingDayClock.startingAt(LONDON, LocalDate.of(2026, 12, 14), "07:30");
    long ticks = clock.read();
    List<Instant> ran = new ArrayList<>();
    clock.schedule(Duration.ofMinutes(45), () -> ran.add(clock.instant()));
    clock.schedule(Duration.ofMinutes(30), () -> ran.add(clock.instant()));
    Scheduler.Cancellable never = clock.schedule(Duration.ofMinutes(40), () -> ran.add(clock.instant()));
    clock.schedule(Duration.ofHours(5), () -> ran.add(clock.instant()));
    never.cancel();
    assertThat(clock.pending()).containsExactly(Duration.ofMinutes(30), Duration.ofMinutes(45), Duration.ofHours(5));

    clock.advanceTo(clock.at("08:15"));

    assertThat(ran).containsExactly(clock.at("08:00"), clock.at("08:15"));
    assertThat(clock.instant()).isEqualTo(clock.at("08:15"));
    assertThat(clock.read() - ticks).isEqualTo(Duration.ofMinutes(45).toNanos());
    assertThat(clock.pending()).containsExactly(Duration.ofHours(4).plusMinutes(15));
    clock.advance(Duration.ofHours(4).plusMinutes(15));
    assertThat(ran).hasSize(3).last().isEqualTo(clock.at("12:30"));
  }

  @Test
  void moveToPassesAnEdgeWithoutRunningItUntilRunDue() {
    TradingDayClock clock = TradingDayClock.startingAt(LONDON, LocalDate.of(2026, 12, 14), "11:59");
    List<Instant> ran = new ArrayList<>();
    clock.schedule(Duration.ofMinutes(1), () -> ran.add(clock.instant()));

    clock.moveTo(clock.at("12:00:30"));

    assertThat(ran).isEmpty(); // the edge at 12:00 is due but has not run: the clock reads past it
    assertThat(clock.instant()).isEqualTo(clock.at("12:00:30"));
    clock.runDue();
    assertThat(ran).containsExactly(clock.at("12:00:30"));
    assertThatThrownBy(() -> clock.moveTo(clock.at("12:00"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot go back");
  }

  @Test
  void cannotGoBack() {
    TradingDayClock clock = TradingDayClock.startingAt(LONDON, LocalDate.of(2026, 12, 14), "07:30");
    clock.advanceTo(clock.at("12:00"));
    assertThatThrownBy(() -> clock.advanceTo(clock.at("11:59"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot go back").hasMessageContaining("2026-12-14T11:59:00Z");
    assertThat(clock.instant()).isEqualTo(clock.at("12:00"));
  }
}
