package io.github.vigil.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.test.FakeBackend;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.alerts.Alert;
import io.github.vigil.alerts.AlertType;
import io.github.vigil.alerts.Alerting;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.TradingDayClock;
import io.github.vigil.testing.Processes;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Alerting given a trading supervision hears its stream: a crash inside the session raises CRASHED, one after the
 * close (in the lag before the scheduled stop) arrives as OutsideWindow and raises nothing. It raised CRASHED, as
 * Alerting listened to the supervisor itself (found by a black-box run; core's README says such a crash is neither
 * restarted nor raised). On the published test kit's fake backend (vigil-test).
 */
@Timeout(60)
class AlertsOutsideWindowTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final TradingDayClock clock = TradingDayClock.startingAt(LONDON, LocalDate.of(2026, 6, 15), "07:30"); // a Monday
  private final FakeBackend backend = new FakeBackend();
  private final Supervisor sup = Supervisor.builder().name("ldn-alerts").backend(backend).ticker(clock).scheduler(clock)
      .instantSource(clock).closeTimeout(Duration.ofSeconds(2)).build();
  private final List<Alert> alerts = new CopyOnWriteArrayList<>();
  private TradingSupervision trading;
  private Alerting alerting;

  @AfterEach
  void tearDown() {
    if (alerting != null) {
      alerting.close();
    }
    if (trading != null) {
      trading.close();
    }
    sup.close();
  }

  private long crashedAlerts() {
    return alerts.stream().filter(a -> a.type() == AlertType.CRASHED && a.isFiring()).count();
  }

  @Test
  void aCrashAfterTheCloseRaisesNothingAndOneInTheSessionDoes() throws Exception {
    sup.register(ProcessSpec.builder("gw").command("sleep", "1000").startupGrace(Duration.ZERO)
        .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(5)))).autoStart(false).build());
    // London's hours, built here: the example calendar files are read by path, which the core test-jar has not
    TradingCalendar lse = TradingCalendar.builder("lse").zone(LONDON).session(SessionRule.of("day", LocalTime.of(8, 0), LocalTime.of(16, 30)))
        .build();
    trading = TradingSupervision.builder(sup).schedule("gw", Schedule.inSession(lse).withLag(Duration.ofMinutes(10)))
        .instantSource(clock).scheduler(clock).build();
    alerting = Alerting.builder(sup).listener(alerts::add).ticker(clock).clock(clock).scheduler(clock)
        .sampleInterval(Duration.ZERO).noAnomalies().schedules(trading).build();
    EventRecorder rec = new EventRecorder(); // after the alerting's subscription: what it heard, the alerting heard first
    trading.subscribe(rec);
    trading.start();

    clock.advanceTo(clock.at("08:00"));
    rec.awaitState("gw", ProcessState.RUNNING, 1, WAIT);
    backend.last("gw").exit(1); // in the session: a crash
    rec.await(SupervisorEvent.Exited.class, e -> true, 1, WAIT);
    assertThat(Processes.eventually(WAIT, () -> crashedAlerts() == 1)).as("%s", alerts).isTrue();
    assertThat(sup.awaitIdle(WAIT)).isTrue(); // the restart's timer is set (after the exit's events) before time moves
    clock.advanceTo(clock.at("08:00").plusSeconds(5)); // restarted by its policy
    rec.awaitState("gw", ProcessState.RUNNING, 2, WAIT);

    clock.advanceTo(clock.at("16:35")); // after the 16:30 close, inside the 10 min lag: still running
    backend.last("gw").exit(1);
    SupervisorEvent.OutsideWindow outside = rec.await(SupervisorEvent.OutsideWindow.class, e -> e.process().equals("gw"), 1, WAIT).get(0);
    assertThat(outside.event()).isInstanceOf(SupervisorEvent.Exited.class);
    assertThat(sup.awaitIdle(WAIT)).isTrue(); // every listener of the supervisor has heard the exit too
    clock.advance(Duration.ZERO);
    assertThat(rec.of(SupervisorEvent.Exited.class)).as("the exit after the close is only an OutsideWindow").hasSize(1);
    assertThat(crashedAlerts()).as("no CRASHED, new or again, for the exit after the close: %s", alerts).isEqualTo(1);
  }
}
