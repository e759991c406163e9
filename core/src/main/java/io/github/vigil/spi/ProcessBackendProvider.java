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
}
