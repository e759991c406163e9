package io.github.vigil.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ExitCause;
import io.github.vigil.Origin;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatistics;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.TradingDayClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real {@code sleep} killed (SIGKILL) inside a freeze window, its restart deferred to the window's end: the restart
 * done there is the policy's, counted as a restart by the supervisor's statistics (which the Micrometer binding reads),
 * by its status and by the trade day's statistics, and said so by its events as a restart after a backoff is (STARTING
 * of origin POLICY, no start command). It was an API start: restarts 0, starts 2, and the start limit reset.
 */
@Timeout(60)
class DeferredRestartCountedTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final LocalDate DAY = LocalDate.of(2026, 12, 14); // a Monday

  private final TradingDayClock clock = TradingDayClock.startingAt(LONDON, DAY, "07:30");

  @Test
  void aRestartDeferredToTheWindowsEndIsCountedAndAnnouncedAsTheRestartOfItsPolicy() throws Exception {
    TradingCalendar lse = TradingCalendar.builder("lse").zone(LONDON).session(SessionRule.of("day", LocalTime.of(8, 0), LocalTime.of(16, 30)))
        .build();
    try (Supervisor sup = Supervisor.builder().name("deferred").ticker(clock).scheduler(clock).instantSource(clock)
        .closeTimeout(Duration.ofSeconds(5)).build()) {
      ProcessController gw = sup.register(ProcessSpec.builder("gw").command("sleep", "1000").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(5)))).autoStart(false).build());
      try (TradingSupervision trading = TradingSupervision.builder(sup).schedule("gw", Schedule.inSession(lse)
              .withFreeze(FreezeWindow.daily("auction", LocalTime.of(12, 0), LocalTime.of(12, 2))))
          .instantSource(clock).scheduler(clock).build()) {
        EventRecorder rec = new EventRecorder();
        trading.subscribe(rec);
        trading.start();
        clock.advanceTo(clock.at("08:00"));
        rec.awaitState("gw", ProcessState.RUNNING, 1, WAIT);
        clock.advanceTo(clock.at("12:00").plusSeconds(30)); // inside the freeze window
        long pid = gw.status().pid();
        assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly()).isTrue(); // SIGKILL
        rec.await(SupervisorEvent.RestartDeferred.class, e -> true, 1, WAIT);
        assertThat(sup.awaitIdle(WAIT)).isTrue();
        assertThat(gw.status().state()).isEqualTo(ProcessState.CRASHED);

        clock.advanceTo(clock.at("12:02")); // the window's end
        rec.awaitState("gw", ProcessState.RUNNING, 2, WAIT);
        assertThat(sup.awaitIdle(WAIT)).isTrue();

        ProcessStatistics s = gw.statistics();
        assertThat(s.starts()).isEqualTo(2);
        assertThat(s.restarts()).as("the supervisor's restarts, as the Micrometer binding reads them").isEqualTo(1);
        assertThat(s.restartsSucceeded()).isEqualTo(1);
        assertThat(s.meanTimeToRecover()).as("from the kill to RUNNING at the window's end").isEqualTo(Duration.ofSeconds(90));
        assertThat(gw.status().restarts()).isEqualTo(1);

        List<SupervisorEvent.StateChanged> starting = rec.awaitState("gw", ProcessState.STARTING, 2, WAIT);
        assertThat(starting.get(1)).satisfies(x -> {
          assertThat(x.at()).isEqualTo(clock.at("12:02"));
          assertThat(x.from()).isEqualTo(ProcessState.CRASHED);
          assertThat(x.origin()).as("the policy's restart, as after a backoff").isEqualTo(Origin.POLICY);
          assertThat(x.reason()).isEqualTo("restart attempt 1 after " + ExitCause.SIGNALED + ", deferred by freeze window auction to its end");
        });
        assertThat(rec.of(SupervisorEvent.CommandIssued.class, "gw")).as("no start command: the API's start is not what restarted it")
            .noneMatch(c -> c.command() == SupervisorEvent.Command.START && !c.at().isBefore(clock.at("12:00")));
        assertThat(rec.of(SupervisorEvent.ScheduleStarted.class, "gw")).extracting(SupervisorEvent.ScheduleStarted::reason)
            .endsWith("restart deferred by freeze window auction");

        DayStatistics today = trading.statistics().forDay(DAY, "gw");
        assertThat(today.starts()).isEqualTo(2);
        assertThat(today.restarts()).as("the trade day's restarts").isEqualTo(1);
        assertThat(today.deferredRestarts()).isEqualTo(1);
        assertThat(today.recoveries()).as("the run not up for its policy's stableAfter (60 s) yet").isZero();
        clock.advanceTo(clock.at("12:03"));
        assertThat(trading.statistics().forDay(DAY, "gw").recoveries()).as("up for 60 s: recovered").isEqualTo(1);
        assertThat(trading.statistics().forDay(DAY, "gw").meanTimeToRecover()).isEqualTo(Duration.ofSeconds(90));
        gw.stop(WAIT);
      }
    }
  }

  /**
   * {@code restartDeferred} while supervision of the process is still off restarts nothing, as its policy restarts
   * nothing then: the process stays CRASHED, nothing is counted, and the stage fails saying supervision is off. Once
   * supervision is on (turned on just before, from the same thread) the same call restarts it, counted. It restarted the
   * process with supervision off.
   */
  @Test
  void aDeferredRestartWhileSupervisionIsOffIsNotDoneAndSaysWhy() throws Exception {
    try (Supervisor sup = Supervisor.builder().name("deferred-off").ticker(clock).scheduler(clock).instantSource(clock)
        .closeTimeout(Duration.ofSeconds(5)).build()) {
      EventRecorder rec = new EventRecorder();
      sup.subscribe(rec);
      ProcessController gw = sup.register(ProcessSpec.builder("gw").command("sleep", "1000").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(5)))).autoStart(false).build());
      gw.start(WAIT);
      gw.setSupervised(false, "freeze window auction");
      long pid = gw.status().pid();
      assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly()).isTrue(); // SIGKILL
      rec.awaitState("gw", ProcessState.CRASHED, 1, WAIT);

      java.util.concurrent.CompletableFuture<io.github.vigil.ProcessStatus> off = gw.restartDeferred("deferred by freeze window auction to its end")
          .toCompletableFuture();
      assertThat(off).failsWithin(WAIT).withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .havingCause().isInstanceOf(io.github.vigil.ProcessOperationException.class)
          .withMessage("process 'gw' did not reach RUNNING: supervision is off, so its deferred restart (deferred by freeze window auction to "
              + "its end) is not done; turn supervision on first");
      assertThat(sup.awaitIdle(WAIT)).isTrue();
      assertThat(gw.status().state()).isEqualTo(ProcessState.CRASHED);
      assertThat(rec.of(SupervisorEvent.StateChanged.class, "gw")).filteredOn(x -> x.to() == ProcessState.STARTING).hasSize(1);
      assertThat(gw.statistics().restarts()).isZero();

      gw.setSupervised(true, "freeze window auction over");
      assertThat(gw.restartDeferred("deferred by freeze window auction to its end").toCompletableFuture().get(WAIT.toSeconds(),
          java.util.concurrent.TimeUnit.SECONDS).state()).isEqualTo(ProcessState.RUNNING);
      assertThat(gw.statistics().restarts()).isEqualTo(1);
      gw.stop(WAIT);
    }
  }

  /**
   * A deferred restart that its policy gives up on (a start limit of 0) leaves the process FAILED, with its Failed event,
   * and the stage fails saying so, as the give-up at an exit does; nothing is spawned or counted.
   */
  @Test
  void aDeferredRestartItsPolicyGivesUpOnIsAFailure() throws Exception {
    try (Supervisor sup = Supervisor.builder().name("deferred-give-up").ticker(clock).scheduler(clock).instantSource(clock)
        .closeTimeout(Duration.ofSeconds(5)).build()) {
      EventRecorder rec = new EventRecorder();
      sup.subscribe(rec);
      ProcessController gw = sup.register(ProcessSpec.builder("gw").command("sleep", "1000").startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.onFailure().withStartLimit(0, Duration.ofHours(1))).autoStart(false).build());
      gw.start(WAIT);
      gw.setSupervised(false, "freeze window auction");
      assertThat(ProcessHandle.of(gw.status().pid()).orElseThrow().destroyForcibly()).isTrue(); // SIGKILL
      rec.awaitState("gw", ProcessState.CRASHED, 1, WAIT);
      gw.setSupervised(true, "freeze window auction over");

      java.util.concurrent.CompletableFuture<io.github.vigil.ProcessStatus> f = gw.restartDeferred("deferred by freeze window auction to its end")
          .toCompletableFuture();
      assertThat(f).failsWithin(WAIT).withThrowableOfType(java.util.concurrent.ExecutionException.class)
          .havingCause().isInstanceOf(io.github.vigil.ProcessOperationException.class)
          .withMessageStartingWith("process 'gw' did not reach RUNNING: failed: start limit reached");
      SupervisorEvent.Failed failed = rec.await(SupervisorEvent.Failed.class, e -> true, 1, WAIT).get(0);
      assertThat(failed.lastExit().cause()).isEqualTo(ExitCause.SIGNALED);
      assertThat(gw.status().state()).isEqualTo(ProcessState.FAILED);
      assertThat(rec.of(SupervisorEvent.Started.class, "gw")).hasSize(1);
      assertThat(gw.statistics().restarts()).isZero();
    }
  }
}
