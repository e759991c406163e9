package io.github.vigil.journal;

import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.Origin;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Termination;
import java.time.Duration;
import java.time.Instant;

/**
 * A process whose crash, restart and next run's start are all stamped at one instant, {@link #EDGE}: the journal of the
 * tests that a period looked back over from now holds what is stamped at now and leaves out what is stamped a period
 * before (the cli's {@code PeriodEdgeTest}, the starter's {@code VigilJournalWebExtensionTest}).
 */
public final class PeriodEdge {
  public static final String PROCESS = "feed";
  /** Run 1 started. */
  public static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
  /** Run 1 crashed, its restart and run 2's start. */
  public static final Instant EDGE = Instant.parse("2026-11-29T11:00:00Z");

  private PeriodEdge() {}

  /** Writes the process's two runs into {@code journal}, as the engine publishes them. */
  public static void write(Journal journal) {
    journal.onEvent(new SupervisorEvent.Registered(PROCESS, T0.minusSeconds(1), ProcessSpec.builder(PROCESS).command("/opt/feed").build()));
    journal.onEvent(new SupervisorEvent.StateChanged(PROCESS, T0, ProcessState.STOPPED, ProcessState.STARTING, Origin.API, "start"));
    journal.onEvent(new SupervisorEvent.Started(PROCESS, T0, 100, 1));
    journal.onEvent(new SupervisorEvent.StateChanged(PROCESS, T0.plusSeconds(1), ProcessState.STARTING, ProcessState.RUNNING,
        Origin.PROCESS, "startup grace elapsed"));
    ExitInfo exit = new ExitInfo(new Termination.Exited(3), ExitCause.ERROR_EXIT, Duration.between(T0, EDGE), EDGE, "", -1);
    journal.onEvent(new SupervisorEvent.Exited(PROCESS, EDGE, 1, exit));
    journal.onEvent(new SupervisorEvent.StateChanged(PROCESS, EDGE, ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS, exit.toString()));
    journal.onEvent(new SupervisorEvent.StateChanged(PROCESS, EDGE, ProcessState.CRASHED, ProcessState.BACKOFF, Origin.POLICY, "restart"));
    journal.onEvent(new SupervisorEvent.RestartScheduled(PROCESS, EDGE, 1, Duration.ZERO, exit));
    journal.onEvent(new SupervisorEvent.StateChanged(PROCESS, EDGE, ProcessState.BACKOFF, ProcessState.STARTING, Origin.POLICY, "restart"));
    journal.onEvent(new SupervisorEvent.Started(PROCESS, EDGE, 101, 2));
    journal.onEvent(new SupervisorEvent.StateChanged(PROCESS, EDGE.plusSeconds(1), ProcessState.STARTING, ProcessState.RUNNING,
        Origin.PROCESS, "startup grace elapsed"));
  }
}
