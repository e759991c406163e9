package io.github.vigil.spi;

/**
 * Creates a {@link ProcessBackend}; found through {@link java.util.ServiceLoader}. Each module lists
 * its provider in {@code META-INF/services/io.github.vigil.spi.ProcessBackendProvider}; the
 * supervisor picks the available provider with the highest priority unless told a name.
 *
 * <p>Implementations must be thread-safe.
 */
public interface ProcessBackendProvider {

  /** A short name: {@code "jdk"}, {@code "linux"}. */
  String name();

  /** Higher wins. The JDK backend is 0 and always available. */
  int priority();

  /** Whether this backend can work here (right OS, native library loads, kernel features present). */
  boolean isAvailable();

  /** Creates a backend for one supervisor. */
  ProcessBackend create(BackendContext context);

  /**
   * Kills what this provider's backend, run by an earlier JVM on {@code context}'s state directory, left running when
   * that JVM died without closing (what the backend finds and kills itself when it is created there), each logged at
   * WARN, and forgets it. The supervisor calls it on every provider it found other than the one it picked, after it
   * created its backend, so that a killed JVM's leftovers (a process holding a port its next run needs) are not left
   * running when the next JVM on that state directory uses another backend. Nothing without a state directory.
   *
   * <p>The default does nothing: for a backend that leaves nothing behind, or keeps no record of it.
   */
  default void sweepLeftovers(BackendContext context) {}
}
