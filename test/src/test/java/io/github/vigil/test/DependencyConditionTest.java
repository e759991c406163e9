package io.github.vigil.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vigil.Backoff;
import io.github.vigil.Dependency;
import io.github.vigil.HealthCheck;
import io.github.vigil.HealthState;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Signal;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * "What was seen" 1 and 2 on the fake backend: dependency conditions hold for every start, policy
 * restarts included, and a dependency's end has the declared effect on its dependents.
 */
@Timeout(60)
class DependencyConditionTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private static RestartPolicy gatewayPolicy() { // the Spring example's: 10 restarts per hour, 200 ms doubling to 10 s
    return RestartPolicy.onFailure().withBackoff(Backoff.exponential(Duration.ofMillis(200), 2.0, Duration.ofSeconds(10)))
        .withStartLimit(10, Duration.ofHours(1));
  }

  /**
   * The Spring example's feed kill, six times in an hour: the order gateway (which exits when its feed
   * connection drops) is started 0 times before the feed is HEALTHY again and once after; it uses
   * none of its start limit, its backoff never grows, and it never becomes FAILED.
   */
  @Test
  void theGatewayWaitsForTheFeedToBeHealthyAgainAfterEveryFeedKill() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      AtomicBoolean portOpen = new AtomicBoolean();
      java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
      Supervisor sup = kit.supervisor();
      ProcessController feed = sup.register(ProcessSpec.builder("quote-feed").command("feed").startupGrace(Duration.ofSeconds(1))
          .restartPolicy(gatewayPolicy())
          .healthCheck(HealthCheck.custom("feed-port", pid -> {
            calls.incrementAndGet();
            return portOpen.get() ? HealthCheck.Outcome.healthy("accepts connections") : HealthCheck.Outcome.unhealthy("connection refused");
          }).interval(Duration.ofSeconds(1)).timeout(Duration.ofMillis(500)).failureThreshold(3).startPeriod(Duration.ofSeconds(15)).build())
          .build());
      ProcessController gateway = sup.register(ProcessSpec.builder("order-gateway").command("gateway").startupGrace(Duration.ofSeconds(1))
          .restartPolicy(gatewayPolicy()).dependsOn("quote-feed", Dependency.Condition.HEALTHY).build());
      sup.startAll();
      step(kit, feed, calls, Duration.ofSeconds(1));
      portOpen.set(true);
      step(kit, feed, calls, Duration.ofSeconds(3));
      assertThat(feed.health().state()).isEqualTo(HealthState.HEALTHY);
      assertThat(gateway.status().state()).isEqualTo(ProcessState.RUNNING);
      assertThat(kit.backend().runs("order-gateway")).hasSize(1);

      for (int kill = 1; kill <= 6; kill++) {
        portOpen.set(false);                                          // its port closes with it, and a new feed opens it later
        kit.backend().last("quote-feed").kill(Signal.SIGKILL);        // kill -9 of the feed
        kit.backend().last("order-gateway").exit(1);                  // the gateway loses its connection and exits
        kit.awaitIdle();
        assertThat(gateway.status().state()).as("kill %d", kill).isEqualTo(ProcessState.WAITING);
        assertThat(gateway.status().detail()).contains("waiting for quote-feed to be HEALTHY");
        // the feed is restarted and starts its JVM; the gateway is started 0 times meanwhile
        step(kit, feed, calls, Duration.ofSeconds(5));
        assertThat(feed.status().state()).as("kill %d: %s", kill, kit.events().events("quote-feed")).isEqualTo(ProcessState.RUNNING);
        assertThat(kit.backend().runs("order-gateway")).as("kill %d", kill).hasSize(kill);
        assertThat(gateway.status().state()).isEqualTo(ProcessState.WAITING);
        portOpen.set(true);
        while (feed.health().state() != HealthState.HEALTHY) {
          assertThat(kit.backend().runs("order-gateway")).as("kill %d", kill).hasSize(kill);
          step(kit, feed, calls, Duration.ofMillis(100));
        }
        // ... and once, at once, after it is HEALTHY
        assertThat(kit.backend().runs("order-gateway")).as("kill %d: %s", kill, gateway.status()).hasSize(kill + 1);
        step(kit, feed, calls, Duration.ofSeconds(1));
        assertThat(gateway.status().state()).isEqualTo(ProcessState.RUNNING);
        step(kit, feed, calls, Duration.ofSeconds(60));
      }
      assertThat(gateway.status().state()).isEqualTo(ProcessState.RUNNING);
      assertThat(kit.events().of(SupervisorEvent.RestartScheduled.class, "order-gateway")).isEmpty(); // no backoff used
      assertThat(kit.events().of(SupervisorEvent.Failed.class)).isEmpty();
      assertThat(feed.status().state()).isEqualTo(ProcessState.RUNNING);
    }
  }

  /**
   * Moves virtual time in 100 ms steps (below the check's timeout); after a step that fired the feed's
   * health check, checks that its result was recorded (awaitIdle waits for a custom check's result; the loop
   * below fails with the report if one ever goes missing).
   */
  private static void step(SupervisorTestKit kit, ProcessController feed, java.util.concurrent.atomic.AtomicInteger calls, Duration d)
      throws InterruptedException {
    for (long ms = 0; ms < d.toMillis(); ms += 100) {
      int before = calls.get();
      long attempts = attempts(feed);
      kit.advance(Duration.ofMillis(100));
      int fired = calls.get() - before;
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (fired > 0 && attempts(feed) < attempts + fired && feed.status().state().isActive()) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the feed's check result did not come back: " + feed.health());
        }
        Thread.sleep(1);
      }
      kit.awaitIdle();
    }
  }

  private static long attempts(ProcessController feed) {
    return feed.health().checks().stream().mapToLong(c -> c.attempts()).sum();
  }

  /** A dependent whose own policy would give up waits instead, and its start limit is untouched. */
  @Test
  void waitingUsesNoStartLimit() {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      sup.register(ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.always().withBackoff(Backoff.fixed(Duration.ofSeconds(1))).withStartLimit(100, Duration.ofHours(1)))
          .build());
      ProcessController gw = sup.register(ProcessSpec.builder("gw").command("gw").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.none()).withStartLimit(1, Duration.ofHours(1)))
          .dependsOn("feed").build());
      sup.startAll();
      kit.awaitIdle();
      for (int i = 0; i < 5; i++) {
        kit.backend().last("feed").exit(1);
        kit.backend().last("gw").exit(1);
        kit.awaitIdle();
        assertThat(gw.status().state()).as("round %d", i).isEqualTo(ProcessState.WAITING);
        kit.advance(Duration.ofSeconds(1));
        assertThat(gw.status().state()).as("round %d", i).isEqualTo(ProcessState.RUNNING);
      }
      assertThat(kit.backend().runs("gw")).hasSize(6);
      // its own failure, with the feed up, still counts: the limit of 1 allows one restart, then FAILED
      kit.backend().last("gw").exit(1);
      kit.awaitIdle();
      kit.backend().last("gw").exit(1);
      kit.awaitIdle();
      assertThat(gw.status().state()).isEqualTo(ProcessState.FAILED);
    }
  }

  /** OnExit.RESTART (OTP rest_for_one, systemd PartOf=): the dependent is stopped with its dependency and started once after it. */
  @Test
  void onExitRestartStopsTheDependentAndStartsItOnceTheDependencyIsBack() {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      sup.register(ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ofSeconds(1))
          .restartPolicy(RestartPolicy.always().withBackoff(Backoff.fixed(Duration.ofSeconds(2)))).build());
      ProcessController gw = sup.register(ProcessSpec.builder("gw").command("gw").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.onFailure().withStartLimit(0, Duration.ofHours(1)))
          .dependsOn("feed", Dependency.Condition.STARTED, Dependency.OnExit.RESTART).build());
      sup.startAll();
      kit.advance(Duration.ofSeconds(1));
      assertThat(gw.status().state()).isEqualTo(ProcessState.RUNNING);
      kit.backend().last("feed").kill(Signal.SIGKILL);
      kit.awaitIdle();
      assertThat(kit.backend().runs("gw").get(0).signals()).containsExactly(Signal.SIGTERM);
      assertThat(gw.status().state()).isEqualTo(ProcessState.WAITING);
      kit.advance(Duration.ofSeconds(2)); // the feed is spawned again, STARTING for its grace
      assertThat(kit.backend().runs("gw")).hasSize(1);
      kit.advance(Duration.ofSeconds(1)); // the feed is RUNNING
      assertThat(kit.backend().runs("gw")).hasSize(2);
      assertThat(gw.status().state()).isEqualTo(ProcessState.RUNNING); // a start limit of 0 was not touched
    }
  }

  /** OnExit.STOP (systemd BindsTo=): the dependent is stopped and stays so. */
  @Test
  void onExitStopStopsTheDependentForGood() {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      sup.register(ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.always().withBackoff(Backoff.none())).build());
      ProcessController gw = sup.register(ProcessSpec.builder("gw").command("gw").startupGrace(Duration.ZERO)
          .dependsOn("feed", Dependency.Condition.STARTED, Dependency.OnExit.STOP).build());
      sup.startAll();
      kit.awaitIdle();
      kit.backend().last("feed").exit(2);
      kit.awaitIdle();
      assertThat(gw.status().state()).isEqualTo(ProcessState.STOPPED);
      assertThat(kit.backend().runs("feed")).hasSize(2);
      assertThat(kit.backend().runs("gw")).hasSize(1);
      assertThat(kit.events().of(SupervisorEvent.CommandIssued.class, "gw")).last()
          .satisfies(c -> assertThat(c.reason()).contains("dependency feed ended").contains("onExit STOP"));
    }
  }

  /** KEEP (the default): a dependency's crash leaves a running dependent alone. */
  @Test
  void onExitKeepLeavesARunningDependentAlone() {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      sup.register(ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.always().withBackoff(Backoff.fixed(Duration.ofSeconds(5)))).build());
      ProcessController gw = sup.register(ProcessSpec.builder("gw").command("gw").startupGrace(Duration.ZERO).dependsOn("feed").build());
      sup.startAll();
      kit.awaitIdle();
      kit.backend().last("feed").exit(2);
      kit.awaitIdle();
      assertThat(gw.status().state()).isEqualTo(ProcessState.RUNNING);
      assertThat(kit.backend().last("gw").signals()).isEmpty();
    }
  }

  /** A command's start of a dependent waits too, visibly, and fails its caller if the dependency gives up. */
  @Test
  void aCommandsStartWaitsForTheDependencyAndFailsIfItGivesUp() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      ProcessController feed = sup.register(ProcessSpec.builder("feed").command("feed").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.none()).withStartLimit(0, Duration.ofHours(1))).build());
      ProcessController gw = sup.register(ProcessSpec.builder("gw").command("gw").startupGrace(Duration.ZERO).dependsOn("feed").build());
      CompletableFuture<?> gwStarted = gw.start().toCompletableFuture();
      kit.awaitIdle();
      assertThat(gw.status().state()).isEqualTo(ProcessState.WAITING);
      assertThat(gw.status().detail()).isEqualTo("waiting for feed to be RUNNING (it is STOPPED)");
      assertThat(gwStarted).isNotDone();
      feed.start();
      kit.awaitIdle();
      assertThat(gwStarted).isCompleted();
      assertThat(gw.status().state()).isEqualTo(ProcessState.RUNNING);

      gw.stop();
      feed.stop();
      kit.awaitIdle();
      CompletableFuture<?> again = gw.start().toCompletableFuture();
      kit.backend().failNextSpawn("feed", "binary feed not found");
      feed.start();
      kit.awaitIdle();
      assertThat(feed.status().state()).isEqualTo(ProcessState.FAILED);
      assertThatThrownBy(() -> again.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .hasMessageContaining("dependency feed is FAILED");
      assertThat(gw.status().state()).isEqualTo(ProcessState.WAITING);
      gw.stop();
      kit.awaitIdle();
      assertThat(gw.status().state()).isEqualTo(ProcessState.STOPPED);
    }
  }

  /**
   * A startAll() asks every process at once: a dependent whose dependency is not HEALTHY yet is WAITING, its detail
   * saying for what, and its change to WAITING is an event (it sat STOPPED with no detail, found by a black-box run).
   * A stop of it while it waits fails the startAll() stage (it completed normally with the dependent never run).
   */
  @Test
  void aStartAllShowsItsWaitingDependentsAndFailsWhenOneIsStopped() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      AtomicBoolean ready = new AtomicBoolean();
      ProcessController db = sup.register(ProcessSpec.builder("db").command("db").startupGrace(Duration.ofMillis(100))
          .healthCheck(HealthCheck.custom("port", pid -> ready.get() ? HealthCheck.Outcome.healthy("up") : HealthCheck.Outcome.unhealthy("refused"))
              .interval(Duration.ofMillis(300)).failureThreshold(1000).build())
          .build());
      ProcessController app = sup.register(ProcessSpec.builder("app").command("app").dependsOn("db", Dependency.Condition.HEALTHY).build());
      ProcessController app2 = sup.register(ProcessSpec.builder("app2").command("app2").dependsOn("db", Dependency.Condition.HEALTHY).build());
      CompletableFuture<Void> all = sup.startAll().toCompletableFuture();
      kit.advance(Duration.ofSeconds(2));
      assertThat(db.status().state()).isEqualTo(ProcessState.RUNNING);
      for (ProcessController c : java.util.List.of(app, app2)) {
        assertThat(c.status().state()).as(c.name()).isEqualTo(ProcessState.WAITING);
        assertThat(c.status().detail()).as(c.name()).startsWith("waiting for db to be HEALTHY (it is RUNNING, health ");
        assertThat(kit.events().states(c.name())).as(c.name()).containsExactly(ProcessState.WAITING);
      }
      assertThat(all).isNotDone();

      app.stop();
      kit.awaitIdle();
      assertThat(app.status().state()).isEqualTo(ProcessState.STOPPED);
      assertThat(all).isCompletedExceptionally();
      // what it waited for, not "to restart": it had never run
      assertThat(org.assertj.core.api.Assertions.catchThrowable(all::join)).rootCause()
          .hasMessageContaining("stopped while waiting for db to be HEALTHY");
      ready.set(true);
      kit.advance(Duration.ofSeconds(5)); // the next check, then app2's startup grace
      assertThat(app2.status().state()).as("the other dependent goes on").isEqualTo(ProcessState.RUNNING);
      assertThat(kit.backend().runs("app")).as("the stopped one is not started").isEmpty();
    }
  }

  /** A startAll() starts what an automatic start depends on, even a process that does not start automatically itself. */
  @Test
  void aStartAllStartsTheDependenciesOfWhatItStarts() throws Exception {
    try (SupervisorTestKit kit = SupervisorTestKit.create()) {
      Supervisor sup = kit.supervisor();
      sup.register(ProcessSpec.builder("db").command("db").startupGrace(Duration.ZERO).autoStart(false).build());
      sup.register(ProcessSpec.builder("tool").command("tool").startupGrace(Duration.ZERO).autoStart(false).build());
      sup.register(ProcessSpec.builder("app").command("app").startupGrace(Duration.ZERO).dependsOn("db").build());
      CompletableFuture<Void> all = sup.startAll().toCompletableFuture();
      kit.awaitIdle();
      assertThat(all).isCompleted();
      assertThat(kit.backend().runs("db")).hasSize(1);
      assertThat(kit.backend().runs("app")).hasSize(1);
      assertThat(kit.backend().runs("tool")).as("neither automatic nor depended on").isEmpty();
    }
  }
}
