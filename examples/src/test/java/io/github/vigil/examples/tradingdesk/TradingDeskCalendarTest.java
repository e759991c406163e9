package io.github.vigil.examples.tradingdesk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.GroupState;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.calendar.TradingCalendar;
import io.github.vigil.calendar.TradingSupervision;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo's synthetic calendar, for real: the desk group is started before the open (the feed, then
 * the gateways) and stopped after the close (the gateways first, the feed last).
 */
class TradingDeskCalendarTest {

  @Test
  @Timeout(60)
  void theDeskRunsByTheDemoCalendar() throws Exception {
    Events events = new Events();
    try (Supervisor supervisor = Supervisor.builder().name("desk-calendar-test").build()) {
      // a feed that does not crash meanwhile
      supervisor.registerAll(TradingDesk.specs(TradingDesk.currentJava(), System.getProperty("java.class.path"), Duration.ofSeconds(60), true));
      TradingDesk.groups().forEach(supervisor::registerGroup);
      Instant t0 = Instant.now();
      TradingCalendar calendar = TradingDesk.demoCalendar(t0, Duration.ofSeconds(3), Duration.ofSeconds(4));
      assertThat(calendar.isOpen(t0)).isFalse();
      assertThat(calendar.nextOpen(t0)).isBetween(t0.plusSeconds(2), t0.plusSeconds(3));
      TradingSupervision trading = TradingSupervision.builder(supervisor)
          .schedule(TradingDesk.DESK, TradingDesk.deskSchedule(calendar, Duration.ofSeconds(1), Duration.ofSeconds(1))).build();
      trading.subscribe(events);
      trading.start();
      assertThat(supervisor.group(TradingDesk.DESK).orElseThrow().state()).isEqualTo(GroupState.STOPPED);
      assertThat(supervisor.controller("quote-feed").orElseThrow().status().state()).isEqualTo(ProcessState.STOPPED);
      Duration wait = Duration.ofSeconds(40);
      events.await(e -> e instanceof SupervisorEvent.ScheduleStopped s && s.process().equals(TradingDesk.DESK), 1, wait);
      String last = TradingDesk.gateway(TradingDesk.ACCOUNTS.get(TradingDesk.ACCOUNTS.size() - 1));
      events.await(e -> e instanceof SupervisorEvent.Exited x && x.process().equals("quote-feed"), 1, wait);
      // the state a controller reports is STOPPED once its StateChanged is published, just after its Exited
      for (ProcessController c : supervisor.controllers()) {
        if (!c.name().equals("comms-link")) {
          events.await(e -> e instanceof SupervisorEvent.StateChanged x && x.process().equals(c.name())
              && x.from() == ProcessState.STOPPING && x.to() == ProcessState.STOPPED, 1, wait);
        }
      }
      List<SupervisorEvent> heard = events.all();
      Instant open = calendar.nextOpen(t0);
      Instant close = calendar.nextClose(t0);
      SupervisorEvent.ScheduleStarted started = first(heard, SupervisorEvent.ScheduleStarted.class);
      SupervisorEvent.ScheduleStopped stopped = first(heard, SupervisorEvent.ScheduleStopped.class);
      // on the system clock and scheduler: each edge a little after its instant, never before
      assertThat(started.process()).isEqualTo(TradingDesk.DESK);
      assertThat(started.at()).isBetween(open.minusSeconds(1), open.minusSeconds(1).plusMillis(900));
      assertThat(first(heard, SupervisorEvent.SessionOpened.class).at()).isEqualTo(open);
      assertThat(first(heard, SupervisorEvent.SessionClosed.class).at()).isEqualTo(close);
      assertThat(stopped.at()).isBetween(close.plusSeconds(1), close.plusSeconds(1).plusMillis(900));
      // started in declared order, stopped in reverse
      List<String> order = heard.stream().filter(e -> e instanceof SupervisorEvent.Started || e instanceof SupervisorEvent.Exited)
          .map(e -> (e instanceof SupervisorEvent.Started ? "start " : "end ") + e.process()).toList();
      assertThat(order).containsSubsequence("start quote-feed", "start " + TradingDesk.gateway("001"), "start " + last,
          "end " + last, "end " + TradingDesk.gateway("001"), "end quote-feed");
      assertThat(supervisor.controllers()).filteredOn(c -> !c.name().equals("comms-link"))
          .allSatisfy(c -> assertThat(c.status().state()).as(c.name()).isEqualTo(ProcessState.STOPPED));
      trading.close();
    }
  }

  private static <T extends SupervisorEvent> T first(List<SupervisorEvent> events, Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " in " + events));
  }
}
