package io.github.vigil;

import org.jspecify.annotations.Nullable;

/**
 * A start, stop or restart did not reach its state: the process failed, was stopped meanwhile, or
 * the wait timed out. Carries the status at that moment.
 */
public class ProcessOperationException extends RuntimeException {

  private final transient @Nullable ProcessStatus status;

  public ProcessOperationException(String message, ProcessStatus status) {
    super(message);
    this.status = status;
  }

  public ProcessOperationException(String message, ProcessStatus status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The process's status when the operation gave up; may be {@code null} if unknown. */
  public @Nullable ProcessStatus status() {
    return status;
  }
}
