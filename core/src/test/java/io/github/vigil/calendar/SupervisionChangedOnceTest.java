package io.github.vigil.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Backoff;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.RestartPolicy;
import io.github.vigil.Supervisor;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.TradingDayClock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A trading day of a scheduled process on the fake backend and a virtual clock, with a midday freeze window and one
 * that runs into the close, and a lag: each change of its supervision is said once. {@link TradingSupervision} sets
 * supervision at each edge whether or not it changes (on at its start and at the open, where it is on already; off at
 * the close and at the lag's stop, where the closing window turned it off already), and the engine published a {@code
 * SupervisionChanged} for every call: "supervision on" twice in {@code vigil events} and in the journal.
 */
@Timeout(60)
class SupervisionChangedOnceTest {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final TradingDayClock clock = TradingDayClock.startingAt(LONDON, LocalDate.of(2026, 6, 15), "07:30"); // a Monday
  private final FakeBackend backend = new FakeBackend();
  private final Supervisor sup = Supervisor.builder().name("once").backend(backend).ticker(clock).scheduler(clock)
      .instantSource(clock).closeTimeout(Duration.ofSeconds(2)).build();
  private final EventRecorder rec = new EventRecorder();
  private TradingSupervision trading;

  @AfterEach
  void tearDown() {
    if (trading != null) {
      trading.close();
    }
    sup.close();
  }

  @Test
  void eachChangeOfSupervisionOverATradingDayIsSaidOnce() throws Exception {
    sup.register(ProcessSpec.builder("gw").command("sleep", "1000").startupGrace(Duration.ZERO)
        .restartPolicy(RestartPolicy.onFailure().withBackoff(Backoff.fixed(Duration.ofSeconds(5)))).autoStart(false).build());
    Schedule s = Schedule.inSession(ExampleCalendars.lse()).withLag(Duration.ofMinutes(10))
        .withFreeze(FreezeWindow.daily("auction", LocalTime.of(12, 0), LocalTime.of(12, 2)))
        .withFreeze(FreezeWindow.beforeClose("closing-auction", Duration.ofMinutes(5)));
    trading = TradingSupervision.builder(sup).schedule("gw", s).instantSource(clock).scheduler(clock).build();
    trading.subscribe(rec);
    trading.start();
    for (String t : List.of("08:00", "12:00", "12:02", "16:25", "16:30", "16:40")) {
      clock.advanceTo(clock.at(t));
      if (t.equals("08:00")) {
        rec.awaitState("gw", ProcessState.RUNNING, 1, WAIT);
      }
      assertThat(sup.awaitIdle(WAIT)).isTrue();
    }
    rec.awaitState("gw", ProcessState.STOPPED, 1, WAIT); // the stop lag after the close, then supervision on again
    rec.await(SupervisorEvent.SupervisionChanged.class, e -> e.supervised() && e.at().equals(clock.at("16:40")), 1, WAIT);
    assertThat(sup.awaitIdle(WAIT)).isTrue();

    assertThat(rec.of(SupervisorEvent.SupervisionChanged.class, "gw"))
        .extracting(e -> (e.supervised() ? "on at " : "off at ") + e.at().atZone(LONDON).toLocalTime())
        .as("on from the start; off in each window and from the close; on once stopped")
        .containsExactly("off at 12:00", "on at 12:02", "off at 16:25", "on at 16:40");
  }
}
