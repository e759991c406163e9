package io.github.vigil;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.SupervisorEvent.HealthChanged;
import io.github.vigil.testing.EventRecorder;
import io.github.vigil.testing.FakeTicker;
import io.github.vigil.testing.Gen;
import io.github.vigil.testing.ManualScheduler;
import io.github.vigil.testing.Processes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole health engine on injected time: a supervisor on a {@link FakeTicker} and
 * {@link ManualScheduler}, a real process, and one check whose results come from a seeded sequence.
 * For each seed: attempts happen exactly at initial delay + k × interval after the run starts, the
 * process's health after each result is the one the counting rules give (thresholds, start period,
 * success threshold), every change is one {@link HealthChanged} event, and with action RESTART the run
 * is stopped right after the result that makes it unhealthy, ending with
 * {@link ExitCause#HEALTH_CHECK_FAILED}.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
@Timeout(60)
class HealthEnginePropertyTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String MARKER = (60000 + ThreadLocalRandom.current().nextInt(9999)) + "." + ThreadLocalRandom.current().nextInt(100000, 999999);

  static LongStream seeds() {
    return Gen.seeds(120);
  }

  @AfterAll
  static void nothingLeft() throws InterruptedException {
    assertThat(Processes.eventually(Duration.ofSeconds(10), () -> Processes.withMarker(MARKER).isEmpty())).isTrue();
  }

  /** The rules, written out: the state after each result. */
  static List<HealthState> model(int failureThreshold, int successThreshold, long startPeriod, long[] times, boolean[] passed) {
    List<HealthState> out = new ArrayList<>();
    HealthState state = HealthState.STARTING;
    int passes = 0;
    int failures = 0;
    boolean passedOnce = false;
    for (int i = 0; i < times.length; i++) {
      if (passed[i]) {
        passedOnce = true;
        passes++;
        failures = 0;
        if (passes >= successThreshold) {
          state = HealthState.HEALTHY;
        }
      } else {
        passes = 0;
        if (passedOnce || times[i] >= startPeriod) {
          failures++;
          if (failures >= failureThreshold) {
            state = HealthState.UNHEALTHY;
          }
        }
      }
      out.add(state);
    }
    return out;
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void attemptsKeepTheirScheduleAndHealthFollowsTheRules(long seed) throws Exception {
    SplittableRandom r = new SplittableRandom(seed);
    Duration interval = Duration.ofMillis(1 + r.nextInt(10_000));
    Duration initialDelay = r.nextBoolean() ? Duration.ZERO : Duration.ofMillis(r.nextLong(interval.toMillis() * 3));
    Duration startPeriod = r.nextInt(3) == 0 ? Duration.ZERO : Duration.ofMillis(r.nextLong(interval.toMillis() * 8));
    int failureThreshold = 1 + r.nextInt(5);
    int successThreshold = 1 + r.nextInt(4);
    boolean restart = r.nextBoolean();
    int steps = 1 + r.nextInt(30);
    double passRate = r.nextDouble();
    boolean[] passed = new boolean[steps];
    long[] times = new long[steps];
    StringBuilder seq = new StringBuilder();
    for (int i = 0; i < steps; i++) {
      passed[i] = r.nextDouble() < passRate;
      times[i] = initialDelay.toNanos() + i * interval.toNanos();
      seq.append(passed[i] ? '+' : '-');
    }
    List<HealthState> expected = model(failureThreshold, successThreshold, startPeriod.toNanos(), times, passed);
    String context = "seed " + seed + ": interval " + interval + ", initial delay " + initialDelay + ", start period " + startPeriod
        + ", failures " + failureThreshold + ", successes " + successThreshold + ", " + (restart ? "RESTART" : "NOTIFY") + ", results " + seq;

    FakeTicker ticker = new FakeTicker();
    ManualScheduler scheduler = new ManualScheduler(ticker);
    List<Long> attemptTimes = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    try (Supervisor sup = Supervisor.builder().name("prop").backend("jdk").ticker(ticker).scheduler(scheduler).build()) {
      EventRecorder rec = new EventRecorder();
      sup.subscribe(rec);
      HealthCheck check = HealthCheck.custom("seq", pid -> {
        int i = calls.getAndIncrement();
        attemptTimes.add(ticker.read());
        return i < steps && passed[i] ? HealthCheck.Outcome.healthy("pass " + i) : HealthCheck.Outcome.unhealthy("fail " + i);
      }).interval(interval).initialDelay(initialDelay).startPeriod(startPeriod).failureThreshold(failureThreshold)
          .successThreshold(successThreshold).action(restart ? HealthCheck.Action.RESTART : HealthCheck.Action.NOTIFY).build();
      ProcessController c = sup.register(ProcessSpec.builder("p").command("sleep", MARKER).startupGrace(Duration.ZERO)
          .restartPolicy(RestartPolicy.never()).stopTimeout(Duration.ofSeconds(5)).healthCheck(check).build());
      long runStart = ticker.read();
      c.start();
      rec.await(SupervisorEvent.Started.class, e -> true, 1, WAIT);
      if (!initialDelay.isZero()) { // the first attempt's timer is set just after the Started event
        assertThat(Processes.eventually(WAIT, () -> scheduler.pending().contains(initialDelay))).as(context).isTrue();
      }
      List<HealthState> seen = new ArrayList<>();
      int done = steps;
      for (int i = 0; i < steps; i++) {
        scheduler.advance(i == 0 ? initialDelay : interval);
        int want = i + 1;
        boolean arrived = Processes.eventually(WAIT, () -> c.health().checks().get(0).attempts() >= want);
        assertThat(arrived).as(context + ": attempt " + want + " never came").isTrue();
        if (restart && expected.get(i) == HealthState.UNHEALTHY) {
          // the run is being stopped now, and its health goes UNKNOWN when it has ended: read the change from the events
          rec.await(HealthChanged.class, e -> e.to() == HealthState.UNHEALTHY, 1, WAIT);
          seen.add(HealthState.UNHEALTHY);
          done = want;
          break;
        }
        HealthReport report = c.health();
        assertThat(report.checks().get(0).attempts()).as(context).isEqualTo(want);
        seen.add(report.state());
      }
      assertThat(seen).as(context + ": health after each result").isEqualTo(expected.subList(0, done));
      List<Long> wantTimes = new ArrayList<>();
      for (int i = 0; i < done; i++) {
        wantTimes.add(runStart + times[i]);
      }
      assertThat(attemptTimes).as(context + ": attempt times on the fake clock").isEqualTo(wantTimes);

      // one event per change, in order, starting with the run's STARTING
      List<HealthState> changes = new ArrayList<>(List.of(HealthState.STARTING));
      for (HealthState s : seen) {
        if (s != changes.get(changes.size() - 1)) {
          changes.add(s);
        }
      }
      if (restart && seen.get(seen.size() - 1) == HealthState.UNHEALTHY) {
        SupervisorEvent.Exited exit = rec.await(SupervisorEvent.Exited.class, e -> true, 1, WAIT).get(0);
        assertThat(exit.exit().cause()).as(context).isEqualTo(ExitCause.HEALTH_CHECK_FAILED);
        changes.add(HealthState.UNKNOWN);
        scheduler.advance(interval.multipliedBy(3)); // no attempt after the stop began
        assertThat(calls.get()).as(context + ": attempts after the restart began").isEqualTo(done);
      } else {
        c.stop(WAIT);
        changes.add(HealthState.UNKNOWN);
      }
      rec.await(HealthChanged.class, e -> true, changes.size(), WAIT);
      assertThat(rec.of(HealthChanged.class)).extracting(HealthChanged::to).as(context).isEqualTo(changes);
      List<HealthChanged> hc = rec.of(HealthChanged.class);
      for (int i = 1; i < hc.size(); i++) {
        assertThat(hc.get(i).from()).as(context).isEqualTo(hc.get(i - 1).to());
      }
    }
  }
}
