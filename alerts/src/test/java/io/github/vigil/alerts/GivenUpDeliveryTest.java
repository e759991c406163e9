package io.github.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vigil.testing.FakeTicker;
import io.github.vigil.testing.ManualScheduler;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A webhook (a real HTTP server on loopback) that is down when an alert fires: the delivery of the FIRING is given up
 * after its retries. Found by a black-box trial: the pipeline counted the alert as told to the webhook all the same, and
 * later sent it a RESOLVED of an alert it never accepted firing. Time is virtual (the retries' and the group's timers run
 * on {@link ManualScheduler#advance}); the sends run on the test's thread ({@code executor(Runnable::run)}), so every
 * request a step makes has reached the receiver when {@code advance} returns.
 */
@Timeout(60)
class GivenUpDeliveryTest {
  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();
  private final FakeTicker ticker = new FakeTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final InstantSource clock = TickerClock.startingAt(T0, ticker);
  private final RecordingSink desk = new RecordingSink("desk"); // a sink of the same route that is up all along
  private LocalHttpServer hook;
  private NotificationPipeline pipeline;

  @AfterEach
  void close() {
    if (pipeline != null) {
      pipeline.close();
    }
    if (hook != null) {
      hook.close();
    }
  }

  /** Route {@code ops}: the webhook and the desk, notified at once, a group interval of 1 min, repeats after 4 h; 2 attempts. */
  private NotificationPipeline pipeline() throws IOException {
    hook = new LocalHttpServer();
    return NotificationPipeline.builder().ticker(ticker).scheduler(scheduler).clock(clock).executor(Runnable::run)
        .retry(new RetryPolicy(2, Duration.ofSeconds(1), 2, Duration.ofSeconds(10)))
        .route(Route.builder("ops").sink(WebhookSink.builder("hook", hook.uri("/hook")).build()).sink(desk)
            .groupWait(Duration.ZERO).groupInterval(Duration.ofMinutes(1)).repeatInterval(Duration.ofHours(4)).build())
        .build();
  }

  private Alert crashed(String process) {
    return Alert.firing(AlertType.CRASHED, "", process, Severity.CRITICAL, process + " crashed", "", Map.of(), clock.instant());
  }

  /** The webhook is down for the FIRING of {@code alert}: both attempts answered 503, then it is up again. */
  private void firingGivenUp(Alert alert) {
    hook.answer(503, "down for maintenance");
    pipeline.onAlert(alert);
    scheduler.advance(Duration.ZERO);           // attempt 1: 503
    scheduler.advance(Duration.ofSeconds(1));   // attempt 2: 503, given up
    assertThat(pipeline.stats().sinks().get("hook").gaveUp()).isEqualTo(1);
    assertThat(hook.requests()).hasSize(2);
    assertThat(desk.sent()).singleElement().satisfies(n -> assertThat(n.status()).isEqualTo(Alert.Status.FIRING));
    hook.answer(200, "ok");
  }

  @Test
  void aWebhookThatNeverAcceptedTheFiringIsNotToldItResolved() throws Exception {
    pipeline = pipeline();
    Alert feed = crashed("feed");
    firingGivenUp(feed);

    pipeline.onAlert(feed.resolved(clock.instant(), "running again"));
    scheduler.advance(Duration.ofMinutes(1));   // the group's next turn
    // the desk, which was told it fires, hears it resolve in that turn: the turn was taken
    assertThat(desk.sent()).hasSize(2);
    assertThat(desk.sent().get(1).status()).isEqualTo(Alert.Status.RESOLVED);
    // before: the webhook was sent "[RESOLVED] feed" too, of an alert it never accepted firing
    assertThat(alerts(hook.requests().subList(2, hook.requests().size())))
        .as("what the webhook was sent after the FIRING it never accepted").isEmpty();
    assertThat(pipeline.stats().sinks().get("hook").sent()).isZero();
  }

  @Test
  void aFiringGivenUpIsToldAgainAtTheGroupsNextTurnWhileItFires() throws Exception {
    pipeline = pipeline();
    Alert feed = crashed("feed");
    firingGivenUp(feed);

    scheduler.advance(Duration.ofSeconds(58));  // 59 s after the group's notification: not yet
    assertThat(hook.requests()).hasSize(2);
    scheduler.advance(Duration.ofSeconds(1));   // a group interval after it: the webhook, and only it, is told again
    assertThat(hook.requests()).hasSize(3);
    List<JsonNode> told = alerts(List.of(hook.last()));
    assertThat(told).singleElement().satisfies(a -> {
      assertThat(a.get("status").asText()).isEqualTo("firing");
      assertThat(a.at("/labels/process").asText()).isEqualTo("feed");
    });
    assertThat(desk.sent()).as("the desk heard it the first time").hasSize(1);
    assertThat(pipeline.stats().sinks().get("hook").sent()).isEqualTo(1);

    pipeline.onAlert(feed.resolved(clock.instant(), "running again"));
    scheduler.advance(Duration.ofMinutes(1));
    // told it fires, the webhook hears it resolve, as the desk does
    assertThat(alerts(List.of(hook.last()))).singleElement().satisfies(a -> assertThat(a.get("status").asText()).isEqualTo("resolved"));
    assertThat(desk.sent()).hasSize(2);
    assertThat(desk.sent().get(1).status()).isEqualTo(Alert.Status.RESOLVED);
    assertThat(hook.requests()).hasSize(4);
  }

  /**
   * A resolution whose delivery was given up, to a webhook that was told the alert fires: the webhook is owed it, and is
   * told at the group's next turn; until then the state kept for a next JVM still says it was told the alert fires.
   */
  @Test
  void aResolutionGivenUpIsOwedAndToldAtTheGroupsNextTurn() throws Exception {
    pipeline = pipeline();
    Alert feed = crashed("feed");
    pipeline.onAlert(feed);
    scheduler.advance(Duration.ZERO);
    assertThat(pipeline.toldFiring()).singleElement().satisfies(r -> assertThat(r.told()).isEqualTo(Map.of("ops",
        java.util.Set.of("hook", "desk"))));

    hook.answer(503, "down for maintenance");
    pipeline.onAlert(feed.resolved(clock.instant(), "running again"));
    scheduler.advance(Duration.ofMinutes(1));   // the resolution: 503
    scheduler.advance(Duration.ofSeconds(1));   // and again: given up
    assertThat(pipeline.stats().sinks().get("hook").gaveUp()).isEqualTo(1);
    assertThat(pipeline.toldFiring()).as("the webhook still shows it firing").singleElement()
        .satisfies(r -> assertThat(r.told()).isEqualTo(Map.of("ops", java.util.Set.of("hook"))));
    hook.answer(200, "ok");

    scheduler.advance(Duration.ofMinutes(1));
    assertThat(alerts(List.of(hook.last()))).singleElement().satisfies(a -> {
      assertThat(a.get("status").asText()).isEqualTo("resolved");
      assertThat(a.at("/labels/process").asText()).isEqualTo("feed");
    });
    assertThat(pipeline.toldFiring()).isEmpty();
    assertThat(desk.sent()).hasSize(2);
  }

  /**
   * The pipeline closes before the group's next turn: the resolution the webhook is owed (given up while it was down) is
   * sent as it closes, as news of a group are. Before, it was not: it stayed in the state kept for a next JVM, and the
   * alert fired on at the webhook until that JVM resolved it.
   */
  @Test
  void aResolutionOwedIsToldAsThePipelineCloses() throws Exception {
    pipeline = pipeline();
    Alert feed = crashed("feed");
    pipeline.onAlert(feed);
    scheduler.advance(Duration.ZERO);
    hook.answer(503, "down for maintenance");
    pipeline.onAlert(feed.resolved(clock.instant(), "running again"));
    scheduler.advance(Duration.ofMinutes(1));   // the resolution: 503
    scheduler.advance(Duration.ofSeconds(1));   // and again: given up
    assertThat(pipeline.stats().sinks().get("hook").gaveUp()).isEqualTo(1);
    hook.answer(200, "ok");
    int before = hook.requests().size();

    pipeline.close();                           // 59 s before the group's next turn
    assertThat(hook.requests()).hasSize(before + 1);
    assertThat(alerts(List.of(hook.last()))).singleElement().satisfies(a -> {
      assertThat(a.get("status").asText()).isEqualTo("resolved");
      assertThat(a.at("/labels/process").asText()).isEqualTo("feed");
    });
    assertThat(pipeline.toldFiring()).isEmpty();
    assertThat(desk.sent()).as("the desk was told at once, and not again").hasSize(2);
  }

  private static List<JsonNode> alerts(List<LocalHttpServer.Request> rs) {
    List<JsonNode> out = new ArrayList<>();
    for (LocalHttpServer.Request r : rs) {
      try {
        JSON.readTree(r.body()).get("alerts").forEach(out::add);
      } catch (IOException e) {
        throw new AssertionError(r.body(), e);
      }
    }
    return out;
  }
}
