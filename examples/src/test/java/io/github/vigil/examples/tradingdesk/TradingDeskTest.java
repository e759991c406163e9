package io.github.vigil.examples.tradingdesk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demo's desk, for real: the feed is restarted, the comms link hits its start limit, nothing is left. */
class TradingDeskTest {

  @Test
  @Timeout(90)
  void feedIsRestartedCommsFailsAndCloseLeavesNothing() throws Exception {
    List<SupervisorEvent> events = new CopyOnWriteArrayList<>();
    List<Long> pids = new CopyOnWriteArrayList<>();
    try (Supervisor supervisor = Supervisor.builder().name("desk-test").build()) {
      supervisor.subscribe(e -> {
        events.add(e);
        if (e instanceof SupervisorEvent.Started s) {
          pids.add(s.pid());
        }
      });
      supervisor.registerAll(TradingDesk.specs(TradingDesk.currentJava(), System.getProperty("java.class.path"), Duration.ofMillis(1500)));
      supervisor.startAll();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        boolean feedRestarted = supervisor.controller("quote-feed").orElseThrow().status().restarts() >= 2;
        boolean commsFailed = supervisor.controller("comms-link").orElseThrow().status().state() == ProcessState.FAILED;
        boolean gatewayUp = supervisor.controller("order-gateway").orElseThrow().status().state() == ProcessState.RUNNING;
        if (feedRestarted && commsFailed && gatewayUp) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(supervisor.controller("quote-feed").orElseThrow().status().restarts()).isGreaterThanOrEqualTo(2);
      assertThat(supervisor.controller("comms-link").orElseThrow().status().state()).isEqualTo(ProcessState.FAILED);
      assertThat(supervisor.controller("comms-link").orElseThrow().status().restarts()).isEqualTo(3);
      assertThat(supervisor.controller("order-gateway").orElseThrow().status().state()).isEqualTo(ProcessState.RUNNING);
      assertThat(events).anyMatch(e -> e instanceof SupervisorEvent.Failed f && f.process().equals("comms-link"));
    }
    assertThat(pids).isNotEmpty().allMatch(pid -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
  }
}
