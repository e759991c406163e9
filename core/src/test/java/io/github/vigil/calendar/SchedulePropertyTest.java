package io.github.vigil.calendar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.vigil.testing.Gen;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Schedules on random calendars: the phase and the freeze stay as they are until
 * {@link Schedule#nextChange}, which is always later; UP only with a session open or due within the
 * lead; DOWN never with a session open. Seeded; the seed is in every failure message.
 */
class SchedulePropertyTest {

  static LongStream seeds() {
    return Gen.seeds(150);
  }

  private static Schedule schedule(SplittableRandom r, TradingCalendar cal) {
    Schedule s = Schedule.inSession(cal).withLead(Duration.ofMinutes(r.nextInt(180))).withLag(Duration.ofMinutes(r.nextInt(180)))
        .withBetweenSessions(r.nextBoolean() ? Schedule.BetweenSessions.STAY_UP : Schedule.BetweenSessions.STOP);
    if (r.nextBoolean()) {
      int from = r.nextInt(1380);
      s = s.withFreeze(FreezeWindow.daily("f", LocalTime.ofSecondOfDay(from * 60L), LocalTime.ofSecondOfDay((from + 1 + r.nextInt(59)) * 60L)));
    }
    if (r.nextBoolean()) {
      s = s.withFreeze(FreezeWindow.beforeClose("c", Duration.ofMinutes(1 + r.nextInt(30))));
    }
    return s;
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void phaseAndFreezeHoldUntilTheNextChange(long seed) {
    var r = new SplittableRandom(seed);
    TradingCalendar cal = CalendarGen.calendar(r);
    Schedule s = schedule(r, cal);
    for (int i = 0; i < 40; i++) {
      Instant t = CalendarGen.instant(r, cal);
      Instant next = s.nextChange(t);
      String where = "seed " + seed + ": " + cal.format() + s + " at " + t + ", next change " + next;
      assertTrue(next != null && next.isAfter(t), () -> where);
      Schedule.Phase phase = s.phaseAt(t);
      Schedule.Freeze freeze = s.freezeAt(t);
      for (int k = 0; k < 5; k++) {
        Instant u = t.plusNanos((long) (r.nextDouble() * Duration.between(t, next).toNanos()));
        assertEquals(phase, s.phaseAt(u), () -> where + ": phase at " + u);
        Schedule.Freeze f = s.freezeAt(u);
        assertEquals(freeze == null ? null : freeze.window(), f == null ? null : f.window(), () -> where + ": freeze at " + u);
      }
      boolean open = cal.isOpen(t);
      if (open) {
        assertEquals(Schedule.Phase.UP, phase, () -> where + ": in session");
      }
      if (phase == Schedule.Phase.UP && !open) {
        Session n = cal.nextSession(t);
        boolean dueWithinLead = !n.open().minus(s.lead()).isAfter(t);
        // a session of the same trade day closed before t, and the process stays up (or the windows touch)
        Session before = cal.sessions(n.tradeDay()).stream().filter(x -> !x.close().isAfter(t)).reduce((a, b) -> b).orElse(null);
        boolean betweenSessions = before != null && (s.betweenSessions() == Schedule.BetweenSessions.STAY_UP
            || !before.close().plus(s.lag()).isBefore(n.open().minus(s.lead())));
        assertTrue(dueWithinLead || betweenSessions, () -> where + ": UP, closed, next session " + n + ", before it " + before);
      }
    }
  }
}
