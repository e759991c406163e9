package io.github.vigil.alerts;

import io.github.vigil.ProcessSpec;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A gateway JVM for {@link AlertsAfterJvmKillTest}, which kills it with SIGKILL: a supervisor whose process {@code feed}
 * fails at once and is not restarted ({@code RestartPolicy.never()}), and alerts to a webhook with a state directory.
 * Arguments: the state directory and the webhook's URL, and optionally {@code gave-up}: then it also prints
 * {@code GAVE_UP} once the pipeline gave up two deliveries to the webhook. Prints {@code READY} once the process was
 * started, then waits to be killed; it never closes anything.
 */
public final class KilledAlertingMain {
  private KilledAlertingMain() {}

  public static void main(String[] args) throws Exception {
    Path state = Path.of(args[0]);
    URI hook = URI.create(args[1]);
    Supervisor supervisor = Supervisor.builder().name("killed-gateway").backend("jdk").build();
    NotificationPipeline pipeline = AlertsAfterJvmKillTest.pipeline(WebhookSink.builder("hook", hook).build());
    boolean sayGaveUp = args.length > 2 && args[2].equals("gave-up");
    Alerting.builder(supervisor).rules(AlertsAfterJvmKillTest.rules()).listener(pipeline).noAnomalies()
        .sampleInterval(Duration.ZERO).stateDirectory(state).build();
    supervisor.register(ProcessSpec.builder("feed").command("sh", "-c", "echo cannot log on >&2; exit 3")
        .restartPolicy(RestartPolicy.never()).build());
    supervisor.controller("feed").orElseThrow().start();
    System.out.println("READY");
    System.out.flush();
    if (sayGaveUp) {
      while (pipeline.stats().sinks().get("hook").gaveUp() < 2) {
        Thread.sleep(20);
      }
      System.out.println("GAVE_UP");
      System.out.flush();
    }
    Thread.sleep(Long.MAX_VALUE);
  }
}
