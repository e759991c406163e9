package io.github.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.GroupSpec;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.calendar.FreezeWindow;
import io.github.vigil.calendar.Schedule;
import io.github.vigil.calendar.SessionRule;
import io.github.vigil.calendar.TradingCalendar;
import io.github.vigil.calendar.TradingSupervision;
import io.github.vigil.test.FakeBackend;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.TradingDayClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code NOT_RUNNING} and freeze windows: a run that ends inside one is not restarted before the window ends (or is left
 * for a person), on purpose, so being down then pages nobody. It fired a grace after the crash and stayed firing until
 * the restart at the window's end. The real supervisor, {@link TradingSupervision} and {@link Alerting} on a fake
 * backend and a virtual clock: the events come in the engine's order (the {@code RestartDeferred} before the run's
 * {@code CRASHED}).
 */
@Timeout(60)
class FreezeWindowAlertTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final TradingDayClock clock = TradingDayClock.startingAt(ZoneOffset.UTC, LocalDate.of(2026, 1, 5), "09:00"); // a Monday
  private final FakeBackend backend = new FakeBackend();
  private final Supervisor sup = Supervisor.builder().name("freeze-alerts").backend(backend).ticker(clock).scheduler(clock)
      .instantSource(clock).closeTimeout(Duration.ofSeconds(2)).build();
  // weekdays 09:30-15:00 UTC, an auction from 12:00 to 12:05 inside the session
  private final TradingCalendar desk = TradingCalendar.builder("desk").zone(ZoneOffset.UTC)
      .session(SessionRule.of("day", LocalTime.of(9, 30), LocalTime.of(15, 0))).build();
  private final FreezeWindow auction = FreezeWindow.daily("auction", LocalTime.of(12, 0), LocalTime.of(12, 5));
  private final List<Alert> heard = new CopyOnWriteArrayList<>();
  private final EventRecorder rec = new EventRecorder();
  private TradingSupervision trading;
  private Alerting alerting;

  @AfterEach
  void tearDown() {
    if (alerting != null) {
      sup.close(); // first: its stops on purpose resolve what fires
      alerting.close();
    }
    if (trading != null) {
      trading.close();
    }
    sup.close();
  }

  private List<String> log(String process) {
    return heard.stream().filter(a -> a.process().equals(process)).map(a -> a.type() + ":" + a.status()).toList();
  }

  /** {@code gw} with {@code schedule}; alerts with a grace of 30 s; {@link #rec} hears each event after {@code Alerting}. */
  private void start(Schedule schedule) throws InterruptedException {
    sup.register(ProcessSpec.builder("gw").command("sleep", "1000").startupGrace(Duration.ZERO)
        .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(5)))).autoStart(false).build());
    trading = TradingSupervision.builder(sup).schedule("gw", schedule).instantSource(clock).scheduler(clock).build();
    alerting = Alerting.builder(sup).schedules(trading).listener(heard::add).noAnomalies().sampleInterval(Duration.ZERO)
        .rules(AlertRules.of(RuleConfig.defaults().withNotRunningGrace(Duration.ofSeconds(30))))
        .ticker(clock).clock(clock).scheduler(clock).build();
    trading.subscribe(rec); // after Alerting's subscription: one delivery thread, listeners in order
    trading.start();
    clock.advanceTo(clock.at("09:30"));
    rec.awaitState("gw", ProcessState.RUNNING, 1, WAIT);
  }

  @Test
  void aRunEndedInsideAFreezeWindowRaisesNoNotRunningUntilItsRestartAtTheEnd() throws Exception {
    start(Schedule.inSession(desk).withFreeze(auction));
    clock.advanceTo(clock.at("12:01"));
    backend.last("gw").exit(3);
    assertThat(rec.await(SupervisorEvent.RestartDeferred.class, d -> true, 1, WAIT).get(0).restartAt())
        .contains(Instant.parse("2026-01-05T12:05:00Z"));
    rec.awaitState("gw", ProcessState.CRASHED, 1, WAIT);

    clock.advanceTo(clock.at("12:04:59")); // four grace periods down, the window not over
    assertThat(log("gw")).as("a crash is a crash; being down inside the window is on purpose").containsExactly("CRASHED:FIRING");

    clock.advanceTo(clock.at("12:05")); // the schedule restarts it at the window's end
    rec.awaitState("gw", ProcessState.RUNNING, 2, WAIT);
    clock.advanceTo(clock.at("12:10"));
    assertThat(log("gw")).as("the restart came; the run lasted stableAfter").containsExactly("CRASHED:FIRING", "CRASHED:RESOLVED");
  }

  /**
   * A NOT_RUNNING remembered in the state directory of a JVM that was killed, taken up by the next one inside the auction
   * while gw is down (here its schedule is not started, so nothing starts it in the window; a start that waits for a
   * dependency is the same): down on purpose until the window ends, as after a run that ended inside it. It is resolved
   * when taken up, and fires again a grace after the window, gw still down. It fired on through the window: the freeze
   * was not asked.
   */
  @Test
  void aRememberedNotRunningTakenUpInsideAFreezeWindowIsJudgedAsAfterARunThatEndedThere(@TempDir Path dir) throws Exception {
    rememberGwNotRunning(dir);
    clock.advanceTo(clock.at("12:01")); // the new JVM starts inside the auction
    sup.register(ProcessSpec.builder("gw").command("sleep", "1000").autoStart(false).build());
    trading = TradingSupervision.builder(sup).schedule("gw", Schedule.inSession(desk).withFreeze(auction)).instantSource(clock)
        .scheduler(clock).build();
    alertingFrom(dir);

    // taken up as gw is heard of, while Alerting is built
    assertJudgedByTheAuction();
  }

  /**
   * As above for gw in a scheduled group ({@code book}: md, gw), the group's schedule having the auction: gw is judged
   * by its group's freeze window, here before the schedules are started (the group's members are known from the
   * supervisor's groups). It fired on through the window: {@code TradingSupervision.state("gw")} answered for a
   * process's own schedule only.
   */
  @Test
  void aRememberedNotRunningOfAProcessInAScheduledGroupIsJudgedByTheGroupsFreezeWindow(@TempDir Path dir) throws Exception {
    rememberGwNotRunning(dir);
    clock.advanceTo(clock.at("12:01")); // the new JVM starts inside the auction
    sup.register(ProcessSpec.builder("md").command("sleep", "1000").autoStart(false).build());
    sup.register(ProcessSpec.builder("gw").command("sleep", "1000").autoStart(false).build());
    sup.registerGroup(GroupSpec.builder("book").children("md", "gw").build());
    trading = TradingSupervision.builder(sup).schedule("book", Schedule.inSession(desk).withFreeze(auction)).instantSource(clock)
        .scheduler(clock).build();
    alertingFrom(dir);

    assertJudgedByTheAuction();
  }

  /** {@code alerts.state} as an earlier JVM left it: gw's NOT_RUNNING firing since 11:58:30, after exit code 3. */
  private static void rememberGwNotRunning(Path dir) throws java.io.IOException {
    Files.writeString(dir.resolve("alerts.state"), "vigil-alerts-state\t1\nalert\tgw/NOT_RUNNING\ntype\tNOT_RUNNING\n"
        + "process\tgw\nseverity\tCRITICAL\nstartsAt\t2026-01-05T11:58:30Z\noccurrences\t1\n"
        + "summary\tgw has not been running for 30.0 s (crashed)\ndescription\texit code 3\n"
        + "label\talertname\tVigilProcessNotRunning\nlabel\tprocess\tgw\nlabel\tseverity\tcritical\n");
  }

  /** Alerting over {@code trading} with a 30 s NOT_RUNNING grace, taking up what {@code dir} remembers as it is built. */
  private void alertingFrom(Path dir) {
    alerting = Alerting.builder(sup).schedules(trading).listener(heard::add).noAnomalies().sampleInterval(Duration.ZERO)
        .rules(AlertRules.of(RuleConfig.defaults().withNotRunningGrace(Duration.ofSeconds(30))))
        .ticker(clock).clock(clock).scheduler(clock).stateDirectory(dir).build();
  }

  /**
   * gw's remembered NOT_RUNNING, taken up inside the auction: resolved as down on purpose, and fired again when gw is
   * still down a grace after the window, as a live one is judged.
   */
  private void assertJudgedByTheAuction() {
    assertThat(log("gw")).as("before: fired on, nothing heard").containsExactly("NOT_RUNNING:RESOLVED");
    assertThat(heard.get(0).description()).isEqualTo("exit code 3; not restarted inside freeze window auction until"
        + " 2026-01-05T12:05:00Z, after a restart of the supervising JVM");
    clock.advanceTo(clock.at("12:05:29"));
    assertThat(log("gw")).containsExactly("NOT_RUNNING:RESOLVED");
    clock.advanceTo(clock.at("12:05:30"));
    assertThat(log("gw")).containsExactly("NOT_RUNNING:RESOLVED", "NOT_RUNNING:FIRING");
    assertThat(heard.get(1).summary()).isEqualTo("gw has not been running for 30.0 s after freeze window auction ended (stopped)");
  }

  /** Left for a person: nothing inside the window; still down a grace after it, it fires (a person has to start it). */
  @Test
  void aRunLeftForAPersonFiresNotRunningAGraceAfterTheWindow() throws Exception {
    start(Schedule.inSession(desk).withFreeze(auction.leftForAPerson()));
    clock.advanceTo(clock.at("12:01"));
    backend.last("gw").exit(3);
    assertThat(rec.await(SupervisorEvent.RestartDeferred.class, d -> true, 1, WAIT).get(0).restartAt()).isEmpty();
    rec.awaitState("gw", ProcessState.CRASHED, 1, WAIT);

    clock.advanceTo(clock.at("12:05:29"));
    assertThat(log("gw")).containsExactly("CRASHED:FIRING");
    clock.advanceTo(clock.at("12:05:30"));
    assertThat(log("gw")).containsExactly("CRASHED:FIRING", "NOT_RUNNING:FIRING");
    assertThat(heard.get(1).summary()).isEqualTo("gw has not been running for 30.0 s after freeze window auction ended (crashed)");
  }
}
