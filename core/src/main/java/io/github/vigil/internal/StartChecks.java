package io.github.vigil.internal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Finds the program and checks the working directory before a spawn, so a failed start says
 * exactly what is wrong ("binary /opt/feed not found") instead of the operating system's ENOENT,
 * which cannot tell a missing binary from a missing directory.
 */
final class StartChecks {
  private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

  private StartChecks() {}

  /** A failed check; the message names the path. */
  static final class Failure extends Exception {
    Failure(String message) {
      super(message);
    }
  }

  static void checkDirectory(@Nullable Path dir) throws Failure {
    if (dir == null) {
      return;
    }
    if (!Files.exists(dir)) {
      throw new Failure("working directory " + dir + " does not exist");
    }
    if (!Files.isDirectory(dir)) {
      throw new Failure("working directory " + dir + " is not a directory");
    }
  }

  /** The program as an absolute path, searched on the child's {@code PATH} when it is a bare name. */
  static Path resolveExecutable(String program, @Nullable Path dir, Map<String, String> environment) throws Failure {
    if (WINDOWS) {
      return Path.of(program); // PATHEXT and friends: leave the search to the OS
    }
    if (program.indexOf('/') >= 0) {
      Path p;
      try {
        p = Path.of(program);
      } catch (InvalidPathException e) {
        throw new Failure("binary " + program + " is not a valid path");
      }
      if (!p.isAbsolute()) {
        p = (dir != null ? dir : Path.of("")).toAbsolutePath().resolve(p).normalize();
      }
      checkExecutable(p, program);
      return p;
    }
    String path = environment.getOrDefault("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
    boolean sawNonExecutable = false;
    for (String entry : path.split(File.pathSeparator)) {
      if (entry.isEmpty()) {
        continue;
      }
      Path candidate;
      try {
        candidate = Path.of(entry, program);
      } catch (InvalidPathException e) {
        continue;
      }
      if (Files.isRegularFile(candidate)) {
        if (Files.isExecutable(candidate)) {
          return candidate.toAbsolutePath();
        }
        sawNonExecutable = true;
      }
    }
    throw new Failure(sawNonExecutable
        ? "binary '" + program + "' found on PATH but not executable (PATH=" + path + ")"
        : "binary '" + program + "' not found on PATH (" + path + ")");
  }

  private static void checkExecutable(Path p, String asWritten) throws Failure {
    if (!Files.exists(p)) {
      throw new Failure("binary " + asWritten + " not found");
    }
    if (Files.isDirectory(p)) {
      throw new Failure("binary " + asWritten + " is a directory");
    }
    if (!Files.isExecutable(p)) {
      throw new Failure("binary " + asWritten + " is not executable");
    }
  }
}
