package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Origin;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.SupervisorEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process RUNNING since before the report's period, whose JVM is killed and started again inside it: the next JVM's
 * restart ({@code SUPERVISOR_ENDED}) is in the report. It was not: the report read only the period's events, and the
 * state the process was left in came before it (found by a black-box run: {@code vigil restarts trader --period 10m}
 * left out the restart of 5 minutes before that {@code --period 30m} listed). A process registered again before the
 * period and never started is none.
 */
@Timeout(60)
class KilledJvmInPeriodTest {
  private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
  private static final Instant NEXT_JVM = Instant.parse("2026-12-05T16:45:14Z");

  @TempDir
  Path dir;

  private RestartReport report(boolean registeredAgainBeforePeriod) throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("killed-" + registeredAgainBeforePeriod + ".db");
    String p = "trader";
    try (Journal j = Journal.builder().url(url).host("gw").snapshotInterval(Duration.ZERO).build()) {
      j.onEvent(new SupervisorEvent.Registered(p, T0, ProcessSpec.builder(p).command("/opt/trader").build()));
      j.onEvent(new SupervisorEvent.StateChanged(p, T0, ProcessState.STOPPED, ProcessState.STARTING, Origin.API, "start"));
      j.onEvent(new SupervisorEvent.Started(p, T0, 100, 1));
      j.onEvent(new SupervisorEvent.StateChanged(p, T0.plusSeconds(1), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS, "up"));
      if (registeredAgainBeforePeriod) { // a JVM killed, and the next one registered it but did not start it
        j.onEvent(new SupervisorEvent.Registered(p, T0.plus(Duration.ofDays(1)), ProcessSpec.builder(p).command("/opt/trader").build()));
      }
      // days later, the JVM is killed; the next one registers and starts it
      j.onEvent(new SupervisorEvent.Registered(p, NEXT_JVM, ProcessSpec.builder(p).command("/opt/trader").build()));
      j.onEvent(new SupervisorEvent.StateChanged(p, NEXT_JVM, ProcessState.STOPPED, ProcessState.STARTING, Origin.DEPENDENCY, "start all"));
      j.onEvent(new SupervisorEvent.Started(p, NEXT_JVM, 200, 1));
      j.onEvent(new SupervisorEvent.StateChanged(p, NEXT_JVM.plusSeconds(2), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS, "up"));
      assertThat(j.flush(Duration.ofSeconds(10))).isTrue();
    }
    try (JournalReader reader = JournalReader.open(url, "gw")) {
      return reader.restarts(p, NEXT_JVM.minus(Duration.ofMinutes(5)), NEXT_JVM.plus(Duration.ofMinutes(5)), ZoneOffset.UTC,
          TradeCalendar.calendarDays(ZoneOffset.UTC));
    }
  }

  @Test
  void aKilledJvmsRestartInsideThePeriodOfAProcessRunningSinceBeforeItIsReported() throws Exception {
    RestartReport r = report(false);
    assertThat(r.timeline()).singleElement().satisfies(x -> {
      assertThat(x.cause()).isEqualTo(RestartCause.SUPERVISOR_ENDED);
      assertThat(x.at()).isEqualTo(NEXT_JVM);
      assertThat(x.run()).isEqualTo(1);
      assertThat(x.recovery()).isEqualTo(Duration.ofSeconds(2));
    });
  }

  @Test
  void aProcessRegisteredAgainBeforeThePeriodAndNotStartedIsNoRestart() throws Exception {
    assertThat(report(true).timeline()).isEmpty();
  }
}
