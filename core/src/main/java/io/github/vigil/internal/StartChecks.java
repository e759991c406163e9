package io.github.vigil.internal;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
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

  /**
   * The {@code PWD} a program started in {@code dir} is to be given, as a shell started there sets it: null (keep
   * {@code pwd}) where there is no directory (this JVM's) or {@code pwd} already names it (by a link, say), else the
   * directory's absolute path. A program that reads {@code PWD} rather than asking for its directory was given this
   * JVM's by the JDK backend and by exec checks; the Linux backend's wrapper shell set it, from the same rule.
   */
  static @Nullable String pwdFor(@Nullable String pwd, @Nullable Path dir) {
    if (dir == null || WINDOWS) {
      return null;
    }
    Path absolute = dir.toAbsolutePath().normalize();
    if (pwd != null && pwd.startsWith("/")) {
      try {
        if (Files.isSameFile(Path.of(pwd), absolute)) {
          return null;
        }
      } catch (java.io.IOException | InvalidPathException e) {
        // gone or not a path: not the directory
      }
    }
    return absolute.toString();
  }

  /**
   * What the last check of one process's program read from the file's head: its {@code #!} line, or that it has
   * none. A restart runs the same file, mostly, and while the file is the same (its device and inode, size and
   * modification time) its head is not opened and read again: on a restart's path, where that read and its
   * checks ran interpreted, it took about 100 µs. A process's own program has one ({@link ManagedProcess}), and so does
   * each exec health check's ({@link HealthMonitor}), whose attempts run on the check pool. Thread-safe: a start writes
   * a whole head (one at a time for a process's starts; an exec check's attempt abandoned at its timeout may overlap
   * the next), and any thread may read it: each use compares it with the file's attributes as they are then.
   */
  static final class LastHead {
    private volatile @Nullable Head head;

    private record Head(Path file, Object fileKey, FileTime modified, long size, String @Nullable [] shebang) {
      boolean isOf(Path p, BasicFileAttributes a) {
        return file.equals(p) && fileKey.equals(a.fileKey()) && modified.equals(a.lastModifiedTime()) && size == a.size();
      }
    }
  }

  /** The program as an absolute path, searched on the child's {@code PATH} when it is a bare name. */
  static Path resolveExecutable(String program, @Nullable Path dir, Map<String, String> environment) throws Failure {
    return resolveExecutable(program, dir, environment, true, null);
  }

  /** As {@link #resolveExecutable(String, Path, Map)}; a script's {@code #!} line is read again only when the file changed since {@code last}. */
  static Path resolveExecutable(String program, @Nullable Path dir, Map<String, String> environment, LastHead last) throws Failure {
    return resolveExecutable(program, dir, environment, true, last);
  }

  private static Path resolveExecutable(String program, @Nullable Path dir, Map<String, String> environment, boolean interpreters,
      @Nullable LastHead last) throws Failure {
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
      BasicFileAttributes attributes = checkExecutable(p, program);
      if (interpreters) {
        checkInterpreter(p, attributes, environment, last);
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
            checkInterpreter(candidate, attributesOrNull(candidate), environment, last);
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
  private static void checkInterpreter(Path script, @Nullable BasicFileAttributes attributes, Map<String, String> environment,
      @Nullable LastHead last) throws Failure {
    LastHead.Head seen = last != null && attributes != null ? last.head : null;
    String[] words;
    if (seen != null && seen.isOf(script, attributes)) {
      words = seen.shebang();
    } else {
      words = shebang(script);
      Object key = attributes != null ? attributes.fileKey() : null;
      if (words == UNREADABLE) {
        words = null; // not remembered: made readable (a chmod changes no modification time), it is read then
      } else if (last != null && key != null) { // no key (a file system without inodes): nothing tells the same file apart
        last.head = new LastHead.Head(script, key, attributes.lastModifiedTime(), attributes.size(), words);
      }
    }
    if (words == null) {
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
        resolveExecutable(words[1], null, environment, false, null); // one level: an interpreter script is not followed
      } catch (Failure e) {
        throw new Failure("script " + script + " runs the interpreter '" + words[1] + "' through " + words[0]
            + " in its #! line: " + e.getMessage());
      }
    }
  }

  private static final String[] UNREADABLE = new String[0];

  /** Told the path of each program whose head is read, for tests that count the reads; null otherwise. */
  static volatile java.util.function.@Nullable Consumer<Path> headReadSeam;

  /** The words of the file's {@code #!} line; null where it has none; {@link #UNREADABLE} where it cannot be read. */
  private static String @Nullable [] shebang(Path script) {
    java.util.function.Consumer<Path> seam = headReadSeam;
    if (seam != null) {
      seam.accept(script);
    }
    byte[] head = new byte[256];
    int n;
    try (java.io.InputStream in = Files.newInputStream(script)) {
      n = in.readNBytes(head, 0, head.length);
    } catch (java.io.IOException | SecurityException e) {
      return UNREADABLE; // executable but not readable (mode --x): the exec itself will tell
    }
    if (n < 2 || head[0] != '#' || head[1] != '!') {
      return null;
    }
    int end = 2;
    while (end < n && head[end] != '\n') {
      end++;
    }
    String[] words = new String(head, 2, end - 2, java.nio.charset.StandardCharsets.UTF_8).trim().split("[ \t]+");
    return words.length == 0 || words[0].isEmpty() ? null : words;
  }

  private static @Nullable BasicFileAttributes attributesOrNull(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class);
    } catch (java.io.IOException e) {
      return null; // gone since it was found: the head is read, not remembered
    }
  }

  /** Its attributes (one {@code stat}), once it is found to exist, not as a directory, and executable. */
  private static BasicFileAttributes checkExecutable(Path p, String asWritten) throws Failure {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(p, BasicFileAttributes.class);
    } catch (java.io.IOException e) {
      throw new Failure("binary " + asWritten + " not found"); // as Files.exists says: absent, or its existence unknown
    }
    if (attributes.isDirectory()) {
      throw new Failure("binary " + asWritten + " is a directory");
    }
    if (!Files.isExecutable(p)) {
      throw new Failure("binary " + asWritten + " is not executable");
    }
    return attributes;
  }
}
