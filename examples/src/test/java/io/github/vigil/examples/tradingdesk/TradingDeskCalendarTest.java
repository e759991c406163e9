package io.github.vigil.examples.tradingdesk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.calendar.TradingCalendar;
import io.github.vigil.calendar.TradingSupervision;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demo's synthetic calendar, for real: the gateway is started before the open and stopped after the close. */
class TradingDeskCalendarTest {

  @Test
  @Timeout(60)
  void theGatewayRunsByTheDemoCalendar() throws Exception {
    List<SupervisorEvent> events = new CopyOnWriteArrayList<>();
    try (Supervisor supervisor = Supervisor.builder().name("desk-calendar-test").build()) {
      supervisor.registerAll(TradingDesk.specs(TradingDesk.currentJava(), System.getProperty("java.class.path"), Duration.ofSeconds(30), true));
      supervisor.startAll();
      Instant t0 = Instant.now();
      TradingCalendar calendar = TradingDesk.demoCalendar(t0, Duration.ofSeconds(3), Duration.ofSeconds(4));
      assertThat(calendar.isOpen(t0)).isFalse();
      assertThat(calendar.nextOpen(t0)).isBetween(t0.plusSeconds(2), t0.plusSeconds(3));
      TradingSupervision trading = TradingSupervision.builder(supervisor)
          .schedule("order-gateway", TradingDesk.gatewaySchedule(calendar, Duration.ofSeconds(1), Duration.ofSeconds(1))).build();
      trading.subscribe(events::add);
      trading.start();
      assertThat(supervisor.controller("order-gateway").orElseThrow().status().state()).isEqualTo(ProcessState.STOPPED);
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      while (System.nanoTime() < deadline && events.stream().noneMatch(e -> e instanceof SupervisorEvent.ScheduleStopped)) {
        Thread.sleep(100);
      }
      Instant open = calendar.nextOpen(t0);
      Instant close = calendar.nextClose(t0);
      SupervisorEvent.ScheduleStarted started = first(events, SupervisorEvent.ScheduleStarted.class);
      SupervisorEvent.ScheduleStopped stopped = first(events, SupervisorEvent.ScheduleStopped.class);
      // on the system clock and scheduler: each edge a little after its instant, never before
      assertThat(started.at()).isBetween(open.minusSeconds(1), open.minusSeconds(1).plusMillis(900));
      assertThat(first(events, SupervisorEvent.SessionOpened.class).at()).isEqualTo(open);
      assertThat(first(events, SupervisorEvent.SessionClosed.class).at()).isEqualTo(close);
      assertThat(stopped.at()).isBetween(close.plusSeconds(1), close.plusSeconds(1).plusMillis(900));
      assertThat(events).anyMatch(e -> e instanceof SupervisorEvent.Started s && s.process().equals("order-gateway"));
      while (System.nanoTime() < deadline && supervisor.controller("order-gateway").orElseThrow().status().state() != ProcessState.STOPPED) {
        Thread.sleep(50);
      }
      assertThat(supervisor.controller("order-gateway").orElseThrow().status().state()).isEqualTo(ProcessState.STOPPED);
      trading.close();
    }
  }

  private static <T extends SupervisorEvent> T first(List<SupervisorEvent> events, Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in " + events));
  }
}
