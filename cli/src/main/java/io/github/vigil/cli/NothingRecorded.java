package io.github.vigil.cli;

/** The journal has nothing of what was asked for (exit code 3); the message says what was asked and what there is. */
final class NothingRecorded extends RuntimeException {
  private static final long serialVersionUID = 1L;

  NothingRecorded(String message) {
    super(message, null, false, false);
  }
}
