package io.github.vigil.journal;

import io.github.vigil.AttachSpec;
import io.github.vigil.AttachState;
import io.github.vigil.ExitCause;
import io.github.vigil.ExitInfo;
import io.github.vigil.HealthState;
import io.github.vigil.MatchedProcess;
import io.github.vigil.Origin;
import io.github.vigil.ProcessSpec;
import io.github.vigil.ProcessState;
import io.github.vigil.ProcessStatus;
import io.github.vigil.SupervisorEvent;
import io.github.vigil.Termination;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

/**
 * A morning of one gateway, for {@code vigil status --now} in the past (a post-mortem's "what was running at 10:32?"): the
 * journal's tests and the cli's read it at {@link #AT_1020}, {@link #AT_1045} and {@link #AT_1130}, each of which must show
 * what was true then, not what the later rows say.
 *
 * <ul>
 *   <li>{@link #ORDERS}, supervised: started at 10:00 (pid {@link #ORDERS_PID_1}), crashed at 10:30 and restarted at
 *       once (pid {@link #ORDERS_PID_2}), stopped by a person at 11:00; a status snapshot every minute from 10:00 to 11:30,
 *       as a running gateway writes them.
 *   <li>{@link #FEED}, an attachment (attached at 09:59): found at 10:05 with pid {@link #FEED_PID_1}, lost at 10:40, found
 *       again with pid {@link #FEED_PID_2} at 10:50; its watch window opens at 10:00 and closes at 11:15.
 *   <li>{@link #LATE}, registered at 11:10: at an earlier time it did not exist yet.
 * </ul>
 */
public final class AsOfStory {
  public static final String HOST = "gw";
  public static final String ORDERS = "orders";
  public static final String FEED = "feed";
  public static final String LATE = "late-job";
  public static final long ORDERS_PID_1 = 4100;
  public static final long ORDERS_PID_2 = 4200;
  public static final long FEED_PID_1 = 5100;
  public static final long FEED_PID_2 = 5200;

  private static final LocalDate DAY = LocalDate.of(2026, 12, 1);
  public static final Instant T1000 = at("10:00:00");
  public static final Instant ORDERS_RUNNING_1 = at("10:00:02");
  public static final Instant FEED_FOUND_1 = at("10:05:00");
  public static final Instant CRASH = at("10:30:00");
  public static final Instant RESTARTED = at("10:30:01");
  public static final Instant ORDERS_RUNNING_2 = at("10:30:03");
  public static final Instant FEED_LOST = at("10:40:00");
  public static final Instant FEED_FOUND_2 = at("10:50:00");
  public static final Instant STOP = at("11:00:00");
  public static final Instant ORDERS_STOPPED = at("11:00:01");
  public static final Instant LATE_REGISTERED = at("11:10:00");
  public static final Instant WINDOW_CLOSED = at("11:15:00");
  public static final Instant LAST_SNAPSHOT = at("11:30:00");

  /** Run 1 and the feed's first process running; nothing crashed yet. */
  public static final Instant AT_1020 = at("10:20:00");
  /** Run 2 running after the crash; the feed's first process lost, the second not yet found. */
  public static final Instant AT_1045 = at("10:45:00");
  /** Orders stopped; the feed's second process running, its watch window closed. */
  public static final Instant AT_1130 = at("11:30:00");

  private AsOfStory() {}

  static Instant at(String time) {
    return DAY.atTime(java.time.LocalTime.parse(time)).toInstant(java.time.ZoneOffset.UTC);
  }

  /** Writes the morning into {@code j} (whose host is {@link #HOST}), as the engine and its gateway publish it. */
  public static void write(Journal j) {
    ProcessSpec spec = ProcessSpec.builder(ORDERS).command("/opt/orders").build();
    AttachSpec feed = AttachSpec.builder(FEED).commandLine("quote-feed --venue x").build();
    j.onEvent(new SupervisorEvent.Registered(ORDERS, at("09:59:58"), spec));
    j.onEvent(new SupervisorEvent.Attached(FEED, at("09:59:59"), feed));
    j.onEvent(new SupervisorEvent.WatchWindowChanged(FEED, T1000, DAY, true, AttachState.NOT_FOUND));
    // orders: run 1
    j.onEvent(new SupervisorEvent.StateChanged(ORDERS, T1000, ProcessState.STOPPED, ProcessState.STARTING, Origin.API, "start"));
    j.onEvent(new SupervisorEvent.Started(ORDERS, T1000, ORDERS_PID_1, 1));
    j.onEvent(new SupervisorEvent.StateChanged(ORDERS, ORDERS_RUNNING_1, ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS,
        "startup grace elapsed"));
    // the feed's first process
    found(j, FEED_FOUND_1, FEED_PID_1, AttachState.NOT_FOUND);
    // orders: run 1 crashes, run 2 starts a second later
    ExitInfo crash = new ExitInfo(new Termination.Exited(3), ExitCause.ERROR_EXIT, Duration.between(T1000, CRASH), CRASH, "", -1);
    j.onEvent(new SupervisorEvent.Exited(ORDERS, CRASH, 1, crash));
    j.onEvent(new SupervisorEvent.StateChanged(ORDERS, CRASH, ProcessState.RUNNING, ProcessState.CRASHED, Origin.PROCESS, crash.toString()));
    j.onEvent(new SupervisorEvent.StateChanged(ORDERS, CRASH, ProcessState.CRASHED, ProcessState.BACKOFF, Origin.POLICY, "restart"));
    j.onEvent(new SupervisorEvent.RestartScheduled(ORDERS, CRASH, 1, Duration.ofSeconds(1), crash));
    j.onEvent(new SupervisorEvent.StateChanged(ORDERS, RESTARTED, ProcessState.BACKOFF, ProcessState.STARTING, Origin.POLICY, "restart"));
    j.onEvent(new SupervisorEvent.Started(ORDERS, RESTARTED, ORDERS_PID_2, 2));
    j.onEvent(new SupervisorEvent.StateChanged(ORDERS, ORDERS_RUNNING_2, ProcessState.STARTING, ProcessState.RUNNING, Origin.PROCESS,
        "startup grace elapsed"));
    // the feed's first process is lost, a second found
    j.onEvent(new SupervisorEvent.AttachedLost(FEED, FEED_LOST, matched(FEED_PID_1, FEED_FOUND_1)));
    j.onEvent(new SupervisorEvent.AttachStateChanged(FEED, FEED_LOST, AttachState.RUNNING, AttachState.STOPPED, "its process ended"));
    found(j, FEED_FOUND_2, FEED_PID_2, AttachState.STOPPED);
    // orders: stopped by a person
    j.onEvent(new SupervisorEvent.StateChanged(ORDERS, STOP, ProcessState.RUNNING, ProcessState.STOPPING, Origin.API, "stop"));
    ExitInfo stop = new ExitInfo(Termination.Signaled.of(15, false), ExitCause.KILLED_BY_SUPERVISOR,
        Duration.between(RESTARTED, ORDERS_STOPPED), ORDERS_STOPPED, "", -1);
    j.onEvent(new SupervisorEvent.Exited(ORDERS, ORDERS_STOPPED, 2, stop));
    j.onEvent(new SupervisorEvent.StateChanged(ORDERS, ORDERS_STOPPED, ProcessState.STOPPING, ProcessState.STOPPED, Origin.API, "stop"));
    j.onEvent(new SupervisorEvent.Registered(LATE, LATE_REGISTERED, ProcessSpec.builder(LATE).command("/opt/late").build()));
    j.onEvent(new SupervisorEvent.WatchWindowChanged(FEED, WINDOW_CLOSED, DAY, false, AttachState.RUNNING));
    // the gateway's snapshot of orders every minute (none of attachments: the journal takes none)
    for (Instant t = T1000; !t.isAfter(LAST_SNAPSHOT); t = t.plusSeconds(60)) {
      j.recordSnapshot(ordersAt(t), null, t, Duration.ofMillis(1), null);
    }
  }

  /** What the engine's status of orders said at {@code t}. */
  private static ProcessStatus ordersAt(Instant t) {
    if (t.isBefore(ORDERS_RUNNING_1)) {
      return status(ProcessState.STARTING, ORDERS_PID_1, T1000, t, 0);
    } else if (t.isBefore(CRASH)) {
      return status(ProcessState.RUNNING, ORDERS_PID_1, T1000, t, 0);
    } else if (t.isBefore(STOP)) {
      return status(ProcessState.RUNNING, ORDERS_PID_2, RESTARTED, t, 1);
    }
    return new ProcessStatus(ORDERS, ProcessState.STOPPED, -1, null, Duration.ZERO, 1, null, HealthState.UNKNOWN, true, "");
  }

  private static ProcessStatus status(ProcessState state, long pid, Instant started, Instant t, int restarts) {
    return new ProcessStatus(ORDERS, state, pid, started, Duration.between(started, t), restarts, null, HealthState.HEALTHY, true, "");
  }

  private static void found(Journal j, Instant t, long pid, AttachState from) {
    j.onEvent(new SupervisorEvent.AttachedFound(FEED, t, matched(pid, t)));
    j.onEvent(new SupervisorEvent.AttachStateChanged(FEED, t, from, AttachState.RUNNING, "found pid " + pid));
  }

  private static MatchedProcess matched(long pid, Instant started) {
    return new MatchedProcess(pid, started.minusSeconds(1), "quote-feed", "quote-feed --venue x");
  }
}
