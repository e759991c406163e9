package io.github.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.testing.Processes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A sink that is slow, hung or deaf to interrupts holds up only its own notifications, on real sender threads and in
 * real time. Found by a black-box run: with one pool of two threads for all sinks, a receiver that never answered held
 * a log sink's notifications back by one timeout each; one that ignored interrupts stopped all alerting for good,
 * counted nothing and kept both threads after close; a close with sends in flight threw from the sender threads and
 * lost notifications without counting them.
 */
@Timeout(60)
class SinkIsolationTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  /** Records what it is sent. */
  private static final class Recording implements NotificationSink {
    final List<Notification> sent = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "log";
    }

    @Override
    public void send(Notification n) {
      sent.add(n);
    }
  }

  /** Blocks in every send until {@code release} opens; {@code deaf} ignores interrupts (a legacy blocking client). */
  private static NotificationSink blocking(String name, CountDownLatch release, boolean deaf) {
    return new NotificationSink() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void send(Notification n) throws Exception {
        while (true) {
          try {
            release.await();
            return;
          } catch (InterruptedException e) {
            if (!deaf) {
              throw e;
            }
          }
        }
      }
    };
  }

  private static Alert crash(String process) {
    return Alert.firing(AlertType.CRASHED, "", process, Severity.WARNING, process + " crashed", "", Map.of(), Instant.now());
  }

  /** What waits for a slow sink at close is still sent within the close's 5 s (it was dropped at once). */
  @Test
  void aCloseStillSendsWhatWaitsForASlowSink() throws Exception {
    List<Notification> sent = new CopyOnWriteArrayList<>();
    CountDownLatch first = new CountDownLatch(1);
    NotificationSink slow = new NotificationSink() {
      @Override
      public String name() {
        return "slow";
      }

      @Override
      public void send(Notification n) throws Exception {
        first.countDown();
        Thread.sleep(200);
        sent.add(n);
      }
    };
    NotificationPipeline p = NotificationPipeline.builder().retry(RetryPolicy.none())
        .route(Route.builder("all").sink(slow).groupWait(Duration.ZERO).groupBy("process").build()).build();
    for (int i = 0; i < 4; i++) {
      p.onAlert(crash("p" + i));
    }
    assertThat(first.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue(); // one in its send, three waiting behind it
    p.close();
    assertThat(sent).hasSize(4);
    assertThat(p.stats().sinks().get("slow").dropped()).isZero();
  }

  @Test
  void aHungSinkHoldsUpNoOther() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Recording log = new Recording();
    try (NotificationPipeline p = NotificationPipeline.builder().sendTimeout(Duration.ofMinutes(1)).retry(RetryPolicy.none())
        .route(Route.builder("all").sink(blocking("deadhook", release, false)).sink(log).groupWait(Duration.ZERO)
            .groupBy("process").build())
        .build()) {
      for (int i = 0; i < 4; i++) {
        p.onAlert(crash("p" + i));
      }
      // all four reach the log sink while the dead one still hangs in its first send
      assertThat(Processes.eventually(WAIT, () -> log.sent.size() == 4)).as("log sink: %s; %s", log.sent.size(), p.stats()).isTrue();
      assertThat(p.stats().sinks().get("deadhook").sent()).isZero();
      release.countDown();
      assertThat(Processes.eventually(WAIT, () -> p.stats().sinks().get("deadhook").sent() == 4)).as("%s", p.stats()).isTrue();
    }
  }

  @Test
  void aSinkDeafToInterruptsIsCountedAtItsTimeoutAndTheOthersGoOn() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Recording log = new Recording();
    try {
      NotificationPipeline p = NotificationPipeline.builder().sendTimeout(Duration.ofMillis(300)).retry(RetryPolicy.none())
          .route(Route.builder("all").sink(blocking("legacy", release, true)).sink(log).groupWait(Duration.ZERO).groupBy("process").build())
          .build();
      for (int i = 0; i < 4; i++) {
        p.onAlert(crash("p" + i));
      }
      assertThat(Processes.eventually(WAIT, () -> log.sent.size() == 4)).as("log sink: %s; %s", log.sent.size(), p.stats()).isTrue();
      // its first send timed out and was given up (no retries) while it still hangs; the other three wait behind it
      // (the timeout's outcome is counted in steps on the timer thread: wait for all of it; gaveUp comes last, once the
      // pipeline holds the sink owed p0, so the close below tells it again: read before that, it dropped 3, not 4)
      assertThat(Processes.eventually(WAIT, () -> {
        PipelineStats.SinkStats l = p.stats().sinks().get("legacy");
        return l.timedOut() == 1 && l.failedAttempts() == 1 && l.gaveUp() == 1;
      })).as("%s", p.stats()).isTrue();
      PipelineStats.SinkStats legacy = p.stats().sinks().get("legacy");
      assertThat(legacy.sent()).isZero();

      // the three waiting are dropped, and counted, and so is p0 told again as the pipeline closes (it is owed it, its
      // notification given up); its thread is left, named in a warning
      p.close();
      legacy = p.stats().sinks().get("legacy");
      assertThat(legacy.dropped()).as("%s", legacy).isEqualTo(4);
      assertThat(p.stats().sinks().get("log").sent()).isEqualTo(4);
    } finally {
      release.countDown(); // its thread ends now
    }
    assertThat(Processes.eventually(WAIT, () -> Thread.getAllStackTraces().keySet().stream()
        .noneMatch(t -> t.getName().startsWith("vigil-alerts-")))).as("the pipeline's threads end").isTrue();
  }

  @Test
  void aCloseWithSendsInFlightCountsWhatItDropsAndThrowsNothing() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
    try {
      NotificationPipeline p = NotificationPipeline.builder().sendTimeout(Duration.ofMinutes(1))
          .retry(new RetryPolicy(3, Duration.ofMillis(100), 2, Duration.ofSeconds(1)))
          .route(Route.builder("all").sink(blocking("slow", release, false)).groupWait(Duration.ZERO).groupBy("process").build())
          .build();
      for (int i = 0; i < 3; i++) {
        p.onAlert(crash("p" + i));
      }
      assertThat(Processes.eventually(WAIT, () -> p.stats().notifications() == 3)).isTrue();
      p.close(); // one in its send (interrupted after 5 s), two waiting
      PipelineStats.SinkStats slow = p.stats().sinks().get("slow");
      assertThat(slow.dropped()).as("%s", slow).isEqualTo(3);
      assertThat(slow.sent() + slow.gaveUp() + slow.dropped()).as("every notification accounted for: %s", slow).isEqualTo(3);
      assertThat(Processes.eventually(WAIT, () -> Thread.getAllStackTraces().keySet().stream()
          .noneMatch(t -> t.getName().startsWith("vigil-alerts-")))).as("the pipeline's threads end").isTrue();
      assertThat(uncaught).isEmpty();
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(before);
      release.countDown();
    }
  }
}
