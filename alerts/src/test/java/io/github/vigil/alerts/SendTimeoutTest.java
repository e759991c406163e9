package io.github.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.testing.Processes;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pipeline's own send timeout bounds a sink that hangs: real sender and timer threads, real time. */
@Timeout(30)
class SendTimeoutTest {

  @Test
  void aHangingSinkIsInterruptedCountedAndRetried() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    CountDownLatch never = new CountDownLatch(1);
    NotificationSink hanging = new NotificationSink() {
      @Override
      public String name() {
        return "hanging";
      }

      @Override
      public void send(Notification n) throws Exception {
        if (attempts.incrementAndGet() == 1) {
          never.await();   // a receiver that never answers; only an interrupt ends it
        }
      }
    };
    try (NotificationPipeline p = NotificationPipeline.builder().sendTimeout(Duration.ofMillis(300))
        .retry(new RetryPolicy(3, Duration.ofMillis(100), 2, Duration.ofSeconds(1)))
        .route(Route.builder("r").sink(hanging).groupWait(Duration.ZERO).build()).build()) {
      p.onAlert(Alert.firing(AlertType.CRASHED, "", "orders", Severity.WARNING, "orders crashed", "", Map.of(), Instant.now()));
      assertThat(Processes.eventually(Duration.ofSeconds(20), () -> p.stats().sinks().get("hanging").sent() == 1))
          .as("%s", p.stats()).isTrue();
      PipelineStats.SinkStats s = p.stats().sinks().get("hanging");
      assertThat(s.timedOut()).isEqualTo(1);
      assertThat(s.failedAttempts()).isEqualTo(1);
      assertThat(s.retries()).isEqualTo(1);
      assertThat(attempts.get()).isEqualTo(2);
    }
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.getName().startsWith("vigil-alerts-")))).as("the pipeline's threads end with close()").isTrue();
  }
}
