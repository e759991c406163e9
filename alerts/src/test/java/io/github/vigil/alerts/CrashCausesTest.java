package io.github.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Signal;
import io.github.vigil.test.SupervisorTestKit;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A CRASHED alert that fired more than once within one notification says the causes of its crashes, not only the
 * latest: in its description (Alertmanager's and the webhook's annotation) and under its line in the text and markdown
 * the chat, e-mail and log sinks send. Bounded: the last 5 and a count of the
 * rest. A real supervisor on a fake backend whose runs end by a signal with a core dump, an OOM kill and an error exit;
 * the alerts and the pipeline on its virtual clock, read from a recording sink.
 */
@Timeout(60)
class CrashCausesTest {
  private static final Instant WALL = Instant.parse("2026-01-05T09:30:00Z");
  private SupervisorTestKit kit;
  private RecordingSink chat;
  private NotificationPipeline pipeline;
  private Alerting alerting;

  @BeforeEach
  void setUp() {
    kit = SupervisorTestKit.create();
    InstantSource wall = TickerClock.startingAt(WALL, kit.clock());
    chat = new RecordingSink("chat");
    // a group waits 5 min: a crash loop's crashes before then are one notification (CRASHED resolves after 10 min)
    pipeline = NotificationPipeline.builder().ticker(kit.clock()).scheduler(kit.clock()).clock(wall).executor(Runnable::run)
        .route(Route.builder("ops").sink(chat).groupWait(Duration.ofMinutes(5)).build()).build();
    kit.supervisor().register(ProcessSpec.builder("gw").command("gw").startupGrace(Duration.ZERO)
        .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(1)))
            .withStartLimit(100, Duration.ofMinutes(1))).build());
    alerting = Alerting.builder(kit.supervisor()).listener(pipeline).noAnomalies().sampleInterval(Duration.ZERO)
        .ticker(kit.clock()).scheduler(kit.clock()).clock(wall)
        .rules(AlertRules.of(RuleConfig.defaults().without(AlertType.FLAPPING).withStableAfter(Duration.ofMinutes(10)))).build();
    kit.supervisor().controller("gw").orElseThrow().start();
    kit.awaitIdle();
  }

  @AfterEach
  void tearDown() {
    kit.close();
    alerting.close();
    pipeline.close();
  }

  /** Runs {@code seconds}, then ends as {@code end} says, and is restarted a second later. */
  private void runThen(int seconds, java.util.function.Consumer<io.github.vigil.test.FakeProcess> end) {
    kit.advance(Duration.ofSeconds(seconds));
    end.accept(kit.backend().last("gw"));
    kit.advance(Duration.ofSeconds(1));
  }

  /**
   * A SIGSEGV then two OOM kills before the group's first notification: its CRASHED names all three, with their times.
   * Before, it said the last exit only ("oom killed ... (3 times)"), as if all three had been OOM kills.
   */
  @Test
  void aCrashedThatFiredThreeTimesNamesEachCause() {
    runThen(2, p -> p.crash(Signal.SIGSEGV));       // 09:30:02
    runThen(67, p -> p.oomKill(3L << 30));          // 09:31:10
    runThen(29, p -> p.oomKill(3L << 30));          // 09:31:40
    kit.advance(Duration.ofMinutes(5));

    assertThat(chat.sent()).singleElement().satisfies(n -> {
      Alert crashed = n.firing().stream().filter(a -> a.type() == AlertType.CRASHED).findFirst().orElseThrow();
      assertThat(crashed.occurrences()).isEqualTo(3);
      String causes = "3 crashes since 2026-01-05T09:30:02Z: SIGSEGV (core dumped) at 09:30:02, OOM_KILLED at 09:31:10,"
          + " OOM_KILLED at 09:31:40";
      assertThat(crashed.description()).startsWith(causes);
      assertThat(n.text()).contains("\n  " + causes);
      assertThat(n.markdown()).contains("\n  - " + causes);
    });
  }

  /**
   * Twelve crashes, the last five different from the first seven: the description names the last five and counts the
   * seven before, and stays short.
   */
  @Test
  void aCrashLoopsCausesAreBoundedToTheLastFewAndACount() {
    for (int i = 0; i < 7; i++) {
      runThen(2, p -> p.exit(3));
    }
    for (int i = 0; i < 5; i++) {
      runThen(2, p -> p.crash(Signal.SIGABRT));
    }
    kit.advance(Duration.ofMinutes(5));

    assertThat(chat.sent()).singleElement().satisfies(n -> {
      Alert crashed = n.firing().stream().filter(a -> a.type() == AlertType.CRASHED).findFirst().orElseThrow();
      assertThat(crashed.occurrences()).isEqualTo(12);
      assertThat(crashed.description())
          .startsWith("12 crashes since 2026-01-05T09:30:02Z: 7 earlier, then SIGABRT (core dumped) at 09:30:23,")
          .doesNotContain("exit code 3")
          .hasSizeLessThan(300);
      assertThat(crashed.description().split("SIGABRT", -1)).as("the last 5 named").hasSize(5 + 1);
    });
  }
}
