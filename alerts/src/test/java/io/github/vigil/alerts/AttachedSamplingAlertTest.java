package io.github.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.AttachSpec;
import io.github.vigil.AttachState;
import io.github.vigil.AttachedProcess;
import io.github.vigil.Supervisor;
import io.github.vigil.testing.FakeTicker;
import io.github.vigil.testing.ManualScheduler;
import io.github.vigil.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HIGH_CPU on processes Vigil attached to and did not start (an exchange's communication process, a feed started by
 * systemd): {@code Alerting}'s own sampling covers them as it covers registered processes. Real processes (a busy
 * {@code sh} loop, a {@code sleep}) on the JDK backend, attached by pid or pid file; the rules' durations and the sample
 * interval on a virtual clock, advanced until the listener hears what the test waits for. The threshold is low (5 % of a
 * core), as in {@link AlertingTest}, because a busy loop gets little of a machine loaded by other builds.
 */
@Timeout(60)
class AttachedSamplingAlertTest {
  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
  private static final Duration INTERVAL = Duration.ofSeconds(10);
  /** Spins until the file named by its first argument exists, then sleeps under the same pid. */
  private static final String SPIN_UNTIL_FILE = "while [ ! -e \"$0\" ]; do :; done; exec sleep 600";

  private final Supervisor sup = Supervisor.builder().name("attached-sampling-test").backend("jdk").build();
  private final FakeTicker ticker = new FakeTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final InstantSource clock = TickerClock.startingAt(T0, ticker);
  private final List<Alert> heard = new ArrayList<>();
  private final List<String> threads = new ArrayList<>();
  private final List<Process> started = new ArrayList<>();
  private Alerting alerting;
  @TempDir Path dir;

  @AfterEach
  void tearDown() throws Exception {
    if (alerting != null) {
      alerting.close();
    }
    sup.close();
    for (Process p : started) {
      p.destroyForcibly().waitFor();
    }
  }

  private synchronized void hear(Alert a) {
    heard.add(a);
    threads.add(Thread.currentThread().getName());
  }

  private synchronized List<Alert> heard() {
    return List.copyOf(heard);
  }

  private Process start(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    started.add(p);
    return p;
  }

  private Alerting alerting(AlertRules rules) {
    return Alerting.builder(sup).listener(this::hear).sampleInterval(INTERVAL).noAnomalies()
        .ticker(ticker).clock(clock).scheduler(scheduler).rules(rules).build();
  }

  /** Advances the virtual clock a sample interval at a time (the sampling runs on its thread) until an alert heard matches. */
  private Alert awaitHeard(Predicate<Alert> which) throws InterruptedException {
    return awaitHeard(0, which);
  }

  /** As {@link #awaitHeard(Predicate)}, among the alerts heard from the {@code from}th on. */
  private Alert awaitHeard(int from, Predicate<Alert> which) throws InterruptedException {
    boolean found = Processes.eventually(Duration.ofSeconds(30), () -> {
      if (heardFrom(from).stream().anyMatch(which)) {
        return true;
      }
      scheduler.advance(INTERVAL);
      return false;
    });
    assertThat(found).as("heard %s", heard()).isTrue();
    return heardFrom(from).stream().filter(which).findFirst().orElseThrow();
  }

  private synchronized List<Alert> heardFrom(int from) {
    return List.copyOf(heard.subList(from, heard.size()));
  }

  private static Predicate<Alert> highCpu(String process, boolean firing) {
    return a -> a.type() == AlertType.HIGH_CPU && a.process().equals(process) && a.isFiring() == firing;
  }

  /**
   * An attached process that burns CPU raises HIGH_CPU from the sampling thread, with the attachment's labels; it
   * resolves when the process calms down (its loop ends in a {@code sleep} under the same pid). An idle attachment
   * ({@code sleep}), attached first and so sampled before the busy one in every round, raises nothing. Before, the
   * sampling read registered processes only and no HIGH_CPU came for an attachment, however busy.
   */
  @Test
  void aBusyAttachedProcessRaisesHighCpuAndResolvesWhenItCalmsDown() throws Exception {
    Path calm = dir.resolve("calm");
    Process idle = start("sleep", "600");
    Process busy = start("sh", "-c", SPIN_UNTIL_FILE, calm.toString());
    AttachedProcess idleAttachment = sup.attach(AttachSpec.builder("idle-feed").pid(idle.pid()).label("type", "QUOTE").build());
    AttachedProcess comms = sup.attach(AttachSpec.builder("comms").pid(busy.pid()).label("type", "COMMUNICATION")
        .label("account", "account001").build());
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> comms.status().state() == AttachState.RUNNING
        && idleAttachment.status().state() == AttachState.RUNNING)).isTrue();
    alerting = alerting(AlertRules.of(RuleConfig.defaults().withHighCpu(5, Duration.ofSeconds(30))));

    Alert cpu = awaitHeard(highCpu("comms", true));
    assertThat(cpu.summary()).startsWith("comms: ").contains("% CPU above 5.0% for ");
    assertThat(cpu.labels()).containsEntry("type", "COMMUNICATION").containsEntry("account", "account001")
        .containsEntry("alertname", "VigilProcessHighCpu");
    assertThat(heard()).as("the idle attachment, sampled before the busy one in each round").noneMatch(a -> a.process().equals("idle-feed"));

    Files.createFile(calm);
    Alert resolved = awaitHeard(highCpu("comms", false));
    assertThat(resolved.description()).contains("below 5.0%");
    assertThat(alerting.firing()).isEmpty();
    assertThat(comms.status().state()).as("calmed down, not lost").isEqualTo(AttachState.RUNNING);
    synchronized (this) {
      assertThat(threads).as("never the supervision thread").containsOnly("vigil-alerts-sampler");
    }
  }

  /**
   * An attachment that loses its process resolves its HIGH_CPU at once (the run it was about ended), is no longer
   * sampled, and once it finds a process again (a new one, restarted by someone else and named by the pid file) is
   * sampled again: HIGH_CPU fires anew for the new process.
   */
  @Test
  void highCpuOfALostAttachmentResolvesAndFiresAgainOnceFound() throws Exception {
    Path pidFile = dir.resolve("feed.pid");
    Process first = start("sh", "-c", "while :; do :; done");
    Files.writeString(pidFile, first.pid() + "\n");
    AttachedProcess feed = sup.attach(AttachSpec.builder("quote-feed").pidFile(pidFile).label("type", "QUOTE")
        .exitPollInterval(Duration.ofMillis(50)).build());
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> feed.status().state() == AttachState.RUNNING)).isTrue();
    alerting = alerting(AlertRules.defaults().override("quote-feed", c -> c.withHighCpu(5, Duration.ofSeconds(30))));
    awaitHeard(highCpu("quote-feed", true));

    first.destroyForcibly().waitFor();
    // no advance: the loss itself resolves it, not a sample
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> heard().stream().anyMatch(highCpu("quote-feed", false))))
        .as("heard %s", heard()).isTrue();
    Alert resolved = heard().stream().filter(highCpu("quote-feed", false)).findFirst().orElseThrow();
    assertThat(resolved.description()).contains("lost");
    assertThat(feed.status().state()).isNotEqualTo(AttachState.RUNNING);

    Process second = start("sh", "-c", "while :; do :; done");
    Files.writeString(pidFile, second.pid() + "\n");
    assertThat(feed.rescan().toCompletableFuture().get(10, TimeUnit.SECONDS).state()).isEqualTo(AttachState.RUNNING);
    int before = heard().size();
    Alert again = awaitHeard(before, highCpu("quote-feed", true));
    assertThat(again.labels()).containsEntry("type", "QUOTE");
    assertThat(alerting.firing()).extracting(Alert::key).containsExactly("quote-feed/HIGH_CPU");
  }
}
