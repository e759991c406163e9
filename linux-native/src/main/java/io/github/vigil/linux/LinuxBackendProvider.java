package io.github.vigil.linux;

import io.github.vigil.spi.BackendContext;
import io.github.vigil.spi.ProcessBackend;
import io.github.vigil.spi.ProcessBackendProvider;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provides the Linux backend ({@code "linux"}, priority 10): available on Linux when JNA loads and
 * the kernel has pidfds (5.3+). Listed in {@code META-INF/services}, so a supervisor picks it over the
 * JDK backend whenever {@code vigil-linux-native} is on the class path.
 *
 * <p>Thread-safe.
 */
public final class LinuxBackendProvider implements ProcessBackendProvider {
  private static final Logger log = LoggerFactory.getLogger(LinuxBackendProvider.class);

  @Override
  public String name() {
    return "linux";
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public boolean isAvailable() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
      return false;
    }
    try {
      Kernel.checkAvailable();
      return true;
    } catch (LinkageError | RuntimeException e) {
      log.info("The Linux backend is not available here ({}); the next backend is used", e.toString());
      return false;
    }
  }

  @Override
  public ProcessBackend create(BackendContext context) {
    return new LinuxProcessBackend(context, HostFacts.detect());
  }
}
