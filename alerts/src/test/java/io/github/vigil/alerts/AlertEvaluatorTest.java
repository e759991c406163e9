package io.github.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.AttachState;
import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.HealthState;
import io.github.vigil.Origin;
import io.github.vigil.ProcessSample;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ResourceRule;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Termination;
import io.github.vigil.calendar.Schedule;
import io.github.vigil.calendar.SessionRule;
import io.github.vigil.calendar.TradingCalendar;
import io.github.vigil.testing.FakeTicker;
import io.github.vigil.testing.ManualScheduler;
import io.github.vigil.spi.ProcessSampleBuilder;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each rule on a virtual clock, fed events as the engine publishes them. */
class AlertEvaluatorTest {
  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
  private final FakeTicker ticker = new FakeTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final InstantSource clock = TickerClock.startingAt(T0, ticker);
  private final List<Alert> heard = new ArrayList<>();

  private AlertEvaluator evaluator(AlertRules rules) {
    return new AlertEvaluator(rules, heard::add, ticker, scheduler, clock);
  }

  private SupervisorEvent.StateChanged state(String p, ProcessState from, ProcessState to, Origin origin) {
    return new SupervisorEvent.StateChanged(p, clock.instant(), from, to, origin, "test");
  }

  private static ExitInfo exit(int code) {
    return new ExitInfo(new Termination.Exited(code), code == 0 ? ExitCause.NORMAL : ExitCause.ERROR_EXIT, Duration.ofSeconds(3),
        T0, "", -1);
  }

  private List<String> log() {
    return heard.stream().map(a -> a.type() + ":" + a.status()).toList();
  }

  private void advanceTo(String instant) {
    scheduler.advance(Duration.between(clock.instant(), Instant.parse(instant)));
  }

  @Test
  void notRunningFiresOnlyWhereTheScheduleExpectsTheProcessUp() {
    // weekdays 09:30-15:00 UTC; in-session schedules stop 10 min after the close (CLOSING until 15:10)
    TradingCalendar cal = TradingCalendar.builder("desk").zone(ZoneOffset.UTC)
        .session(SessionRule.of("day", LocalTime.of(9, 30), LocalTime.of(15, 0))).build();
    Schedule inSession = Schedule.inSession(cal).withLag(Duration.ofMinutes(10));
    Map<String, Schedule> schedules = Map.of("feed", inSession, "quotes", inSession);
    AlertEvaluator e = new AlertEvaluator(AlertRules.of(RuleConfig.defaults().withNotRunningGrace(Duration.ofSeconds(30))),
        heard::add, ticker, scheduler, clock, name -> Optional.ofNullable(schedules.get(name)));
    for (String p : List.of("feed", "quotes", "plain")) {
      e.onEvent(state(p, ProcessState.STARTING, ProcessState.RUNNING, Origin.POLICY));
    }

    // in session (Monday 09:40): down longer than the grace fires
    advanceTo("2026-01-05T09:40:00Z");
    e.onEvent(state("feed", ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS));
    e.onEvent(state("feed", ProcessState.CRASHED, ProcessState.BACKOFF, Origin.POLICY));
    scheduler.advance(Duration.ofSeconds(30));
    assertThat(log()).containsExactly("NOT_RUNNING:FIRING");
    e.onEvent(state("feed", ProcessState.STARTING, ProcessState.RUNNING, Origin.POLICY));
    assertThat(log()).containsExactly("NOT_RUNNING:FIRING", "NOT_RUNNING:RESOLVED");
    heard.clear();

    // after the close (15:02, CLOSING: not restarted), then stopped by the schedule at 15:10: nothing all night
    advanceTo("2026-01-05T15:02:00Z");
    for (String p : List.of("feed", "quotes", "plain")) {
      e.onEvent(state(p, ProcessState.RUNNING, ProcessState.EXITED, Origin.PROCESS));
    }
    advanceTo("2026-01-05T15:10:00Z");
    assertThat(log()).as("only the unscheduled process").containsExactly("NOT_RUNNING:FIRING");
    assertThat(heard.get(0).process()).isEqualTo("plain");
    advanceTo("2026-01-06T09:30:29Z");
    assertThat(heard).hasSize(1);

    // Tuesday's open: quotes is started within the grace and raises nothing; feed is still down a grace after the open
    e.onEvent(state("quotes", ProcessState.STARTING, ProcessState.RUNNING, Origin.API));
    advanceTo("2026-01-06T09:30:30Z");
    assertThat(heard).hasSize(2);
    assertThat(heard.get(1).process()).isEqualTo("feed");
    assertThat(heard.get(1).type()).isEqualTo(AlertType.NOT_RUNNING);
    assertThat(heard.get(1).summary()).isEqualTo("feed has not been running for 30.0 s into its scheduled window (exited)");
  }

  /** A start that failed says why in its summary, which chat and mail show; it said "start failed (unknown (not started)) after 0 ns". */
  @Test
  void aFailedStartSaysWhyInItsSummary() {
    AlertEvaluator e = evaluator(AlertRules.defaults());
    e.onEvent(new SupervisorEvent.Exited("ghost", clock.instant(), 1, new ExitInfo(new Termination.Unknown("not started"),
        ExitCause.START_FAILED, Duration.ZERO, T0, "binary /opt/nope/ghost not found", -1)));
    assertThat(heard).hasSize(1);
    assertThat(heard.get(0).type()).isEqualTo(AlertType.CRASHED);
    assertThat(heard.get(0).summary()).isEqualTo("ghost could not start: binary /opt/nope/ghost not found");
  }

  @Test
  void notRunningFiresAfterTheGraceOnlyWhenNobodyStoppedIt() {
    AlertEvaluator e = evaluator(AlertRules.of(RuleConfig.defaults().withNotRunningGrace(Duration.ofSeconds(30))));
    e.onEvent(state("feed", ProcessState.STARTING, ProcessState.RUNNING, Origin.POLICY));
    e.onEvent(state("feed", ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS));
    e.onEvent(state("feed", ProcessState.CRASHED, ProcessState.BACKOFF, Origin.POLICY));
    scheduler.advance(Duration.ofSeconds(29));
    assertThat(heard).isEmpty();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(log()).containsExactly("NOT_RUNNING:FIRING");
    assertThat(heard.get(0).summary()).isEqualTo("feed has not been running for 30.0 s (backoff)");
    e.onEvent(state("feed", ProcessState.STARTING, ProcessState.RUNNING, Origin.POLICY));
    assertThat(log()).containsExactly("NOT_RUNNING:FIRING", "NOT_RUNNING:RESOLVED");

    // back within the grace: nothing; stopped by the API: nothing
    e.onEvent(state("feed", ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS));
    scheduler.advance(Duration.ofSeconds(10));
    e.onEvent(state("feed", ProcessState.STARTING, ProcessState.RUNNING, Origin.POLICY));
    e.onEvent(state("feed", ProcessState.RUNNING, ProcessState.STOPPING, Origin.API));
    e.onEvent(state("feed", ProcessState.STOPPING, ProcessState.STOPPED, Origin.API));
    scheduler.advance(Duration.ofMinutes(5));
    assertThat(log()).hasSize(2);
  }

  /**
   * A group that gave up pages at once, naming itself and why; its processes, stopped by it, raised only NOT_RUNNING a
   * grace later, each on its own (found by a black-box run). One escalating to its parent raises nothing of its own.
   */
  @Test
  void aGroupThatGivesUpFiresAndResolvesWhenStartedAgain() {
    AlertEvaluator e = evaluator(AlertRules.defaults());
    e.onEvent(new SupervisorEvent.GroupFailed("gateways", clock.instant(), "gw1", "intensity exceeded", "desk")); // to its parent
    assertThat(log()).isEmpty();
    e.onEvent(new SupervisorEvent.GroupFailed("desk", clock.instant(), "gateways/gw1",
        "intensity exceeded: 4 restarts within 1 min (at most 3); the failures of gateways/gw1 escalated", null));
    assertThat(log()).containsExactly("GROUP_FAILED:FIRING");
    assertThat(heard.get(0).severity()).isEqualTo(Severity.CRITICAL);
    assertThat(heard.get(0).process()).isEqualTo("desk");
    assertThat(heard.get(0).summary()).isEqualTo("group desk gave up and stopped all its processes: intensity exceeded: 4 restarts "
        + "within 1 min (at most 3); the failures of gateways/gw1 escalated");
    e.onEvent(new SupervisorEvent.GroupStateChanged("desk", clock.instant(), io.github.vigil.GroupState.FAILED,
        io.github.vigil.GroupState.RUNNING, Origin.API, "group desk started"));
    assertThat(log()).containsExactly("GROUP_FAILED:FIRING", "GROUP_FAILED:RESOLVED");
  }

  /** Stopped on purpose, a flapping process and its anomalies resolve too (they stayed firing through a shutdown). */
  @Test
  void flappingAndAnomaliesResolveWhenStoppedOnPurpose() {
    AlertEvaluator e = evaluator(AlertRules.defaults());
    for (int i = 1; i <= 4; i++) {
      e.onEvent(new SupervisorEvent.RestartScheduled("feed", clock.instant(), i, Duration.ofSeconds(1), exit(1)));
      scheduler.advance(Duration.ofSeconds(10));
    }
    e.onAnomaly(new Anomaly("feed", AnomalyKind.RESTART_RATE, true, "4 restarts in the last hour", 4, clock.instant()));
    assertThat(e.firing()).extracting(Alert::type).contains(AlertType.FLAPPING, AlertType.ANOMALY);
    e.onEvent(state("feed", ProcessState.BACKOFF, ProcessState.STOPPED, Origin.SHUTDOWN));
    assertThat(e.firing()).isEmpty();
    assertThat(heard).filteredOn(a -> a.status() == Alert.Status.RESOLVED).extracting(Alert::type)
        .contains(AlertType.FLAPPING, AlertType.ANOMALY);
  }

  /**
   * FAILED resolves after a stable run, not at the first RUNNING: a start after the give-up that crashes again at once
   * has not recovered (it resolved at RUNNING, and paged anew at the next start limit).
   */
  @Test
  void failedFiresAndResolvesAfterAStableRun() {
    AlertEvaluator e = evaluator(AlertRules.defaults());
    e.onEvent(new SupervisorEvent.Failed("orders", clock.instant(), "start limit reached: 5 restarts in 1 min", exit(2)));
    e.onEvent(state("orders", ProcessState.STARTING, ProcessState.RUNNING, Origin.API));
    assertThat(log()).containsExactly("FAILED:FIRING");
    assertThat(heard.get(0).severity()).isEqualTo(Severity.CRITICAL);
    assertThat(heard.get(0).summary()).contains("start limit reached");
    scheduler.advance(Duration.ofSeconds(20));
    e.onEvent(state("orders", ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS));
    e.onEvent(state("orders", ProcessState.CRASHED, ProcessState.BACKOFF, Origin.POLICY));
    e.onEvent(state("orders", ProcessState.STARTING, ProcessState.RUNNING, Origin.POLICY));
    scheduler.advance(Duration.ofSeconds(59));
    assertThat(log()).as("20 s, then 59 s: no stable run yet").containsExactly("FAILED:FIRING");
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(log()).containsExactly("FAILED:FIRING", "FAILED:RESOLVED");
    assertThat(heard.get(1).description()).endsWith("running for 1 min 00 s");
  }

  /**
   * A process that gave up (its start limit) raises FAILED, not also NOT_RUNNING a grace later: one incident, one
   * critical page; both fired. With FAILED turned off, NOT_RUNNING still says it.
   */
  @Test
  void aProcessThatGaveUpRaisesFailedAndNotAlsoNotRunning() {
    for (boolean failedOn : new boolean[] {true, false}) {
      heard.clear();
      AlertEvaluator e = evaluator(failedOn ? AlertRules.defaults() : AlertRules.of(RuleConfig.defaults().without(AlertType.FAILED)));
      e.onEvent(state("orders", ProcessState.STARTING, ProcessState.RUNNING, Origin.POLICY));
      e.onEvent(state("orders", ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS));
      e.onEvent(new SupervisorEvent.Failed("orders", clock.instant(), "start limit reached: 5 restarts in 1 min", exit(2)));
      e.onEvent(state("orders", ProcessState.CRASHED, ProcessState.FAILED, Origin.POLICY));
      scheduler.advance(Duration.ofMinutes(5)); // well past NOT_RUNNING's grace (30 s)
      assertThat(log()).as("FAILED on: %s", failedOn).containsExactly(failedOn ? "FAILED:FIRING" : "NOT_RUNNING:FIRING");
    }
  }

  @Test
  void aCleanExitIsNoCrash() {
    AlertEvaluator e = evaluator(AlertRules.defaults());
    e.onEvent(new SupervisorEvent.Exited("batch", clock.instant(), 1, exit(0)));
    assertThat(heard).isEmpty();
  }

  @Test
  void healthAndAttachmentFireAndResolve() {
    AlertEvaluator e = evaluator(AlertRules.defaults());
    e.onEvent(new SupervisorEvent.HealthChanged("gw", clock.instant(), HealthState.HEALTHY, HealthState.UNHEALTHY,
        "http://localhost:8080/health: HTTP 503"));
    e.onEvent(new SupervisorEvent.HealthChanged("gw", clock.instant(), HealthState.UNHEALTHY, HealthState.HEALTHY, "ok"));
    e.onEvent(new SupervisorEvent.AttachStateChanged("trader-001", clock.instant(), AttachState.RUNNING, AttachState.NOT_FOUND,
        "no process matches trader_tools.*account001"));
    e.onEvent(new SupervisorEvent.AttachStateChanged("trader-001", clock.instant(), AttachState.NOT_FOUND, AttachState.RUNNING, ""));
    assertThat(log()).containsExactly("HEALTH_CHECK_FAILING:FIRING", "HEALTH_CHECK_FAILING:RESOLVED", "ATTACHMENT_LOST:FIRING",
        "ATTACHMENT_LOST:RESOLVED");
    assertThat(heard.get(2).summary()).isEqualTo("trader-001 is not found: no process matches trader_tools.*account001");
  }

  @Test
  void highMemoryAsAShareOfTheResourceRuleForADuration() {
    AlertEvaluator e = evaluator(AlertRules.defaults()
        .override("feed", c -> c.withHighMemoryShare(0.8, Duration.ofMinutes(2)).withSeverity(AlertType.HIGH_MEMORY, Severity.CRITICAL)));
    e.onEvent(new SupervisorEvent.Registered("feed", clock.instant(), ProcessSpec.builder("feed").command("x")
        .resourceRule(ResourceRule.residentMemoryAbove(1000L << 20).build()).label("type", "QUOTE").build()));
    for (int i = 0; i < 12; i++) {   // 850 MiB (85 % of 1000 MiB) every 10 s for 2 min
      e.onSample("feed", memory(850L << 20));
      ticker.advance(Duration.ofSeconds(10));
    }
    e.onSample("feed", memory(850L << 20));
    assertThat(log()).containsExactly("HIGH_MEMORY:FIRING");
    Alert a = heard.get(0);
    assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(a.labels()).containsEntry("type", "QUOTE").containsEntry("alertname", "VigilProcessHighMemory");
    assertThat(a.summary()).isEqualTo("feed: resident memory 850 MiB above 800 MiB for 2 min 00 s");
    e.onSample("feed", memory(780L << 20));   // under the threshold but within 10 %: still firing
    assertThat(heard).hasSize(1);
    e.onSample("feed", memory(600L << 20));
    assertThat(log()).containsExactly("HIGH_MEMORY:FIRING", "HIGH_MEMORY:RESOLVED");
    // other processes keep the defaults: HIGH_MEMORY off
    e.onSample("other", memory(100L << 30));
    assertThat(heard).hasSize(2);
  }

  /**
   * HIGH_MEMORY of an attachment (its samples are the matched processes summed): fires with the attachment's labels,
   * resolves when the attachment loses its process, and a sample taken before the loss but heard after it (the sampling
   * thread and the event thread race) neither fires it again nor starts its duration; found again, its samples count.
   */
  @Test
  void highMemoryOfAnAttachmentResolvesWhenItLosesItsProcessAndALateSampleChangesNothing() {
    AlertEvaluator e = evaluator(AlertRules.defaults().override("feed", c -> c.withHighMemory(800L << 20, Duration.ZERO)));
    e.onEvent(new SupervisorEvent.Attached("feed", clock.instant(), io.github.vigil.AttachSpec.builder("feed").pid(4242)
        .label("type", "QUOTE").build()));
    e.onEvent(new SupervisorEvent.AttachStateChanged("feed", clock.instant(), AttachState.NOT_FOUND, AttachState.RUNNING, ""));
    e.onSample("feed", memory(900L << 20));
    assertThat(log()).containsExactly("HIGH_MEMORY:FIRING");
    assertThat(heard.get(0).labels()).containsEntry("type", "QUOTE");

    e.onEvent(new SupervisorEvent.AttachStateChanged("feed", clock.instant(), AttachState.RUNNING, AttachState.STOPPED,
        "pid 4242 exited"));
    assertThat(log()).containsExactly("HIGH_MEMORY:FIRING", "HIGH_MEMORY:RESOLVED", "ATTACHMENT_LOST:FIRING");
    assertThat(heard.get(1).description()).endsWith("the attachment lost its process (stopped)");
    e.onSample("feed", memory(900L << 20)); // taken before the loss; onSample tells the listener before it returns
    assertThat(log()).as("a late sample").hasSize(3);

    e.onEvent(new SupervisorEvent.AttachStateChanged("feed", clock.instant(), AttachState.STOPPED, AttachState.RUNNING, ""));
    e.onSample("feed", memory(900L << 20));
    assertThat(log()).containsExactly("HIGH_MEMORY:FIRING", "HIGH_MEMORY:RESOLVED", "ATTACHMENT_LOST:FIRING",
        "ATTACHMENT_LOST:RESOLVED", "HIGH_MEMORY:FIRING");
  }

  /**
   * A sample taken before a process was removed (or an attachment detached) and heard after it (the sampling thread races
   * the event thread) is ignored: it made the process's entry again, and a HIGH_MEMORY of a process no longer there fired.
   * Registered (attached) again, its samples count.
   */
  @Test
  void aSampleHeardAfterRemovalOrDetachIsIgnored() {
    AlertEvaluator e = evaluator(AlertRules.defaults().override("feed", c -> c.withHighMemory(800L << 20, Duration.ZERO))
        .override("trader", c -> c.withHighMemory(800L << 20, Duration.ZERO)));
    feedRemovedAndTraderDetached(e);

    e.onSample("feed", memory(900L << 20));   // taken before the removal; onSample tells the listener before it returns
    e.onSample("trader", memory(900L << 20));
    e.onAnomaly(new Anomaly("feed", AnomalyKind.MEMORY_SPIKE, true, "resident memory spike", 1, clock.instant()));
    // before: HIGH_MEMORY fired for both, and ANOMALY for feed, from entries made again
    assertThat(heard).isEmpty();
    assertThat(e.firing()).isEmpty();

    e.onEvent(new SupervisorEvent.Registered("feed", clock.instant(), ProcessSpec.builder("feed").command("x").build()));
    e.onSample("feed", memory(900L << 20));
    assertThat(log()).containsExactly("HIGH_MEMORY:FIRING");
  }

  /**
   * Not only a sample: any event heard after a process's Removed (an attachment's Detached) is late and ignored until it is
   * registered (attached) again. A health result in flight, a state change, an attachment's loss made the entry again and
   * fired HEALTH_CHECK_FAILING, NOT_RUNNING a grace later and ATTACHMENT_LOST for names no longer there, never to resolve.
   */
  @Test
  void anyEventHeardAfterRemovalOrDetachIsIgnoredUntilRegisteredAgain() {
    AlertEvaluator e = evaluator(AlertRules.of(RuleConfig.defaults().withNotRunningGrace(Duration.ofSeconds(30))));
    feedRemovedAndTraderDetached(e);

    e.onEvent(new SupervisorEvent.HealthChanged("feed", clock.instant(), HealthState.HEALTHY, HealthState.UNHEALTHY, "HTTP 503"));
    e.onEvent(state("feed", ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS));
    e.onEvent(new SupervisorEvent.AttachStateChanged("trader", clock.instant(), AttachState.RUNNING, AttachState.STOPPED,
        "pid 4242 exited"));
    scheduler.advance(Duration.ofMinutes(1)); // past NOT_RUNNING's grace
    // before: HEALTH_CHECK_FAILING and ATTACHMENT_LOST fired at once, NOT_RUNNING a grace later
    assertThat(heard).isEmpty();
    assertThat(e.firing()).isEmpty();

    e.onEvent(new SupervisorEvent.Registered("feed", clock.instant(), ProcessSpec.builder("feed").command("x").build()));
    e.onEvent(new SupervisorEvent.HealthChanged("feed", clock.instant(), HealthState.HEALTHY, HealthState.UNHEALTHY, "HTTP 503"));
    assertThat(log()).containsExactly("HEALTH_CHECK_FAILING:FIRING");
  }

  /**
   * A name removed is remembered as gone for a while, not for ever ({@link AlertEvaluator#FORGET_GONE_AFTER}, ten minutes:
   * anything late comes within seconds): the set shrank only when a name was registered again, so it grew with every
   * process or attachment ever removed. A name removed again after it was registered again is remembered from then.
   */
  @Test
  void aNameRemovedIsRememberedAsGoneForTenMinutes() {
    AlertEvaluator e = evaluator(AlertRules.defaults());
    e.onEvent(new SupervisorEvent.Attached("trader", clock.instant(), io.github.vigil.AttachSpec.builder("trader").pid(4242).build()));
    e.onEvent(new SupervisorEvent.Detached("trader", clock.instant()));
    e.onEvent(new SupervisorEvent.Registered("feed", clock.instant(), ProcessSpec.builder("feed").command("x").build()));
    e.onEvent(new SupervisorEvent.Removed("feed", clock.instant()));
    scheduler.advance(Duration.ofMinutes(5));
    e.onEvent(new SupervisorEvent.Registered("feed", clock.instant(), ProcessSpec.builder("feed").command("x").build()));
    e.onEvent(new SupervisorEvent.Removed("feed", clock.instant()));
    scheduler.advance(Duration.ofMinutes(5).minusSeconds(1));
    assertThat(e.isGone("trader")).isTrue();
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(e.isGone("trader")).as("ten minutes after its detach").isFalse();
    assertThat(e.isGone("feed")).as("removed again five minutes ago: the first removal's timer leaves it").isTrue();
    scheduler.advance(Duration.ofMinutes(5));
    assertThat(e.isGone("feed")).isFalse();
  }

  /**
   * An attachment's anomalies resolve when it loses its process, as its HIGH_CPU and HIGH_MEMORY do: they were about the
   * processes it lost. They stayed firing until the detector said the anomaly was over, which, with no more samples, it
   * never did.
   */
  @Test
  void anomaliesOfAnAttachmentResolveWhenItLosesItsProcess() {
    AlertEvaluator e = evaluator(AlertRules.defaults());
    e.onEvent(new SupervisorEvent.Attached("trader", clock.instant(), io.github.vigil.AttachSpec.builder("trader").pid(4242).build()));
    e.onEvent(new SupervisorEvent.AttachStateChanged("trader", clock.instant(), AttachState.NOT_FOUND, AttachState.RUNNING, ""));
    e.onAnomaly(new Anomaly("trader", AnomalyKind.MEMORY_LEAK, true, "resident memory +12.0 MiB/h", 1, clock.instant()));
    e.onAnomaly(new Anomaly("trader", AnomalyKind.ZOMBIES, true, "7 zombie children", 7, clock.instant()));
    assertThat(log()).containsExactly("ANOMALY:FIRING", "ANOMALY:FIRING");

    e.onEvent(new SupervisorEvent.AttachStateChanged("trader", clock.instant(), AttachState.RUNNING, AttachState.STOPPED,
        "pid 4242 exited"));
    // before: only ATTACHMENT_LOST; both anomalies fired on
    assertThat(log()).containsExactly("ANOMALY:FIRING", "ANOMALY:FIRING", "ANOMALY:RESOLVED", "ANOMALY:RESOLVED",
        "ATTACHMENT_LOST:FIRING");
    assertThat(heard.subList(2, 4)).extracting(Alert::description)
        .allSatisfy(d -> assertThat(d).endsWith("the attachment lost its process (stopped)"));
    assertThat(e.firing()).extracting(Alert::type).containsExactly(AlertType.ATTACHMENT_LOST);
  }

  @Test
  void anAnomalyIsAnAlertWithItsKindAsALabel() {
    AlertEvaluator e = evaluator(AlertRules.defaults());
    e.onAnomaly(new Anomaly("feed", AnomalyKind.MEMORY_LEAK, true, "resident memory +12.0 MiB/h", 1, clock.instant()));
    e.onAnomaly(new Anomaly("feed", AnomalyKind.MEMORY_LEAK, false, "resident memory no longer growing", 1, clock.instant()));
    assertThat(log()).containsExactly("ANOMALY:FIRING", "ANOMALY:RESOLVED");
    assertThat(heard.get(0).labels()).containsEntry("anomaly", "memory_leak");
    assertThat(heard.get(0).key()).isEqualTo("feed/ANOMALY/memory_leak");
  }

  @Test
  void aTypeTurnedOffNeverFires() {
    AlertEvaluator e = evaluator(AlertRules.of(RuleConfig.defaults().without(AlertType.CRASHED)));
    e.onEvent(new SupervisorEvent.Exited("feed", clock.instant(), 1, exit(3)));
    assertThat(heard).isEmpty();
  }

  /** withHighMemoryShare of no base (no withMemoryLimit, no residentMemoryAbove rule): a WARN says it cannot fire, once. */
  @Test
  void aMemoryShareWithoutABaseIsSaidOnceToBeUnableToFire() {
    AlertEvaluator e = evaluator(AlertRules.defaults().override("feed", c -> c.withHighMemoryShare(0.8, Duration.ZERO)));
    e.onEvent(new SupervisorEvent.Registered("feed", clock.instant(), ProcessSpec.builder("feed").command("x").build()));
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    java.io.PrintStream original = System.err;
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      for (int i = 0; i < 3; i++) {
        e.onSample("feed", memory(100L << 30));
      }
    } finally {
      System.setErr(original);
    }
    assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8).lines()
        .filter(l -> l.contains("WARN") && l.contains("HIGH_MEMORY alerts for feed cannot fire") && l.contains("needs a base")))
        .as("%s", captured).hasSize(1);
    assertThat(heard).isEmpty();
  }

  /**
   * A remembered HIGH_CPU taken up at a vanished sample (the first the evaluator hears of the process, its run ended
   * with the earlier JVM) is resolved, and the resolution is heard then. It was made but kept back: a vanished sample
   * returned before handing on what was made, so it waited for the next event that was not a vanished sample.
   */
  @Test
  void aResolutionMadeWhenAVanishedSampleTakesUpARememberedAlertIsHeardAtOnce() {
    AlertEvaluator e = evaluator(AlertRules.defaults());
    Alert remembered = Alert.firing(AlertType.HIGH_CPU, "", "feed", Severity.WARNING, "feed: 97.0% CPU", "above 90.0%",
        Map.of(), T0.minusSeconds(600));
    e.remember(List.of(remembered), name -> Optional.empty());
    e.onSample("feed", ProcessSampleBuilder.of(ProcessSample.Scope.TREE, 42).vanished("/proc/42/stat: No such process")
        .build(null));
    assertThat(heard).singleElement().satisfies(a -> {
      assertThat(a.key()).isEqualTo("feed/HIGH_CPU");
      assertThat(a.isFiring()).isFalse();
    });
  }

  /** feed registered, running and removed; trader attached, found and detached: two names gone. */
  private void feedRemovedAndTraderDetached(AlertEvaluator e) {
    e.onEvent(new SupervisorEvent.Registered("feed", clock.instant(), ProcessSpec.builder("feed").command("x").build()));
    e.onEvent(state("feed", ProcessState.STARTING, ProcessState.RUNNING, Origin.POLICY));
    e.onEvent(new SupervisorEvent.Removed("feed", clock.instant()));
    e.onEvent(new SupervisorEvent.Attached("trader", clock.instant(), io.github.vigil.AttachSpec.builder("trader").pid(4242).build()));
    e.onEvent(new SupervisorEvent.AttachStateChanged("trader", clock.instant(), AttachState.NOT_FOUND, AttachState.RUNNING, ""));
    e.onEvent(new SupervisorEvent.Detached("trader", clock.instant()));
  }

  private static ProcessSample memory(long bytes) {
    return ProcessSampleBuilder.of(ProcessSample.Scope.TREE, 42).request(EnumSet.of(ProcessSample.Field.MEMORY_RESIDENT))
        .beginMember().add(ProcessSample.Field.MEMORY_RESIDENT, bytes).endMember(42).build(null);
  }

  /**
   * A rule's timer the scheduler refuses (a scheduler given to {@code Alerting}, shut down while it is open) is not
   * thrown out of {@code onEvent} (the supervisor's event thread): the event's alerts are still heard, and a WARN names
   * the process, the rule and what it then does not do. No state is left behind: the next run's end sets NOT_RUNNING's
   * grace again. It was thrown before the event's alerts were handed over: the NOT_RUNNING that a run resolved went
   * unheard (until some later event).
   */
  @Test
  void aTimerTheSchedulerRefusesIsSaidNotThrownAndTheEventsAlertsAreHeard() {
    boolean[] refuse = {false};
    io.github.vigil.Scheduler refusing = (delay, task) -> {
      if (refuse[0]) {
        throw new java.util.concurrent.RejectedExecutionException("refused by the test");
      }
      return scheduler.schedule(delay, task);
    };
    AlertEvaluator e = new AlertEvaluator(AlertRules.of(RuleConfig.defaults().withNotRunningGrace(Duration.ofSeconds(30))),
        heard::add, ticker, refusing, clock);
    e.onEvent(state("feed", ProcessState.STARTING, ProcessState.RUNNING, Origin.POLICY));
    e.onEvent(new SupervisorEvent.Exited("feed", clock.instant(), 1, exit(3)));
    e.onEvent(state("feed", ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS));
    scheduler.advance(Duration.ofSeconds(30));
    assertThat(log()).containsExactly("CRASHED:FIRING", "NOT_RUNNING:FIRING");

    refuse[0] = true;
    String said = Stderr.of(() -> e.onEvent(state("feed", ProcessState.STARTING, ProcessState.RUNNING, Origin.POLICY)));
    assertThat(log()).as("the run's start resolved NOT_RUNNING").containsExactly("CRASHED:FIRING", "NOT_RUNNING:FIRING",
        "NOT_RUNNING:RESOLVED");
    assertThat(said).contains("Process feed: the stable-run timer of rules CRASHED and FAILED in 1 min 00 s not set, the"
        + " scheduler refused it");
    said = Stderr.of(() -> e.onEvent(state("feed", ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS)));
    assertThat(said).contains("Process feed: the grace of rule NOT_RUNNING in 30.0 s not set, the scheduler refused it")
        .contains("NOT_RUNNING does not fire for this run's end");

    refuse[0] = false;
    e.onEvent(state("feed", ProcessState.STARTING, ProcessState.RUNNING, Origin.POLICY));
    e.onEvent(state("feed", ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS));
    scheduler.advance(Duration.ofSeconds(30));
    assertThat(log()).as("the next run's end fires NOT_RUNNING").endsWith("NOT_RUNNING:FIRING").hasSize(4);
  }
}
