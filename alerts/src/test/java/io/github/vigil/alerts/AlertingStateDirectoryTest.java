package io.github.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.AttachSpec;
import io.github.vigil.AttachState;
import io.github.vigil.AttachedProcess;
import io.github.vigil.GroupController;
import io.github.vigil.GroupSpec;
import io.github.vigil.ProcessSpec;
import io.github.vigil.Supervisor;
import io.github.vigil.testing.FakeTicker;
import io.github.vigil.testing.ManualScheduler;
import io.github.vigil.testing.Processes;
import io.github.vigil.test.FakeBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Alerting.Builder#stateDirectory} from a state file written by hand (the format is plain text): who hears a
 * remembered alert resolve, and what happens to one of a route or a process that is gone.
 */
@Timeout(60)
class AlertingStateDirectoryTest {
  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");
  private final Supervisor sup = Supervisor.builder().name("state-dir-test").backend("jdk").build();
  /** The alerts' virtual time (the supervisor's is real), for the tests that advance it. */
  private final FakeTicker ticker = new FakeTicker();
  private final ManualScheduler scheduler = new ManualScheduler(ticker);
  private final InstantSource clock = TickerClock.startingAt(T0, ticker);
  @TempDir Path dir;

  @AfterEach
  void tearDown() {
    sup.close();
  }

  private static String alert(String process, String type, String alertname, String... told) {
    return alertAt("2026-01-05T08:00:00Z", process, type, alertname, told);
  }

  private static String alertAt(String startsAt, String process, String type, String alertname, String... told) {
    StringBuilder b = new StringBuilder("alert\t" + process + "/" + type + "\ntype\t" + type + "\nprocess\t" + process
        + "\nseverity\tCRITICAL\nstartsAt\t" + startsAt + "\noccurrences\t1\nsummary\t" + process + " is down\n"
        + "description\texit code 3\nlabel\talertname\t" + alertname + "\nlabel\tprocess\t" + process + "\nlabel\tseverity\tcritical\n");
    for (int i = 0; i < told.length; i += 2) {
      b.append("told\t").append(told[i]).append('\t').append(told[i + 1]).append('\n');
    }
    return b.toString();
  }

  /**
   * The process runs already when {@code Alerting} is built: its remembered NOT_RUNNING resolves at once, to the sink that
   * was told it fires and to no other sink of the route; an alert told only to a route that is gone is left out.
   */
  @Test
  void aRememberedAlertResolvesOnlyAtTheSinksThatWereToldItFires() throws Exception {
    Files.writeString(dir.resolve("alerts.state"), "vigil-alerts-state\t1\n"
        + alert("feed", "NOT_RUNNING", "VigilProcessNotRunning", "desk", "told", "desk", "gone-sink")
        + alert("orders", "FAILED", "VigilProcessFailed", "gone-route", "told"));
    sup.register(ProcessSpec.builder("feed").command("sleep", "600").build());
    sup.controller("feed").orElseThrow().start(Duration.ofSeconds(10));
    RecordingSink told = new RecordingSink("told");
    RecordingSink untold = new RecordingSink("untold");
    NotificationPipeline pipeline = NotificationPipeline.builder()
        .route(Route.builder("desk").sink(told).sink(untold).groupWait(Duration.ZERO).build()).build();
    Alerting alerting = Alerting.builder(sup).listener(pipeline).noAnomalies().sampleInterval(Duration.ZERO)
        .stateDirectory(dir).build();
    try {
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> !told.sent().isEmpty())).isTrue();
      Notification n = told.sent().get(0);
      assertThat(n.status()).isEqualTo(Alert.Status.RESOLVED);
      assertThat(n.resolved()).singleElement().satisfies(a -> {
        assertThat(a.key()).isEqualTo("feed/NOT_RUNNING");
        assertThat(a.startsAt()).isEqualTo(Instant.parse("2026-01-05T08:00:00Z"));
        assertThat(a.description()).isEqualTo("exit code 3; running again, after a restart of the supervising JVM");
      });
      assertThat(alerting.firing()).isEmpty();
    } finally {
      alerting.close();
      pipeline.close(); // sends what waits
    }
    assertThat(told.sent()).hasSize(1);
    assertThat(untold.sent()).as("never told it fires").isEmpty();
    assertThat(AlertState.read(dir.resolve("alerts.state"))).isEmpty();
  }

  /**
   * An alert of a process that is not supervised here: resolved a minute after the start, as not supervised here; one
   * that is registered later in that minute is taken up then. On a virtual clock.
   */
  @Test
  void anAlertOfAProcessNeverHeardOfResolvesAfterAMinute() throws Exception {
    Files.writeString(dir.resolve("alerts.state"), "# written by hand\nvigil-alerts-state\t1\n"
        + alert("retired", "NOT_RUNNING", "VigilProcessNotRunning", "desk", "chat")
        + alert("late", "NOT_RUNNING", "VigilProcessNotRunning", "desk", "chat"));
    RecordingSink chat = new RecordingSink("chat");
    NotificationPipeline pipeline = NotificationPipeline.builder().ticker(ticker).scheduler(scheduler).clock(clock)
        .executor(Runnable::run).route(Route.builder("desk").sink(chat).groupWait(Duration.ZERO).build()).build();
    List<Alert> heard = new ArrayList<>();
    Alerting alerting = Alerting.builder(sup).listener(a -> {
      synchronized (heard) {
        heard.add(a);
      }
      pipeline.onAlert(a);
    }).noAnomalies().sampleInterval(Duration.ZERO).ticker(ticker).clock(clock).scheduler(scheduler).stateDirectory(dir).build();
    try {
      assertThat(alerting.firing()).isEmpty(); // neither is heard of yet
      scheduler.advance(Duration.ofSeconds(30));
      sup.register(ProcessSpec.builder("late").command("sleep", "600").build()); // registered, not started: still down
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> alerting.firing().size() == 1)).isTrue();
      scheduler.advance(Duration.ofSeconds(30));
      synchronized (heard) {
        assertThat(heard).singleElement().satisfies(a -> {
          assertThat(a.key()).isEqualTo("retired/NOT_RUNNING");
          assertThat(a.isFiring()).isFalse();
          assertThat(a.description()).endsWith("not supervised here, after a restart of the supervising JVM");
        });
      }
      assertThat(alerting.firing()).extracting(Alert::key).containsExactly("late/NOT_RUNNING");
      // the listener is not a pipeline: the file keeps what the rules have firing
      alerting.close();
      assertThat(AlertState.read(dir.resolve("alerts.state"))).extracting(r -> r.alert().key()).containsExactly("late/NOT_RUNNING");
    } finally {
      alerting.close();
      pipeline.close();
    }
  }

  /**
   * A scheduler that refuses (given to the builder, shut down already) refuses the look a minute on that resolves the
   * remembered alerts of a process not heard of yet: {@code build()} says so at WARN naming the process and its alerts,
   * and does not throw. It threw, leaving the pipeline held as the keeper of a half-built {@code Alerting}'s state: a
   * second {@code Alerting} on it was refused. The alert is taken up when its process is registered.
   */
  @Test
  void aLookTheSchedulerRefusesAtTheStartIsSaidNotThrownOutOfBuild() throws Exception {
    Files.writeString(dir.resolve("alerts.state"), "vigil-alerts-state\t1\n"
        + alert("late", "NOT_RUNNING", "VigilProcessNotRunning", "desk", "chat"));
    NotificationPipeline pipeline = NotificationPipeline.builder().ticker(ticker).scheduler(scheduler).clock(clock)
        .executor(Runnable::run).route(Route.builder("desk").sink(new RecordingSink("chat")).groupWait(Duration.ZERO).build())
        .build();
    io.github.vigil.Scheduler refusing = (delay, task) -> {
      throw new java.util.concurrent.RejectedExecutionException("refused by the test");
    };
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    Alerting alerting;
    try {
      alerting = Alerting.builder(sup).listener(pipeline).noAnomalies().sampleInterval(Duration.ZERO).ticker(ticker)
          .clock(clock).scheduler(refusing).stateDirectory(dir).build();
    } finally {
      System.setErr(err);
    }
    try {
      assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("Process late: the look in 1 min 00 s"
          + " that resolves its remembered alerts [late/NOT_RUNNING] as not supervised here, unless it is heard of by then,"
          + " not set, the scheduler refused it");
      sup.register(ProcessSpec.builder("late").command("sleep", "600").build()); // registered, not started: still down
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> alerting.firing().size() == 1)).isTrue();
    } finally {
      alerting.close();
      pipeline.close();
    }
  }

  /**
   * A remembered alert that still holds gets the escalation timer an alert of its route gets here: the route escalates to
   * on-call after 15 min and feed's NOT_RUNNING started 10 min before this JVM, so on-call hears it 5 min after the start;
   * orders' came due while no JVM watched and escalates at once; quotes', escalated by the killed JVM already (on-call's
   * phone was told it fires), is not escalated again. Before, none of them ever escalated: the timers went with the JVM.
   * On a virtual clock.
   */
  @Test
  void aRememberedAlertThatStillFiresEscalatesWhenItsTimeComes() throws Exception {
    Files.writeString(dir.resolve("alerts.state"), "vigil-alerts-state\t1\n"
        + alertAt("2026-01-05T08:50:00Z", "feed", "NOT_RUNNING", "VigilProcessNotRunning", "desk", "chat")
        + alertAt("2026-01-05T08:00:00Z", "orders", "NOT_RUNNING", "VigilProcessNotRunning", "desk", "chat")
        + alertAt("2026-01-05T08:00:00Z", "quotes", "NOT_RUNNING", "VigilProcessNotRunning", "desk", "chat", "oncall", "phone"));
    for (String name : List.of("feed", "orders", "quotes")) {
      sup.register(ProcessSpec.builder(name).command("sleep", "600").build()); // registered, not started: still down
    }
    RecordingSink chat = new RecordingSink("chat");
    RecordingSink phone = new RecordingSink("phone");
    NotificationPipeline pipeline = NotificationPipeline.builder().ticker(ticker).scheduler(scheduler).clock(clock)
        .executor(Runnable::run)
        .route(Route.builder("desk").sink(chat).escalateTo("oncall", Duration.ofMinutes(15)).build())
        .route(Route.builder("oncall").escalationOnly().sink(phone).groupWait(Duration.ZERO).build()).build();
    Alerting alerting = onVirtualTime(pipeline);
    try {
      assertThat(alerting.firing()).extracting(Alert::key)
          .containsExactlyInAnyOrder("feed/NOT_RUNNING", "orders/NOT_RUNNING", "quotes/NOT_RUNNING");
      scheduler.advance(Duration.ZERO);
      assertThat(phone.sent()).singleElement().satisfies(n -> {
        assertThat(n.escalated()).isTrue();
        assertThat(n.firing()).extracting(Alert::key).containsExactly("orders/NOT_RUNNING");
        assertThat(n.firing().get(0).startsAt()).isEqualTo(Instant.parse("2026-01-05T08:00:00Z"));
      });
      scheduler.advance(Duration.between(clock.instant(), Instant.parse("2026-01-05T09:04:59Z")));
      assertThat(phone.sent()).hasSize(1);
      scheduler.advance(Duration.ofSeconds(1));   // 09:05, 15 min after feed's NOT_RUNNING started
      assertThat(phone.sent()).hasSize(2);
      assertThat(phone.sent().get(1).title()).contains("feed").contains("ESCALATED");
      assertThat(pipeline.stats().escalations()).isEqualTo(2);
    } finally {
      alerting.close();
      pipeline.close();
    }
  }

  /**
   * A remembered GROUP_FAILED of a group registered here fires on, as one raised here does, until the group runs again.
   * A group sends no event until it is started, and the alert was resolved a minute after the start as of a group
   * "not supervised here". On a virtual clock.
   */
  @Test
  void aRememberedGroupFailedOfAGroupRegisteredHereFiresUntilTheGroupRuns() throws Exception {
    Files.writeString(dir.resolve("alerts.state"), "vigil-alerts-state\t1\n"
        + alert("desk", "GROUP_FAILED", "VigilGroupFailed", "ops", "chat"));
    sup.register(ProcessSpec.builder("feed").command("sleep", "600").autoStart(false).build());
    GroupController desk = sup.registerGroup(GroupSpec.builder("desk").children("feed").build());
    RecordingSink chat = new RecordingSink("chat");
    NotificationPipeline pipeline = opsPipeline(chat);
    Alerting alerting = onVirtualTime(pipeline);
    try {
      scheduler.advance(Alerting.UNCLAIMED_AFTER);
      // before: resolved here, "not supervised here"
      assertThat(alerting.firing()).extracting(Alert::key).containsExactly("desk/GROUP_FAILED");
      assertThat(chat.sent()).isEmpty();

      desk.start().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> pipeline.firing().isEmpty())).isTrue();
      scheduler.advance(Duration.ZERO);
      assertThat(chat.sent()).singleElement().satisfies(n -> assertThat(n.resolved()).singleElement().satisfies(a -> {
        assertThat(a.key()).isEqualTo("desk/GROUP_FAILED");
        assertThat(a.description()).endsWith("running again, after a restart of the supervising JVM");
      }));
    } finally {
      alerting.close();
      pipeline.close();
    }
  }

  /**
   * A remembered HIGH_CPU of an attachment whose process still runs (an attached process does not end with the JVM, as
   * a supervised run does) is taken up firing, and resolves by the rule, from the samples of this JVM's sampling, once
   * they say the process is quiet. It was resolved at once as "the run ended", which was not so: a process still busy
   * fired it anew, one more notification. A real {@code sleep}, attached by pid; sampled on this thread.
   */
  @Test
  void aRememberedHighCpuOfAnAttachmentStillRunningIsTakenUpAndResolvesByItsSamples() throws Exception {
    rememberHighCpuOfTrader();
    Process sleep = new ProcessBuilder("sleep", "600").start();
    List<Alert> heard = java.util.Collections.synchronizedList(new ArrayList<>());
    Alerting alerting = null;
    try {
      AttachedProcess trader = sup.attach(AttachSpec.builder("trader").pid(sleep.pid()).build());
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> trader.status().state() == AttachState.RUNNING)).isTrue();
      alerting = highCpuAlerting(heard);
      Alerting a = alerting;
      assertThat(Processes.eventually(Duration.ofSeconds(20), () -> {
        a.sampleAll(); // what the sampling thread does every period
        return !heard.isEmpty();
      })).isTrue();
      assertThat(heard).singleElement().satisfies(r -> {
        assertThat(r.key()).isEqualTo("trader/HIGH_CPU");
        assertThat(r.isFiring()).isFalse();
        // before: "the run ended, after a restart of the supervising JVM", at once
        assertThat(r.description()).endsWith("% CPU, below 5.0%, after a restart of the supervising JVM");
      });
    } finally {
      if (alerting != null) {
        alerting.close();
      }
      sleep.destroyForcibly().waitFor();
    }
  }

  /**
   * The other order: {@code Alerting} built first, then the attachment made. Its {@code Attached} event comes before it
   * has looked for its process (NOT_FOUND: not looked for yet): the remembered HIGH_CPU is taken up firing, the look it is
   * asked for finds the process, and the samples taken here resolve it. It was resolved at once as "the attachment lost
   * its process (not found)".
   */
  @Test
  void aRememberedHighCpuOfAnAttachmentMadeAfterIsTakenUpAndResolvesByItsSamples() throws Exception {
    rememberHighCpuOfTrader();
    Process sleep = new ProcessBuilder("sleep", "600").start();
    List<Alert> heard = java.util.Collections.synchronizedList(new ArrayList<>());
    Alerting alerting = highCpuAlerting(heard);
    try {
      Path pidFile = dir.resolve("trader.pid");
      Files.writeString(pidFile, sleep.pid() + "\n");
      AttachedProcess trader = sup.attach(AttachSpec.builder("trader").pidFile(pidFile).build());
      // taken up firing once its Attached event is heard (before: resolved then, "the attachment lost its process")
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> !alerting.firing().isEmpty()))
          .as("heard: %s", heard).isTrue();
      assertThat(alerting.firing()).extracting(Alert::key).containsExactly("trader/HIGH_CPU");
      assertThat(trader.rescan().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS).state())
          .isEqualTo(AttachState.RUNNING);
      assertThat(Processes.eventually(Duration.ofSeconds(20), () -> {
        alerting.sampleAll(); // what the sampling thread does every period
        return !heard.isEmpty();
      })).isTrue();
      assertThat(heard).singleElement().satisfies(r -> {
        assertThat(r.key()).isEqualTo("trader/HIGH_CPU");
        assertThat(r.isFiring()).isFalse();
        assertThat(r.description()).endsWith("% CPU, below 5.0%, after a restart of the supervising JVM");
      });
    } finally {
      alerting.close();
      sleep.destroyForcibly().waitFor();
    }
  }

  /**
   * A remembered HIGH_CPU of an attachment made after {@code Alerting} that finds nothing (its pid file is not there): an
   * attachment that finds nothing sends no event, its state staying NOT_FOUND, so the attachment is asked to look when the
   * alert is taken up ({@code rescan()}, whose result is heard), and it resolves as not found when that look finds
   * nothing. It resolved a minute later (the alerts' virtual clock does not move here).
   */
  @Test
  void aRememberedHighCpuOfAnAttachmentThatFindsNothingResolvesAtItsFirstLook() throws Exception {
    rememberHighCpuOfTrader();
    List<Alert> heard = java.util.Collections.synchronizedList(new ArrayList<>());
    Alerting alerting = highCpuAlerting(heard);
    try {
      sup.attach(AttachSpec.builder("trader").pidFile(dir.resolve("trader.pid")).build());
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> !heard.isEmpty())).as("heard at its first look").isTrue();
      assertThat(heard).singleElement().satisfies(r -> {
        assertThat(r.key()).isEqualTo("trader/HIGH_CPU");
        assertThat(r.isFiring()).isFalse();
        assertThat(r.description()).endsWith("the attachment has not found its process, after a restart of the supervising JVM");
      });
      assertThat(alerting.firing()).isEmpty();
    } finally {
      alerting.close();
    }
  }

  /** Writes a state file remembering a firing HIGH_CPU of {@code trader}, as a JVM that was killed leaves it. */
  private void rememberHighCpuOfTrader() throws Exception {
    Files.writeString(dir.resolve("alerts.state"), "vigil-alerts-state\t1\n"
        + alert("trader", "HIGH_CPU", "VigilProcessHighCpu", "ops", "chat"));
  }

  /** Alerting on this test's virtual time, sampled only when the test calls {@code sampleAll()}; trader's CPU rule 5 % over 30 s. */
  private Alerting highCpuAlerting(List<Alert> heard) {
    return Alerting.builder(sup).listener(heard::add).noAnomalies().sampleInterval(Duration.ZERO).ticker(ticker)
        .clock(clock).scheduler(scheduler).stateDirectory(dir)
        .rules(AlertRules.defaults().override("trader", c -> c.withHighCpu(5, Duration.ofSeconds(30)))).build();
  }

  /**
   * A remembered ATTACHMENT_LOST whose name is now a registered process (feed) or a supervision group (desk), not an
   * attachment: nothing can find it again, so it resolves when taken up, saying why. It fired on for ever (it was taken
   * up as the alert of a process supervised here, and only an attachment found again resolves it). On a virtual clock.
   */
  @Test
  void aRememberedAttachmentLostOfANameNowRegisteredResolvesAsNoLongerAnAttachment() throws Exception {
    Files.writeString(dir.resolve("alerts.state"), "vigil-alerts-state\t1\n" + attachmentLost("feed") + attachmentLost("desk"));
    sup.register(ProcessSpec.builder("feed").command("sleep", "600").autoStart(false).build());
    sup.register(ProcessSpec.builder("orders").command("sleep", "600").autoStart(false).build());
    sup.registerGroup(GroupSpec.builder("desk").children("orders").build());
    RecordingSink chat = new RecordingSink("chat");
    NotificationPipeline pipeline = opsPipeline(chat);
    Alerting alerting = onVirtualTime(pipeline);
    try {
      scheduler.advance(Alerting.UNCLAIMED_AFTER);
      // before: both fired on
      assertThat(alerting.firing()).isEmpty();
      assertThat(chat.sent()).flatExtracting(Notification::resolved).extracting(Alert::key, Alert::description)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("feed/ATTACHMENT_LOST", "exit code 3; no longer an attachment: a supervised"
                  + " process of that name is supervised here, after a restart of the supervising JVM"),
              org.assertj.core.groups.Tuple.tuple("desk/ATTACHMENT_LOST", "exit code 3; no longer an attachment: a supervision"
                  + " group of that name is supervised here, after a restart of the supervising JVM"));
    } finally {
      alerting.close();
      pipeline.close();
    }
  }

  private static String attachmentLost(String process) {
    return alert(process, "ATTACHMENT_LOST", "VigilAttachmentLost", "ops", "chat").replace(process + " is down", process + " is stopped");
  }

  /**
   * A remembered FAILED of a process that still crash-loops: start limits are per JVM, so this one starts it again and
   * it runs a few seconds at a time. It resolved as "running again" at the first start, while the crash loop went on
   * (and paged anew at this JVM's own start limit). It fires on through the loop and this JVM's give-up, and resolves
   * after a run of its restart policy's {@code stableAfter} (2 min, longer than the rules' 1 min). A fake backend and
   * the supervisor, the alerts and the pipeline on one virtual clock.
   */
  @Test
  void aRememberedFailedOfAProcessThatStillCrashLoopsResolvesOnlyAfterAStableRun() throws Exception {
    Files.writeString(dir.resolve("alerts.state"), "vigil-alerts-state\t1\n" + alert("orders", "FAILED", "VigilProcessFailed", "ops", "chat"));
    FakeBackend backend = new FakeBackend();
    io.github.vigil.testing.EventRecorder rec = new io.github.vigil.testing.EventRecorder();
    Duration wait = Duration.ofSeconds(20);
    try (Supervisor virtual = Supervisor.builder().name("state-dir-fake").backend(backend).ticker(ticker).scheduler(scheduler)
        .instantSource(clock).closeTimeout(Duration.ofSeconds(2)).build()) {
      virtual.subscribe(rec);
      io.github.vigil.ProcessController orders = virtual.register(ProcessSpec.builder("orders").command("sleep", "600")
          .startupGrace(Duration.ZERO).autoStart(false).restartPolicy(io.github.vigil.RestartPolicy.onFailure()
              .withBackoff(io.github.vigil.Backoff.fixed(Duration.ofSeconds(1))).withStartLimit(3, Duration.ofMinutes(1))
              .withStableAfter(Duration.ofMinutes(2))).build());
      RecordingSink chat = new RecordingSink("chat");
      NotificationPipeline pipeline = opsPipeline(chat);
      Alerting alerting = Alerting.builder(virtual).listener(pipeline).noAnomalies().sampleInterval(Duration.ZERO)
          .ticker(ticker).clock(clock).scheduler(scheduler).stateDirectory(dir).build();
      try {
        orders.start();
        rec.awaitState("orders", io.github.vigil.ProcessState.RUNNING, 1, wait);
        // the loop: each run ends after 4 s, restarted a second later; the fourth end is past this JVM's start limit
        for (int run = 1; run <= 4; run++) {
          assertThat(virtual.awaitIdle(wait)).isTrue();
          scheduler.advance(Duration.ofSeconds(4));
          backend.last("orders").exit(3);
          rec.awaitState("orders", io.github.vigil.ProcessState.CRASHED, run, wait);
          assertThat(virtual.awaitIdle(wait)).isTrue();
          scheduler.advance(Duration.ofSeconds(1));
          if (run < 4) {
            rec.awaitState("orders", io.github.vigil.ProcessState.RUNNING, run + 1, wait);
          }
        }
        rec.await(io.github.vigil.SupervisorEvent.Failed.class, f -> true, 1, wait);
        assertThat(virtual.awaitIdle(wait)).isTrue();
        scheduler.advance(Duration.ofMinutes(1)); // the group's turns: any resolution would be sent by now
        assertThat(alerting.firing()).extracting(Alert::key).contains("orders/FAILED");
        assertThat(chat.sent()).as("FAILED told resolved while the process crash-loops")
            .noneMatch(n -> n.resolved().stream().anyMatch(a -> a.key().equals("orders/FAILED")));

        // a person starts it once the cause is fixed: it resolves after a run of the policy's stableAfter
        orders.start();
        rec.awaitState("orders", io.github.vigil.ProcessState.RUNNING, 5, wait);
        assertThat(virtual.awaitIdle(wait)).isTrue();
        scheduler.advance(Duration.ofSeconds(119));
        assertThat(alerting.firing()).extracting(Alert::key).contains("orders/FAILED");
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(alerting.firing()).extracting(Alert::key).doesNotContain("orders/FAILED");
        scheduler.advance(Duration.ofSeconds(30));
        assertThat(chat.sent()).flatExtracting(Notification::resolved).filteredOn(a -> a.key().equals("orders/FAILED"))
            .singleElement().satisfies(a -> assertThat(a.description()) // this JVM's give-up updated the remembered alert
                .isEqualTo("last exit: ERROR_EXIT (exit code 3) after 4.00 s; running for 2 min 00 s, after a restart of the supervising JVM"));
      } finally {
        virtual.close(); // first: its stops on purpose resolve what fires
        alerting.close();
        pipeline.close();
        backend.close();
      }
    }
  }

  /** {@code Alerting} on the virtual clock and {@link #dir}, no sampling, no anomaly detectors, telling {@code listener}. */
  private Alerting onVirtualTime(AlertListener listener) {
    return Alerting.builder(sup).listener(listener).noAnomalies().sampleInterval(Duration.ZERO)
        .ticker(ticker).clock(clock).scheduler(scheduler).stateDirectory(dir).build();
  }

  /** A pipeline on the virtual clock, route {@code ops} to {@code chat}, notified at once; sends on the advancing thread. */
  private NotificationPipeline opsPipeline(RecordingSink chat) {
    return NotificationPipeline.builder().ticker(ticker).scheduler(scheduler).clock(clock).executor(Runnable::run)
        .route(Route.builder("ops").sink(chat).groupWait(Duration.ZERO).groupInterval(Duration.ofSeconds(30)).build()).build();
  }

  /**
   * A remembered ATTACHMENT_LOST of an attachment made before {@code Alerting} is built, whose process runs: resolved as
   * found again (an attachment made before sends {@code Alerting} no event), not a minute later as "not supervised here".
   * An ATTACHMENT_LOST raised later for it carries the attachment's labels, as one of an attachment made after. A real
   * {@code sleep}, attached by pid; the alerts on a virtual clock.
   */
  @Test
  void aRememberedAttachmentLostOfAnAttachmentMadeBeforeResolvesAsFoundAgain() throws Exception {
    Files.writeString(dir.resolve("alerts.state"), "vigil-alerts-state\t1\n" + attachmentLost("trader"));
    Process sleep = new ProcessBuilder("sleep", "600").start();
    try {
      AttachedProcess trader = sup.attach(AttachSpec.builder("trader").pid(sleep.pid()).label("type", "TRADER")
          .exitPollInterval(Duration.ofMillis(50)).build());
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> trader.status().state() == AttachState.RUNNING)).isTrue();
      RecordingSink chat = new RecordingSink("chat");
      NotificationPipeline pipeline = opsPipeline(chat);
      Alerting alerting = onVirtualTime(pipeline);
      try {
        scheduler.advance(Alerting.UNCLAIMED_AFTER);
        scheduler.advance(Duration.ZERO);
        // before: resolved a minute after the start, "not supervised here"
        assertThat(chat.sent()).singleElement().satisfies(n -> assertThat(n.resolved()).singleElement().satisfies(a -> {
          assertThat(a.key()).isEqualTo("trader/ATTACHMENT_LOST");
          assertThat(a.description()).endsWith("found again, after a restart of the supervising JVM");
        }));
        assertThat(alerting.firing()).isEmpty();

        sleep.destroyForcibly();
        assertThat(Processes.eventually(Duration.ofSeconds(10), () -> !alerting.firing().isEmpty())).isTrue();
        assertThat(alerting.firing()).singleElement().satisfies(a -> {
          assertThat(a.key()).isEqualTo("trader/ATTACHMENT_LOST");
          assertThat(a.labels()).containsEntry("type", "TRADER"); // before: none, its Attached event came before Alerting
        });
      } finally {
        alerting.close();
        pipeline.close();
      }
    } finally {
      sleep.destroyForcibly().waitFor();
    }
  }

  /**
   * A remembered ATTACHMENT_LOST of an attachment made before {@code Alerting} that finds nothing (its pid file is not
   * there yet) fires on without a new notification, past the minute after which an alert of a process not supervised here
   * resolves, until the attachment finds its process. A real {@code sleep}, attached by a pid file; the alerts on a
   * virtual clock.
   */
  @Test
  void aRememberedAttachmentLostFiresOnUntilTheAttachmentFindsItsProcess() throws Exception {
    Files.writeString(dir.resolve("alerts.state"), "vigil-alerts-state\t1\n" + attachmentLost("trader"));
    Path pidFile = dir.resolve("trader.pid");
    AttachedProcess trader = sup.attach(AttachSpec.builder("trader").pidFile(pidFile).build());
    RecordingSink chat = new RecordingSink("chat");
    NotificationPipeline pipeline = opsPipeline(chat);
    Alerting alerting = onVirtualTime(pipeline);
    Process sleep = null;
    try {
      scheduler.advance(Alerting.UNCLAIMED_AFTER);
      scheduler.advance(Duration.ZERO);
      assertThat(trader.status().state()).isEqualTo(AttachState.NOT_FOUND);
      // before: resolved here, "not supervised here"
      assertThat(alerting.firing()).extracting(Alert::key).containsExactly("trader/ATTACHMENT_LOST");
      assertThat(chat.sent()).isEmpty();

      sleep = new ProcessBuilder("sleep", "600").start();
      Files.writeString(pidFile, sleep.pid() + "\n");
      assertThat(trader.rescan().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS).state())
          .isEqualTo(AttachState.RUNNING);
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> pipeline.firing().isEmpty())).isTrue();
      scheduler.advance(Duration.ZERO);
      assertThat(chat.sent()).singleElement().satisfies(n -> assertThat(n.resolved()).singleElement().satisfies(a -> {
        assertThat(a.key()).isEqualTo("trader/ATTACHMENT_LOST");
        assertThat(a.description()).endsWith("found again, after a restart of the supervising JVM");
      }));
    } finally {
      alerting.close();
      pipeline.close();
      if (sleep != null) {
        sleep.destroyForcibly().waitFor();
      }
    }
  }

  /**
   * The other order: {@code Alerting} built first, then the attachment to a running process made. Its {@code Attached}
   * event takes the remembered ATTACHMENT_LOST up, and it resolves as found again.
   */
  @Test
  void aRememberedAttachmentLostOfAnAttachmentMadeAfterResolvesAsFoundAgain() throws Exception {
    Files.writeString(dir.resolve("alerts.state"), "vigil-alerts-state\t1\n" + attachmentLost("trader"));
    RecordingSink chat = new RecordingSink("chat");
    NotificationPipeline pipeline = opsPipeline(chat);
    Alerting alerting = onVirtualTime(pipeline);
    Process sleep = new ProcessBuilder("sleep", "600").start();
    try {
      assertThat(pipeline.firing()).extracting(Alert::key).containsExactly("trader/ATTACHMENT_LOST");
      sup.attach(AttachSpec.builder("trader").pid(sleep.pid()).build());
      assertThat(Processes.eventually(Duration.ofSeconds(10), () -> pipeline.firing().isEmpty())).isTrue();
      scheduler.advance(Alerting.UNCLAIMED_AFTER);
      assertThat(chat.sent()).singleElement().satisfies(n -> assertThat(n.resolved()).singleElement().satisfies(a -> {
        assertThat(a.key()).isEqualTo("trader/ATTACHMENT_LOST");
        assertThat(a.description()).endsWith("found again, after a restart of the supervising JVM");
      }));
    } finally {
      alerting.close();
      pipeline.close();
      sleep.destroyForcibly().waitFor();
    }
  }
}
