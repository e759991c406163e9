package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.github.vigil.SupervisorEvent.HealthChanged;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.Processes;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Health checks against real sockets, a real HTTP server and real check commands, on real time. */
@EnabledOnOs({OS.LINUX, OS.MAC})
@Timeout(120)
class HealthCheckAcceptanceTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private Supervisor supervisor;
  private EventRecorder events;
  private String marker;

  @BeforeEach
  void setUp() {
    supervisor = Supervisor.builder().name("health").backend("jdk").build();
    events = new EventRecorder();
    supervisor.subscribe(events);
    marker = (70000 + ThreadLocalRandom.current().nextInt(9999)) + "." + ThreadLocalRandom.current().nextInt(100000, 999999);
  }

  @AfterEach
  void tearDown() throws Exception {
    supervisor.close();
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Processes.withMarker(marker).isEmpty()))
        .as("processes of this test left running: %s", Processes.withMarker(marker)).isTrue();
    assertThat(Processes.vigilThreads()).as("threads left after close").noneMatch(n -> n.startsWith("vigil-health"));
  }

  private ProcessSpec.Builder sleeper(String name) {
    return ProcessSpec.builder(name).command("sleep", marker).startupGrace(Duration.ZERO);
  }

  /** Accepts connections and closes them at once, like any listening service, until closed. */
  static final class TcpServer implements AutoCloseable {
    final ServerSocket socket;
    private final Thread acceptor;

    TcpServer(int port) throws IOException {
      socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
      acceptor = new Thread(() -> {
        while (!socket.isClosed()) {
          try (Socket s = socket.accept()) {
            s.getInputStream().available();
          } catch (IOException e) {
            // closed
          }
        }
      }, "test-tcp-server");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      socket.close();
      try {
        acceptor.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void tcpCheckGoesHealthyThenUnhealthyAfterExactlyTheFailureThresholdThenRestartsTheProcess() throws Exception {
    TcpServer server = new TcpServer(0);
    int port = server.port();
    AtomicReference<HealthReport> atUnhealthy = new AtomicReference<>();
    ProcessController c = supervisor.register(sleeper("feed")
        .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(2))))
        // a timeout a loaded machine's connect on loopback stays inside (150 ms timed out, not refused, under load 15)
        .healthCheck(HealthCheck.tcp("127.0.0.1", port).name("port").interval(Duration.ofSeconds(1))
            .timeout(Duration.ofSeconds(1)).failureThreshold(3).build())
        .build());
    supervisor.subscribe(e -> {
      if (e instanceof HealthChanged h && h.to() == HealthState.UNHEALTHY) {
        atUnhealthy.compareAndSet(null, c.health());
      }
    });
    long firstPid = c.start(WAIT).pid();
    events.await(HealthChanged.class, h -> h.to() == HealthState.HEALTHY, 1, WAIT);
    assertThat(c.status().health()).isEqualTo(HealthState.HEALTHY);
    assertThat(c.health().check("port").orElseThrow().last().orElseThrow().message()).isEqualTo("connected to 127.0.0.1:" + port);

    server.close();
    HealthChanged unhealthy = events.await(HealthChanged.class, h -> h.to() == HealthState.UNHEALTHY, 1, WAIT).get(0);
    assertThat(unhealthy.message()).contains("check 'port' failed 3 times in a row");

    // the run is stopped for its health and ends with HEALTH_CHECK_FAILED; the policy restarts it
    SupervisorEvent.Exited exited = events.await(SupervisorEvent.Exited.class, e -> true, 1, WAIT).get(0);
    assertThat(exited.exit().cause()).isEqualTo(ExitCause.HEALTH_CHECK_FAILED);
    assertThat(exited.exit().message()).contains("check 'port' failed 3 times in a row");
    SupervisorEvent.RestartScheduled restart = events.await(SupervisorEvent.RestartScheduled.class, e -> true, 1, WAIT).get(0);
    assertThat(restart.after().cause()).isEqualTo(ExitCause.HEALTH_CHECK_FAILED);
    assertThat(events.of(SupervisorEvent.CommandIssued.class)).anyMatch(e -> e.command() == SupervisorEvent.Command.RESTART
        && e.origin() == Origin.HEALTH_CHECK);
    assertThat(events.of(SupervisorEvent.StateChanged.class)).anyMatch(e -> e.to() == ProcessState.STOPPING
        && e.origin() == Origin.HEALTH_CHECK);

    // exactly the threshold: the results of the first run end in one pass and then three failures
    List<CheckResult> results = atUnhealthy.get().check("port").orElseThrow().recent();
    int n = results.size();
    assertThat(n).isGreaterThanOrEqualTo(4);
    assertThat(results.subList(n - 3, n)).allMatch(r -> !r.passed() && r.counted()).allMatch(r -> r.message().contains("refused"));
    assertThat(results.get(n - 4).passed()).isTrue();

    events.await(SupervisorEvent.Started.class, e -> e.run() == 2, 1, WAIT);
    assertThat(c.history()).hasSizeGreaterThanOrEqualTo(2);
    assertThat(c.history().get(0).pid()).isEqualTo(firstPid);
    assertThat(c.history().get(0).exit().cause()).isEqualTo(ExitCause.HEALTH_CHECK_FAILED);
    assertThat(c.status().restarts()).isEqualTo(1);
  }

  @Test
  void restartsForHealthCountAgainstTheStartLimit() throws Exception {
    ProcessController c = supervisor.register(sleeper("flaky")
        .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.none()).withStartLimit(2, Duration.ofHours(1)))
        .healthCheck(HealthCheck.custom("broken", pid -> HealthCheck.Outcome.unhealthy("no quotes from pid " + pid))
            .interval(Duration.ofMillis(100)).failureThreshold(2).build())
        .build());
    c.start(WAIT);
    SupervisorEvent.Failed failed = events.await(SupervisorEvent.Failed.class, e -> true, 1, WAIT).get(0);
    assertThat(failed.reason()).contains("start limit");
    assertThat(failed.lastExit().cause()).isEqualTo(ExitCause.HEALTH_CHECK_FAILED);
    assertThat(failed.lastExit().message()).contains("check 'broken' failed 2 times in a row: no quotes from pid");
    assertThat(c.status().state()).isEqualTo(ProcessState.FAILED);
    assertThat(c.status().restarts()).isEqualTo(2);
    assertThat(c.status().health()).isEqualTo(HealthState.UNKNOWN);
    assertThat(c.history()).hasSize(3).allMatch(r -> r.exit().cause() == ExitCause.HEALTH_CHECK_FAILED);
    // every run's health: STARTING, UNHEALTHY, then UNKNOWN once it ended
    events.await(HealthChanged.class, e -> e.process().equals("flaky") && e.to() == HealthState.UNKNOWN, 3, WAIT);
    assertThat(events.of(HealthChanged.class, "flaky")).extracting(HealthChanged::to).containsExactly(
        HealthState.STARTING, HealthState.UNHEALTHY, HealthState.UNKNOWN,
        HealthState.STARTING, HealthState.UNHEALTHY, HealthState.UNKNOWN,
        HealthState.STARTING, HealthState.UNHEALTHY, HealthState.UNKNOWN);
  }

  @Test
  void httpCheckSeesTwoHundredThenFiveHundredThenAHangPastTheTimeout() throws Exception {
    AtomicReference<String> mode = new AtomicReference<>("ok");
    CountDownLatch release = new CountDownLatch(1);
    HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    ExecutorService handlers = Executors.newCachedThreadPool();
    http.setExecutor(handlers);
    http.createContext("/health", exchange -> {
      String m = mode.get();
      if (m.equals("hang")) {
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      byte[] body = (m.equals("down") ? "status DOWN" : "status UP").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(m.equals("error") ? 500 : 200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    http.start();
    try {
      String url = "http://127.0.0.1:" + http.getAddress().getPort() + "/health";
      // 1 s, not 400 ms: a check of the 200, 500 or body phase that a loaded machine (load average 15 on 2 cores while
      // others build) delayed past 400 ms timed out, and its message, not the one asserted, ended the phase
      Duration timeout = Duration.ofSeconds(1);
      ProcessController c = supervisor.register(sleeper("api")
          .healthCheck(HealthCheck.http(url).name("http").expectStatus(200, 299).expectBodyContaining("UP")
              .interval(timeout).timeout(timeout).failureThreshold(2)
              .action(HealthCheck.Action.NOTIFY).build())
          .build());
      c.start(WAIT);
      events.await(HealthChanged.class, h -> h.to() == HealthState.HEALTHY, 1, WAIT);
      assertThat(last(c).message()).isEqualTo("HTTP 200");

      mode.set("error");
      HealthChanged down = events.await(HealthChanged.class, h -> h.to() == HealthState.UNHEALTHY, 1, WAIT).get(0);
      assertThat(down.message()).contains("HTTP 500, expected 200 to 299");
      assertThat(c.status().state()).isEqualTo(ProcessState.RUNNING); // NOTIFY only

      mode.set("ok");
      events.await(HealthChanged.class, h -> h.to() == HealthState.HEALTHY, 2, WAIT);

      mode.set("down");
      HealthChanged lacks = events.await(HealthChanged.class, h -> h.to() == HealthState.UNHEALTHY, 2, WAIT).get(1);
      assertThat(lacks.message()).contains("HTTP 200 but the body lacks 'UP'");

      mode.set("ok");
      events.await(HealthChanged.class, h -> h.to() == HealthState.HEALTHY, 3, WAIT);

      mode.set("hang");
      HealthChanged hung = events.await(HealthChanged.class, h -> h.to() == HealthState.UNHEALTHY, 3, WAIT).get(2);
      assertThat(hung.message()).contains("no result within the timeout of " + HumanFormat.duration(timeout));
      CheckResult r = last(c);
      assertThat(r.status()).isEqualTo(CheckResult.Status.TIMED_OUT);
      assertThat(r.duration()).isGreaterThanOrEqualTo(timeout);
      assertThat(c.health().check("http").orElseThrow().consecutiveFailures()).isGreaterThanOrEqualTo(2);
      assertThat(c.status().state()).isEqualTo(ProcessState.RUNNING);
      assertThat(c.status().pid()).isPositive();
    } finally {
      release.countDown();
      http.stop(0);
      handlers.shutdownNow();
    }
  }

  private static CheckResult last(ProcessController c) {
    return c.health().checks().get(0).last().orElseThrow();
  }

  @Test
  void execCheckThatHangsIsKilledAtItsTimeoutWithEverythingItStarted() throws Exception {
    // the check starts a background sleep and a foreground sleep, then hangs on them
    String script = "sleep " + marker + " & sleep " + marker + "; exit 0";
    Duration timeout = Duration.ofSeconds(3); // long enough for this thread to see the three processes on a loaded machine
    ProcessController c = supervisor.register(ProcessSpec.builder("svc").command("sleep", "3600." + marker.replace(".", ""))
        .startupGrace(Duration.ZERO)
        .healthCheck(HealthCheck.exec("sh", "-c", script).name("script").interval(Duration.ofSeconds(30)).timeout(timeout)
            .failureThreshold(1).action(HealthCheck.Action.NOTIFY).build())
        .build());
    c.start(WAIT);
    assertThat(Processes.eventually(WAIT, () -> Processes.withMarker(marker).size() >= 3))
        .as("the check's shell and both sleeps run").isTrue();
    HealthChanged unhealthy = events.await(HealthChanged.class, h -> h.to() == HealthState.UNHEALTHY, 1, WAIT).get(0);
    assertThat(unhealthy.message()).contains("no result within the timeout of " + HumanFormat.duration(timeout));
    assertThat(last(c).status()).isEqualTo(CheckResult.Status.TIMED_OUT);
    // the next attempt is 30 s away: whatever is left now, the timeout left
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Processes.withMarker(marker).isEmpty()))
        .as("check processes left after its timeout: %s", Processes.withMarker(marker)).isTrue();
    assertThat(c.status().state()).isEqualTo(ProcessState.RUNNING);
    c.stop(WAIT);
  }

  /** Checks every second, their timeout the same: at 300 ms one timed out once in a suite run beside builds. */
  @Test
  void execCheckPassesOnExitZeroAndFailsWithItsOutputOtherwise() throws Exception {
    ProcessController c = supervisor.register(sleeper("svc")
        .healthCheck(HealthCheck.exec("sh", "-c", "echo all good").name("ok").interval(Duration.ofSeconds(1)).build())
        .healthCheck(HealthCheck.exec("sh", "-c", "echo no quotes since 09:00 >&2; exit 3").name("bad")
            .interval(Duration.ofSeconds(1)).failureThreshold(2).action(HealthCheck.Action.NOTIFY).build())
        .build());
    c.start(WAIT);
    HealthChanged h = events.await(HealthChanged.class, e -> e.to() == HealthState.UNHEALTHY, 1, WAIT).get(0);
    assertThat(h.message()).contains("check 'bad' failed 2 times in a row: exit 3: no quotes since 09:00");
    assertThat(c.health().check("ok").orElseThrow().state()).isEqualTo(HealthState.HEALTHY);
    assertThat(c.health().check("ok").orElseThrow().last().orElseThrow().message()).isEqualTo("exit 0: all good");
    assertThat(c.health().check("bad").orElseThrow().state()).isEqualTo(HealthState.UNHEALTHY);
    assertThat(c.status().health()).isEqualTo(HealthState.UNHEALTHY);
  }

  @Test
  void aDependentWithHealthyWaitsForItsDependencysFirstHealthyCheck() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    supervisor.registerAll(List.of(
        sleeper("orders").dependsOn("quotes", Dependency.Condition.HEALTHY).build(),
        sleeper("quotes").healthCheck(HealthCheck.tcp("127.0.0.1", port).name("port").interval(Duration.ofMillis(200))
            .timeout(Duration.ofMillis(150)).failureThreshold(1000).build()).build()));
    ProcessController quotes = supervisor.controller("quotes").orElseThrow();
    ProcessController orders = supervisor.controller("orders").orElseThrow();
    var all = supervisor.startAll().toCompletableFuture();
    events.awaitState("quotes", ProcessState.RUNNING, 1, WAIT);
    assertThat(Processes.eventually(WAIT, () -> quotes.health().checks().get(0).failures() >= 3)).isTrue();
    assertThat(orders.status().state()).isEqualTo(ProcessState.WAITING);
    assertThat(orders.status().detail()).startsWith("waiting for quotes to be HEALTHY (it is RUNNING, health ");
    assertThat(all).isNotDone();
    try (TcpServer server = new TcpServer(port)) {
      all.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(orders.status().state()).isEqualTo(ProcessState.RUNNING);
      // the future completes on the supervision thread; listeners hear the events on their own thread
      events.awaitState("orders", ProcessState.RUNNING, 1, WAIT);
      List<SupervisorEvent> seen = events.events();
      int healthy = indexOf(seen, e -> e instanceof HealthChanged h && h.process().equals("quotes") && h.to() == HealthState.HEALTHY);
      int ordersStarting = indexOf(seen, e -> e instanceof SupervisorEvent.StateChanged s && s.process().equals("orders")
          && s.to() == ProcessState.STARTING);
      assertThat(ordersStarting).isGreaterThan(healthy);
      supervisor.stopAll().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  @Test
  void aPlainStartedDependencyDoesNotWaitForHealth() throws Exception {
    supervisor.registerAll(List.of(
        sleeper("orders").dependsOn("quotes", Dependency.Condition.STARTED).build(),
        sleeper("quotes").healthCheck(HealthCheck.custom("never", pid -> HealthCheck.Outcome.unhealthy("not yet"))
            .interval(Duration.ofSeconds(5)).failureThreshold(1000).build()).build()));
    supervisor.startAll().toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(supervisor.controller("orders").orElseThrow().status().state()).isEqualTo(ProcessState.RUNNING);
    assertThat(supervisor.controller("quotes").orElseThrow().status().health()).isNotEqualTo(HealthState.HEALTHY);
  }

  private static int indexOf(List<SupervisorEvent> events, java.util.function.Predicate<SupervisorEvent> p) {
    for (int i = 0; i < events.size(); i++) {
      if (p.test(events.get(i))) {
        return i;
      }
    }
    throw new AssertionError("no such event in " + events);
  }
}
