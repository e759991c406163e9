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

  /**
   * Kills what the JDK backend's runs of an earlier JVM left running on {@code context}'s state directory, each logged
   * at WARN, and forgets them ({@code jdk-backend.state}), as the JDK backend does when it starts there. The supervisor
   * calls it when it picks another backend, so that what a killed JVM's JDK backend left running (a process that holds
   * a port its next run needs) is not left running when the next JVM on that state directory uses the Linux backend.
   * Nothing without a state directory or where the JDK backend records no runs (no {@code setsid} or {@code /proc}).
   */
  @Override
  public void sweepLeftovers(BackendContext context) {
    JdkProcessBackend.sweepLeftovers(context);
  }
}
