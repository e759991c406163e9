package io.github.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.FakeTicker;
import io.github.vigil.testing.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real processes on a real supervisor, the rules on a virtual clock: a process stopped through the API raises no
 * {@code NOT_RUNNING} a grace later, one that dies by itself does. Core ends a requested stop with STOPPING (origin API)
 * then STOPPED (origin PROCESS, when the run is gone); a black-box run found {@code NOT_RUNNING} fired 30 s after every
 * API stop ("stopme has not been running for 30.0 s (stopped)"), and after a shutdown of a supervisor still heard.
 */
@Timeout(60)
class StopOnPurposeAlertTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

  private final FakeTicker ticker = new FakeTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final InstantSource clock = TickerClock.startingAt(T0, ticker);
  private final Supervisor sup = Supervisor.builder().name("stop-on-purpose").backend("jdk").build();
  private final EventRecorder rec = new EventRecorder();
  private final List<Alert> heard = new CopyOnWriteArrayList<>();
  private final AlertEvaluator evaluator = new AlertEvaluator(AlertRules.defaults(), heard::add, ticker, scheduler, clock);

  @AfterEach
  void tearDown() {
    sup.close();
  }

  @Test
  void anApiStopRaisesNoNotRunningButAnExitByItselfDoes() throws Exception {
    // the evaluator hears each event before the recorder, so awaiting the recorder means it was evaluated
    sup.subscribe(e -> {
      evaluator.onEvent(e);
      rec.onEvent(e);
    });
    sup.register(ProcessSpec.builder("stopped").command("sleep", "600").startupGrace(Duration.ofMillis(100)).build());
    sup.register(ProcessSpec.builder("died").command("sh", "-c", "sleep 0.5; exit 3").startupGrace(Duration.ofMillis(100))
        .restartPolicy(RestartPolicy.never()).build());
    sup.controller("stopped").orElseThrow().start(WAIT);
    sup.controller("died").orElseThrow().start(WAIT);
    rec.awaitState("stopped", ProcessState.RUNNING, 1, WAIT);
    sup.controller("stopped").orElseThrow().stop(WAIT);
    rec.awaitState("stopped", ProcessState.STOPPED, 1, WAIT);
    rec.await(SupervisorEvent.StateChanged.class, e -> e.process().equals("died") && e.from() == ProcessState.RUNNING, 1, WAIT);

    scheduler.advance(Duration.ofMinutes(10));   // well past the 30 s grace
    assertThat(evaluator.firing()).extracting(Alert::key).containsExactlyInAnyOrder("died/NOT_RUNNING", "died/CRASHED");
    assertThat(heard).extracting(Alert::process).doesNotContain("stopped");
  }
}
