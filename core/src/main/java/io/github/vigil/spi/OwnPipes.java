package io.github.vigil.spi;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read ends of a child's output pipes that are the JDK backend's own, opened afresh through {@code /proc/self/fd}
 * (Linux), in place of the JDK's. The JDK closes its read ends once the child exits ({@code processExited()}: it takes
 * what the pipe holds then and closes it), so a descendant that still wrote to the run's output after that died of
 * {@code SIGPIPE} and its lines were lost (a leftover's trap for the stop signal, a daemon's last words); the Linux
 * backend reads its pipes until every writer is gone. Its own read ends, which the JDK does not know of, stay open
 * until the backend closes them.
 *
 * <p>Which of this JVM's descriptors are the child's pipes is read from the child, never guessed: the pipes its
 * {@code /proc/PID/fd/1} and {@code /2} name ({@code pipe:[inode]}), looked for among this JVM's descriptors, which
 * hold only their read ends. A child that already ended, or whose descriptors 1 and 2 are no longer two distinct pipes
 * of this JVM's (it redirected them, or its {@code /proc} entry cannot be read), keeps the JDK's streams: nothing is
 * taken that is not the run's. The JDK's streams are closed under their own lock while the JDK has not seen the exit,
 * so that the JDK never takes bytes out of the pipe into a buffer of its own that would then be lost. Not thread-safe:
 * called by the thread that spawned the child, right after the spawn.
 */
final class OwnPipes {
  private static final Logger log = LoggerFactory.getLogger(OwnPipes.class);
  private static final Path SELF_FD = Path.of("/proc/self/fd");
  /**
   * The lower of the two descriptors found last, or -1: the JDK gives a child's pipes the lowest free numbers, most
   * often the same ones again, so those are looked at first; a listing of {@code /proc/self/fd} and a readlink of each
   * entry (about 40 us and 5 us each here) only when they are not the pipes. A hint: a stale one costs a few readlinks.
   */
  private static volatile int lastFound = -1;
  private static final int HINT_BELOW = 2;
  private static final int HINT_ABOVE = 5;

  private OwnPipes() {}

  /**
   * This JVM's own read ends of {@code process}'s standard output and error, in that order, with the JDK's streams
   * closed; or null, with the JDK's streams left as they are, where that cannot be done for sure.
   */
  static InputStream @Nullable [] open(Process process) {
    String outPipe = link(Path.of("/proc", Long.toString(process.pid()), "fd", "1"));
    String errPipe = link(Path.of("/proc", Long.toString(process.pid()), "fd", "2"));
    if (outPipe == null || errPipe == null || !outPipe.startsWith("pipe:") || !errPipe.startsWith("pipe:") || outPipe.equals(errPipe)) {
      return null; // ended already (its descriptors are gone), redirected, or not ours to read
    }
    int[] found = {-1, -1};
    int hint = lastFound;
    for (int d = 0; hint >= 0 && d <= HINT_ABOVE + HINT_BELOW && (found[0] < 0 || found[1] < 0); d++) {
      int fd = d <= HINT_ABOVE ? hint + d : hint + HINT_ABOVE - d; // hint, hint + 1, ... hint + 5, then hint - 1, hint - 2
      if (fd >= 0) {
        match(fd, outPipe, errPipe, found);
      }
    }
    if (found[0] < 0 || found[1] < 0) {
      int[] fds = ownDescriptors();
      // the JDK made the pipes last, with the lowest free numbers: in a table without holes, the highest ones
      for (int i = fds.length - 1; i >= 0 && (found[0] < 0 || found[1] < 0); i--) {
        match(fds[i], outPipe, errPipe, found);
      }
    }
    int outFd = found[0];
    int errFd = found[1];
    if (outFd < 0 || errFd < 0) {
      return null; // not pipes this JVM reads: the child's own
    }
    lastFound = Math.min(outFd, errFd);
    FileInputStream out = null;
    FileInputStream err = null;
    try {
      // a pipe opened through /proc for reading is a new reader of that pipe, at once (no wait for a writer)
      out = new FileInputStream(SELF_FD.resolve(Integer.toString(outFd)).toFile());
      err = new FileInputStream(SELF_FD.resolve(Integer.toString(errFd)).toFile());
      InputStream jdkOut = process.getInputStream();
      InputStream jdkErr = process.getErrorStream();
      // the JDK's processExited() holds each stream's lock while it takes what the pipe holds and closes its descriptor;
      // it runs after the process is marked exited. Under both locks, alive means it has not run, and will find the
      // streams closed: the JDK had not closed the descriptors opened above either (nothing else closes them), so no
      // other file had taken their numbers, and no byte went into a buffer of the JDK's
      synchronized (jdkOut) {
        synchronized (jdkErr) {
          if (!process.isAlive()) {
            closeQuietly(out, err);
            return null; // what the JDK took (or is taking) is read from its streams
          }
          jdkOut.close();
          jdkErr.close();
        }
      }
      return new InputStream[] {out, err};
    } catch (IOException | RuntimeException e) {
      log.debug("Cannot open the output pipes of pid {} anew; the JDK's are read", process.pid(), e);
      closeQuietly(out, err);
      return null;
    }
  }

  /** Notes {@code fd} in {@code found} (standard output's, then error's) if it is this JVM's descriptor on either pipe. */
  private static void match(int fd, String outPipe, String errPipe, int[] found) {
    String target = link(SELF_FD.resolve(Integer.toString(fd)));
    if (outPipe.equals(target)) {
      found[0] = fd;
    } else if (errPipe.equals(target)) {
      found[1] = fd;
    }
  }

  private static int[] ownDescriptors() {
    int[] fds = new int[64];
    int n = 0;
    try (DirectoryStream<Path> listing = Files.newDirectoryStream(SELF_FD)) {
      for (Path p : listing) {
        String name = p.getFileName().toString();
        int fd;
        try {
          fd = Integer.parseInt(name);
        } catch (NumberFormatException e) {
          continue;
        }
        if (n == fds.length) {
          fds = Arrays.copyOf(fds, n * 2);
        }
        fds[n++] = fd;
      }
    } catch (IOException | RuntimeException e) {
      return new int[0];
    }
    fds = Arrays.copyOf(fds, n);
    Arrays.sort(fds);
    return fds;
  }

  private static @Nullable String link(Path p) {
    try {
      return Files.readSymbolicLink(p).toString();
    } catch (IOException | RuntimeException e) {
      return null; // gone, or not ours to read
    }
  }

  static void closeQuietly(@Nullable InputStream... streams) {
    for (InputStream s : streams) {
      if (s != null) {
        try {
          s.close();
        } catch (IOException e) {
          log.debug("Closing an output pipe failed", e);
        }
      }
    }
  }
}
