package io.github.vigil;

/**
 * Why a run of a supervised process ended, as Vigil classifies it.
 *
 * <p>Thread-safe: an enum.
 */
public enum ExitCause {
  /** Exited with a code the restart policy counts as success. */
  NORMAL(false),
  /** Exited with any other code. */
  ERROR_EXIT(true),
  /** Killed by a signal that Vigil did not send. */
  SIGNALED(true),
  /** Stopped on request: by the API, a shutdown, or a restart command. */
  KILLED_BY_SUPERVISOR(false),
  /** Could not be started: binary missing or not executable, working directory missing. */
  START_FAILED(true),
  /** Restarted because a liveness check failed. */
  HEALTH_CHECK_FAILED(true),
  /** Killed by the kernel's out-of-memory killer. */
  OOM_KILLED(true),
  /** Restarted because a {@link ResourceRule} was broken: memory, CPU or descriptors above their limit. */
  RESOURCE_LIMIT(true);

  private final boolean failure;

  ExitCause(boolean failure) {
    this.failure = failure;
  }

  /** Whether this ending counts as a failure for {@link RestartPolicy.Mode#ON_FAILURE}. */
  public boolean isFailure() {
    return failure;
  }
}
