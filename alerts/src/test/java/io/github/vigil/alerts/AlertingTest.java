package io.github.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.Supervisor;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.Processes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The facade on a real supervisor and real processes, real time: sampling drives HIGH_CPU; stops resolve.
 * The threshold is low (5 % of a core) because a busy loop gets little of a machine loaded by other builds.
 */
@Timeout(60)
class AlertingTest {
  private final Supervisor sup = Supervisor.builder().name("alerting-test").backend("jdk").build();
  private final EventRecorder rec = new EventRecorder();
  private final List<Alert> heard = new ArrayList<>();
  private Alerting alerting;

  AlertingTest() {
    sup.subscribe(rec);
  }

  @AfterEach
  void tearDown() {
    if (alerting != null) {
      alerting.close();
    }
    sup.close();
  }

  private final List<String> threads = new ArrayList<>();

  private synchronized void hear(Alert a) {
    heard.add(a);
    threads.add(Thread.currentThread().getName());
  }

  private synchronized List<Alert> heard() {
    return List.copyOf(heard);
  }

  @Test
  void aBusyProcessRaisesHighCpuAndAStopOnPurposeResolvesIt() throws Exception {
    sup.register(ProcessSpec.builder("spinner").command("sh", "-c", "while :; do :; done").build());
    alerting = Alerting.builder(sup).listener(this::hear).sampleInterval(Duration.ofMillis(200)).noAnomalies()
        .rules(AlertRules.defaults().override("spinner", c -> c.withHighCpu(5, Duration.ofMillis(500)))).build();
    sup.controller("spinner").orElseThrow().start(Duration.ofSeconds(10));
    assertThat(Processes.eventually(Duration.ofSeconds(30), () -> heard().stream().anyMatch(a -> a.type() == AlertType.HIGH_CPU)))
        .as("heard %s", heard()).isTrue();
    Alert cpu = heard().stream().filter(a -> a.type() == AlertType.HIGH_CPU).findFirst().orElseThrow();
    assertThat(cpu.isFiring()).isTrue();
    assertThat(cpu.summary()).startsWith("spinner: ").contains("% CPU above 5.0%");

    sup.controller("spinner").orElseThrow().stop(Duration.ofSeconds(10));
    rec.awaitState("spinner", ProcessState.STOPPED, 1, Duration.ofSeconds(10));
    assertThat(Processes.eventually(Duration.ofSeconds(10),
        () -> heard().stream().anyMatch(a -> a.type() == AlertType.HIGH_CPU && !a.isFiring()))).isTrue();
    assertThat(alerting.firing()).isEmpty();
    synchronized (this) {
      // never on the supervision thread (vigil-<name>): the events thread or the sampler
      assertThat(threads).isNotEmpty().allMatch(t -> t.equals("vigil-alerting-test-events") || t.equals("vigil-alerts-sampler"), "not the supervision thread");
    }
  }

  /**
   * The JDK backend's sampler reads no resident memory: HIGH_MEMORY turned on for a process there cannot fire, and a
   * WARN says so once (slf4j-simple writes to System.err); it was silent, whatever the process's memory.
   */
  @Test
  void highMemoryThatCannotFireOnTheJdkBackendIsSaidOnce() throws Exception {
    sup.register(ProcessSpec.builder("feed").command("sleep", "60").build());
    alerting = Alerting.builder(sup).listener(this::hear).sampleInterval(Duration.ofDays(1)).noAnomalies()
        .rules(AlertRules.defaults().override("feed", c -> c.withHighMemory(1, Duration.ZERO))).build();
    sup.controller("feed").orElseThrow().start(Duration.ofSeconds(10));
    String captured = Stderr.of(() -> {
      for (int i = 0; i < 6; i++) {
        alerting.sampleAll(); // on this thread: what the sampling thread does every period
      }
    });
    List<String> warnings = captured.lines()
        .filter(l -> l.contains("HIGH_MEMORY alerts for feed cannot fire")).toList();
    assertThat(warnings).as("WARNs in %s", captured).hasSize(1);
    assertThat(warnings.get(0)).contains("WARN").contains("no resident memory").contains("JDK backend");
    assertThat(heard()).as("a threshold of 1 byte, never read").isEmpty();
  }

  @Test
  void pipelineCountersAreMicrometerMeters() {
    RecordingSink sink = new RecordingSink("desk");
    try (NotificationPipeline p = NotificationPipeline.builder().executor(Runnable::run)
        .route(Route.builder("desk").sink(sink).groupWait(Duration.ZERO).build()).build()) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      new AlertMetrics(p).bindTo(registry);
      Alert a = Alert.firing(AlertType.CRASHED, "", "orders", Severity.WARNING, "orders crashed", "", java.util.Map.of(),
          java.time.Instant.now());
      p.onAlert(a);
      p.onAlert(a.again("orders crashed", ""));
      assertThat(registry.get("vigil.alerts.received").functionCounter().count()).isEqualTo(2);
      assertThat(registry.get("vigil.alerts.deduplicated").functionCounter().count()).isEqualTo(1);
      assertThat(registry.get("vigil.alerts.firing").gauge().value()).isEqualTo(1);
      assertThat(registry.get("vigil.alerts.deliveries").tag("sink", "desk").tag("outcome", "rate_limited").functionCounter().count())
          .isZero();
    }
  }

  /**
   * A next sample the scheduler refuses (a scheduler given to the builder, shut down while {@code Alerting} is open) is
   * said at WARN naming the supervisor and the rules that go unheard, not thrown: out of the sampling thread it ended
   * that thread and sampling with it, silently (HIGH_CPU, HIGH_MEMORY and the anomalies never fired again), the
   * exception going to the thread's uncaught-exception handler. Virtual time: the test's scheduler starts refusing
   * before the first sample, whose end asks for the next.
   */
  @Test
  void aSampleTheSchedulerRefusesIsSaidNotThrownOnTheSamplingThread() throws Exception {
    io.github.vigil.testing.FakeTicker ticker = new io.github.vigil.testing.FakeTicker();
    io.github.vigil.testing.ManualScheduler manual = new io.github.vigil.testing.ManualScheduler(ticker);
    java.util.concurrent.atomic.AtomicBoolean refuse = new java.util.concurrent.atomic.AtomicBoolean();
    io.github.vigil.Scheduler refusing = (delay, task) -> {
      if (refuse.get()) {
        throw new java.util.concurrent.RejectedExecutionException("refused by the test");
      }
      return manual.schedule(delay, task);
    };
    List<Throwable> uncaught = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    boolean saidOrThrown;
    try {
      alerting = Alerting.builder(sup).listener(this::hear).sampleInterval(Duration.ofSeconds(10)).noAnomalies()
          .ticker(ticker).scheduler(refusing).build();
      refuse.set(true);
      manual.advance(Duration.ofSeconds(10));   // the first sample, on the sampling thread, then the next asked for
      saidOrThrown = Processes.eventually(Duration.ofSeconds(20), () -> !uncaught.isEmpty()
          || captured.toString(java.nio.charset.StandardCharsets.UTF_8).contains("sampling stopped"));
    } finally {
      System.setErr(err);
      Thread.setDefaultUncaughtExceptionHandler(before);
    }
    assertThat(saidOrThrown).as("the refusal was said or thrown").isTrue();
    assertThat(uncaught).as("thrown out of the sampling thread").isEmpty();
    assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("Alerting for supervisor alerting-test:"
        + " sampling stopped, the scheduler refused the next sample in 10.0 s");
  }
}
