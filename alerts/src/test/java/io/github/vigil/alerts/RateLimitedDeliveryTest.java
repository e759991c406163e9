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
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A webhook (a real HTTP server on loopback) with a rate limit of one notification in 10 minutes: what is dropped over
 * the limit is told when the limit allows, as the group stands then, not lost. Before, a dropped FIRING waited for the
 * group's next change or its repeat (4 h here), and a dropped RESOLVED was never sent: the alert stayed firing at the
 * webhook and in {@code alerts.state} until it fired again. Time is virtual; the sends run on the test's thread
 * ({@code executor(Runnable::run)}), so every request a step makes has reached the receiver when {@code advance} returns.
 */
@Timeout(60)
class RateLimitedDeliveryTest {
  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();
  private final FakeTicker ticker = new FakeTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final InstantSource clock = TickerClock.startingAt(T0, ticker);
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

  /** Route {@code ops}: the webhook, one group per process, notified at once, a group interval of 1 min, repeats after 4 h. */
  private NotificationPipeline pipeline() throws IOException {
    hook = new LocalHttpServer();
    return NotificationPipeline.builder().ticker(ticker).scheduler(scheduler).clock(clock).executor(Runnable::run)
        .rateLimit("hook", new RateLimit(1, Duration.ofMinutes(10)))
        .route(Route.builder("ops").sink(WebhookSink.builder("hook", hook.uri("/hook")).build())
            .groupWait(Duration.ZERO).groupInterval(Duration.ofMinutes(1)).repeatInterval(Duration.ofHours(4)).build())
        .build();
  }

  private Alert crashed(String process) {
    return Alert.firing(AlertType.CRASHED, "", process, Severity.CRITICAL, process + " crashed", "", Map.of(), clock.instant());
  }

  /** feed fires and is told (the limit's one token); orders fires at once after it, and its FIRING is dropped. */
  private Alert[] feedToldOrdersDropped() {
    Alert feed = crashed("feed");
    pipeline.onAlert(feed);
    scheduler.advance(Duration.ZERO);
    assertThat(hook.requests()).hasSize(1);
    Alert orders = crashed("orders");
    pipeline.onAlert(orders);
    scheduler.advance(Duration.ZERO);
    assertThat(pipeline.stats().sinks().get("hook").rateLimited()).isEqualTo(1);
    assertThat(hook.requests()).hasSize(1);
    return new Alert[] {feed, orders};
  }

  @Test
  void aFiringDroppedOverTheRateLimitIsToldWhenTheLimitAllows() throws Exception {
    pipeline = pipeline();
    feedToldOrdersDropped();

    scheduler.advance(Duration.ofMinutes(9).plusSeconds(59)); // the group's next turn came at 1 min; the limit did not allow
    assertThat(hook.requests()).hasSize(1);
    scheduler.advance(Duration.ofSeconds(2));                 // 10 min: a token again
    // before: nothing until the group's repeat, 4 h after its dropped notification
    assertThat(hook.requests()).hasSize(2);
    assertThat(alerts(hook.last())).singleElement().satisfies(a -> {
      assertThat(a.get("status").asText()).isEqualTo("firing");
      assertThat(a.at("/labels/process").asText()).isEqualTo("orders");
    });
    assertThat(pipeline.toldFiring()).extracting(r -> r.alert().key()).containsExactlyInAnyOrder("feed/CRASHED", "orders/CRASHED");
    assertThat(pipeline.stats().sinks().get("hook").rateLimited()).isEqualTo(1);
  }

  @Test
  void aResolutionDroppedOverTheRateLimitIsToldWhenTheLimitAllows() throws Exception {
    pipeline = pipeline();
    Alert feed = crashed("feed");
    pipeline.onAlert(feed);
    scheduler.advance(Duration.ofMinutes(1));
    pipeline.onAlert(feed.resolved(clock.instant(), "running again"));
    scheduler.advance(Duration.ZERO);                         // the group's turn: its RESOLVED is over the limit
    assertThat(pipeline.stats().sinks().get("hook").rateLimited()).isEqualTo(1);
    assertThat(pipeline.toldFiring()).as("the webhook still shows it firing").singleElement()
        .satisfies(r -> assertThat(r.told()).isEqualTo(Map.of("ops", Set.of("hook"))));

    scheduler.advance(Duration.ofMinutes(8).plusSeconds(59));
    assertThat(hook.requests()).hasSize(1);
    scheduler.advance(Duration.ofSeconds(2));                 // 10 min after the FIRING: a token again
    // before: never sent; feed stayed firing at the webhook and in alerts.state until it fired again
    assertThat(hook.requests()).hasSize(2);
    assertThat(alerts(hook.last())).singleElement().satisfies(a -> {
      assertThat(a.get("status").asText()).isEqualTo("resolved");
      assertThat(a.at("/labels/process").asText()).isEqualTo("feed");
    });
    assertThat(pipeline.toldFiring()).isEmpty();
  }

  /**
   * What is told when the limit allows is the group as it stands then: orders, dropped firing, resolved before a token
   * came back, is never heard of at the webhook (it never heard it fire); feed's resolution, dropped too, is told then.
   */
  @Test
  void whatIsToldWhenTheLimitAllowsIsTheGroupAsItStandsThen() throws Exception {
    pipeline = pipeline();
    Alert[] both = feedToldOrdersDropped();
    scheduler.advance(Duration.ofMinutes(5));
    pipeline.onAlert(both[1].resolved(clock.instant(), "running again"));
    pipeline.onAlert(both[0].resolved(clock.instant(), "running again"));
    scheduler.advance(Duration.ZERO);                         // feed's RESOLVED over the limit; nothing for orders
    assertThat(pipeline.stats().sinks().get("hook").rateLimited()).isEqualTo(2);

    scheduler.advance(Duration.ofMinutes(5).plusSeconds(1)); // 10 min: a token again
    assertThat(hook.requests()).hasSize(2);
    assertThat(alerts(hook.last())).singleElement().satisfies(a -> {
      assertThat(a.get("status").asText()).isEqualTo("resolved");
      assertThat(a.at("/labels/process").asText()).isEqualTo("feed");
    });
    assertThat(pipeline.toldFiring()).isEmpty();
    scheduler.advance(Duration.ofHours(5));                   // past any repeat: orders is over, the group forgotten
    assertThat(alerts(hook.requests().toArray(LocalHttpServer.Request[]::new)))
        .noneMatch(a -> a.at("/labels/process").asText().equals("orders"));
  }

  /**
   * Three groups dropped at once over the limit (orders, quotes, risk, after feed took the one token) all came due at the
   * next token: one was told, and the two beyond the token were dropped again and counted again as rate limited (3, then
   * 5, then 6). Each is counted once, and told in the order they were dropped, one per token.
   */
  @Test
  void groupsDroppedAtOnceAreCountedOnceAndToldOnePerTokenInTheOrderDropped() throws Exception {
    pipeline = pipeline();
    feedToldOrdersDropped();
    pipeline.onAlert(crashed("quotes"));
    pipeline.onAlert(crashed("risk"));
    scheduler.advance(Duration.ZERO);
    assertThat(pipeline.stats().sinks().get("hook").rateLimited()).isEqualTo(3);

    for (String next : List.of("orders", "quotes", "risk")) {
      int before = hook.requests().size();
      scheduler.advance(Duration.ofMinutes(10).plusSeconds(1)); // a token again
      assertThat(hook.requests()).as("told at this token").hasSize(before + 1);
      assertThat(alerts(hook.last())).singleElement().satisfies(a -> {
        assertThat(a.get("status").asText()).isEqualTo("firing");
        assertThat(a.at("/labels/process").asText()).isEqualTo(next);
      });
      // before: 5 after orders was told, 6 after quotes
      assertThat(pipeline.stats().sinks().get("hook").rateLimited()).as("after %s was told", next).isEqualTo(3);
    }
    assertThat(pipeline.toldFiring()).extracting(r -> r.alert().process())
        .containsExactlyInAnyOrder("feed", "orders", "quotes", "risk");
  }

  /**
   * As the pipeline closes, the token left goes to the group dropped first, as it does while the pipeline goes on: risk,
   * made first, was told at once (the limit's one token); orders was dropped firing a minute later, and risk's RESOLVED
   * over the limit after it. At the close, a token there again, orders is told; risk's RESOLVED stays owed (in
   * {@code alerts.state}, for the next JVM). The close gave the token to risk, the group made first.
   */
  @Test
  void aCloseTellsTheGroupsOwedInTheOrderTheyWereDropped() throws Exception {
    pipeline = pipeline();
    Alert risk = crashed("risk");
    pipeline.onAlert(risk);
    scheduler.advance(Duration.ZERO);
    assertThat(hook.requests()).hasSize(1);
    scheduler.advance(Duration.ofMinutes(1));
    pipeline.onAlert(crashed("orders"));
    scheduler.advance(Duration.ZERO);                       // dropped: first in line
    pipeline.onAlert(risk.resolved(clock.instant(), "running again"));
    scheduler.advance(Duration.ZERO);                       // risk's group interval is over: its RESOLVED dropped, second
    assertThat(pipeline.stats().sinks().get("hook").rateLimited()).isEqualTo(2);
    assertThat(hook.requests()).hasSize(1);

    ticker.advance(Duration.ofMinutes(9).plusSeconds(1));   // a token again; the pipeline closes before orders' turn runs
    pipeline.close();
    assertThat(hook.requests()).hasSize(2);
    // before: risk's RESOLVED, and orders, dropped first, was not told
    assertThat(alerts(hook.last())).singleElement().satisfies(a -> {
      assertThat(a.get("status").asText()).isEqualTo("firing");
      assertThat(a.at("/labels/process").asText()).isEqualTo("orders");
    });
    assertThat(pipeline.toldFiring()).extracting(r -> r.alert().process()).containsExactlyInAnyOrder("risk", "orders");
  }

  private static List<JsonNode> alerts(LocalHttpServer.Request... rs) {
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
