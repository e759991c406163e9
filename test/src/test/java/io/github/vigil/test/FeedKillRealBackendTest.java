package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.vigil.Backoff;
import io.github.vigil.Dependency;
import io.github.vigil.HealthCheck;
import io.github.vigil.HealthState;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.linux.LinuxBackendProvider;
import io.github.vigil.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * "What was seen" 1 on both real backends: the Spring example's {@code kill -9} of the quote feed. The
 * order gateway exits when it loses the feed; before, its own policy restarted it 1 to 4 times before
 * the feed was even spawned again. Now it is started 0 times before the feed is HEALTHY again and
 * once after, three kills in a row, and uses none of its start limit.
 */
@Timeout(180)
@EnabledOnOs(OS.LINUX)
class FeedKillRealBackendTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"jdk", "linux"})
  void theGatewayIsStartedOnceAfterTheFeedIsHealthyAgainAndNeverBefore(String backend, @TempDir Path dir) throws Exception {
    if (backend.equals("linux")) {
      assumeTrue(new LinuxBackendProvider().isAvailable(), "the Linux backend is not available here");
    }
    Path portFile = dir.resolve("feed.port");
    Path gatewayFile = dir.resolve("feed.port.gateway");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("java.class.path");
    RestartPolicy policy = RestartPolicy.onFailure().withBackoff(Backoff.exponential(Duration.ofMillis(200), 2.0, Duration.ofSeconds(10)))
        .withStartLimit(10, Duration.ofHours(1));
    EventRecorder rec = new EventRecorder();
    try (Supervisor sup = Supervisor.builder().name("feedkill-" + backend).backend(backend).build()) {
      sup.subscribe(rec);
      ProcessController feed = sup.register(ProcessSpec.builder("quote-feed")
          .command(java, "-cp", cp, FeedKillPrograms.Feed.class.getName(), portFile.toString())
          .startupGrace(Duration.ofMillis(200)).restartPolicy(policy)
          .healthCheck(HealthCheck.custom("feed-port", pid -> FeedKillPrograms.feedAccepts(portFile)
                  ? HealthCheck.Outcome.healthy("accepts connections") : HealthCheck.Outcome.unhealthy("connection refused"))
              .interval(Duration.ofMillis(300)).timeout(Duration.ofMillis(300)).failureThreshold(3).startPeriod(Duration.ofSeconds(15)).build())
          .build());
      ProcessController gateway = sup.register(ProcessSpec.builder("order-gateway")
          .command(java, "-cp", cp, FeedKillPrograms.Gateway.class.getName(), portFile.toString())
          .startupGrace(Duration.ofMillis(200)).restartPolicy(policy)
          .dependsOn("quote-feed", Dependency.Condition.HEALTHY).build());
      sup.startAll().toCompletableFuture().get();
      Duration wait = Duration.ofSeconds(40);
      for (int kill = 1; kill <= 3; kill++) {
        rec.awaitState("order-gateway", ProcessState.RUNNING, kill, wait);
        // the gateway has the feed before the feed is killed: a gateway killed in its JVM's start-up, before it read the
        // feed's port, could end before the feed's death was known, and its restart was scheduled (under load, twice). The
        // gateway says so itself: the feed's word that a client connected was also the health check's probe's
        assertThat(Processes.eventually(wait, () -> Files.exists(gatewayFile))).as("the gateway connected to the feed").isTrue();
        Files.delete(gatewayFile);
        long feedPid = feed.status().pid();
        Files.deleteIfExists(portFile);
        Processes.kill(feedPid, "KILL");
        rec.await(SupervisorEvent.HealthChanged.class, h -> h.process().equals("quote-feed") && h.to() == HealthState.HEALTHY,
            kill + 1, wait);
        rec.await(SupervisorEvent.Started.class, s -> s.process().equals("order-gateway"), kill + 1, wait);
      }
      rec.awaitState("order-gateway", ProcessState.RUNNING, 4, wait);
      assertThat(gateway.status().state()).isEqualTo(ProcessState.RUNNING);
      // in the order things happened: between two HEALTHY feeds, exactly one gateway start, after the HEALTHY
      List<SupervisorEvent> events = rec.events();
      int healthyFeeds = 0;
      int gatewayStartsSinceHealthy = 0;
      for (SupervisorEvent e : events) {
        if (e instanceof SupervisorEvent.HealthChanged h && h.process().equals("quote-feed") && h.to() == HealthState.HEALTHY) {
          healthyFeeds++;
          gatewayStartsSinceHealthy = 0;
        } else if (e instanceof SupervisorEvent.Started s && s.process().equals("order-gateway")) {
          gatewayStartsSinceHealthy++;
          assertThat(healthyFeeds).as("a gateway start before the feed was ever healthy: %s", events).isPositive();
          assertThat(gatewayStartsSinceHealthy).as("gateway starts since the feed's HEALTHY number %d: %s", healthyFeeds, events).isEqualTo(1);
        } else if (e instanceof SupervisorEvent.Exited x && x.process().equals("quote-feed")) {
          gatewayStartsSinceHealthy = 1; // a gateway start before the next HEALTHY would make it 2
        }
      }
      assertThat(rec.of(SupervisorEvent.Started.class, "order-gateway")).hasSize(4);
      assertThat(rec.of(SupervisorEvent.RestartScheduled.class, "order-gateway")).isEmpty();
    }
  }
}
