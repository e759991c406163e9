package io.github.vigil.journal;

/**
 * Why a process was restarted, as a restart report classifies it.
 *
 * <p>Thread-safe: an enum.
 */
public enum RestartCause {
  /** Killed by the kernel's out-of-memory killer (a memory limit, or the machine out of memory). */
  OOM_KILL("OOM kill"),
  /** Killed by a signal it did not get from Vigil: SIGSEGV, SIGABRT, SIGKILL from outside... */
  SIGNAL("crash by signal"),
  /** Exited with a failure code, or could not start. */
  ERROR_EXIT("error exit"),
  /** Restarted because a liveness check failed. */
  HEALTH("health check"),
  /** Restarted because a resource rule (memory, CPU, descriptors) was broken. */
  RESOURCE_LIMIT("resource limit"),
  /**
   * The supervisor's JVM ended (killed, crashed, its host rebooted) while the process ran, and the journal did not hear
   * the process end; the next JVM started it again. When it went down is not known: the restart is dated at the next
   * JVM's registration of the process, and its recovery counts from there.
   */
  SUPERVISOR_ENDED("supervisor ended"),
  /**
   * Stopped and started again by its supervision group because another child of the group ended (a sibling it comes
   * after crashed, under {@code REST_FOR_ONE}; any other, under {@code ONE_FOR_ALL}), or because the group itself was
   * restarted by its parent after it escalated. Its own run did not fail: the restart is dated at the group's stop of
   * it, and its recovery counts from there. {@link RestartReport.Restart#detail()} names the group and the child whose
   * end it was ({@code with group desk (REST_FOR_ONE): md crashed (SIGKILL)}).
   */
  GROUP("group restart"),
  /**
   * Stopped and started again because a process it depends on with {@code Dependency.OnExit.RESTART} ended (crashed or
   * exited). Its own run did not fail: the restart is dated at the stop of it (core's {@code CommandIssued} {@code
   * RESTART} of origin {@code DEPENDENCY}), and its recovery counts from there to {@code RUNNING} again, its wait for the
   * dependency included. {@link RestartReport.Restart#detail()} names the dependency and how it ended ({@code dependency
   * feed crashed (SIGKILL)}).
   */
  DEPENDENCY("dependency restart"),
  /** Restarted by an operator or a program through the API. */
  MANUAL("manual");

  private final String label;

  RestartCause(String label) {
    this.label = label;
  }

  /** How reports name it. */
  public String label() {
    return label;
  }
}
