package io.github.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * HTTP sinks leave no threads behind per sink: twenty webhook sinks built and used, one after another, as pipelines
 * rebuilt or Spring contexts refreshed would, add at most one HttpClient selector thread (the shared client of their
 * connect timeout). Each had a client of its own, whose selector thread ran until a garbage collection found it (JDK 17's
 * client has no close()): twenty threads (found by a black-box trial).
 */
class HttpClientThreadsTest {

  @Test
  void twentySinksUsedInTurnAddAtMostOneSelectorThread() throws Exception {
    try (LocalHttpServer server = new LocalHttpServer()) {
      Duration timeout = Duration.ofMillis(4321); // a connect timeout no other test uses: its client is made here
      long before = selectorThreads();
      Instant now = Instant.parse("2026-12-05T09:00:00Z");
      Alert crashed = Alert.firing(AlertType.CRASHED, "", "feed", Severity.WARNING, "feed crashed", "exit 1", Map.of(), now);
      Notification n = new Notification("desk", "desk{process=feed}", Map.of("process", "feed"), List.of(crashed), List.of(), now,
          false, false);
      for (int i = 0; i < 20; i++) {
        WebhookSink sink = WebhookSink.builder("hook-" + i, server.uri("/hook")).timeout(timeout).build();
        sink.send(n);
      }
      assertThat(server.requests()).hasSize(20);
      assertThat(selectorThreads() - before).as("HttpClient selector threads added by 20 sinks").isLessThanOrEqualTo(1);
    }
  }

  private static long selectorThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().endsWith("SelectorManager")).count();
  }
}
