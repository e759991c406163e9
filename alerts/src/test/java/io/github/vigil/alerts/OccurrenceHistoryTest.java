package io.github.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.HealthState;
import io.github.vigil.Origin;
import io.github.vigil.ProcessState;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Termination;
import io.github.vigil.testing.FakeTicker;
import io.github.vigil.testing.ManualScheduler;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What an alert that happened more than once tells of its occurrences, beyond CRASHED's causes ({@link CrashCausesTest}):
 * a HEALTH_CHECK_FAILING's checks' messages and a FLAPPING's restarts within its window, in the description (the
 * Alertmanager and webhook annotation) and under the alert's line in text and markdown; the times' dates when the
 * occurrences span days; and the count on a RESOLVED line. The evaluator on a virtual clock, fed events as the engine
 * publishes them; notifications made of the alerts it told.
 */
class OccurrenceHistoryTest {
  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
  private final FakeTicker ticker = new FakeTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final InstantSource clock = TickerClock.startingAt(T0, ticker);
  private final List<Alert> heard = new ArrayList<>();
  private final AlertEvaluator evaluator = new AlertEvaluator(AlertRules.defaults(), heard::add, ticker, scheduler, clock);

  private void health(HealthState from, HealthState to, String message) {
    evaluator.onEvent(new SupervisorEvent.HealthChanged("gw", clock.instant(), from, to, message));
  }

  private void restartAfter(int attempt, ExitInfo exit) {
    evaluator.onEvent(new SupervisorEvent.RestartScheduled("gw", clock.instant(), attempt, Duration.ofSeconds(1), exit));
  }

  private static ExitInfo exited(int code) {
    return new ExitInfo(new Termination.Exited(code), ExitCause.ERROR_EXIT, Duration.ofSeconds(3), T0, "", -1);
  }

  private static ExitInfo signaled(ExitCause cause, int signal, String name, boolean core) {
    return new ExitInfo(new Termination.Signaled(signal, name, core, true), cause, Duration.ofSeconds(3), T0, "", -1);
  }

  private Alert last(AlertType type) {
    return heard.stream().filter(a -> a.type() == type).reduce((a, b) -> b).orElseThrow();
  }

  private Notification notification(List<Alert> firing, List<Alert> resolved) {
    return new Notification("ops", "ops{process=\"gw\"}", Map.of("process", "gw"), firing, resolved, clock.instant(), false,
        false);
  }

  /**
   * A health check that failed three times across restarts (the health goes UNKNOWN with each run, so the alert fires
   * again rather than resolving): its description names each distinct message once with its times; the summary says the
   * latest. It said the latest message only, and text and markdown showed nothing under its line.
   */
  @Test
  void aHealthCheckFailingThatFiredAgainNamesItsMessagesWithTheirTimes() throws Exception {
    ticker.advance(Duration.ofSeconds(2));
    health(HealthState.STARTING, HealthState.UNHEALTHY, "http://localhost:8080/health: HTTP 503");   // 09:00:02
    health(HealthState.UNHEALTHY, HealthState.UNKNOWN, "run ended");
    ticker.advance(Duration.ofSeconds(68));
    health(HealthState.STARTING, HealthState.UNHEALTHY, "http://localhost:8080/health: connection refused"); // 09:01:10
    health(HealthState.UNHEALTHY, HealthState.UNKNOWN, "run ended");
    ticker.advance(Duration.ofSeconds(30));
    health(HealthState.STARTING, HealthState.UNHEALTHY, "http://localhost:8080/health: HTTP 503");   // 09:01:40

    Alert failing = last(AlertType.HEALTH_CHECK_FAILING);
    assertThat(failing.occurrences()).isEqualTo(3);
    assertThat(failing.summary()).isEqualTo("gw is unhealthy: http://localhost:8080/health: HTTP 503");
    String history = "3 health check failures since 2026-01-05T09:00:02Z: http://localhost:8080/health: HTTP 503 at"
        + " 09:00:02, 09:01:40; http://localhost:8080/health: connection refused at 09:01:10";
    assertThat(failing.description()).isEqualTo(history);
    Notification n = notification(List.of(failing), List.of());
    assertThat(n.text()).contains("(3 times), since 2026-01-05T09:00:02Z\n  " + history + "\n");
    assertThat(n.markdown()).contains("(3 times), since 2026-01-05T09:00:02Z\n  - " + history + "\n");
    assertThat(AlertmanagerSink.builder("am", URI.create("http://alertmanager:9093")).build().body(n))
        .contains("\"description\":\"" + history + "\"");
    assertThat(WebhookSink.alertsArray(n)).contains("\"description\":\"" + history + "\"");
  }

  /** Twelve failures: the last 5 named (their distinct messages), the 7 before counted. */
  @Test
  void aHealthCheckFailingsHistoryIsBoundedToTheLastFewAndACount() {
    for (int i = 0; i < 12; i++) {
      health(HealthState.STARTING, HealthState.UNHEALTHY, i < 7 ? "HTTP 500" : "HTTP 503");
      health(HealthState.UNHEALTHY, HealthState.UNKNOWN, "run ended");
      ticker.advance(Duration.ofSeconds(10));
    }
    assertThat(last(AlertType.HEALTH_CHECK_FAILING).description()).isEqualTo("12 health check failures since"
        + " 2026-01-05T09:00:00Z: 7 earlier, then HTTP 503 at 09:01:10, 09:01:20, 09:01:30, 09:01:40, 09:01:50");
  }

  /**
   * A FLAPPING names its restarts within the window and what each was after, from its first firing (already more than 3
   * restarts), and, firing again, those still within the window: restarts that left it are no longer counted. It said
   * "restart N after ..." of the latest only, and text and markdown showed nothing under its line.
   */
  @Test
  void flappingNamesWhatEachRestartWithinTheWindowWasAfter() {
    restartAfter(1, exited(1));                                                    // 09:00:00
    ticker.advance(Duration.ofSeconds(10));
    restartAfter(2, signaled(ExitCause.SIGNALED, 11, "SIGSEGV", true));           // 09:00:10
    ticker.advance(Duration.ofSeconds(10));
    restartAfter(3, signaled(ExitCause.OOM_KILLED, 9, "SIGKILL", false));         // 09:00:20
    ticker.advance(Duration.ofSeconds(10));
    restartAfter(4, exited(1));                                                    // 09:00:30: more than 3 in 5 min
    Alert flapping = last(AlertType.FLAPPING);
    assertThat(flapping.occurrences()).isEqualTo(1);
    assertThat(flapping.summary()).isEqualTo("gw is flapping: more than 3 restarts within 5 min 00 s");
    String history = "4 restarts since 2026-01-05T09:00:00Z: after exit code 1 at 09:00:00, after SIGSEGV (core dumped)"
        + " at 09:00:10, after OOM_KILLED at 09:00:20, after exit code 1 at 09:00:30; last: restart 4 after ERROR_EXIT"
        + " (exit code 1) after 3.00 s";
    assertThat(flapping.description()).isEqualTo(history);
    Notification n = notification(List.of(flapping), List.of());
    assertThat(n.text()).contains("within 5 min 00 s, since 2026-01-05T09:00:30Z\n  " + history + "\n");
    assertThat(n.markdown()).contains("within 5 min 00 s, since 2026-01-05T09:00:30Z\n  - " + history + "\n");

    scheduler.advance(Duration.ofSeconds(260));
    restartAfter(5, exited(2));                                                    // 09:04:50: all five within 5 min
    scheduler.advance(Duration.ofSeconds(30));
    restartAfter(6, exited(2));                                                    // 09:05:20: the first two left it
    flapping = last(AlertType.FLAPPING);
    assertThat(flapping.occurrences()).isEqualTo(3);
    assertThat(flapping.description()).startsWith("4 restarts since 2026-01-05T09:00:20Z: after OOM_KILLED at 09:00:20,"
        + " after exit code 1 at 09:00:30, after exit code 2 at 09:04:50, after exit code 2 at 09:05:20; last: restart 6");
  }

  /**
   * A crash loop over midnight (UTC): the times carry their dates, as 23:59:50 then 00:00:20 read as if the second came
   * first. Within one day they stay HH:mm:ss ({@link CrashCausesTest}).
   */
  @Test
  void occurrencesOnAnotherDayThanTheFirstCarryTheirDates() {
    scheduler.advance(Duration.between(T0, Instant.parse("2026-01-05T23:59:50Z")));
    evaluator.onEvent(new SupervisorEvent.Exited("gw", clock.instant(), 1, exited(3)));
    scheduler.advance(Duration.ofSeconds(30));
    evaluator.onEvent(new SupervisorEvent.Exited("gw", clock.instant(), 2, signaled(ExitCause.SIGNALED, 6, "SIGABRT", true)));
    assertThat(last(AlertType.CRASHED).description()).isEqualTo("2 crashes since 2026-01-05T23:59:50Z: exit code 3 at"
        + " 01-05 23:59:50, SIGABRT (core dumped) at 01-06 00:00:20");
    // the first two no longer named (the last 5 are): all on the next day, not the first's, so still dated
    for (int i = 0; i < 5; i++) {
      scheduler.advance(Duration.ofSeconds(10));
      evaluator.onEvent(new SupervisorEvent.Exited("gw", clock.instant(), 3 + i, exited(3)));
    }
    assertThat(last(AlertType.CRASHED).description()).startsWith("7 crashes since 2026-01-05T23:59:50Z: 2 earlier, then"
        + " exit code 3 at 01-06 00:00:30,");
  }

  /**
   * A RESOLVED line says how many times its alert's cause happened, as a FIRING line does; one that happened once says
   * nothing more. The text and markdown said no count on a RESOLVED line.
   */
  @Test
  void aResolvedLineSaysHowManyOccurrencesItHad() {
    for (int i = 1; i <= 3; i++) {
      evaluator.onEvent(new SupervisorEvent.Exited("gw", clock.instant(), i, exited(3)));
      scheduler.advance(Duration.ofSeconds(10));
    }
    health(HealthState.STARTING, HealthState.UNHEALTHY, "HTTP 503");
    evaluator.onEvent(new SupervisorEvent.StateChanged("gw", clock.instant(), ProcessState.RUNNING, ProcessState.STOPPING,
        Origin.API, "stop"));
    Alert crashed = last(AlertType.CRASHED);
    Alert failing = last(AlertType.HEALTH_CHECK_FAILING);
    assertThat(crashed.isFiring()).isFalse();
    assertThat(failing.isFiring()).isFalse();

    Notification n = notification(List.of(), List.of(crashed, failing));
    assertThat(n.text()).contains("- RESOLVED " + crashed.summary() + " (after 3 occurrences), at 2026-01-05T09:00:30Z\n")
        .contains("- RESOLVED gw is unhealthy: HTTP 503, at 2026-01-05T09:00:30Z\n");
    assertThat(n.markdown()).contains("- **RESOLVED** " + crashed.summary() + " (after 3 occurrences), at 2026-01-05T09:00:30Z\n")
        .contains("- **RESOLVED** gw is unhealthy: HTTP 503, at 2026-01-05T09:00:30Z\n");
  }
}
