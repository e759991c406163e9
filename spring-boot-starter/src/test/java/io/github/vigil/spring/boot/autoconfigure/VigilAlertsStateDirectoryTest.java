package io.github.vigil.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The alerts' state directory in a real Spring context: {@code vigil.state-directory} by default, so that an alert a
 * killed application left firing at a webhook resolves there at the next start; {@code vigil.alerts.state-directory}
 * puts it elsewhere.
 */
@Timeout(60)
class VigilAlertsStateDirectoryTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(VigilAutoConfiguration.class, VigilAlertsAutoConfiguration.class));
  @TempDir Path dir;

  /** What a killed application's alerts left: feed's NOT_RUNNING, told to the webhook of route ops. */
  private static final String LEFT = "vigil-alerts-state\t1\n"
      + "alert\tfeed/NOT_RUNNING\ntype\tNOT_RUNNING\nprocess\tfeed\nseverity\tCRITICAL\nstartsAt\t2026-01-05T08:00:00Z\n"
      + "occurrences\t1\nsummary\tfeed has not been running for 30.0 s (crashed)\ndescription\tERROR_EXIT (exit code 3)\n"
      + "label\talertname\tVigilProcessNotRunning\nlabel\tprocess\tfeed\nlabel\tseverity\tcritical\ntold\tops\thook\n";

  @Test
  void theNextStartResolvesAtTheWebhookWhatAKilledApplicationLeftFiring() throws Exception {
    Path state = dir.resolve("gateway");
    Files.createDirectories(state);
    Files.writeString(state.resolve("alerts.state"), LEFT);
    try (WebhookReceiver hook = new WebhookReceiver()) {
      runner.withPropertyValues("vigil.state-directory=" + state, "vigil.processes.feed.command=sleep,600",
          "vigil.alerts.sinks.hook.type=webhook", "vigil.alerts.sinks.hook.url=" + hook.url(),
          "vigil.alerts.routes.ops.sinks=hook", "vigil.alerts.routes.ops.group-wait=0s")
          .run(context -> {
            assertThat(context).hasNotFailed();
            List<String> bodies = hook.awaitBodies(Duration.ofSeconds(30));
            assertThat(bodies).hasSize(1);
            assertThat(bodies.get(0)).contains("\"status\":\"resolved\"").contains("VigilProcessNotRunning")
                .contains("\"startsAt\":\"2026-01-05T08:00:00Z\"").contains("running again, after a restart of the supervising JVM");
            assertThat(eventually(() -> !read(state.resolve("alerts.state")).contains("alert\t"))).as("told: nothing left").isTrue();
          });
    }
  }

  @Test
  void itsOwnPropertyPutsItElsewhere() {
    Path supervisor = dir.resolve("supervisor");
    Path alerts = dir.resolve("alerts");
    runner.withPropertyValues("vigil.state-directory=" + supervisor, "vigil.alerts.state-directory=" + alerts)
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(eventually(() -> Files.exists(alerts.resolve("alerts.state")))).isTrue();
          assertThat(read(alerts.resolve("alerts.state"))).contains("vigil-alerts-state\t1");
          assertThat(supervisor.resolve("alerts.state")).doesNotExist();
        });
    runner.run(context -> assertThat(context).hasNotFailed()); // neither: no state, nothing written
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static boolean eventually(BooleanSupplier check) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!check.getAsBoolean()) {
      if (System.nanoTime() > end) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }
}
