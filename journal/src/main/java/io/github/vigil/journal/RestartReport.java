package io.github.vigil.journal;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The restarts of one process over a period, read from the journal: how many, how often, why, how long it
 * ran before each and how long it took to come back, when in the day they happen, per trade day, and what
 * to do about it.
 *
 * <p>Definitions: a <em>restart</em> is a start again the supervisor made of a process it had running: a run that ended
 * in failure and that the restart policy restarted (a {@code RestartScheduled} followed its
 * exit and the process was started again after it: as the supervisor's {@code ProcessStatistics.restarts()} counts), or
 * a run that ended inside a trading freeze window and was started again at or before the window's end
 * ({@code RestartDeferred}), or a restart command; and a restart by its supervision group ({@link RestartCause#GROUP}):
 * the group stopped it because another child ended (a sibling it comes after, under {@code REST_FOR_ONE}; any other,
 * under {@code ONE_FOR_ALL}; or the group itself, escalated, restarted by its parent) and started it again, which the
 * supervisor's {@code ProcessStatus.restarts()} does not count (see there); and a restart because a dependency it
 * restarts with ended ({@link RestartCause#DEPENDENCY}), which that does not count either. A crash whose restart its group did (its own
 * policy gave up on it, or the group's stop overtook its backoff) is a restart of its crash's cause. A crash the policy
 * gave up on and nothing started again is not one, nor one whose scheduled or deferred restart a stop or the
 * supervisor's close cancelled before it was done ({@link #notRestarted}), nor a stop and start an operator or a
 * program asked for (a {@code stop()} then a {@code start()}, of the process or of its group), nor a group's stop that
 * its restart never followed (the group escalated to {@code FAILED}, or was stopped meanwhile). <em>Uptime</em> is the
 * run's duration before the restart. <em>Recovery</em> is from the exit (for a group or dependency restart, from the stop
 * of it) to the next run being {@code RUNNING}. <em>MTTR</em> is the mean recovery of the restarts that were not manual
 * (crash, or group's stop, to {@code RUNNING} again). <em>Downtime</em> is the recovery, or, where the process did not
 * get to {@code RUNNING} again, the time to the next restart, a stop command or the end of the period. The rate is
 * restarts per 24 hours of the period.
 *
 * <p>Immutable and thread-safe.
 *
 * @param process the process
 * @param from start of the period (inclusive; left out of a {@link JournalReader#restartsUpTo} report)
 * @param to end of the period (exclusive; included in a {@link JournalReader#restartsUpTo} report)
 * @param total restarts in the period, its group's restarts of it included
 * @param ratePerDay restarts per day of the period
 * @param meanUptime mean uptime before a restart; null without restarts
 * @param mttr mean time to recover from a non-manual restart (from the crash, or the group's stop, to RUNNING); null when
 *     none recovered
 * @param causes count and share of each cause that occurred, most frequent first
 * @param timeline every restart, newest first
 * @param hourOfDay restarts per hour of the day (index 0 to 23) in the report's time zone
 * @param tradeDays restarts per trade day, oldest first
 * @param suggestions what the numbers suggest doing
 * @param notRestarted the crashes in the period that were not restarted, newest first: whose restart the policy scheduled
 *     (or a freeze window deferred to its end) and a stop, the supervisor's close or a removal cancelled during the
 *     backoff or the window, or that is still due at the end of the journal; and the crash the policy gave up on
 *     ({@code FAILED}: its start limit reached) that nothing started again (its group's start of it is a restart), the
 *     last crash of a crash loop; not in {@code total} nor anywhere else in the report
 */
public record RestartReport(
    String process, Instant from, Instant to, int total, double ratePerDay, @Nullable Duration meanUptime, @Nullable Duration mttr,
    List<CauseCount> causes, List<Restart> timeline, List<Integer> hourOfDay, List<TradeDay> tradeDays, List<String> suggestions,
    List<NotRestarted> notRestarted) {

  public RestartReport {
    notRestarted = List.copyOf(notRestarted);
    causes = List.copyOf(causes);
    timeline = List.copyOf(timeline);
    hourOfDay = List.copyOf(hourOfDay);
    tradeDays = List.copyOf(tradeDays);
    suggestions = List.copyOf(suggestions);
  }

  /** A report without restarts that were scheduled and not done (as before {@link #notRestarted} was there). */
  public RestartReport(
      String process, Instant from, Instant to, int total, double ratePerDay, @Nullable Duration meanUptime, @Nullable Duration mttr,
      List<CauseCount> causes, List<Restart> timeline, List<Integer> hourOfDay, List<TradeDay> tradeDays, List<String> suggestions) {
    this(process, from, to, total, ratePerDay, meanUptime, mttr, causes, timeline, hourOfDay, tradeDays, suggestions, List.of());
  }

  /**
   * A crash that was not restarted: its restart the policy scheduled, or a freeze window deferred to its end, and not
   * done; or the policy gave up on it ({@link #policyGaveUp}). No restart.
   *
   * @param exit the crash, as a restart's entry would give it; its {@code downtime} from the exit to the cancel (or the
   *     end of the period while it is due), its {@code recovery} null; of a crash given up on, from the exit until the
   *     process was RUNNING again, stopped, or restarted, else to the end of the period
   * @param delay the backoff its restart was scheduled after, or the time from the exit to the end of the freeze window
   *     it was deferred to, where known
   * @param cancelledAt when it was cancelled, or when the policy gave up on it; null while it is still due at the end of
   *     the journal
   * @param cancelledBy what cancelled it: the stop's reason and origin ({@code supervisor closing (SHUTDOWN)}, {@code
   *     stop requested (API)}), the trading schedule's stop in its words ({@code stopped by its schedule, trade day
   *     2026-12-14: the session closed before the end of freeze window ...}) or {@code removed}; of a crash given up on,
   *     the give-up's reason ({@code start limit reached: 2 restarts within 1 h (at most 2 allowed)}); null while it is due
   * @param freezeWindow the freeze window whose end its restart was deferred to ({@code RestartDeferred}); null for a
   *     restart scheduled after a backoff ({@code RestartScheduled}) and for a crash given up on
   * @param policyGaveUp whether the restart policy gave up on it ({@code Failed}, the process {@code FAILED}) and nothing
   *     started it again: no restart was scheduled ({@code delay} null)
   */
  public record NotRestarted(Restart exit, @Nullable Duration delay, @Nullable Instant cancelledAt, @Nullable String cancelledBy,
      @Nullable String freezeWindow, boolean policyGaveUp) {

    /** A restart scheduled (or deferred) and not done: not a give-up (as before {@link #policyGaveUp} was there). */
    public NotRestarted(Restart exit, @Nullable Duration delay, @Nullable Instant cancelledAt, @Nullable String cancelledBy,
        @Nullable String freezeWindow) {
      this(exit, delay, cancelledAt, cancelledBy, freezeWindow, false);
    }

    /** A restart scheduled after a backoff and not done (no freeze window). */
    public NotRestarted(Restart exit, @Nullable Duration delay, @Nullable Instant cancelledAt, @Nullable String cancelledBy) {
      this(exit, delay, cancelledAt, cancelledBy, null);
    }
  }

  /**
   * How many restarts had one cause.
   *
   * @param cause the cause
   * @param count how many
   * @param sharePercent its share of all restarts, 0 to 100
   */
  public record CauseCount(RestartCause cause, int count, double sharePercent) {}

  /**
   * One restart.
   *
   * @param at when the run ended (for a {@link RestartCause#GROUP} restart, when its group stopped it)
   * @param cause why
   * @param detail the cause in words: the signal, the exit code, the check's message, the actor's reason
   * @param actor who restarted it, for a manual restart (null when the API caller was not named)
   * @param run the run that ended
   * @param uptime how long that run had been up; null for a run that never started
   * @param memoryBytes resident memory at death, where known
   * @param memoryLimitBytes the memory limit it ran under, where known
   * @param recovery from the end to the next run being RUNNING; null if it did not get there (in the journal)
   * @param signal the signal that ended it
   * @param signalName its name
   * @param coreDumped whether a core was dumped; null where not known (a signal inferred from the exit status)
   * @param corePath where the core went
   * @param exitCode the exit code
   * @param stderrTail the last lines of standard error
   * @param exitCause the {@link io.github.vigil.ExitCause} of the exit, by name ({@code START_FAILED} for a run that never
   *     started)
   * @param downtime how long the process was down after it: its recovery; without one (it never got to RUNNING), until
   *     the next restart, a stop command or the end of the period, whichever came first
   * @param group the supervision group that started it again: of a {@link RestartCause#GROUP} restart, or of a crash
   *     whose restart its group did; null where its own policy, a command or the next JVM did
   * @param sibling the child of {@code group} whose end made the group restart it (a process, or a nested group that
   *     escalated), as the journal names it; null where it is not a {@link RestartCause#GROUP} restart
   * @param dependency the process it depends on ({@code Dependency.OnExit.RESTART}) whose end made it restart; null where
   *     it is not a {@link RestartCause#DEPENDENCY} restart
   * @param dependencyExit how {@code dependency} ended, in words: {@code crashed (SIGKILL)}, {@code exited (exit code
   *     0)}, from its last exit at or before the restart, or, where the journal does not have that exit, as core said it
   *     ({@code ended (...)}); null where it is not a {@link RestartCause#DEPENDENCY} restart
   */
  public record Restart(
      Instant at, RestartCause cause, String detail, @Nullable String actor, int run, @Nullable Duration uptime, @Nullable Long memoryBytes,
      @Nullable Long memoryLimitBytes, @Nullable Duration recovery, @Nullable Integer signal, @Nullable String signalName,
      @Nullable Boolean coreDumped, @Nullable String corePath, @Nullable Integer exitCode, @Nullable String stderrTail,
      @Nullable String exitCause, Duration downtime, @Nullable String group, @Nullable String sibling, @Nullable String dependency,
      @Nullable String dependencyExit) {

    /** A restart that no dependency's end made (as before {@link #dependency} and {@link #dependencyExit} were there). */
    public Restart(
        Instant at, RestartCause cause, String detail, @Nullable String actor, int run, @Nullable Duration uptime, @Nullable Long memoryBytes,
        @Nullable Long memoryLimitBytes, @Nullable Duration recovery, @Nullable Integer signal, @Nullable String signalName,
        @Nullable Boolean coreDumped, @Nullable String corePath, @Nullable Integer exitCode, @Nullable String stderrTail,
        @Nullable String exitCause, Duration downtime, @Nullable String group, @Nullable String sibling) {
      this(at, cause, detail, actor, run, uptime, memoryBytes, memoryLimitBytes, recovery, signal, signalName, coreDumped, corePath, exitCode,
          stderrTail, exitCause, downtime, group, sibling, null, null);
    }

    /** A restart that no group did (as before {@link #group} and {@link #sibling} were there). */
    public Restart(
        Instant at, RestartCause cause, String detail, @Nullable String actor, int run, @Nullable Duration uptime, @Nullable Long memoryBytes,
        @Nullable Long memoryLimitBytes, @Nullable Duration recovery, @Nullable Integer signal, @Nullable String signalName,
        @Nullable Boolean coreDumped, @Nullable String corePath, @Nullable Integer exitCode, @Nullable String stderrTail,
        @Nullable String exitCause, Duration downtime) {
      this(at, cause, detail, actor, run, uptime, memoryBytes, memoryLimitBytes, recovery, signal, signalName, coreDumped, corePath, exitCode,
          stderrTail, exitCause, downtime, null, null, null, null);
    }
  }

  /**
   * The restarts of one trade day.
   *
   * @param tradeDay the day, {@code yyyy-MM-dd}
   * @param restarts how many
   * @param downtime the sum of their downtimes ({@link Restart#downtime}: the recovery, or, where the process did not get
   *     to RUNNING again, the time until the next restart, a stop or the end of the period)
   * @param causes how many of each cause, in {@link RestartCause} order, zero counts left out
   */
  public record TradeDay(String tradeDay, int restarts, Duration downtime, List<CauseCount> causes) {
    public TradeDay {
      causes = List.copyOf(causes);
    }
  }
}
