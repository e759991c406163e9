package io.github.vigil.testing;

import io.github.vigil.spi.ProcFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Looks at real processes from outside, through /proc and {@link ProcessHandle}. */
public final class Processes {
  private Processes() {}

  /**
   * Whether this machine lets a test make a pid namespace of its own ({@code unshare --pid --fork --mount-proc}, root),
   * to run a JVM as its pid 1 as a container's {@code java -jar app.jar} runs.
   */
  public static boolean canUnsharePidNamespace() {
    try {
      Process p = new ProcessBuilder("unshare", "--pid", "--fork", "--mount-proc", "true").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** Every live process whose command line contains {@code marker}. */
  public static List<ProcessHandle> withMarker(String marker) {
    List<ProcessHandle> found = new ArrayList<>();
    ProcessHandle.allProcesses().forEach(h -> {
      if (cmdline(h.pid()).map(c -> c.contains(marker)).orElse(false) && !isZombie(h.pid())) {
        found.add(h);
      }
    });
    return found;
  }

  /** The NUL-separated command line as one string, or empty if gone. */
  public static Optional<String> cmdline(long pid) {
    try {
      return Optional.of(new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"))).replace('\0', ' '));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Whether {@code pid} runs the program named {@code comm} ({@code /proc/PID/comm}). A supervised run is
   * {@code RUNNING} from its spawn, while the wrappers in front of the program may still be exec-ing: a test that
   * reads the program's own /proc files waits for this first.
   */
  public static boolean runs(long pid, String comm) {
    try {
      return Files.readString(Path.of("/proc/" + pid + "/comm")).trim().equals(comm);
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether /proc says the process is a zombie (exited, waiting to be reaped): {@link ProcFiles#isZombie}. */
  public static boolean isZombie(long pid) {
    return ProcFiles.isZombie(pid);
  }

  /** Waits until {@code check} holds, polling; false on timeout. */
  public static boolean eventually(Duration timeout, java.util.function.BooleanSupplier check) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (check.getAsBoolean()) {
        return true;
      }
      Thread.sleep(10);
    }
    return check.getAsBoolean();
  }

  /**
   * Sends a signal with the kill command, as an outsider would, to one process.
   *
   * @throws IllegalArgumentException for a pid below 2: to {@code kill}, {@code -1} is every process the user may signal
   *     (as root, the machine's), {@code 0} the caller's process group, {@code 1} init
   */
  public static void kill(long pid, String signal) throws IOException, InterruptedException {
    if (pid < 2) {
      throw new IllegalArgumentException("pid must be a single process, 2 or more: " + pid);
    }
    Process p = new ProcessBuilder("kill", "-s", signal, Long.toString(pid)).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IOException("kill -s " + signal + " " + pid + " failed");
    }
  }

  /**
   * This JVM's descriptors open on files of {@code /proc/PID/}, relative to that directory ({@code stat},
   * {@code task/PID/children}, ...): what a sampler keeps open for a process shows which files it reads.
   */
  public static List<String> procFilesHeldOpen(long pid) {
    String prefix = "/proc/" + pid + "/";
    List<String> found = new ArrayList<>();
    List<Path> fds;
    try (java.util.stream.Stream<Path> listing = Files.list(Path.of("/proc/self/fd"))) {
      fds = listing.toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    for (Path fd : fds) {
      try {
        String target = Files.readSymbolicLink(fd).toString();
        if (target.startsWith(prefix)) {
          found.add(target.substring(prefix.length()));
        }
      } catch (IOException closedMeanwhile) {
        // the listing's own descriptor, or one closed since
      }
    }
    return found;
  }

  /** Threads of this JVM whose names start with {@code vigil-}. */
  public static List<String> vigilThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
        .filter(n -> n.startsWith("vigil-")).sorted().toList();
  }
}
