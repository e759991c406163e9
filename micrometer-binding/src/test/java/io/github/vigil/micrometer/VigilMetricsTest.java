package io.github.vigil.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vigil.Backoff;
import io.github.vigil.HealthCheck;
import io.github.vigil.HealthState;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.Processes;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class VigilMetricsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final Supervisor supervisor = Supervisor.builder().name("metrics-test").backend("jdk").build();

  @AfterEach
  void closeSupervisor() {
    supervisor.close();
  }

  private static ProcessSpec sleeper(String name) {
    return ProcessSpec.builder(name).command("sleep", "60").startupGrace(Duration.ZERO).build();
  }

  private static Set<String> processesWithMeters(MeterRegistry registry) {
    Set<String> names = new TreeSet<>();
    for (Meter m : registry.getMeters()) {
      String p = m.getId().getTag("process");
      if (p != null) {
        names.add(p);
      }
    }
    return names;
  }

  @Test
  void metersAppearOnRegisterAndDisappearOnRemove() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    supervisor.register(sleeper("before-bind"));
    try (VigilMetrics metrics = VigilMetrics.of(supervisor)) {
      metrics.bindTo(registry);
      assertThat(processesWithMeters(registry)).containsExactly("before-bind");
      int withOne = registry.getMeters().size();

      supervisor.register(sleeper("after-bind"));
      int perProcess = withOne - supervisorMeters(registry);
      assertThat(Processes.eventually(WAIT, () -> registry.getMeters().size() == withOne + perProcess)).isTrue();
      assertThat(processesWithMeters(registry)).containsExactly("after-bind", "before-bind");

      supervisor.remove("before-bind").toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(Processes.eventually(WAIT, () -> !processesWithMeters(registry).contains("before-bind"))).isTrue();
      assertThat(processesWithMeters(registry)).containsExactly("after-bind");
      assertThat(metrics.meteredProcesses()).isEqualTo(1);
    }
    assertThat(registry.getMeters()).as("close removes every meter it added").isEmpty();
  }

  private static int supervisorMeters(MeterRegistry registry) {
    return (int) registry.getMeters().stream().filter(m -> m.getId().getTag("process") == null).count();
  }

  @Test
  void tenThousandRegisterRemoveCyclesLeaveTheRegistryAtItsStartSize() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    EventRecorder events = new EventRecorder();
    try (VigilMetrics metrics = VigilMetrics.builder(supervisor).naming(MetricNaming.PROCESS_EXPORTER).build()) {
      metrics.bindTo(registry);
      supervisor.register(sleeper("resident"));
      assertThat(Processes.eventually(WAIT, () -> metrics.meteredProcesses() == 1)).isTrue();
      int startMeters = registry.getMeters().size();
      int startScrapeLines = registry.scrape().split("\n").length;

      WeakReference<ProcessProbe> firstProbe = null;
      int cycles = 10_000;
      for (int i = 0; i < cycles; i++) {
        String name = "cycle-" + (i % 7);
        supervisor.register(sleeper(name));
        if (i == 0) {
          assertThat(Processes.eventually(WAIT, () -> metrics.probe(name) != null)).isTrue();
          firstProbe = new WeakReference<>(metrics.probe(name));
          registry.scrape(); // read every meter once, so the probe is in the sample cache too
        }
        supervisor.remove(name).toCompletableFuture().get(20, TimeUnit.SECONDS);
      }
      supervisor.subscribe(events);
      supervisor.register(sleeper("marker"));
      supervisor.remove("marker").toCompletableFuture().get(20, TimeUnit.SECONDS);
      events.await(SupervisorEvent.Removed.class, e -> e.process().equals("marker"), 1, WAIT);
      // events reach listeners in order, and VigilMetrics subscribed before this recorder
      assertThat(Processes.eventually(WAIT, () -> registry.getMeters().size() == startMeters))
          .as("meters after %d cycles: %d, at start %d", cycles, registry.getMeters().size(), startMeters).isTrue();
      assertThat(registry.scrape().split("\n")).hasSize(startScrapeLines);
      assertThat(metrics.meteredProcesses()).isEqualTo(1);
      assertThat(metrics.cachedReadings()).isLessThanOrEqualTo(1);

      for (int i = 0; i < 50 && firstProbe.get() != null; i++) {
        System.gc();
        Thread.sleep(20);
      }
      assertThat(firstProbe.get()).as("nothing keeps the removed process's probe reachable").isNull();
    }
    assertThat(registry.getMeters()).isEmpty();
  }

  @Test
  void scrapesDuringRegisterRemoveCyclesFailNothingAndLeaveNothing() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // readings never expire here: one left in the cache after its process went would be a leak
    try (VigilMetrics metrics = VigilMetrics.builder(supervisor).sampleInterval(Duration.ofDays(1)).build()) {
      metrics.bindTo(registry);
      int startMeters = registry.getMeters().size();
      java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
      java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
      java.util.concurrent.atomic.AtomicInteger scrapes = new java.util.concurrent.atomic.AtomicInteger();
      Thread scraper = new Thread(() -> {
        try {
          while (!done.get()) {
            registry.scrape();
            scrapes.incrementAndGet();
          }
        } catch (Throwable t) {
          failure.set(t);
        }
      }, "test-scraper");
      scraper.start();
      for (int i = 0; i < 2_000; i++) {
        supervisor.register(sleeper("churn-" + (i % 5)));
        supervisor.remove("churn-" + (i % 5)).toCompletableFuture().get(20, TimeUnit.SECONDS);
      }
      assertThat(Processes.eventually(WAIT, () -> metrics.meteredProcesses() == 0 && registry.getMeters().size() == startMeters))
          .as("meters %s, at start %s", registry.getMeters().size(), startMeters).isTrue();
      done.set(true);
      scraper.join(20_000);
      assertThat(failure.get()).as("a scrape failed").isNull();
      assertThat(scrapes.get()).isPositive();
      assertThat(metrics.cachedReadings()).as("readings of removed processes left in the cache").isZero();
    }
  }

  /**
   * A group's restart of a REST_FOR_ONE sibling (stopped and started again by the group, origin POLICY) is not one of
   * the sibling's restarts: its counter agrees with its {@code ProcessStatus.restarts()}, 0, where it counted one under a
   * made-up cause (error_exit). The child that ended counts its restart, by its real cause.
   */
  @Test
  void aGroupsRestartOfASiblingIsNotTheSiblingsRestart() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    EventRecorder events = new EventRecorder();
    supervisor.subscribe(events);
    try (VigilMetrics metrics = VigilMetrics.of(supervisor)) {
      metrics.bindTo(registry);
      for (String name : new String[] {"feed", "gateway"}) {
        supervisor.register(ProcessSpec.builder(name).command("sleep", "60").startupGrace(Duration.ZERO)
            .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofMillis(50)))).autoStart(false).build());
      }
      io.github.vigil.GroupController desk = supervisor.registerGroup(io.github.vigil.GroupSpec.builder("desk")
          .strategy(io.github.vigil.GroupSpec.Strategy.REST_FOR_ONE).children("feed", "gateway").build());
      desk.start().toCompletableFuture().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      events.awaitState("gateway", ProcessState.RUNNING, 1, WAIT);
      io.github.vigil.ProcessController feed = supervisor.controller("feed").orElseThrow();
      io.github.vigil.ProcessController gateway = supervisor.controller("gateway").orElseThrow();
      ProcessHandle.of(feed.status().pid()).orElseThrow().destroyForcibly();
      events.awaitState("gateway", ProcessState.RUNNING, 2, WAIT); // stopped by the group, started again after the feed
      assertThat(supervisor.awaitIdle(WAIT)).isTrue();
      assertThat(gateway.status().restarts()).isZero();
      assertThat(feed.status().restarts()).isEqualTo(1);
      double gatewayRestarts = registry.get("vigil.process.restarts").tags("process", "gateway").functionCounters().stream()
          .mapToDouble(io.micrometer.core.instrument.FunctionCounter::count).sum();
      assertThat(gatewayRestarts).isZero();
      double feedRestarts = registry.get("vigil.process.restarts").tags("process", "feed").functionCounters().stream()
          .mapToDouble(io.micrometer.core.instrument.FunctionCounter::count).sum();
      assertThat(feedRestarts).isEqualTo(1);
      assertThat(registry.get("vigil.process.restarts").tags("process", "feed", "cause", "error_exit").functionCounter().count()).isZero();
    }
  }

  @Test
  void restartsByCauseExitCodeRecoveryAndRestartLatencyFromARealCrashingProcess() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    EventRecorder events = new EventRecorder();
    supervisor.subscribe(events);
    try (VigilMetrics metrics = VigilMetrics.of(supervisor)) {
      metrics.bindTo(registry);
      // exits 3 after a moment; the policy restarts it after 50 ms; it must stay up 100 ms to count as RUNNING
      supervisor.register(ProcessSpec.builder("crasher").command("sh", "-c", "sleep 0.3; exit 3")
          .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofMillis(50))).withStartLimit(100, Duration.ofHours(1)))
          .startupGrace(Duration.ofMillis(100)).build());
      supervisor.controller("crasher").orElseThrow().start();
      events.awaitState("crasher", ProcessState.RUNNING, 3, WAIT);
      events.await(SupervisorEvent.StateChanged.class, e -> e.process().equals("crasher") && e.to() == ProcessState.RUNNING, 3, WAIT);
      supervisor.controller("crasher").orElseThrow().stop(Duration.ofSeconds(30)); // generous: a stop waits until the whole tree is gone
      // listeners hear events on their own thread, one event at a time to all of them: once the recorder hears
      // STOPPED, every listener (VigilMetrics too) has handled every restart before it
      events.awaitState("crasher", ProcessState.STOPPED, 1, WAIT);

      long restartsSeen = events.of(SupervisorEvent.StateChanged.class, "crasher").stream()
          .filter(e -> e.to() == ProcessState.STARTING && e.origin() == io.github.vigil.Origin.POLICY).count();
      assertThat(restartsSeen).isGreaterThanOrEqualTo(2);
      assertThat(Processes.eventually(WAIT, () ->
          registry.get("vigil.process.restarts").tags("process", "crasher", "cause", "error_exit").functionCounter().count()
              == restartsSeen)).as("restarts counted: %s, seen %s",
          registry.get("vigil.process.restarts").tags("cause", "error_exit").functionCounter().count(), restartsSeen).isTrue();
      assertThat(registry.get("vigil.process.restarts").tags("cause", "signaled").functionCounter().count()).isZero();
      assertThat(registry.get("vigil.process.restarts").functionCounters()).hasSize(io.github.vigil.ExitCause.values().length);

      Timer recovery = registry.get("vigil.process.recovery").tags("process", "crasher").timer();
      Timer latency = registry.get("vigil.supervisor.restart.latency").tags("process", "crasher").timer();
      assertThat(recovery.count()).isGreaterThanOrEqualTo(2);
      // a crash is followed by a 50 ms backoff and a 100 ms grace before RUNNING
      assertThat(recovery.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(150);
      assertThat(latency.count()).isEqualTo(restartsSeen);
      assertThat(latency.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(50);

      // stopped on request: the last exit is the supervisor's signal
      assertThat(registry.get("vigil.process.up").tags("process", "crasher").gauge().value()).isZero();
      assertThat(registry.get("vigil.process.state").tags("process", "crasher", "state", "stopped").gauge().value()).isEqualTo(1);
      assertThat(registry.get("vigil.process.state").tags("process", "crasher", "state", "running").gauge().value()).isZero();
      assertThat(registry.get("vigil.supervisor.processes").tags("state", "stopped").gauge().value()).isEqualTo(1);
    }
  }

  @Test
  void lastExitCodeOfARunThatEnded() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    EventRecorder events = new EventRecorder();
    supervisor.subscribe(events);
    try (VigilMetrics metrics = VigilMetrics.of(supervisor)) {
      metrics.bindTo(registry);
      supervisor.register(ProcessSpec.builder("once").command("sh", "-c", "exit 7").restartPolicy(RestartPolicy.never())
          .startupGrace(Duration.ZERO).build());
      supervisor.controller("once").orElseThrow().start();
      events.awaitState("once", ProcessState.CRASHED, 1, WAIT);
      assertThat(registry.get("vigil.process.last.exit.code").tags("process", "once").gauge().value()).isEqualTo(7);
      assertThat(registry.get("vigil.process.last.exit.signal").tags("process", "once").gauge().value()).isNaN();
      assertThat(registry.get("vigil.process.state").tags("process", "once", "state", "crashed").gauge().value()).isEqualTo(1);
      // nothing alive: no memory, no descriptors, no processes
      assertThat(registry.get("vigil.process.tree.processes").tags("process", "once").gauge().value()).isZero();
      assertThat(registry.get("vigil.process.memory").tags("process", "once", "memtype", "resident").gauge().value()).isZero();
    }
  }

  @Test
  void aRunningProcessHasSampleMetersAndUptime() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    supervisor.register(sleeper("alive"));
    supervisor.controller("alive").orElseThrow().start(Duration.ofSeconds(10));
    try (VigilMetrics metrics = VigilMetrics.of(supervisor)) {
      metrics.bindTo(registry);
      assertThat(registry.get("vigil.process.up").tags("process", "alive").gauge().value()).isEqualTo(1);
      assertThat(registry.get("vigil.process.tree.processes").tags("process", "alive").gauge().value()).isEqualTo(1);
      double startSeconds = registry.get("vigil.process.start.time").tags("process", "alive").timeGauge().value(TimeUnit.SECONDS);
      long actual = ProcessHandle.of(supervisor.controller("alive").orElseThrow().status().pid()).orElseThrow()
          .info().startInstant().orElseThrow().getEpochSecond();
      // the JDK's start adds the ticks to btime, whole seconds, and this is its whole second; ours has the boot time to
      // the hundredth: the same moment, later by the boot time's fraction and this second's
      assertThat(startSeconds).isBetween(actual - 0.05, actual + 2.0);
      assertThat(Processes.eventually(WAIT, () ->
          registry.get("vigil.process.uptime").tags("process", "alive").timeGauge().value(TimeUnit.MILLISECONDS) > 0)).isTrue();
      // the JDK sampler does not read memory: absent, so NaN, never a made-up 0
      assertThat(registry.get("vigil.process.memory").tags("process", "alive", "memtype", "resident").gauge().value()).isNaN();
    }
  }

  @Test
  void healthCheckDurationsByResultAndHealthFromRealChecks() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    EventRecorder events = new EventRecorder();
    supervisor.subscribe(events);
    try (VigilMetrics metrics = VigilMetrics.builder(supervisor).sampleInterval(Duration.ofMillis(50)).build()) {
      metrics.bindTo(registry);
      supervisor.register(ProcessSpec.builder("checked").command("sleep", "60").startupGrace(Duration.ZERO)
          .healthCheck(HealthCheck.exec("true").name("ok").interval(Duration.ofMillis(200)).build())
          .healthCheck(HealthCheck.exec("sleep", "5").name("slow").interval(Duration.ofMillis(300)).timeout(Duration.ofMillis(150))
              .failureThreshold(1).action(HealthCheck.Action.NOTIFY).build())
          .build());
      assertThat(Processes.eventually(WAIT, () -> registry.find("vigil.health.check.duration").timers().size() == 6))
          .as("a timer per check and result: %s", registry.find("vigil.health.check.duration").timers().size()).isTrue();
      supervisor.controller("checked").orElseThrow().start(Duration.ofSeconds(10));
      events.await(SupervisorEvent.HealthChanged.class, e -> e.to() == HealthState.UNHEALTHY, 1, WAIT);

      Timer passed = registry.get("vigil.health.check.duration").tags("process", "checked", "check", "ok", "result", "passed").timer();
      Timer timedOut = registry.get("vigil.health.check.duration").tags("check", "slow", "result", "timed_out").timer();
      // as a registry publishing or scraping does: read every meter, which takes the interval's sample
      assertThat(Processes.eventually(WAIT, () -> readAll(registry) && passed.count() >= 3 && timedOut.count() >= 2))
          .as("ok passed %s times, slow timed out %s times", passed.count(), timedOut.count()).isTrue();
      assertThat(timedOut.max(TimeUnit.MILLISECONDS)).as("a timed-out attempt lasts its timeout").isGreaterThanOrEqualTo(150);
      assertThat(registry.get("vigil.health.check.duration").tags("check", "ok", "result", "failed").timer().count()).isZero();
      long okResults = supervisor.controller("checked").orElseThrow().health().check("ok").orElseThrow().attempts();
      assertThat(passed.count()).as("no result counted twice").isLessThanOrEqualTo(okResults);

      assertThat(registry.get("vigil.process.health").tags("process", "checked", "state", "unhealthy").gauge().value()).isEqualTo(1);
      assertThat(registry.get("vigil.process.health").tags("process", "checked", "state", "healthy").gauge().value()).isZero();
      assertThat(Processes.eventually(WAIT, () ->
          registry.get("vigil.process.health.transitions").tags("state", "unhealthy").functionCounter().count() >= 1)).isTrue();
    }
  }

  private static boolean readAll(MeterRegistry registry) {
    registry.getMeters().forEach(m -> m.measure().forEach(x -> x.getValue()));
    return true;
  }

  @Test
  void labelsBecomeTagsOnlyWhereAllowed() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    supervisor.register(ProcessSpec.builder("labelled").command("sleep", "60").label("desk", "fx").label("account", "001").build());
    supervisor.register(ProcessSpec.builder("plain").command("sleep", "60").build());
    try (VigilMetrics metrics = VigilMetrics.builder(supervisor).labelTags("desk").tags("region", "ldn").build()) {
      metrics.bindTo(registry);
      Meter.Id up = registry.get("vigil.process.up").tags("process", "labelled").gauge().getId();
      assertThat(up.getTag("desk")).isEqualTo("fx");
      assertThat(up.getTag("account")).as("not allowed, so not a tag").isNull();
      assertThat(up.getTag("region")).isEqualTo("ldn");
      assertThat(registry.get("vigil.process.up").tags("process", "plain").gauge().getId().getTag("desk")).isEmpty();
      for (Meter m : registry.getMeters()) {
        assertThat(m.getId().getTag("account")).isNull();
        assertThat(m.getId().getTag("pid")).isNull();
      }
      PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      metrics.bindTo(prometheus);
      String scrape = prometheus.scrape();
      assertThat(scrape).contains("vigil_process_up{desk=\"fx\",process=\"labelled\",region=\"ldn\"} 0.0")
          .contains("vigil_process_up{desk=\"\",process=\"plain\",region=\"ldn\"} 0.0")
          .doesNotContain("account");
    }
  }

  @Test
  void atMostMaxProcessesGetMeters() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    for (int i = 0; i < 5; i++) {
      supervisor.register(sleeper("p" + i));
    }
    try (VigilMetrics metrics = VigilMetrics.builder(supervisor).maxProcesses(3).build()) {
      metrics.bindTo(registry);
      assertThat(processesWithMeters(registry)).containsExactly("p0", "p1", "p2");
      supervisor.remove("p1").toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(Processes.eventually(WAIT, () -> processesWithMeters(registry).equals(Set.of("p0", "p2", "p3"))))
          .as("a removal frees a place for a process left out: %s", processesWithMeters(registry)).isTrue();
    }
  }

  @Test
  void aProcessLeftOutForMaxProcessesIsForgottenWhenRemoved() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    supervisor.register(sleeper("metered"));
    try (VigilMetrics metrics = VigilMetrics.builder(supervisor).maxProcesses(1).build()) {
      metrics.bindTo(registry);
      for (int i = 0; i < 20; i++) {
        supervisor.register(sleeper("left-out-" + i));
        supervisor.remove("left-out-" + i).toCompletableFuture().get(20, TimeUnit.SECONDS);
      }
      supervisor.register(sleeper("waiting"));
      assertThat(Processes.eventually(WAIT, () -> metrics.leftOut() == 1))
          .as("only the process still registered is kept as left out, not the %d removed ones", metrics.leftOut() - 1).isTrue();
      supervisor.remove("metered").toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertThat(Processes.eventually(WAIT, () -> processesWithMeters(registry).equals(Set.of("waiting")))).isTrue();
      assertThat(metrics.leftOut()).isZero();
    }
  }

  @Test
  void everyRegistryGetsTheMetersAndCloseRemovesThemFromAll() {
    SimpleMeterRegistry a = new SimpleMeterRegistry();
    SimpleMeterRegistry b = new SimpleMeterRegistry();
    supervisor.register(sleeper("shared"));
    VigilMetrics metrics = VigilMetrics.of(supervisor);
    metrics.bindTo(a);
    metrics.bindTo(b);
    metrics.bindTo(b);
    assertThat(a.getMeters()).isNotEmpty().hasSameSizeAs(b.getMeters());
    metrics.close();
    metrics.close();
    assertThat(a.getMeters()).isEmpty();
    assertThat(b.getMeters()).isEmpty();
    assertThatThrownBy(() -> metrics.bindTo(a)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void badSettingsAreRejectedNamingTheFieldAndValue() {
    VigilMetrics.Builder b = VigilMetrics.builder(supervisor);
    assertThatThrownBy(() -> b.sampleInterval(Duration.ZERO)).hasMessage("sampleInterval must be positive: 0 ns");
    assertThatThrownBy(() -> b.maxProcesses(-1)).hasMessage("maxProcesses must not be negative: -1");
    assertThatThrownBy(() -> b.labelTags(" ")).hasMessage("labelTags key must not be blank: ' '");
    assertThatThrownBy(() -> b.labelTags("process")).hasMessage("labelTags key 'process' is a tag of Vigil's meters already");
    assertThatThrownBy(() -> VigilMetrics.builder(null)).isInstanceOf(NullPointerException.class).hasMessage("supervisor");
  }

  @Test
  void labelTagsThatPrometheusReservesForTimersAreRefused() {
    // as tags on the timers (recovery, restart latency, health checks) they made every scrape of a Prometheus registry
    // throw: "quantile is a reserved label name for summaries", "le is a reserved label name for histograms"
    VigilMetrics.Builder b = VigilMetrics.builder(supervisor);
    assertThatThrownBy(() -> b.labelTags("quantile")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("labelTags key 'quantile' is a label Prometheus reserves for summary quantiles: on Vigil's timers it makes every scrape fail");
    assertThatThrownBy(() -> b.labelTags("le")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("labelTags key 'le' is a label Prometheus reserves for histogram buckets: on Vigil's timers it makes every scrape fail");
    // common tags too: a quantile tag had the same effect, a process tag labelled the supervisor's own meters
    assertThatThrownBy(() -> b.tags("quantile", "q")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("tags key 'quantile' is a label Prometheus reserves");
    assertThatThrownBy(() -> b.tags("process", "x")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tags key 'process' is a tag of Vigil's meters already");
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    supervisor.register(sleeper("reserved-labels").toBuilder().label("quantile", "q").label("le", "l")
        .label("desk", "fx").build());
    try (VigilMetrics metrics = b.labelTags("desk").build()) {
      metrics.bindTo(registry);
      assertThat(registry.scrape()).contains("desk=\"fx\"").doesNotContain("quantile=\"q\"").doesNotContain("le=\"l\"");
    }
  }

  @Test
  void bothStylesNameEverythingWithADescription() {
    for (MetricNaming naming : MetricNaming.values()) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      supervisor.register(sleeper("described-" + naming));
      try (VigilMetrics metrics = VigilMetrics.builder(supervisor).naming(naming).build()) {
        metrics.bindTo(registry);
        List<Meter> meters = registry.getMeters();
        assertThat(meters).allSatisfy(m -> assertThat(m.getId().getDescription()).as(m.getId().toString()).isNotBlank());
        assertThat(meters).allSatisfy(m -> assertThat(m.getId().getName()).matches("(vigil|namedprocess)\\.[a-z.]+"));
      }
    }
  }

  @Test
  void processExporterStyleUsesGroupnameMicrometerStyleUsesProcess() {
    supervisor.register(sleeper("styled"));
    Map<MetricNaming, String> cpuMeter = Map.of(MetricNaming.MICROMETER, "vigil.process.cpu.time",
        MetricNaming.PROCESS_EXPORTER, "namedprocess.namegroup.cpu.seconds");
    for (MetricNaming naming : MetricNaming.values()) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      try (VigilMetrics metrics = VigilMetrics.builder(supervisor).naming(naming).build()) {
        metrics.bindTo(registry);
        String key = naming == MetricNaming.MICROMETER ? "process" : "groupname";
        assertThat(registry.get(cpuMeter.get(naming)).tags(key, "styled", "mode", "user").functionCounter()).isNotNull();
        assertThat(registry.find(cpuMeter.get(naming == MetricNaming.MICROMETER ? MetricNaming.PROCESS_EXPORTER
            : MetricNaming.MICROMETER)).meters()).isEmpty();
      }
    }
  }
}
