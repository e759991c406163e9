package io.github.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.FakeTicker;
import io.github.vigil.testing.ManualScheduler;
import io.github.vigil.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real process that crashes 20 times in a row (within a couple of seconds) and then runs: the
 * alerts and notifications run on a virtual clock, so their waits (group wait, stable run, flapping
 * window) pass at once and exactly.
 */
@Timeout(120)
class CrashLoopAlertTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

  private final FakeTicker ticker = new FakeTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final InstantSource clock = TickerClock.startingAt(T0, ticker);
  private final Supervisor sup = Supervisor.builder().name("alerts-test").backend("jdk").build();
  private final EventRecorder rec = new EventRecorder();
  private final RecordingSink chat = new RecordingSink("chat");
  private final RecordingSink log = new RecordingSink("log");
  private NotificationPipeline pipeline;
  @TempDir Path dir;

  @AfterEach
  void tearDown() {
    sup.close();
    if (pipeline != null) {
      pipeline.close();
    }
  }

  private AlertEvaluator wire(Silence silence) {
    pipeline = NotificationPipeline.builder().ticker(ticker).scheduler(scheduler).clock(clock).executor(Runnable::run)
        .route(Route.builder("desk-chat").sink(chat).groupWait(Duration.ofSeconds(30)).groupInterval(Duration.ofMinutes(5))
            .repeatInterval(Duration.ofHours(4)).build())
        .route(Route.builder("log").sink(log).groupWait(Duration.ofSeconds(10)).groupInterval(Duration.ofMinutes(5))
            .repeatInterval(Duration.ofHours(4)).build())
        .build();
    if (silence != null) {
      pipeline.addSilence(silence);
    }
    AlertEvaluator evaluator = new AlertEvaluator(AlertRules.defaults(), pipeline, ticker, scheduler, clock);
    // the evaluator hears each event before the recorder, so awaiting the recorder means it was evaluated
    sup.subscribe(e -> {
      evaluator.onEvent(e);
      rec.onEvent(e);
    });
    return evaluator;
  }

  /** sh that crashes on its first 20 runs (counting them in a file) and then sleeps. */
  private void crashLoop() throws Exception {
    Path count = dir.resolve("runs");
    Files.writeString(count, "");
    String script = "echo x >> '" + count + "'; n=$(wc -l < '" + count + "'); if [ \"$n\" -le 20 ]; then exit 3; fi; exec sleep 600";
    sup.register(ProcessSpec.builder("quote-feed").command("sh", "-c", script).label("type", "QUOTE")
        .restartPolicy(RestartPolicy.always().withBackoff(Backoff.fixed(Duration.ofMillis(20))).withStartLimit(100, Duration.ofMinutes(1)))
        .startupGrace(Duration.ofMillis(500))
        .build());
    sup.controller("quote-feed").orElseThrow().start();
    rec.await(SupervisorEvent.Exited.class, e -> true, 20, WAIT);
    // the 21st run is the one that stays: wait until the evaluator (which hears each event before the
    // recorder) has heard it become RUNNING, so no event reaches it while the virtual clock moves
    assertThat(Processes.eventually(WAIT, () -> {
      List<SupervisorEvent> events = rec.events();
      long started = events.stream().filter(e -> e instanceof SupervisorEvent.Started).count();
      SupervisorEvent.StateChanged last = null;
      for (SupervisorEvent e : events) {
        if (e instanceof SupervisorEvent.StateChanged sc) {
          last = sc;
        }
      }
      return started == 21 && last != null && last.to() == ProcessState.RUNNING;
    })).as("events %s", rec.events()).isTrue();
  }

  @Test
  void twentyCrashesInAMinuteMakeOneGroupedAndOneResolvedNotificationPerRoute() throws Exception {
    AlertEvaluator evaluator = wire(null);
    crashLoop();
    assertThat(rec.of(SupervisorEvent.Exited.class, "quote-feed")).hasSize(20);
    assertThat(evaluator.firing()).extracting(Alert::type).contains(AlertType.CRASHED, AlertType.FLAPPING);
    assertThat(chat.sent()).isEmpty();

    scheduler.advance(Duration.ofSeconds(30));   // both group waits pass
    for (RecordingSink sink : List.of(chat, log)) {
      assertThat(sink.sent()).as(sink.name()).hasSize(1);
      Notification n = sink.sent().get(0);
      assertThat(n.status()).isEqualTo(Alert.Status.FIRING);
      assertThat(n.groupLabels()).isEqualTo(Map.of("process", "quote-feed"));
      assertThat(n.firing()).extracting(Alert::type).containsExactlyInAnyOrder(AlertType.CRASHED, AlertType.FLAPPING);
      Alert crashed = n.firing().stream().filter(a -> a.type() == AlertType.CRASHED).findFirst().orElseThrow();
      assertThat(crashed.occurrences()).isEqualTo(20);
      assertThat(crashed.summary()).contains("quote-feed crashed: error exit").contains("exit code 3");
      assertThat(crashed.labels()).containsEntry("type", "QUOTE").containsEntry("severity", "warning");
    }

    // stable for 1 min resolves CRASHED; 5 min without a restart resolves FLAPPING; one resolved notification each
    scheduler.advance(Duration.ofMinutes(10));
    for (RecordingSink sink : List.of(chat, log)) {
      assertThat(sink.sent()).as(sink.name()).hasSize(2);
      Notification resolved = sink.sent().get(1);
      assertThat(resolved.status()).isEqualTo(Alert.Status.RESOLVED);
      assertThat(resolved.resolved()).extracting(Alert::type).containsExactlyInAnyOrder(AlertType.CRASHED, AlertType.FLAPPING);
    }
    assertThat(evaluator.firing()).isEmpty();
    scheduler.advance(Duration.ofHours(8));   // nothing fires: no repeats
    assertThat(chat.sent()).hasSize(2);
    PipelineStats stats = pipeline.stats();
    assertThat(stats.notifications()).isEqualTo(4);
    assertThat(stats.deduplicated()).isGreaterThanOrEqualTo(19);
    assertThat(stats.sinks().get("chat").sent()).isEqualTo(2);
  }

  @Test
  void aSilenceHoldsTheCrashLoopBack() throws Exception {
    wire(Silence.between("maintenance", Map.of("process", "quote-feed"), T0, T0.plus(Duration.ofHours(1)), "ops",
        "feed upgrade"));
    crashLoop();
    scheduler.advance(Duration.ofMinutes(20));
    assertThat(chat.sent()).isEmpty();
    assertThat(log.sent()).isEmpty();
    assertThat(pipeline.stats().silenced()).isPositive();
    assertThat(pipeline.firing()).isEmpty();   // resolved while silenced: never notified
  }
}
