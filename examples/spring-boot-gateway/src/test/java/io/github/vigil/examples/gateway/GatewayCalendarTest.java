package io.github.vigil.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The example's synthetic session, opened and closed for real: the order gateway runs with the
 * application and is stopped by its schedule 3 s after the close.
 */
@Timeout(90)
class GatewayCalendarTest {

  @Test
  void theOrderGatewayIsStoppedByItsScheduleAfterTheClose() throws Exception {
    int feedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      feedPort = s.getLocalPort();
    }
    try (ConfigurableApplicationContext context = new SpringApplication(GatewayApplication.class).run("--server.port=0",
        "--gateway.feed-port=" + feedPort, "--vigil.defaults.output.log-to-slf4j=false", "--gateway.session.opens-in=4s",
        "--gateway.session.length=3s")) {
      Supervisor supervisor = context.getBean(Supervisor.class);
      TradingSupervision trading = context.getBean(TradingSupervision.class);
      ProcessController gateway = supervisor.controller("order-gateway").orElseThrow();
      TradingCalendar demo = trading.calendar("demo").orElseThrow();
      // the session of the day the application started (on a loaded machine the context may come up after it closed:
      // then the schedule stops the gateway at once)
      Instant close = demo.sessions(demo.tradeDay(Instant.now().minusSeconds(60))).get(0).close();
      assertThat(close).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(8));
      long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
      while (System.nanoTime() < deadline && gateway.status().state() != ProcessState.STOPPED) {
        Thread.sleep(50);
      }
      assertThat(gateway.status().state()).isEqualTo(ProcessState.STOPPED);
      assertThat(Instant.now()).isAfterOrEqualTo(close.plusSeconds(3));
      assertThat(trading.state("order-gateway").orElseThrow().phase()).isEqualTo(Schedule.Phase.DOWN);
      assertThat(supervisor.controller("quote-feed").orElseThrow().status().state()).isEqualTo(ProcessState.RUNNING); // not scheduled
      assertThat(trading.statistics().todayAll().starts()).isGreaterThanOrEqualTo(2);
    }
  }
}
