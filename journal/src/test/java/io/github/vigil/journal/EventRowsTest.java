package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.AttachState;
import io.github.vigil.HealthCheck;
import io.github.vigil.HealthState;
import io.github.vigil.MatchedProcess;
import io.github.vigil.Origin;
import io.github.vigil.ResourceRule;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.SupervisorEvent.Command;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each kind of event lands in the columns the README names; an actor is recorded only on the API command
 * it was named for; the journal's threads end with it.
 */
@Timeout(60)
class EventRowsTest {
  @TempDir
  Path dir;

  @Test
  void everyKindOfEventKeepsItsFields() throws Exception {
    Instant t = Instant.parse("2026-11-30T09:30:00Z");
    Path db = dir.resolve("rows.db");
    try (Journal j = Journal.builder().sqlite(db).host("gw").snapshotInterval(Duration.ofMillis(50)).build()) {
      j.actor("p", Command.RESTART, "bob", "new config");
      j.onEvent(new SupervisorEvent.CommandIssued("p", t, Command.STOP, Origin.API, "stop requested")); // not the named command
      j.onEvent(new SupervisorEvent.CommandIssued("p", t.plusMillis(1), Command.RESTART, Origin.HEALTH_CHECK, "liveness")); // not the API
      j.onEvent(new SupervisorEvent.CommandIssued("p", t.plusMillis(2), Command.RESTART, Origin.API, "restart requested"));
      j.onEvent(new SupervisorEvent.CommandIssued("p", t.plusMillis(3), Command.RESTART, Origin.API, "restart requested")); // actor used up
      j.onEvent(new SupervisorEvent.ResourceLimitExceeded("p", t.plusMillis(4), "fds", ResourceRule.Metric.FD_RATIO, 0.97, 0.9,
          HealthCheck.Action.NOTIFY, "open-descriptor ratio 0.97 above 0.9"));
      j.onEvent(new SupervisorEvent.HealthChanged("p", t.plusMillis(5), HealthState.HEALTHY, HealthState.UNHEALTHY, "tcp :9000 refused"));
      MatchedProcess m = new MatchedProcess(777, t, "nginx", "nginx: master process");
      j.onEvent(new SupervisorEvent.AttachedFound("web", t.plusMillis(6), m));
      j.onEvent(new SupervisorEvent.AttachedLost("web", t.plusMillis(7), m));
      j.onEvent(new SupervisorEvent.AttachStateChanged("web", t.plusMillis(8), AttachState.RUNNING, AttachState.NOT_FOUND, "gone"));
      j.onEvent(new SupervisorEvent.RestartScheduled("p", t.plusMillis(9), 2, Duration.ofMillis(1500),
          new io.github.vigil.ExitInfo(new io.github.vigil.Termination.Exited(4), io.github.vigil.ExitCause.ERROR_EXIT, Duration.ofSeconds(9),
              t, "", -1)));
      j.flush(Duration.ofSeconds(10));
      try (JournalReader r = j.reader()) {
        List<JournalEvent> p = r.events("p", t.minusSeconds(1), t.plusSeconds(1), 100);
        assertThat(p).extracting(JournalEvent::actor).containsExactly(null, null, "bob", null, null, null, null);
        assertThat(p.get(2).reason()).isEqualTo("new config");
        assertThat(p.get(1).origin()).isEqualTo("HEALTH_CHECK");
        JournalEvent breach = p.get(4);
        assertThat(breach.metric()).isEqualTo("FD_RATIO");
        assertThat(breach.metricValue()).isEqualTo(0.97);
        assertThat(breach.metricLimit()).isEqualTo(0.9);
        assertThat(breach.command()).isEqualTo("NOTIFY");
        assertThat(p.get(5).fromState()).isEqualTo("HEALTHY");
        assertThat(p.get(5).toState()).isEqualTo("UNHEALTHY");
        JournalEvent scheduled = p.get(6);
        assertThat(scheduled.attempt()).isEqualTo(2);
        assertThat(scheduled.delayMs()).isEqualTo(1500);
        assertThat(scheduled.exitCode()).isEqualTo(4);
        List<JournalEvent> web = r.events("web", t.minusSeconds(1), t.plusSeconds(1), 100);
        assertThat(web).extracting(JournalEvent::type).containsExactly("AttachedFound", "AttachedLost", "AttachStateChanged");
        assertThat(web.get(0).pid()).isEqualTo(777);
        assertThat(web.get(0).reason()).isEqualTo("nginx: nginx: master process");
        assertThat(web.get(2).toState()).isEqualTo("NOT_FOUND");
      }
      assertThat(threads()).contains("vigil-journal-writer", "vigil-journal-snapshots");
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!threads().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(threads()).as("no journal thread outlives close()").isEmpty();
  }

  private static List<String> threads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.startsWith("vigil-journal")).sorted().toList();
  }
}
