package io.github.vigil.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Origin;
import io.github.vigil.ProcessState;
import io.github.vigil.SupervisorEvent;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * A crash of the feed and its group's start of the gateway after it (REST_FOR_ONE) is one restart, the feed's: the
 * gateway, stopped by the group and started again, is started, not restarted, as ProcessStatus.restarts() counts.
 * The vigilcalendars endpoint counted 2 for one kill -9 of the feed (found by a black-box run).
 */
class TradeDayStatisticsTest {
  private static final Instant T = Instant.parse("2026-06-15T10:00:00Z");

  @Test
  void aSiblingStartedAgainByItsGroupIsNoRestart() {
    TradingCalendar cal = TradingCalendar.builder("x").zone(ZoneOffset.UTC).session(SessionRule.of("day", LocalTime.of(8, 0), LocalTime.of(16, 0)))
        .build();
    TradeDayStatistics stats = TradeDayStatistics.of(cal, InstantSource.fixed(T));
    stats.onEvent(new SupervisorEvent.StateChanged("feed", T, ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS, "killed"));
    stats.onEvent(new SupervisorEvent.StateChanged("gateway", T, ProcessState.RUNNING, ProcessState.STOPPING, Origin.POLICY, "group desk"));
    stats.onEvent(new SupervisorEvent.StateChanged("gateway", T, ProcessState.STOPPING, ProcessState.STOPPED, Origin.POLICY, "group desk"));
    stats.onEvent(new SupervisorEvent.StateChanged("feed", T, ProcessState.CRASHED, ProcessState.STARTING, Origin.POLICY, "group desk"));
    stats.onEvent(new SupervisorEvent.StateChanged("gateway", T, ProcessState.STOPPED, ProcessState.STARTING, Origin.POLICY, "group desk"));
    LocalDate day = LocalDate.of(2026, 6, 15);
    assertThat(stats.forDay(day, "feed").restarts()).isEqualTo(1);
    assertThat(stats.forDay(day, "gateway").restarts()).isZero();
    assertThat(stats.forDay(day, java.util.List.of("feed", "gateway")).restarts()).isEqualTo(1);
  }

  /**
   * Subscribed to a supervisor with {@link TradeDayStatistics#of}, the statistics take a process's stable period from its
   * {@code Registered} event (zero here: recovered at RUNNING), else the default policy's 60 s; the clock they were given
   * says when that has passed.
   */
  @Test
  void theStablePeriodIsTheRegisteredPolicysElseTheDefault() {
    TradingCalendar cal = TradingCalendar.builder("x").zone(ZoneOffset.UTC).session(SessionRule.of("day", LocalTime.of(8, 0), LocalTime.of(16, 0)))
        .build();
    java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(T);
    TradeDayStatistics stats = TradeDayStatistics.of(cal, now::get);
    stats.onEvent(new SupervisorEvent.Registered("quick", T, io.github.vigil.ProcessSpec.builder("quick").command("sleep", "1")
        .restartPolicy(io.github.vigil.RestartPolicy.onFailure().withStableAfter(java.time.Duration.ZERO)).build()));
    for (String p : java.util.List.of("quick", "unknown")) {
      stats.onEvent(new SupervisorEvent.StateChanged(p, T, ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS, "exit 3"));
      stats.onEvent(new SupervisorEvent.Started(p, T.plusSeconds(1), 100, 2));
      stats.onEvent(new SupervisorEvent.StateChanged(p, T.plusSeconds(1), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS, "up"));
    }
    LocalDate day = LocalDate.of(2026, 6, 15);
    assertThat(stats.forDay(day, "quick").recoveries()).isEqualTo(1);
    assertThat(stats.forDay(day, "quick").meanTimeToRecover()).isEqualTo(java.time.Duration.ofSeconds(1));
    assertThat(stats.forDay(day, "unknown").recoveries()).as("not up for 60 s yet").isZero();
    now.set(T.plusSeconds(61));
    assertThat(stats.forDay(day, "unknown").recoveries()).isEqualTo(1);
    assertThat(stats.forDay(day).recoveries()).isEqualTo(2);
  }
}
