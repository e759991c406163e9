package io.github.vigil.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Where the kernel put a core dump, from {@code /proc/sys/kernel/core_pattern} (core(5)): a file whose
 * name expands the pattern's {@code %p}, {@code %e}, {@code %t}, {@code %h}, {@code %u}, relative to the
 * process's working directory; or, where the pattern pipes to systemd-coredump, the {@code coredumpctl}
 * command that shows it. Internal.
 */
final class CoreDumps {
  private CoreDumps() {}

  /** Where the core of this crash is, read from this machine's settings now; null when unknown. */
  static @Nullable String locate(@Nullable Path workingDirectory, long pid, String executable, Instant at, String host) {
    try {
      String pattern = Files.readString(Path.of("/proc/sys/kernel/core_pattern")).strip();
      boolean usesPid = "1".equals(readOrEmpty(Path.of("/proc/sys/kernel/core_uses_pid")));
      return locate(pattern, usesPid, workingDirectory, pid, executable, at, host);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Expands {@code pattern} as the kernel does for this crash. */
  static String locate(String pattern, boolean usesPid, @Nullable Path workingDirectory, long pid, String executable, Instant at, String host) {
    if (pattern.startsWith("|")) {
      String handler = pattern.substring(1).strip().split("\\s+")[0];
      if (handler.contains("systemd-coredump")) {
        return "coredumpctl info " + pid;
      }
      return "piped to " + handler;
    }
    String comm = executable.length() > 15 ? executable.substring(0, 15) : executable;
    StringBuilder b = new StringBuilder();
    boolean hasPid = false;
    for (int i = 0; i < pattern.length(); i++) {
      char ch = pattern.charAt(i);
      if (ch != '%' || i + 1 >= pattern.length()) {
        b.append(ch);
        continue;
      }
      char spec = pattern.charAt(++i);
      switch (spec) {
        case '%' -> b.append('%');
        case 'p', 'P', 'i', 'I' -> {
          b.append(pid);
          hasPid = true;
        }
        case 'e' -> b.append(comm);
        case 't' -> b.append(at.getEpochSecond());
        case 'h' -> b.append(host);
        case 'u' -> b.append(uid());
        case 's' -> b.append("SIG");
        default -> b.append('%').append(spec);
      }
    }
    if (usesPid && !hasPid) {
      b.append('.').append(pid);
    }
    Path p = Path.of(b.toString());
    if (!p.isAbsolute() && workingDirectory != null) {
      p = workingDirectory.resolve(p);
    }
    return p.toString();
  }

  private static String uid() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.substring(4).strip().split("\\s+")[0];
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return "%u";
  }

  private static String readOrEmpty(Path p) {
    try {
      return Files.readString(p).strip();
    } catch (IOException e) {
      return "";
    }
  }
}
