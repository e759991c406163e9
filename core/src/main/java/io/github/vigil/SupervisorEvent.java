package io.github.vigil;

import java.time.Duration;
import java.time.Instant;

/**
 * Something that happened to a supervised process. Events of one process are delivered in the order
 * they happened; every state transition has a {@link StateChanged}, and every command a
 * {@link CommandIssued} saying who asked and why, so the stream doubles as an audit log.
 *
 * <p>Order, per listener and process: {@link Registered} comes first; an {@link Exited} comes before
 * the {@link HealthChanged} its run's end causes; a {@link SupervisionChanged} is in order with the
 * rest. Each listener has its own queue, so a failing listener (one that throws) misses nothing and troubles
 * no other. A slow one holds up the others and the results of commands when they share a thread (the default
 * listener executor is one thread, and a command's stage completes after the events before it): hand slow
 * work to an executor of your own. A delivery that takes a second or more is logged at WARN, once per
 * listener.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface SupervisorEvent {

  /** The process the event is about. */
  String process();

  /** Wall-clock time of the event. */
  Instant at();

  /** What a command asked for. */
  enum Command {
    START,
    STOP,
    RESTART
  }

  /** A process was registered with the supervisor. */
  record Registered(String process, Instant at, ProcessSpec spec) implements SupervisorEvent {}

  /** A process was removed from the supervisor (after it was stopped). */
  record Removed(String process, Instant at) implements SupervisorEvent {}

  /** Someone asked for a start, stop or restart. */
  record CommandIssued(String process, Instant at, Command command, Origin origin, String reason) implements SupervisorEvent {}

  /** A state transition, with who or what caused it. */
  record StateChanged(String process, Instant at, ProcessState from, ProcessState to, Origin origin, String reason)
      implements SupervisorEvent {}

  /** A run was spawned. */
  record Started(String process, Instant at, long pid, int run) implements SupervisorEvent {}

  /** A run ended (or could not start). */
  record Exited(String process, Instant at, int run, ExitInfo exit) implements SupervisorEvent {}

  /**
   * A diagnosis was made ({@link io.github.vigil.diagnosis.Diagnosis}): after a run could not start
   * or died within its startup grace, once when its restart policy gave up ({@link Failed}) after a run that was not
   * diagnosed, or on demand. The checks run off the supervision thread and take
   * time, so this event comes after the {@link Exited} of the run it is about ({@code run}), and may
   * come after later events of the process (its {@link RestartScheduled}, {@link Failed}, even the next
   * run's {@link Started}); it is never published before the {@code Exited} it explains.
   */
  record Diagnosed(String process, Instant at, int run, io.github.vigil.diagnosis.Diagnosis diagnosis) implements SupervisorEvent {}

  /** The policy will restart the process after {@code delay}. */
  record RestartScheduled(String process, Instant at, int attempt, Duration delay, ExitInfo after) implements SupervisorEvent {}

  /** The policy gave up; the process is {@code FAILED}. */
  record Failed(String process, Instant at, String reason, ExitInfo lastExit) implements SupervisorEvent {}

  /**
   * A {@link ResourceRule} was broken: {@code value} (in the metric's unit) was above {@code limit}
   * for the rule's number of samples in a row; {@code action} says whether the run is being restarted.
   */
  record ResourceLimitExceeded(String process, Instant at, String rule, ResourceRule.Metric metric, double value, double limit,
      HealthCheck.Action action, String message) implements SupervisorEvent {}

  /**
   * Supervision of the process was turned on or off ({@link ProcessController#setSupervised}): while
   * off, exits are recorded but not acted on. Published where the change takes effect, on the supervision thread, in
   * order with the process's exits: an {@link Exited} heard after it was decided with the new setting, one heard before
   * it with the old one (the call itself returns before that, so an exit may still be decided with the old one after it).
   * Only a change is published: a call that sets what is already in effect there (on when on, off when off) publishes
   * nothing, so two in a row for a process never say the same.
   *
   * @param actor who asked: the name of the thread that called
   */
  record SupervisionChanged(String process, Instant at, boolean supervised, Origin origin, String actor, String reason)
      implements SupervisorEvent {}

  /**
   * A supervision group's state changed: started ({@code RUNNING}), stopped, or ended past its intensity
   * ({@code ESCALATED} or {@code FAILED}, after its {@link GroupFailed}). {@code process} is the group's name.
   *
   * @param origin who asked: a command ({@code API}), a schedule, or the group's parent or its own escalation ({@code POLICY})
   * @param reason why, in words
   */
  record GroupStateChanged(String process, Instant at, GroupState from, GroupState to, Origin origin, String reason)
      implements SupervisorEvent {}

  /**
   * A supervision group applies its strategy: {@code child} ended and is to be restarted (by its own
   * policy, or by the group when its policy gave up on it: {@link GroupSpec}), so {@code restarted} (the
   * others, under {@code ONE_FOR_ALL}; the later ones, under {@code REST_FOR_ONE}; none, under
   * {@code ONE_FOR_ONE}) are stopped and started again with it, all in declared order. {@code process} is the group's name.
   *
   * @param restarts the group's restarts within its period, this one included
   */
  record GroupRestart(String process, Instant at, String child, GroupSpec.Strategy strategy, java.util.List<String> restarted,
      int restarts) implements SupervisorEvent {}

  /**
   * A supervision group exceeded its intensity and escalated: it stopped all its children. With a
   * parent group it is then restarted by it ({@code toParent} names the parent); without one it is
   * {@link GroupState#FAILED}. {@code child} is the child whose failures escalated (for a nested
   * group, the child of that group, as {@code "inner/feed"}), a child its own restart policy gave up on
   * included ({@code reason} then says so).
   */
  record GroupFailed(String process, Instant at, String child, String reason, @org.jspecify.annotations.Nullable String toParent)
      implements SupervisorEvent {}

  /**
   * A broken {@link ResourceRule} is back within its limit: the first sample at or below
   * {@code limit} after a {@link ResourceLimitExceeded}, in the same run or in the next one after a
   * restart. {@code value} is that sample (in the metric's unit); {@code breachedFor} runs from the
   * breach to it.
   */
  record ResourceLimitRecovered(String process, Instant at, String rule, ResourceRule.Metric metric, double value, double limit,
      Duration breachedFor, String message) implements SupervisorEvent {}

  /** The health of the process changed. */
  record HealthChanged(String process, Instant at, HealthState from, HealthState to, String message) implements SupervisorEvent {}

  /**
   * An attachment was made ({@link Supervisor#attach(AttachSpec)}); its processes are looked for next.
   *
   * @param actor who asked: the name of the thread that called
   */
  record Attached(String process, Instant at, AttachSpec spec, Origin origin, String actor, String reason) implements SupervisorEvent {
    /** An attachment made through the API by the calling thread, for no stated reason. */
    public Attached(String process, Instant at, AttachSpec spec) {
      this(process, at, spec, Origin.API, Thread.currentThread().getName(), "attached");
    }
  }

  /**
   * An attachment was removed ({@link Supervisor#detach(String)}: origin {@link Origin#API}; or the
   * supervisor closed: {@link Origin#SHUTDOWN}). Its processes are left alone.
   *
   * @param actor who asked: the name of the thread that called
   */
  record Detached(String process, Instant at, Origin origin, String actor, String reason) implements SupervisorEvent {
    /** An attachment removed through the API by the calling thread, for no stated reason. */
    public Detached(String process, Instant at) {
      this(process, at, Origin.API, Thread.currentThread().getName(), "detached");
    }
  }

  /**
   * The spec of a process was replaced ({@link ProcessController#update}); its runs, statistics and
   * history are kept. {@code mode} says when the new spec takes effect; with
   * {@link UpdateMode#RESTART_NOW} a {@link CommandIssued} {@code RESTART} follows.
   *
   * @param previous the spec in effect before
   * @param actor who asked: the name of the thread that called
   */
  record SpecUpdated(String process, Instant at, ProcessSpec previous, ProcessSpec spec, UpdateMode mode, Origin origin,
      String actor, String reason) implements SupervisorEvent {}

  /** An attachment found a process matching its target; one event per process. */
  record AttachedFound(String process, Instant at, MatchedProcess found) implements SupervisorEvent {}

  /**
   * A process an attachment had found has exited (or, on a polling backend, was seen gone), or, alive,
   * no longer matches its target: it exec'd another program, changed its name or command line, or the
   * pid file names another process now (a rescan sees it; the status's exit count counts only exits).
   */
  record AttachedLost(String process, Instant at, MatchedProcess lost) implements SupervisorEvent {}

  /**
   * A process an attachment had found by {@linkplain AttachSpec.Target.ExactName name} or
   * {@linkplain AttachSpec.Target.CommandLine command line} has exited, leaving behind a process it forked that
   * matches the same target: a daemon's first process that forked the real daemon and exited (nginx with
   * {@code daemon on;}, redis with {@code daemonize yes}, a shell's {@code (program &)}). The attachment carries on
   * with {@code to}; this is no exit of it: no {@link AttachedLost} is published for {@code from}, the status's exit
   * count and last exit stay as they were, and its state does not change. An {@link AttachedFound} of {@code to}
   * comes first when the attachment had not found it before. See {@link AttachedProcess} for how the successor is
   * told apart.
   *
   * @param from the process that exited
   * @param to the process the attachment carries on with
   */
  record AttachedHandedOver(String process, Instant at, MatchedProcess from, MatchedProcess to) implements SupervisorEvent {}

  /** An attachment's state changed; {@code message} says why (for {@code ERROR}, the error). */
  record AttachStateChanged(String process, Instant at, AttachState from, AttachState to, String message)
      implements SupervisorEvent {}

  // Trading calendars and schedules (io.github.vigil.calendar.TradingSupervision): published to the
  // listeners of a TradingSupervision, together with the supervisor's own events.

  /**
   * A session of a trading calendar opened. {@code process} is the calendar's name.
   *
   * @param tradeDay the trade day the session belongs to
   * @param session the session's name
   * @param closes when it will close
   */
  record SessionOpened(String process, Instant at, java.time.LocalDate tradeDay, String session, Instant closes)
      implements SupervisorEvent {}

  /** A session of a trading calendar closed. {@code process} is the calendar's name. */
  record SessionClosed(String process, Instant at, java.time.LocalDate tradeDay, String session) implements SupervisorEvent {}

  /** A schedule started the process (its up window began, or a restart deferred by a freeze window became due). */
  record ScheduleStarted(String process, Instant at, java.time.LocalDate tradeDay, String reason) implements SupervisorEvent {}

  /** A schedule stopped the process gracefully (its up window ended). */
  record ScheduleStopped(String process, Instant at, java.time.LocalDate tradeDay, String reason) implements SupervisorEvent {}

  /**
   * A run ended inside a freeze window, where no restart happens: it is restarted at {@code until}, the
   * window's end, or left for a person when {@code until} is {@code null}. Like {@link RestartScheduled}, the decision
   * about a restart, it comes after the run's {@link Exited} and the {@link StateChanged} that exit leads to ({@code
   * CRASHED} or {@code EXITED}); {@code at} is the exit's instant.
   *
   * @param window the freeze window's name
   * @param exit how the run ended
   */
  record RestartDeferred(String process, Instant at, String window, @org.jspecify.annotations.Nullable Instant until, ExitInfo exit) implements SupervisorEvent {
    /** When the restart happens; empty when it is left for a person. */
    public java.util.Optional<Instant> restartAt() {
      return java.util.Optional.ofNullable(until);
    }
  }

  /**
   * An attachment's watch window opened or closed, or, once as its {@code TradingSupervision} starts, where it stands
   * then ({@code open} or not); {@code state} is the attachment's state then (an attachment that is {@code NOT_FOUND} when
   * its window opens is missing when it is expected; one {@code NOT_FOUND} or {@code STOPPED} while it is closed is not).
   */
  record WatchWindowChanged(String process, Instant at, java.time.LocalDate tradeDay, boolean open, AttachState state)
      implements SupervisorEvent {}

  /**
   * An exit, a loss or a missing process outside the window in which the process is expected (after
   * the close of a scheduled process, outside an attachment's watch window): recorded, but in place of
   * {@code event}, so that listeners that alert on exits and losses hear nothing.
   *
   * @param event the supervisor's event it stands for
   */
  record OutsideWindow(String process, Instant at, java.time.LocalDate tradeDay, SupervisorEvent event) implements SupervisorEvent {}
}
