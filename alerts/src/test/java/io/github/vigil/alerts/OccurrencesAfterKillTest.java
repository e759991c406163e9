package io.github.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Signal;
import io.github.vigil.test.SupervisorTestKit;
import io.github.vigil.testing.Processes;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The occurrences of an alert counted after its last notification outlive a kill of the JVM: the state directory's
 * {@code alerts.state} is written with each occurrence of an alert a sink was told fires, so the next JVM's notification
 * carries the count of what happened. Each "JVM" is a real supervisor on a fake backend and a virtual clock of its own,
 * with its {@link Alerting} and pipeline; the first is abandoned without {@code close()}, as a {@code kill -9} leaves it.
 */
@Timeout(60)
class OccurrencesAfterKillTest {
  @TempDir Path dir;

  /** A "JVM": a supervisor on a fake backend, and alerts on its virtual clock, from {@code wallStart}. */
  private final class Jvm implements AutoCloseable {
    final SupervisorTestKit kit = SupervisorTestKit.create();
    final RecordingSink chat = new RecordingSink("chat");
    final NotificationPipeline pipeline;
    final Alerting alerting;

    Jvm(Instant wallStart) {
      InstantSource wall = TickerClock.startingAt(wallStart, kit.clock());
      pipeline = NotificationPipeline.builder().ticker(kit.clock()).scheduler(kit.clock()).clock(wall).executor(Runnable::run)
          .route(Route.builder("ops").sink(chat).groupWait(Duration.ZERO).groupInterval(Duration.ofMinutes(5)).build()).build();
      kit.supervisor().register(ProcessSpec.builder("gw").command("gw").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(1)))
              .withStartLimit(10, Duration.ofMinutes(1))).build());
      alerting = Alerting.builder(kit.supervisor()).listener(pipeline).noAnomalies().sampleInterval(Duration.ZERO)
          .ticker(kit.clock()).scheduler(kit.clock()).clock(wall).stateDirectory(dir).build();
      kit.supervisor().controller("gw").orElseThrow().start();
      kit.awaitIdle();
    }

    @Override
    public void close() {
      alerting.close();
      pipeline.close();
      kit.close();
    }
  }

  private static int occurrencesInFile(Path file) {
    return AlertState.read(file).stream().filter(r -> r.alert().key().equals("gw/CRASHED"))
        .mapToInt(r -> r.alert().occurrences()).findFirst().orElse(0);
  }

  /**
   * gw crashes three times; its CRASHED is notified at the first crash, the other two are occurrences without a
   * notification (de-duplicated). The JVM is killed; the next one finds gw running and, after a stable minute, tells
   * the sink CRASHED resolved with its 3 occurrences. Before, the file held the count of the last notification (1),
   * and the RESOLVED said 1.
   */
  @Test
  void theNextJvmsResolutionCarriesTheOccurrencesCountedAfterTheLastNotification() throws Exception {
    Path file = dir.resolve(AlertState.FILE_NAME);
    Jvm first = new Jvm(Instant.parse("2026-01-05T09:30:00Z"));
    Jvm second = null;
    try {
      first.kit.backend().last("gw").crash(Signal.SIGSEGV);
      first.kit.advance(Duration.ofSeconds(1)); // notified (group wait 0), restarted
      first.kit.backend().last("gw").oomKill(1L << 30);
      first.kit.advance(Duration.ofSeconds(1));
      first.kit.backend().last("gw").oomKill(1L << 30);
      first.kit.advance(Duration.ofSeconds(1));
      assertThat(first.kit.events().states("gw")).last().isEqualTo(ProcessState.RUNNING);
      assertThat(first.alerting.firing()).singleElement().satisfies(a -> {
        assertThat(a.key()).isEqualTo("gw/CRASHED");
        assertThat(a.occurrences()).isEqualTo(3);
      });
      assertThat(first.chat.sent()).as("one notification: the two later crashes were de-duplicated").singleElement()
          .satisfies(n -> assertThat(n.firing()).singleElement().satisfies(a -> assertThat(a.occurrences()).isEqualTo(1)));
      // the file is written on its own thread: the kill comes once it says what was counted (before: it never did)
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> occurrencesInFile(file) == 3))
          .as("alerts.state counts the 3 occurrences before the kill; it says %s", occurrencesInFile(file)).isTrue();

      // kill -9: the first JVM is abandoned, nothing closed
      second = new Jvm(Instant.parse("2026-01-05T09:40:00Z"));
      assertThat(second.alerting.firing()).singleElement().satisfies(a -> assertThat(a.occurrences()).isEqualTo(3));
      second.kit.advance(Duration.ofMinutes(1)); // a stable run: CRASHED resolves
      assertThat(second.chat.sent()).singleElement().satisfies(n -> assertThat(n.resolved()).singleElement().satisfies(a -> {
        assertThat(a.key()).isEqualTo("gw/CRASHED");
        assertThat(a.occurrences()).as("occurrences in the next JVM's RESOLVED").isEqualTo(3);
      }));

      // and an occurrence in the second JVM counts on from there, into the file
      second.kit.backend().last("gw").exit(3);
      second.kit.advance(Duration.ofSeconds(1));
      assertThat(second.chat.sent()).hasSize(2);
      second.kit.backend().last("gw").exit(3);
      second.kit.advance(Duration.ofSeconds(1));
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> occurrencesInFile(file) == 2))
          .as("a new CRASHED, fired again: alerts.state says %s", occurrencesInFile(file)).isTrue();
    } finally {
      if (second != null) {
        second.close();
      }
      first.close(); // its pipeline closed first: the abandoned JVM tells nothing more
    }
  }
}
