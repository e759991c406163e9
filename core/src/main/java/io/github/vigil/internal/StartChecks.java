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
    return resolveExecutable(program, dir, environment, true);
  }

  private static Path resolveExecutable(String program, @Nullable Path dir, Map<String, String> environment, boolean interpreters)
      throws Failure {
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
      if (interpreters) {
        checkInterpreter(p, environment);
      }
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
          if (interpreters) {
            checkInterpreter(candidate, environment);
          }
          return candidate.toAbsolutePath();
        }
        sawNonExecutable = true;
      }
    }
    throw new Failure(sawNonExecutable
        ? "binary '" + program + "' found on PATH but not executable (PATH=" + path + ")"
        : "binary '" + program + "' not found on PATH (" + path + ")");
  }

  /**
   * A script's {@code #!} interpreter, and for {@code #!/usr/bin/env NAME} the NAME on the child's
   * {@code PATH}: where it is missing the kernel's exec fails with ENOENT, which a wrapper shell or the
   * JDK reports as "script not found" or an exit code 127 although the script exists.
   */
  static void checkInterpreter(Path script, Map<String, String> environment) throws Failure {
    byte[] head = new byte[256];
    int n;
    try (java.io.InputStream in = Files.newInputStream(script)) {
      n = in.readNBytes(head, 0, head.length);
    } catch (java.io.IOException | SecurityException e) {
      return; // unreadable but executable (mode --x): the exec itself will tell
    }
    if (n < 2 || head[0] != '#' || head[1] != '!') {
      return;
    }
    int end = 2;
    while (end < n && head[end] != '\n') {
      end++;
    }
    String[] words = new String(head, 2, end - 2, java.nio.charset.StandardCharsets.UTF_8).trim().split("[ \t]+");
    if (words.length == 0 || words[0].isEmpty()) {
      return;
    }
    Path interpreter = Path.of(words[0]);
    if (!Files.isRegularFile(interpreter) || !Files.isExecutable(interpreter)) {
      throw new Failure("script " + script + " names the interpreter " + words[0] + " in its #! line, which "
          + (Files.exists(interpreter) ? "is not an executable file" : "does not exist"));
    }
    if (interpreter.getFileName() != null && interpreter.getFileName().toString().equals("env") && words.length > 1
        && !words[1].startsWith("-") && words[1].indexOf('=') < 0) {
      try {
        resolveExecutable(words[1], null, environment, false); // one level: an interpreter script is not followed
      } catch (Failure e) {
        throw new Failure("script " + script + " runs the interpreter '" + words[1] + "' through " + words[0]
            + " in its #! line: " + e.getMessage());
      }
    }
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
