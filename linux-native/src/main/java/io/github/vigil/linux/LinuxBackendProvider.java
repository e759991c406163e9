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

  /**
   * Kills what the Linux backend of an earlier JVM left running on {@code context}'s state directory (the descendants
   * of its runs, which outlive the death signal of their parents, and its cgroups), each logged at WARN, and forgets
   * it ({@code linux-backend.state}), as the Linux backend does when it is created there. For a supervisor that picked
   * another backend there ({@code backend("jdk")}): a gateway killed on the Linux backend and started again on the JDK
   * one found its old web server's port taken. Nothing without a state directory or where the Linux backend left no
   * state file; where this backend is not available here, only a WARN says what is left.
   */
  @Override
  public void sweepLeftovers(BackendContext context) {
    java.nio.file.Path dir = context.stateDirectory();
    if (dir == null || !java.nio.file.Files.exists(dir.resolve(StateFile.NAME))) {
      return;
    }
    if (!isAvailable()) {
      log.warn("Supervisor {}: the Linux backend of an earlier JVM left {} on state directory {}, but that backend is not available"
          + " here: what it left running, if anything, is not swept", context.supervisorName(), StateFile.NAME, dir);
      return;
    }
    LinuxProcessBackend.sweepLeftoversFor(context.supervisorName(), dir);
  }
}
