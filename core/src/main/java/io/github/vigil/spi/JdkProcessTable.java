package io.github.vigil.spi;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The portable {@link ProcessTable}, on {@link ProcessHandle}: pid, start time, the name (the
 * kernel's {@code comm} where there is a {@code /proc}, as {@code pgrep -x} matches it, else the
 * executable's file name) and the command line (the arguments as given, from {@code /proc/PID/cmdline}
 * where there is a {@code /proc}, as {@code pgrep -f} matches them, else as the JDK reports it). Processes whose start time the JDK cannot
 * tell are left out (they could not be told apart from a later process with the same pid). Where
 * the JDK does not know a process's command line (e.g. another user's process on some systems),
 * it is empty and only its name can match. A zombie (a process that ended and is not reaped yet) is
 * neither listed nor living, where {@code /proc} tells (the JDK's {@link ProcessHandle#isAlive()} counts it).
 *
 * <p>Thread-safe and stateless.
 */
final class JdkProcessTable implements ProcessTable {

  /** The one instance. */
  public static final JdkProcessTable INSTANCE = new JdkProcessTable();

  private JdkProcessTable() {}

  @Override
  public List<ProcessEntry> list() {
    List<ProcessEntry> all = new ArrayList<>();
    try (Stream<ProcessHandle> s = ProcessHandle.allProcesses()) {
      s.filter(h -> !ProcFiles.hasEnded(h.pid())).forEach(h -> entry(h).ifPresent(all::add));
    }
    return all;
  }

  @Override
  public Optional<ProcessEntry> get(long pid) {
    // isAlive() alone counts a zombie (ended, not reaped yet: by a parent that never waits, it stays one) or a dead process as living
    return ProcessHandle.of(pid).filter(ProcFiles::isLive).flatMap(JdkProcessTable::entry);
  }

  private static Optional<ProcessEntry> entry(ProcessHandle h) {
    ProcessHandle.Info info = h.info();
    Optional<Instant> start = info.startInstant();
    if (start.isEmpty()) {
      return Optional.empty();
    }
    String command = info.command().orElse("");
    // comm: a program run through a symlink (redis-server -> redis-check-rdb) is named after the link, not the file
    String name = comm(h.pid()).orElse(command.isEmpty() ? "" : fileName(command));
    // the arguments as given (what pgrep -f and the Linux backend match), where there is a /proc: the JDK's
    // commandLine() puts the executable's resolved path first (python3.11 for a python3 run through a link)
    byte[] cmdline = cmdline(h.pid());
    String line = cmdline.length > 0 ? arguments(cmdline) : info.commandLine().orElse("");
    if (line.isEmpty() && !command.isEmpty()) {
      line = command + info.arguments().map(a -> a.length == 0 ? "" : " " + String.join(" ", a)).orElse("");
    }
    return Optional.of(new ProcessEntry(h.pid(), start.get(), name, line, cmdline.length > 0 ? argv0(cmdline) : firstWord(line),
        h.parent().map(ProcessHandle::pid).orElse(-1L)));
  }

  /**
   * {@code h}'s command line as {@code ps} shows it, for a person: its arguments as given where there is a {@code /proc},
   * else as the JDK reports it, else {@code "?"}. The JDK's {@code commandLine()} puts the executable's resolved path
   * first and drops what a program wrote over its arguments: a leftover redis-server read {@code /usr/bin/redis-check-rdb }
   * (its link's target, a trailing space, not its address), an nginx master {@code /usr/sbin/nginx } (not its {@code -c}).
   */
  static String commandLine(ProcessHandle h) {
    byte[] cmdline = cmdline(h.pid());
    String line = cmdline.length > 0 ? arguments(cmdline).strip() : "";
    return !line.isEmpty() ? line : h.info().commandLine().map(String::strip).filter(l -> !l.isEmpty()).orElse("?");
  }

  /** {@code /proc/PID/cmdline}, empty where there is no {@code /proc} or it cannot be read (or the process has none). */
  private static byte[] cmdline(long pid) {
    try {
      return java.nio.file.Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
    } catch (java.io.IOException | RuntimeException e) {
      return new byte[0]; // no /proc (macOS), gone, or refused
    }
  }

  /** The first argument of a {@code cmdline}, up to its first NUL. */
  private static String argv0(byte[] cmdline) {
    int end = 0;
    while (end < cmdline.length && cmdline[end] != 0) {
      end++;
    }
    return new String(cmdline, 0, end, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A {@code cmdline}'s NUL-separated arguments joined by single spaces, without the trailing NUL. */
  private static String arguments(byte[] cmdline) {
    int len = cmdline.length;
    while (len > 0 && cmdline[len - 1] == 0) {
      len--;
    }
    byte[] joined = java.util.Arrays.copyOf(cmdline, len);
    for (int i = 0; i < len; i++) {
      if (joined[i] == 0) {
        joined[i] = ' ';
      }
    }
    return new String(joined, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** {@code /proc/PID/comm}, where there is a {@code /proc}. */
  private static Optional<String> comm(long pid) {
    try {
      String comm = java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "comm"), java.nio.charset.StandardCharsets.UTF_8);
      String name = comm.endsWith("\n") ? comm.substring(0, comm.length() - 1) : comm;
      return name.isEmpty() ? Optional.empty() : Optional.of(name);
    } catch (java.io.IOException | RuntimeException e) {
      return Optional.empty(); // no /proc (macOS), gone, or refused
    }
  }

  private static String firstWord(String line) {
    int space = line.indexOf(' ');
    return space < 0 ? line : line.substring(0, space);
  }

  private static String fileName(String path) {
    Path p = Path.of(path).getFileName();
    return p == null ? path : p.toString();
  }
}
