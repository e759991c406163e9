package io.github.vigil.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.SupervisorEvent.RestartDeferred;
import io.github.vigil.SupervisorEvent.ScheduleStarted;
import io.github.vigil.SupervisorEvent.ScheduleStopped;
import io.github.vigil.SupervisorEvent.Started;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.TradingDayClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A simulated trading week on the example Shanghai futures calendar, on a virtual clock: the engine
 * on a backend whose processes die exactly when the test says. The gateway's schedule: in session,
 * started 5 minutes before the first (night) session, stopped 10 minutes after the 15:00 close, no
 * restarts in a "pre-close" freeze from 14:50 to 14:55, up through the night between a night session
 * and the day sessions but not over a weekend. Thursday 18 June is followed by a holiday
 * (Friday 19 June, Dragon Boat in the example data), so it has no night session after it, and
 * Monday 22 June's night session is not held either.
 */
@Timeout(60)
class TradingWeekAcceptanceTest {
  private static final ZoneId SH = ZoneId.of("Asia/Shanghai");
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final TradingDayClock clock = TradingDayClock.startingAt(SH, LocalDate.of(2026, 6, 11), "16:00"); // Thursday, after the close
  private final FakeBackend backend = new FakeBackend();
  private final Supervisor sup = Supervisor.builder().name("desk").backend(backend).ticker(clock).scheduler(clock)
      .instantSource(clock).closeTimeout(Duration.ofSeconds(2)).build();
  private final EventRecorder rec = new EventRecorder();
  private TradingSupervision trading;

  @AfterEach
  void tearDown() {
    if (trading != null) {
      trading.close();
    }
    sup.close();
  }

  private <T extends SupervisorEvent> List<T> await(Class<T> type, int count) throws InterruptedException {
    return rec.await(type, e -> e.process().equals("gateway"), count, WAIT);
  }

  @Test
  void aTradingWeek() throws Exception {
    ProcessController gw = sup.register(ProcessSpec.builder("gateway").command("sleep", "1000").startupGrace(Duration.ZERO)
        .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(5)))).autoStart(false).build());
    TradingCalendar shfe = ExampleCalendars.shfe();
    Schedule schedule = Schedule.inSession(shfe).withLead(Duration.ofMinutes(5)).withLag(Duration.ofMinutes(10))
        .withFreeze(FreezeWindow.daily("pre-close", LocalTime.of(14, 50), LocalTime.of(14, 55)));
    trading = TradingSupervision.builder(sup).instantSource(clock).scheduler(clock).schedule("gateway", schedule).build();
    trading.subscribe(rec);
    trading.start();
    assertThat(gw.status().state()).isEqualTo(ProcessState.STOPPED);
    assertThat(trading.state("gateway").orElseThrow().phase()).isEqualTo(Schedule.Phase.DOWN);
    assertThat(trading.state("gateway").orElseThrow().nextChange()).isEqualTo(clock.at(2026, 6, 11, "20:55"));

    // Thursday 20:55: five minutes before Friday's night session opens
    clock.advanceTo(clock.at(2026, 6, 11, "20:55"));
    assertThat(await(Started.class, 1).get(0).at()).isEqualTo(clock.at(2026, 6, 11, "20:55"));
    assertThat(rec.awaitState("gateway", ProcessState.RUNNING, 1, WAIT).get(0).at()).isEqualTo(clock.at(2026, 6, 11, "20:55"));
    assertThat(await(ScheduleStarted.class, 1).get(0).tradeDay()).isEqualTo(LocalDate.of(2026, 6, 12));
    clock.advanceTo(clock.at(2026, 6, 11, "21:00"));
    assertThat(rec.await(SupervisorEvent.SessionOpened.class, e -> true, 1, WAIT).get(0))
        .isEqualTo(new SupervisorEvent.SessionOpened("shfe", clock.at(2026, 6, 11, "21:00"), LocalDate.of(2026, 6, 12), "night", clock.at(2026, 6, 12, "02:30")));

    // Friday 10:20: a crash in session is restarted by the policy, 5 s later
    clock.advanceTo(clock.at(2026, 6, 12, "10:20"));
    backend.exit("gateway", 3);
    rec.await(SupervisorEvent.RestartScheduled.class, e -> true, 1, WAIT);
    assertThat(io.github.vigil.testing.Processes.eventually(WAIT, () -> clock.pending().contains(Duration.ofSeconds(5)))).isTrue();
    clock.advanceTo(clock.at(2026, 6, 12, "10:20").plusSeconds(5));
    assertThat(await(Started.class, 2).get(1).at()).isEqualTo(clock.at(2026, 6, 12, "10:20").plusSeconds(5));
    rec.awaitState("gateway", ProcessState.RUNNING, 2, WAIT);

    // Friday 14:52: a crash inside the freeze window is deferred to its end, 14:55
    clock.advanceTo(clock.at(2026, 6, 12, "14:52"));
    backend.exit("gateway", 4);
    RestartDeferred deferred = await(RestartDeferred.class, 1).get(0);
    assertThat(deferred.at()).isEqualTo(clock.at(2026, 6, 12, "14:52"));
    assertThat(deferred.restartAt()).contains(clock.at(2026, 6, 12, "14:55"));
    assertThat(deferred.window()).isEqualTo("pre-close");
    rec.awaitState("gateway", ProcessState.CRASHED, 2, WAIT);
    clock.advanceTo(clock.at(2026, 6, 12, "14:54"));
    assertThat(gw.status().state()).isEqualTo(ProcessState.CRASHED);
    clock.advanceTo(clock.at(2026, 6, 12, "14:55"));
    assertThat(await(Started.class, 3).get(2).at()).isEqualTo(clock.at(2026, 6, 12, "14:55"));
    rec.awaitState("gateway", ProcessState.RUNNING, 3, WAIT);
    assertThat(await(ScheduleStarted.class, 2).get(1).reason()).isEqualTo("restart deferred by freeze window pre-close");

    // Friday 15:05: a crash after the close is not restarted, and reaches listeners only as OutsideWindow
    clock.advanceTo(clock.at(2026, 6, 12, "15:05"));
    backend.exit("gateway", 5);
    List<SupervisorEvent.OutsideWindow> outside = rec.await(SupervisorEvent.OutsideWindow.class, e -> true, 2, WAIT);
    assertThat(outside).extracting(o -> o.event().getClass().getSimpleName()).containsExactly("Exited", "StateChanged");
    assertThat(outside.get(0).at()).isEqualTo(clock.at(2026, 6, 12, "15:05"));
    // 15:10: stopped by the schedule, ten minutes after the close
    clock.advanceTo(clock.at(2026, 6, 12, "15:10"));
    assertThat(await(ScheduleStopped.class, 1).get(0).at()).isEqualTo(clock.at(2026, 6, 12, "15:10"));
    rec.awaitState("gateway", ProcessState.STOPPED, 1, WAIT);
    assertThat(rec.of(SupervisorEvent.Exited.class, "gateway")).hasSize(2); // 10:20 and 14:52; 15:05 was recorded as OutsideWindow
    assertThat(rec.of(SupervisorEvent.StateChanged.class, "gateway")).noneMatch(s -> s.to() == ProcessState.CRASHED && s.at().equals(clock.at(2026, 6, 12, "15:05")));
    assertThat(rec.of(SupervisorEvent.RestartScheduled.class)).hasSize(1);
    assertThat(gw.history()).hasSize(3);
    assertThat(trading.tradeDay("gateway", gw.history().get(0))).contains(LocalDate.of(2026, 6, 12)); // started Thursday 20:55

    // statistics of the trade day: 3 starts, 2 restarts by the policy (after 5 s, and the one deferred to the
    // window's end), 2 crashes in the window (recovered in 5 s and in 3 min: MTTR 92.5 s), 1 restart deferred, 1 exit
    // outside the window
    assertThat(trading.statistics().today("gateway")).isEqualTo(
        new DayStatistics(LocalDate.of(2026, 6, 12), 3, 2, 2, 1, 1, 2, Duration.ofMillis(92_500)));
    assertThat(gw.statistics().restarts()).as("the supervisor's count, as the trade day's").isEqualTo(2);
    // and zero again from the cut-over at 18:00 (the trade day is now Monday 15 June)
    clock.advanceTo(clock.at(2026, 6, 12, "18:00"));
    assertThat(trading.statistics().today("gateway")).isEqualTo(DayStatistics.empty(LocalDate.of(2026, 6, 15)));
    assertThat(trading.statistics().forDay(LocalDate.of(2026, 6, 12)).starts()).isEqualTo(3);

    // the rest of the week, edge by edge: start at 20:55 on the evening before each trade day with a night
    // session, stop at 15:10. Monday's night session is on Friday evening: the gap from its 02:30 close to
    // Monday's 09:00 open is longer than the schedule's maxGap (12 h), so the gateway is stopped on
    // Saturday at 02:40 and started again on Monday at 08:55. Thursday 18 June has no night session after
    // it (Friday 19 is a holiday), and Monday 22 June has none either, so it starts at 08:55
    List<Instant> starts = List.of(clock.at(2026, 6, 12, "20:55"), clock.at(2026, 6, 15, "08:55"), clock.at(2026, 6, 15, "20:55"), clock.at(2026, 6, 16, "20:55"),
        clock.at(2026, 6, 17, "20:55"), clock.at(2026, 6, 22, "08:55"));
    List<Instant> stops = List.of(clock.at(2026, 6, 13, "02:40"), clock.at(2026, 6, 15, "15:10"), clock.at(2026, 6, 16, "15:10"), clock.at(2026, 6, 17, "15:10"),
        clock.at(2026, 6, 18, "15:10"), clock.at(2026, 6, 22, "15:10"));
    int started = 3;
    int stopped = 1;
    for (int i = 0; i < starts.size(); i++) {
      clock.advanceTo(starts.get(i));
      started++;
      assertThat(await(Started.class, started).get(started - 1).at()).isEqualTo(starts.get(i));
      rec.awaitState("gateway", ProcessState.RUNNING, started, WAIT);
      assertThat(trading.state("gateway").orElseThrow().phase()).isEqualTo(Schedule.Phase.UP);
      clock.advanceTo(stops.get(i));
      stopped++;
      assertThat(await(ScheduleStopped.class, stopped).get(stopped - 1).at()).isEqualTo(stops.get(i));
      rec.awaitState("gateway", ProcessState.STOPPED, stopped, WAIT);
    }
    // nothing started on the holiday, nor on the Thursday evening before it
    assertThat(rec.of(ScheduleStarted.class, "gateway")).extracting(ScheduleStarted::at)
        .noneMatch(t -> t.isAfter(clock.at(2026, 6, 18, "15:10")) && t.isBefore(clock.at(2026, 6, 22, "08:55")));
    assertThat(rec.of(ScheduleStarted.class, "gateway")).hasSize(2 + starts.size());
    assertThat(rec.of(SupervisorEvent.SessionOpened.class)).noneMatch(s -> s.tradeDay().equals(LocalDate.of(2026, 6, 19)));
    assertThat(rec.of(SupervisorEvent.SessionOpened.class)).filteredOn(s -> s.tradeDay().equals(LocalDate.of(2026, 6, 22)))
        .extracting(SupervisorEvent.SessionOpened::session).containsExactly("morning-1", "morning-2", "afternoon");
  }
}
