package io.github.vigil.examples.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.GroupSpec;
import io.github.vigil.GroupState;
import io.github.vigil.HealthState;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Termination;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue #11's acceptance on the example as shipped (its {@code application.yml}: the {@code desk}
 * group, {@code REST_FOR_ONE} over the quote feed and the order gateway, which depends on the feed
 * being healthy): {@code kill -9} of the quote feed, twice. Each time the order gateway is started 0
 * times before the feed is HEALTHY again and exactly once after, the desk's strategy doing the
 * restart. Read from the events a listener heard, in the order they happened, from the supervisor's
 * creation on.
 */
@Timeout(150)
@EnabledOnOs(OS.LINUX) // kill -9
class GatewayFeedKillTest {

  @Test
  void theOrderGatewayIsStartedOnceAfterTheFeedIsHealthyAgainAndNeverBefore() throws Exception {
    Events events = new Events();
    SpringApplication app = new SpringApplication(GatewayApplication.class);
    // hears every event, from the supervisor bean's creation on
    app.addInitializers(context -> context.getBeanFactory().addBeanPostProcessor(new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String name) {
        if (bean instanceof Supervisor s) {
          s.subscribe(events::add);
        }
        return bean;
      }
    }));
    try (ConfigurableApplicationContext context = app.run("--server.port=0", "--gateway.feed-port=" + freePort(),
        "--vigil.defaults.output.log-to-slf4j=false", "--gateway.session.length=1h")) { // the session stays open meanwhile
      Supervisor supervisor = context.getBean(Supervisor.class);
      assertThat(supervisor.group("desk").orElseThrow().spec().strategy()).isEqualTo(GroupSpec.Strategy.REST_FOR_ONE);
      assertThat(supervisor.group("desk").orElseThrow().spec().children()).containsExactly("quote-feed", "order-gateway");
      ProcessController feed = supervisor.controller("quote-feed").orElseThrow();
      Duration wait = Duration.ofSeconds(45);
      events.await(running("order-gateway"), 1, wait); // started by the desk's schedule, once the feed was healthy
      for (int kill = 1; kill <= 2; kill++) {
        long pid = feed.status().pid();
        Process k = new ProcessBuilder("kill", "-KILL", Long.toString(pid)).inheritIO().start();
        assertThat(k.waitFor()).as("kill -KILL %d", pid).isZero();
        events.await(e -> e instanceof SupervisorEvent.Exited x && x.process().equals("quote-feed"), kill, wait);
        events.await(e -> e instanceof SupervisorEvent.HealthChanged h && h.process().equals("quote-feed") && h.to() == HealthState.HEALTHY,
            kill + 1, wait);
        events.await(running("order-gateway"), kill + 1, wait);
      }
      assertThat(supervisor.controller("order-gateway").orElseThrow().status().state()).isEqualTo(ProcessState.RUNNING);
      assertThat(supervisor.group("desk").orElseThrow().state()).isEqualTo(GroupState.RUNNING);

      // in the order things happened: between the feed's exit and its next HEALTHY no gateway start; after it exactly one
      List<SupervisorEvent> heard = events.all();
      int healthyFeeds = 0;
      int gatewayStartsSinceHealthy = 0;
      for (SupervisorEvent e : heard) {
        if (e instanceof SupervisorEvent.HealthChanged h && h.process().equals("quote-feed") && h.to() == HealthState.HEALTHY) {
          healthyFeeds++;
          gatewayStartsSinceHealthy = 0;
        } else if (e instanceof SupervisorEvent.Started s && s.process().equals("order-gateway")) {
          gatewayStartsSinceHealthy++;
          assertThat(healthyFeeds).as("a gateway start before the feed was ever healthy: %s", heard).isPositive();
          assertThat(gatewayStartsSinceHealthy).as("gateway starts since the feed's HEALTHY number %d: %s", healthyFeeds, heard).isEqualTo(1);
        } else if (e instanceof SupervisorEvent.Exited x && x.process().equals("quote-feed")) {
          gatewayStartsSinceHealthy = 1; // a gateway start before the next HEALTHY would make it 2
        }
      }
      assertThat(healthyFeeds).isEqualTo(3);
      assertThat(heard.stream().filter(e -> e instanceof SupervisorEvent.Exited x && x.process().equals("quote-feed"))
          .map(e -> ((SupervisorEvent.Exited) e).exit().termination())).hasSize(2)
          .allSatisfy(t -> assertThat(t).isInstanceOfSatisfying(Termination.Signaled.class, sig -> assertThat(sig.signal()).isEqualTo(9)));
      assertThat(heard.stream().filter(e -> e instanceof SupervisorEvent.Started s && s.process().equals("order-gateway"))).hasSize(3);
      // the desk did the restarts: REST_FOR_ONE from the feed on
      List<SupervisorEvent.GroupRestart> restarts = heard.stream().filter(e -> e instanceof SupervisorEvent.GroupRestart)
          .map(e -> (SupervisorEvent.GroupRestart) e).filter(r -> r.child().equals("quote-feed")).toList();
      assertThat(restarts).hasSize(2).allSatisfy(r -> {
        assertThat(r.process()).isEqualTo("desk");
        assertThat(r.restarted()).containsExactly("order-gateway");
      });
      assertThat(heard).noneMatch(e -> e instanceof SupervisorEvent.GroupFailed);
    }
  }

  private static Predicate<SupervisorEvent> running(String process) {
    return e -> e instanceof SupervisorEvent.StateChanged c && c.process().equals(process) && c.to() == ProcessState.RUNNING;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The events heard, in order; {@link #await} waits for the listener to have heard one. */
  static final class Events {
    private final List<SupervisorEvent> heard = new ArrayList<>();

    synchronized void add(SupervisorEvent e) {
      heard.add(e);
      notifyAll();
    }

    synchronized List<SupervisorEvent> all() {
      return List.copyOf(heard);
    }

    /** Waits until {@code count} heard events match; fails with what was heard after {@code timeout}. */
    synchronized void await(Predicate<SupervisorEvent> match, int count, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (heard.stream().filter(match).count() < count) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("fewer than " + count + " matching events within " + timeout + "; heard " + heard);
        }
        wait(Math.max(1, left / 1_000_000));
      }
    }
  }
}
