package io.github.vigil.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessController;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.TradingDayClock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * What the freeze-window race tests that hold an exit's hand-over share: a JDK-backend supervisor on a
 * {@link TradingDayClock} (07:30 on a Monday in London) whose listener executor is a {@link HeldListenerExecutor}, an
 * "lse" day session 08:00 to 16:30, an {@link EventRecorder} on the {@link TradingSupervision}, and the steps: run a
 * schedule from the open, SIGKILL a process with its {@code Exited} held. Each test's windows and orders are its own.
 */
abstract class HeldExitTestBase {
  static final ZoneId LONDON = ZoneId.of("Europe/London");
  static final Duration WAIT = Duration.ofSeconds(10);
  static final LocalDate DAY = LocalDate.of(2026, 12, 14); // a Monday

  final TradingDayClock clock = TradingDayClock.startingAt(LONDON, DAY, "07:30");
  final TradingCalendar lse = TradingCalendar.builder("lse").zone(LONDON)
      .session(SessionRule.of("day", LocalTime.of(8, 0), LocalTime.of(16, 30))).build();
  final HeldListenerExecutor hold = new HeldListenerExecutor();
  final Supervisor sup;
  final EventRecorder rec = new EventRecorder();
  TradingSupervision trading;

  HeldExitTestBase(String supervisorName) {
    sup = Supervisor.builder().name(supervisorName).backend("jdk").ticker(clock).scheduler(clock)
        .instantSource(clock).listenerExecutor(hold).closeTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void tearDown() {
    hold.release();
    if (trading != null) {
      trading.close();
    }
    sup.close();
    hold.close();
  }

  static ProcessSpec sleeper(String name) {
    return ProcessSpec.builder(name).command("sleep", "1000").startupGrace(Duration.ZERO)
        .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(5)))).autoStart(false).build();
  }

  /** Runs {@code name}'s schedule {@code s} from 08:00, all of {@code running} up. */
  void runFromTheOpen(String name, Schedule s, List<String> running) throws Exception {
    trading = TradingSupervision.builder(sup).schedule(name, s).instantSource(clock).scheduler(clock).build();
    trading.subscribe(rec);
    trading.start();
    clock.advanceTo(clock.at("08:00"));
    for (String n : running) {
      rec.awaitState(n, ProcessState.RUNNING, 1, WAIT);
    }
  }

  /** SIGKILLs {@code c} with the engine's hand-over of its Exited held, delivered as {@code mode} says. */
  void killHeld(ProcessController c, HeldListenerExecutor.Deliver mode) throws Exception {
    assertThat(sup.awaitIdle(WAIT)).isTrue(); // everything delivered
    hold.awaitDelivered(); // and each listener's drain returned (idle ends before it does): the next hand-over is the Exited
    hold.arm(mode);
    assertThat(ProcessHandle.of(c.status().pid()).orElseThrow().destroyForcibly()).isTrue(); // SIGKILL
    hold.awaitHeld();
  }
}
