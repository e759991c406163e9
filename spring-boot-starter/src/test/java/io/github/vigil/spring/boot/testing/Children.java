package io.github.vigil.spring.boot.testing;

import io.github.vigil.spi.ProcFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Looks at real processes from outside, through /proc, as core's {@code io.github.vigil.testing.Processes}
 * does. A copy of the few methods needed, so this module's build does not need core's test-jar
 * (which a plain {@code compile} of the reactor, as the examples are run, does not produce).
 */
public final class Children {
  private Children() {}

  /** Live processes (not ended: {@link ProcFiles#hasEnded}) whose command line is exactly {@code sleep <marker>}, by any path. */
  public static List<ProcessHandle> sleepers(String marker) {
    return ProcessHandle.allProcesses()
        .filter(h -> cmdline(h.pid()).map(c -> c.trim().matches("(\\S*/)?sleep " + marker)).orElse(false))
        .filter(h -> !ProcFiles.hasEnded(h.pid())).toList();
  }

  /** The NUL-separated command line as one string, or empty if gone. */
  public static Optional<String> cmdline(long pid) {
    try {
      return Optional.of(new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8).replace('\0', ' '));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Waits until {@code check} holds, polling; false on timeout. */
  public static boolean eventually(Duration timeout, BooleanSupplier check) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (check.getAsBoolean()) {
        return true;
      }
      Thread.sleep(10);
    }
    return check.getAsBoolean();
  }

  /** SIGKILL to one real pid with the kill command, as an outsider would; never to 0, 1 or a negative number. */
  public static void kill(long pid) throws IOException, InterruptedException {
    if (pid < 2) {
      throw new IllegalArgumentException("refusing to signal pid " + pid);
    }
    Process p = new ProcessBuilder("kill", "-s", "KILL", Long.toString(pid)).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException("kill -s KILL " + pid + " failed");
    }
  }
}
