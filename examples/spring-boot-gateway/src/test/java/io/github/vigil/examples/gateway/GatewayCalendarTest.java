package io.github.vigil.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.GroupState;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.calendar.Schedule;
import io.github.vigil.calendar.TradingCalendar;
import io.github.vigil.calendar.TradingSupervision;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example's synthetic session, opened and closed for real: the desk (the quote feed and the
 * order gateway) runs with the application and is stopped by its schedule 3 s after the close, the
 * gateway first.
 */
@Timeout(90)
class GatewayCalendarTest {

  @Test
  void theDeskIsStoppedByItsScheduleAfterTheCloseInReverseOrder() throws Exception {
    int feedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      feedPort = s.getLocalPort();
    }
    try (ConfigurableApplicationContext context = new SpringApplication(GatewayApplication.class).run("--server.port=0",
        "--gateway.feed-port=" + feedPort, "--vigil.defaults.output.log-to-slf4j=false", "--gateway.session.opens-in=15s",
        "--gateway.session.length=6s")) {
      Supervisor supervisor = context.getBean(Supervisor.class);
      TradingSupervision trading = context.getBean(TradingSupervision.class);
      ProcessController gateway = supervisor.controller("order-gateway").orElseThrow();
      TradingCalendar demo = trading.calendar("demo").orElseThrow();
      // the session of the day the application started
      Instant close = demo.sessions(demo.tradeDay(Instant.now().minusSeconds(60))).get(0).close();
      assertThat(close).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(22));
      // the desk starts with its window; on a machine so loaded that the context came up at the close, it rightly never starts
      assumeTrue(Instant.now().isBefore(close.minusSeconds(3)),
          () -> "the context came up " + Duration.between(Instant.now(), close) + " before the close: too late to see the desk run");
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      // started by the desk's schedule (once the feed is healthy), then stopped after the close
      while (System.nanoTime() < deadline && (gateway.history().isEmpty() || gateway.status().state() != ProcessState.STOPPED)) {
        Thread.sleep(50);
      }
      assertThat(gateway.history()).as("the gateway's runs: the desk was started by its schedule").isNotEmpty();
      assertThat(gateway.status().state()).isEqualTo(ProcessState.STOPPED);
      assertThat(Instant.now()).isAfterOrEqualTo(close.plusSeconds(3));
      assertThat(trading.state("desk").orElseThrow().phase()).isEqualTo(Schedule.Phase.DOWN);
      // the whole desk: stopped in reverse, the gateway first, then its feed
      ProcessController feed = supervisor.controller("quote-feed").orElseThrow();
      while (System.nanoTime() < deadline && feed.status().state() != ProcessState.STOPPED) {
        Thread.sleep(50);
      }
      assertThat(feed.status().state()).isEqualTo(ProcessState.STOPPED);
      assertThat(supervisor.group("desk").orElseThrow().state()).isEqualTo(GroupState.STOPPED);
      Instant gatewayEnded = gateway.history().get(gateway.history().size() - 1).ended().orElseThrow();
      Instant feedEnded = feed.history().get(feed.history().size() - 1).ended().orElseThrow();
      assertThat(gatewayEnded).isBeforeOrEqualTo(feedEnded);
      assertThat(trading.statistics().todayAll().starts()).isGreaterThanOrEqualTo(2);
    }
  }
}
