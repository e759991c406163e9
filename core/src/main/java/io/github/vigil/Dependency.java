package io.github.vigil;

import static java.util.Objects.requireNonNull;

/**
 * A process that must be up before another one starts: before every start of the dependent, its
 * first, a policy restart after a crash, or a command's. A dependent whose dependency does not meet
 * the condition waits in {@link ProcessState#WAITING}, its reason saying for what, without using up
 * its start limit or growing its backoff, and starts as soon as the condition holds.
 *
 * <p>What the end of a dependency's run does to a running dependent is {@link OnExit}:
 *
 * <table>
 *   <caption>Effects of a dependency's end, and their counterparts</caption>
 *   <tr><th>{@code OnExit}</th><th>the dependent</th><th>systemd</th><th>Erlang/OTP</th></tr>
 *   <tr><td>{@link OnExit#KEEP} (default)</td><td>keeps running; should it end, its restart waits for the dependency</td>
 *       <td>{@code Wants=}/{@code Requires=} + {@code After=}</td><td>{@code one_for_one}</td></tr>
 *   <tr><td>{@link OnExit#RESTART}</td><td>is stopped at once, and started again once the dependency meets the condition</td>
 *       <td>{@code PartOf=} + {@code After=}</td><td>{@code rest_for_one}</td></tr>
 *   <tr><td>{@link OnExit#STOP}</td><td>is stopped and stays {@code STOPPED}</td>
 *       <td>{@code BindsTo=}</td><td>(a {@code temporary} child of {@code rest_for_one})</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the name of the process depended on
 * @param condition how far it must have come
 * @param onExit what the end of its run does to the dependent
 */
public record Dependency(String name, Condition condition, OnExit onExit) {

  /** What the end of a dependency's run (a crash, an exit, a restart for health) does to its running dependents. */
  public enum OnExit {
    /** Nothing at once; a restart of the dependent waits until the dependency meets the condition again. Never crash-loops it. */
    KEEP,
    /** Stop the dependent now and start it again once the dependency meets the condition (not counted against its start limit). */
    RESTART,
    /** Stop the dependent now; it stays stopped. */
    STOP
  }

  /** A dependency whose end leaves the dependent running ({@link OnExit#KEEP}). */
  public Dependency(String name, Condition condition) {
    this(name, condition, OnExit.KEEP);
  }

  /** How far a dependency must have come before its dependent starts. */
  public enum Condition {
    /** Running past its startup grace (docker compose's {@code service_started}). */
    STARTED,
    /**
     * Running, and its health checks have all passed ({@link HealthState#HEALTHY}) in the current run
     * (docker compose's {@code service_healthy}). The process depended on must have health checks.
     */
    HEALTHY
  }

  public Dependency {
    requireNonNull(name, "dependency name");
    requireNonNull(condition, "dependency condition");
    requireNonNull(onExit, "dependency onExit");
  }
}
