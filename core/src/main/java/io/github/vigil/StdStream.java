package io.github.vigil;

/**
 * A child's standard output or standard error.
 *
 * <p>Thread-safe: an enum.
 */
public enum StdStream {
  STDOUT,
  STDERR
}
