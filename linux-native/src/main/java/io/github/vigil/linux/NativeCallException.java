package io.github.vigil.linux;

/**
 * A libc call failed. The message names the call, its arguments where they help, and the error.
 *
 * <p>Immutable and thread-safe.
 */
final class NativeCallException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String call;
  private final int errno;

  /** A failure of {@code call} with error number {@code errno}. */
  public NativeCallException(String call, int errno) {
    super(call + " failed: " + describe(errno));
    this.call = call;
    this.errno = errno;
  }

  /** The call and its arguments, e.g. {@code pidfd_open(4711)}. */
  public String call() {
    return call;
  }

  /** The error number ({@code errno}) the call returned. */
  public int errno() {
    return errno;
  }

  static String describe(int errno) {
    String text;
    try {
      text = LinuxLibC.INSTANCE.strerror(errno);
    } catch (RuntimeException | LinkageError e) {
      text = null;
    }
    return (text == null ? "error" : text) + " (errno " + errno + ")";
  }
}
