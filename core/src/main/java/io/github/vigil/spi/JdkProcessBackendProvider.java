package io.github.vigil.spi;

/**
 * Provides the portable JDK backend (package-private: users select it by its name, {@code "jdk"}): priority 0,
 * always available.
 *
 * <p>Thread-safe.
 */
public final class JdkProcessBackendProvider implements ProcessBackendProvider {

  @Override
  public String name() {
    return "jdk";
  }

  @Override
  public int priority() {
    return 0;
  }

  @Override
  public boolean isAvailable() {
    return true;
  }

  @Override
  public ProcessBackend create(BackendContext context) {
    return new JdkProcessBackend(context);
  }
}
