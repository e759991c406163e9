package io.github.vigil.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vigil.Origin;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.SupervisorEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What {@link JournalReader#status} lists: the processes, not the trading calendars nor the groups journaled beside them. */
@Timeout(60)
class StatusTest {
  private static final Instant T = Instant.parse("2026-11-30T01:00:00Z");

  @TempDir
  Path dir;

  @Test
  void aTradingCalendarIsNoProcess() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("status.db");
    try (Journal j = Journal.builder().url(url).host("gw").snapshotInterval(Duration.ZERO).build()) {
      j.onEvent(new SupervisorEvent.Registered("orders", T, ProcessSpec.builder("orders").command("/opt/orders").build()));
      j.onEvent(new SupervisorEvent.StateChanged("orders", T, ProcessState.STOPPED, ProcessState.STARTING, Origin.API, "start"));
      j.onEvent(new SupervisorEvent.Started("orders", T, 100, 1));
      j.onEvent(new SupervisorEvent.StateChanged("orders", T.plusSeconds(2), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS, "up"));
      LocalDate day = LocalDate.of(2026, 11, 30);
      j.onEvent(new SupervisorEvent.SessionOpened("shfe", T.plusSeconds(60), day, "day", T.plusSeconds(3600)));
      j.onEvent(new SupervisorEvent.SessionClosed("shfe", T.plusSeconds(3600), day, "day"));
      // nor is a supervision group
      j.onEvent(new SupervisorEvent.GroupStateChanged("desk", T, io.github.vigil.GroupState.STOPPED, io.github.vigil.GroupState.RUNNING,
          Origin.API, "group desk started"));
      j.onEvent(new SupervisorEvent.GroupRestart("desk", T.plusSeconds(5), "orders", io.github.vigil.GroupSpec.Strategy.ONE_FOR_ONE,
          java.util.List.of(), 1));
      j.onEvent(new SupervisorEvent.GroupFailed("desk", T.plusSeconds(6), "orders", "intensity exceeded", null));
      assertThat(j.flush(Duration.ofSeconds(10))).isTrue();
    }
    try (JournalReader r = JournalReader.open(url, null)) {
      assertThat(r.status(T.plusSeconds(4000))).extracting(ProcessSummary::process).containsExactly("orders");
    }
  }

  /**
   * A group run by a trading schedule ({@code vigil.schedules.desk}, the demo's desk) is no process either: its schedule's
   * events carry the group's name. {@code vigil status} listed it as a process in state UNKNOWN (found running the demo
   * with its journal). A process with a schedule of its own is still one.
   */
  @Test
  void aScheduledGroupIsNoProcessAScheduledProcessIs() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("scheduled.db");
    LocalDate day = LocalDate.of(2026, 11, 30);
    try (Journal j = Journal.builder().url(url).host("gw").snapshotInterval(Duration.ZERO).build()) {
      for (String p : new String[] {"quote-feed", "orders"}) {
        j.onEvent(new SupervisorEvent.Registered(p, T, ProcessSpec.builder(p).command("/opt/" + p).build()));
        j.onEvent(new SupervisorEvent.StateChanged(p, T, ProcessState.STOPPED, ProcessState.STARTING, Origin.API, "start"));
      }
      j.onEvent(new SupervisorEvent.ScheduleStarted("desk", T, day, "window start"));
      j.onEvent(new SupervisorEvent.GroupStateChanged("desk", T, io.github.vigil.GroupState.STOPPED, io.github.vigil.GroupState.RUNNING,
          Origin.API, "group desk started"));
      j.onEvent(new SupervisorEvent.ScheduleStopped("desk", T.plusSeconds(60), day, "window over"));
      j.onEvent(new SupervisorEvent.ScheduleStarted("orders", T, day, "window start"));
      j.onEvent(new SupervisorEvent.ScheduleStopped("orders", T.plusSeconds(60), day, "window over"));
      assertThat(j.flush(Duration.ofSeconds(10))).isTrue();
    }
    try (JournalReader r = JournalReader.open(url, null)) {
      assertThat(r.status(T.plusSeconds(120))).extracting(ProcessSummary::process).containsExactly("orders", "quote-feed");
    }
  }
}
