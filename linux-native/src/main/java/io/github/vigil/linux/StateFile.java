package io.github.vigil.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What the backend must remember across a crash of the JVM, in {@code linux-backend.state} in the
 * supervisor's state directory: its cgroup base directories and the runs it has started (pid,
 * start time in clock ticks, name), rewritten atomically on each change.
 *
 * <pre>
 * base /sys/fs/cgroup/unified/vigil-0123456789abcdef
 * run 4711 123456 quote-feed
 * </pre>
 *
 * <p>Not thread-safe: written by the backend's event loop only.
 */
final class StateFile {
  static final String NAME = "linux-backend.state";

  /** One run recorded in the file. */
  record Run(int pid, long startTicks, String name) {}

  /** The file's contents. */
  record Contents(List<Path> bases, List<Run> runs) {}

  private final @Nullable Path file;

  StateFile(@Nullable Path stateDirectory) {
    this.file = stateDirectory == null ? null : stateDirectory.resolve(NAME);
  }

  /** The file, or null without a state directory. */
  @Nullable Path file() {
    return file;
  }

  boolean enabled() {
    return file != null;
  }

  /** Reads the file; empty contents when it is absent. Malformed lines are skipped. */
  Contents read() {
    List<Path> bases = new ArrayList<>();
    List<Run> runs = new ArrayList<>();
    if (file == null || !Files.exists(file)) {
      return new Contents(bases, runs);
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        String[] f = line.split(" ", 4);
        try {
          if (f[0].equals("base") && f.length >= 2) {
            bases.add(Path.of(line.substring(5)));
          } else if (f[0].equals("run") && f.length == 4) {
            runs.add(new Run(Integer.parseInt(f[1]), Long.parseLong(f[2]), f[3]));
          }
        } catch (RuntimeException malformed) {
          // a torn line from a crash mid-write cannot happen (atomic rename), but a hand edit can
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e, e);
    }
    return new Contents(bases, runs);
  }

  /** Replaces the file with these bases and runs. */
  void write(List<Path> bases, Map<Integer, Run> runs) throws IOException {
    if (file == null) {
      return;
    }
    StringBuilder sb = new StringBuilder("# Vigil Linux backend: what to clean up if this JVM dies; do not edit\n");
    for (Path b : bases) {
      sb.append("base ").append(b).append('\n');
    }
    for (Run r : runs.values()) {
      sb.append("run ").append(r.pid()).append(' ').append(r.startTicks()).append(' ').append(r.name()).append('\n');
    }
    Path tmp = file.resolveSibling(NAME + ".tmp");
    try {
      Files.writeString(tmp, sb, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      // the directory was removed while this JVM runs (a cleanup of /var/lib): made again; looked for only then, since
      // a write follows each start and exit
      Files.createDirectories(file.getParent());
      Files.writeString(tmp, sb, StandardCharsets.UTF_8);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Deletes the file after a clean close. */
  void delete() {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // the next start finds nothing to clean in it
      }
    }
  }
}
