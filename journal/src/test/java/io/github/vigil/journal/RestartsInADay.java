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
 * The 24 hours up to {@link #NOW} of a process with three restarts in them, each of a kind {@code vigil status} counted
 * apart from {@code vigil restarts --period 24h} (the journal's tests and the cli's): the status's figure was 1, the
 * report's 3.
 *
 * <ol>
 *   <li>{@link #NEXT_JVM}: its JVM, killed, had left it RUNNING since three days before (a state change before the
 *       window, which status did not read); the next JVM starts it again: {@code SUPERVISOR_ENDED}.
 *   <li>{@link #CRASH}: run 1 of the next JVM exits with code 3 and is restarted after a backoff: {@code ERROR_EXIT}.
 *   <li>{@link #LAST_CRASH}: run 2 exits with code 1 a minute before now, and its restart is done a minute after now
 *       (the journal is read at an earlier {@code --now}): {@code ERROR_EXIT}, done after the window, which status did not
 *       read.
 * </ol>
 */
public final class RestartsInADay {
  public static final String PROCESS = "trader";
  public static final String HOST = "gw";
  /** The time the figures are read at: the window is after a day before it, up to and including it. */
  public static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  /** The first JVM starts the process, three days before now. */
  public static final Instant T0 = NOW.minus(Duration.ofDays(3));
  /** The next JVM registers and starts it: the first was killed (it journaled no end). */
  public static final Instant NEXT_JVM = NOW.minus(Duration.ofHours(6));
  public static final Instant CRASH = NOW.minus(Duration.ofHours(2));
  public static final Instant LAST_CRASH = NOW.minus(Duration.ofMinutes(1));
  /** The restarts in the 24 hours up to now, counted by hand: the three above. */
  public static final int RESTARTS = 3;

  private RestartsInADay() {}

  /** Writes the process's history into {@code journal}, as the engine publishes it. */
  public static void write(Journal journal) {
    ProcessSpec spec = ProcessSpec.builder(PROCESS).command("/opt/trader").build();
    journal.onEvent(new SupervisorEvent.Registered(PROCESS, T0, spec));
    start(journal, T0, ProcessState.STOPPED, Origin.API, 100, 1);
    // the first JVM is killed: no event says so. The next registers the process and starts it
    journal.onEvent(new SupervisorEvent.Registered(PROCESS, NEXT_JVM, spec));
    start(journal, NEXT_JVM, ProcessState.STOPPED, Origin.DEPENDENCY, 200, 1);
    crash(journal, CRASH, 1, 3, Duration.ofSeconds(1));
    start(journal, CRASH.plusSeconds(1), ProcessState.BACKOFF, Origin.POLICY, 201, 2);
    crash(journal, LAST_CRASH, 2, 1, Duration.ofMinutes(2));
    start(journal, LAST_CRASH.plus(Duration.ofMinutes(2)), ProcessState.BACKOFF, Origin.POLICY, 202, 3);
  }

  private static void start(Journal j, Instant at, ProcessState from, Origin origin, long pid, int run) {
    j.onEvent(new SupervisorEvent.StateChanged(PROCESS, at, from, ProcessState.STARTING, origin, "start"));
    j.onEvent(new SupervisorEvent.Started(PROCESS, at, pid, run));
    j.onEvent(new SupervisorEvent.StateChanged(PROCESS, at.plusSeconds(2), ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS,
        "startup grace elapsed"));
  }

  private static void crash(Journal j, Instant at, int run, int code, Duration backoff) {
    ExitInfo exit = new ExitInfo(new Termination.Exited(code), ExitCause.ERROR_EXIT, Duration.ofMinutes(10), at, "", -1);
    j.onEvent(new SupervisorEvent.Exited(PROCESS, at, run, exit));
    j.onEvent(new SupervisorEvent.StateChanged(PROCESS, at, ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS, exit.toString()));
    j.onEvent(new SupervisorEvent.StateChanged(PROCESS, at, ProcessState.CRASHED, ProcessState.BACKOFF, Origin.POLICY, "restart"));
    j.onEvent(new SupervisorEvent.RestartScheduled(PROCESS, at, 1, backoff, exit));
  }
}
