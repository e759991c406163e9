package io.github.vigil;

/**
 * Where an attached process stands.
 *
 * <p>Thread-safe: an enum.
 */
public enum AttachState {
  /** At least one matching process is alive. */
  RUNNING,
  /** Processes matched earlier have all exited, and nothing matches now. */
  STOPPED,
  /** Nothing has matched since the attachment was made (e.g. the pid file does not exist yet). */
  NOT_FOUND,
  /** The target cannot be examined (e.g. an unreadable or malformed pid file); the status says why. */
  ERROR
}
