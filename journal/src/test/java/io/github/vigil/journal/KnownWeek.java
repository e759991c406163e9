package io.github.vigil.journal;

import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.HealthCheck;
import io.github.vigil.HealthState;
import io.github.vigil.Origin;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ResourceRule;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.SupervisorEvent.Command;
import io.github.vigil.Termination;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * A known week of one process's history, as the real {@link SupervisorEvent} values the engine publishes,
 * stamped by a virtual clock: 8 restarts with known causes, times, uptimes and recovery times, one of them a
 * manual restart by alice. Every figure of its restart report is worked out by hand in {@link WeekAcceptanceTest}.
 *
 * <p>(The test kit's fake backend, module {@code test}, is not merged yet; until it is, this feeds the journal
 * the events directly.)
 */
public final class KnownWeek {
  public static final String PROCESS = "orders";
  public static final Instant FROM = Instant.parse("2026-11-23T00:00:00Z");
  public static final Instant TO = Instant.parse("2026-11-30T00:00:00Z");
  public static final Instant FIRST_START = Instant.parse("2026-11-22T23:00:00Z");
  public static final Duration BACKOFF = Duration.ofSeconds(5);
  public static final long LIMIT = 64L << 20;
  public static final TradeCalendar CALENDAR = TradeCalendar.weekdays(ZoneOffset.UTC, LocalTime.of(21, 0));

  /** One restart of the week. */
  public record Planned(Instant exitAt, RestartCause cause, Duration recovery) {}

  public static final List<Planned> PLAN = List.of(
      new Planned(Instant.parse("2026-11-23T01:00:00Z"), RestartCause.OOM_KILL, Duration.ofSeconds(45)),
      new Planned(Instant.parse("2026-11-23T14:30:00Z"), RestartCause.SIGNAL, Duration.ofSeconds(135)),
      new Planned(Instant.parse("2026-11-24T01:15:00Z"), RestartCause.OOM_KILL, Duration.ofSeconds(60)),
      new Planned(Instant.parse("2026-11-25T09:00:00Z"), RestartCause.MANUAL, Duration.ofSeconds(12)),
      new Planned(Instant.parse("2026-11-26T01:30:00Z"), RestartCause.ERROR_EXIT, Duration.ofSeconds(30)),
      new Planned(Instant.parse("2026-11-27T11:00:00Z"), RestartCause.HEALTH, Duration.ofSeconds(20)),
      new Planned(Instant.parse("2026-11-28T01:45:00Z"), RestartCause.SIGNAL, Duration.ofSeconds(90)),
      new Planned(Instant.parse("2026-11-29T16:00:00Z"), RestartCause.RESOURCE_LIMIT, Duration.ofSeconds(10)));

  private KnownWeek() {}

  /** Feeds the week to {@code journal} in order, as a supervisor's listener would hear it. */
  public static void feed(Journal journal) {
    ProcessSpec spec = ProcessSpec.builder(PROCESS).command("/opt/orders/bin/orders", "--port", "9000")
        .label(Journal.MEMORY_MAX_LABEL, "64M").build();
    Instant t = FIRST_START.minusSeconds(1);
    journal.onEvent(new SupervisorEvent.Registered(PROCESS, t, spec));
    journal.onEvent(new SupervisorEvent.CommandIssued(PROCESS, t, Command.START, Origin.API, "start requested"));
    journal.onEvent(new SupervisorEvent.StateChanged(PROCESS, FIRST_START, ProcessState.STOPPED, ProcessState.STARTING, Origin.API, "start"));
    journal.onEvent(new SupervisorEvent.Started(PROCESS, FIRST_START, 4000, 1));
    journal.onEvent(new SupervisorEvent.StateChanged(PROCESS, FIRST_START.plusSeconds(3), ProcessState.STARTING, ProcessState.RUNNING,
        Origin.PROCESS, "startup grace elapsed"));
    Instant started = FIRST_START;
    int run = 1;
    for (Planned p : PLAN) {
      Instant x = p.exitAt();
      Duration up = Duration.between(started, x);
      ExitInfo exit;
      switch (p.cause()) {
        case OOM_KILL -> exit = new ExitInfo(Termination.Signaled.of(9, false), ExitCause.OOM_KILLED, up, x, "killed by the OOM killer",
            run == 1 ? 63L << 20 : (LIMIT - (1L << 16)));
        case SIGNAL -> exit = run == 2
            ? new ExitInfo(Termination.Signaled.of(11, true), ExitCause.SIGNALED, up, x, "", -1)
            : new ExitInfo(Termination.Signaled.of(6, false), ExitCause.SIGNALED, up, x, "", -1);
        case ERROR_EXIT -> exit = new ExitInfo(new Termination.Exited(3), ExitCause.ERROR_EXIT, up, x, "", -1);
        case HEALTH -> {
          journal.onEvent(new SupervisorEvent.HealthChanged(PROCESS, x.minusSeconds(30), HealthState.HEALTHY, HealthState.UNHEALTHY,
              "liveness http://127.0.0.1:9000/health: timed out 3 times"));
          journal.onEvent(new SupervisorEvent.CommandIssued(PROCESS, x.minusSeconds(2), Command.RESTART, Origin.HEALTH_CHECK,
              "liveness http://127.0.0.1:9000/health: timed out 3 times"));
          journal.onEvent(new SupervisorEvent.StateChanged(PROCESS, x.minusSeconds(2), ProcessState.RUNNING, ProcessState.STOPPING,
              Origin.HEALTH_CHECK, "liveness failed"));
          exit = new ExitInfo(Termination.Signaled.of(15, false), ExitCause.HEALTH_CHECK_FAILED, up, x, "liveness failed", -1);
        }
        case RESOURCE_LIMIT -> {
          journal.onEvent(new SupervisorEvent.ResourceLimitExceeded(PROCESS, x.minusSeconds(2), "rss", ResourceRule.Metric.RESIDENT_MEMORY,
              900.0 * (1 << 20), 800.0 * (1 << 20), HealthCheck.Action.RESTART, "resident memory 900.0 MiB above 800.0 MiB for 3 samples"));
          journal.onEvent(new SupervisorEvent.CommandIssued(PROCESS, x.minusSeconds(2), Command.RESTART, Origin.HEALTH_CHECK,
              "rss: resident memory above its limit"));
          journal.onEvent(new SupervisorEvent.StateChanged(PROCESS, x.minusSeconds(2), ProcessState.RUNNING, ProcessState.STOPPING,
              Origin.HEALTH_CHECK, "rss broken"));
          exit = new ExitInfo(Termination.Signaled.of(15, false), ExitCause.RESOURCE_LIMIT, up, x, "resource rule rss broken", -1);
        }
        default -> { // MANUAL
          journal.actor(PROCESS, Command.RESTART, "alice", "deploy 2.4.1");
          journal.onEvent(new SupervisorEvent.CommandIssued(PROCESS, x.minusSeconds(1), Command.RESTART, Origin.API, "restart requested"));
          journal.onEvent(new SupervisorEvent.StateChanged(PROCESS, x.minusSeconds(1), ProcessState.RUNNING, ProcessState.STOPPING,
              Origin.API, "restart requested"));
          exit = new ExitInfo(Termination.Signaled.of(15, false), ExitCause.KILLED_BY_SUPERVISOR, up, x, "", -1);
        }
      }
      journal.onEvent(new SupervisorEvent.Exited(PROCESS, x, run, exit));
      Instant next = x.plus(BACKOFF);
      if (p.cause() == RestartCause.MANUAL) {
        journal.onEvent(new SupervisorEvent.StateChanged(PROCESS, x, ProcessState.STOPPING, ProcessState.STOPPED, Origin.API, "restart"));
        journal.onEvent(new SupervisorEvent.StateChanged(PROCESS, next, ProcessState.STOPPED, ProcessState.STARTING, Origin.API, "restart"));
      } else {
        journal.onEvent(new SupervisorEvent.StateChanged(PROCESS, x, ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS, exit.toString()));
        journal.onEvent(new SupervisorEvent.StateChanged(PROCESS, x, ProcessState.CRASHED, ProcessState.BACKOFF, Origin.POLICY, "restart"));
        journal.onEvent(new SupervisorEvent.RestartScheduled(PROCESS, x, 1, BACKOFF, exit));
        journal.onEvent(new SupervisorEvent.StateChanged(PROCESS, next, ProcessState.BACKOFF, ProcessState.STARTING, Origin.POLICY, "restart"));
      }
      run++;
      journal.onEvent(new SupervisorEvent.Started(PROCESS, next, 4000 + run, run));
      journal.onEvent(new SupervisorEvent.StateChanged(PROCESS, x.plus(p.recovery()), ProcessState.STARTING, ProcessState.RUNNING,
          Origin.PROCESS, "startup grace elapsed"));
      if (p.cause() == RestartCause.HEALTH) {
        journal.onEvent(new SupervisorEvent.HealthChanged(PROCESS, x.plus(p.recovery()).plusSeconds(5), HealthState.UNHEALTHY,
            HealthState.HEALTHY, "liveness ok"));
      }
      started = next;
    }
  }
}
