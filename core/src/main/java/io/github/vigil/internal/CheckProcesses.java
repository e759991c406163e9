package io.github.vigil.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code /proc} tells an exec health check's reaper beyond {@link ProcessHandle}: the processes
 * that carry the check's variable in their environment (descendants re-parented away from the check),
 * and whether a process is an unreaped zombie. Where there is no {@code /proc} (macOS), or a process's
 * environment is not readable, nothing is found. The JDK backend keeps its own scan (with sessions) in
 * its package: the engine does not reach into a backend.
 */
final class CheckProcesses {
  private static final Path PROC = Path.of("/proc");
  private static final boolean HAS_PROC = Files.isDirectory(PROC.resolve("self"));

  private CheckProcesses() {}

  /** Live processes (not this JVM) whose environment holds {@code variable=value}. */
  static List<ProcessHandle> carrying(String variable, String value) {
    if (!HAS_PROC) {
      return List.of();
    }
    byte[] needle = ("\0" + variable + "=" + value + "\0").getBytes(StandardCharsets.UTF_8);
    List<ProcessHandle> found = new ArrayList<>();
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
      for (Path dir : dirs) {
        String name = dir.getFileName().toString();
        if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
          continue;
        }
        long pid;
        try {
          pid = Long.parseLong(name);
        } catch (NumberFormatException e) {
          continue;
        }
        if (pid == self) {
          continue;
        }
        byte[] env;
        try {
          env = Files.readAllBytes(dir.resolve("environ"));
        } catch (IOException | SecurityException e) {
          continue; // gone, or another user's
        }
        if (contains(env, needle)) {
          ProcessHandle.of(pid).ifPresent(found::add);
        }
      }
    } catch (IOException e) {
      return found;
    }
    return found;
  }

  /**
   * Whether {@code /proc} says the process has exited but is not reaped yet. {@link ProcessHandle#isAlive()}
   * counts such a zombie as alive; a descendant re-parented to a JVM that is a child subreaper (as the
   * Linux backend makes it) would stay one for good, and a stop would wait for it in vain.
   */
  static boolean isZombie(long pid) {
    if (!HAS_PROC) {
      return false;
    }
    try {
      byte[] stat = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("stat"));
      for (int i = stat.length - 1; i > 0; i--) {
        if (stat[i] == ')') {
          return i + 2 < stat.length && stat[i + 2] == 'Z';
        }
      }
      return false;
    } catch (IOException | SecurityException e) {
      return false; // gone: ProcessHandle.isAlive() says so already
    }
  }

  /** Whether {@code h} is alive and not a zombie: {@link ProcessHandle#isAlive()} alone counts zombies. */
  static boolean isLive(ProcessHandle h) {
    return h.isAlive() && !isZombie(h.pid());
  }

  /** Whether {@code env} (NUL-separated) holds the entry; the first entry has no leading NUL. */
  private static boolean contains(byte[] env, byte[] needle) {
    outer:
    for (int i = -1; i + needle.length <= env.length + 1; i++) {
      for (int j = 0; j < needle.length; j++) {
        int k = i + j;
        byte b = k < 0 || k >= env.length ? 0 : env[k];
        if (b != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
