package io.github.vigil.examples.tradingdesk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.GroupSpec;
import io.github.vigil.GroupState;
import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo's desk, for real: the tree starts in declared order, each crash of the quote feed restarts
 * the gateways after it (REST_FOR_ONE: stopped last first, started again in order once the feed is
 * back), the comms link in no group hits its start limit, the demo's tree rendering shows it all, and
 * closing leaves nothing running.
 */
class TradingDeskTest {

  @Test
  @Timeout(90)
  void aFeedCrashRestartsTheGatewaysAfterItAndCloseLeavesNothing() throws Exception {
    Events events = new Events();
    List<Long> pids = new ArrayList<>();
    String gw1 = TradingDesk.gateway("001");
    String gw2 = TradingDesk.gateway("002");
    try (Supervisor supervisor = Supervisor.builder().name("desk-test").build()) {
      supervisor.subscribe(events);
      supervisor.subscribe(e -> {
        if (e instanceof SupervisorEvent.Started s) {
          synchronized (pids) {
            pids.add(s.pid());
          }
        }
      });
      supervisor.registerAll(TradingDesk.specs(TradingDesk.currentJava(), System.getProperty("java.class.path"), Duration.ofMillis(1500), true));
      TradingDesk.groups().forEach(supervisor::registerGroup);
      supervisor.startAll(); // the comms link only: the desk's processes are its groups'
      // not awaited: the feed crashes 1.5 s after each start, and on a slow machine that can be before the last
      // gateway is RUNNING, which fails the group's start (REST_FOR_ONE stops the gateways); the events tell the rest
      supervisor.group(TradingDesk.DESK).orElseThrow().start();
      Duration wait = Duration.ofSeconds(40);
      // two crashes of the feed, each restarting the gateways after it
      events.await(e -> e instanceof SupervisorEvent.GroupRestart r && r.process().equals(TradingDesk.DESK), 2, wait);
      events.await(e -> e instanceof SupervisorEvent.Started s && s.process().equals(gw2), 3, wait);
      events.await(e -> e instanceof SupervisorEvent.Failed f && f.process().equals("comms-link"), 1, wait);

      List<SupervisorEvent> heard = events.all();
      SupervisorEvent.GroupRestart first = heard.stream().filter(e -> e instanceof SupervisorEvent.GroupRestart)
          .map(e -> (SupervisorEvent.GroupRestart) e).findFirst().orElseThrow();
      assertThat(first.child()).isEqualTo("quote-feed");
      assertThat(first.strategy()).isEqualTo(GroupSpec.Strategy.REST_FOR_ONE);
      assertThat(first.restarted()).containsExactly(TradingDesk.GATEWAYS);
      // the order of starts and stops: the tree in declared order; after the feed's crash the gateways stopped last first,
      // then the feed back, then the gateways in order
      List<String> order = heard.stream().map(TradingDeskTest::step).filter(s -> s != null).toList();
      assertThat(order).containsSubsequence("start quote-feed", "start " + gw1, "start " + gw2,
          "crash quote-feed", "stop " + gw2, "stop " + gw1, "start quote-feed", "start " + gw1, "start " + gw2);
      assertThat(supervisor.controller("comms-link").orElseThrow().status().state()).isEqualTo(ProcessState.FAILED);
      assertThat(supervisor.controller("comms-link").orElseThrow().status().restarts()).isEqualTo(3);
      assertThat(supervisor.group(TradingDesk.DESK).orElseThrow().state()).isEqualTo(GroupState.RUNNING);

      // the demo's rendering of the tree
      Map<String, Integer> restarts = new ConcurrentHashMap<>(Map.of(TradingDesk.DESK, 2));
      String tree = TradingDeskDemo.tree(supervisor, restarts);
      List<String> lines = tree.lines().toList();
      assertThat(lines.get(0)).startsWith("TREE").contains("STATE", "PID", "LAST EXIT");
      assertThat(lines.get(1)).startsWith("desk  REST_FOR_ONE").contains("RUNNING", "intensity 15 in 1 min, 2 restarts by its strategy");
      assertThat(lines.get(2)).startsWith("├─ quote-feed");
      assertThat(lines.get(3)).startsWith("└─ gateways  ONE_FOR_ONE");
      assertThat(lines.get(4)).startsWith("   ├─ " + gw1);
      assertThat(lines.get(5)).startsWith("   └─ " + gw2);
      assertThat(lines.get(6)).startsWith("comms-link").contains("FAILED");
      assertThat(TradingDeskDemo.describe(first)).isEqualTo("group desk (REST_FOR_ONE): quote-feed ended, restarting gateways after it"
          + " (restart 1 within its period)");
    }
    synchronized (pids) {
      assertThat(pids).isNotEmpty().allMatch(pid -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
    }
  }

  /** "start X", "stop X" (a stop by the supervisor) or "crash X"; null for other events. */
  private static String step(SupervisorEvent e) {
    if (e instanceof SupervisorEvent.Started s) {
      return "start " + s.process();
    }
    if (e instanceof SupervisorEvent.Exited x) {
      return (x.exit().cause().isFailure() ? "crash " : "stop ") + x.process();
    }
    return null;
  }
}
