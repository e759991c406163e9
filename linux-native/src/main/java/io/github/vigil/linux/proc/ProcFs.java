package io.github.vigil.linux.proc;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads processes from a {@code /proc} tree. A process that vanishes while it is read is
 * {@link Optional#empty()}; a line that cannot be parsed throws.
 *
 * <p>Thread-safe: stateless apart from the root.
 */
public final class ProcFs {
  private final Path root;

  /** Reads {@code /proc}. */
  public ProcFs() {
    this(Path.of("/proc"));
  }

  /** Reads the tree at {@code root}, e.g. a fixture directory in tests. */
  public ProcFs(Path root) {
    this.root = requireNonNull(root, "root");
  }

  /** Every numeric entry: the processes alive (or zombie) now. */
  public List<Integer> pids() {
    List<Integer> pids = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(root)) {
      for (Path p : dir) {
        String n = p.getFileName().toString();
        if (!n.isEmpty() && n.chars().allMatch(Character::isDigit)) {
          pids.add(Integer.parseInt(n));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + root + ": " + e, e);
    }
    return pids;
  }

  /** The stat of {@code pid}, or empty if it is gone. */
  public Optional<ProcStat> stat(int pid) {
    return read(pid, "stat").map(ProcStat::parse);
  }

  /** Every process's stat; processes that vanish meanwhile are left out. */
  public List<ProcStat> all() {
    List<ProcStat> all = new ArrayList<>();
    for (int pid : pids()) {
      stat(pid).ifPresent(all::add);
    }
    return all;
  }

  /** Whether {@code pid}'s environment holds the entry {@code "NAME=value"} exactly; false if unreadable or gone. */
  public boolean environContains(int pid, String entry) {
    try {
      byte[] env = Files.readAllBytes(root.resolve(Integer.toString(pid)).resolve("environ"));
      String want = new String(entry.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
      for (String e : new String(env, StandardCharsets.ISO_8859_1).split("\0")) {
        if (e.equals(want)) {
          return true;
        }
      }
      return false;
    } catch (IOException | SecurityException e) {
      return false;
    }
  }

  /** The value of variable {@code name} in {@code pid}'s environment, if readable and set. */
  public Optional<String> environValue(int pid, String name) {
    try {
      byte[] env = Files.readAllBytes(root.resolve(Integer.toString(pid)).resolve("environ"));
      String prefix = name + "=";
      for (String e : new String(env, StandardCharsets.UTF_8).split("\0")) {
        if (e.startsWith(prefix)) {
          return Optional.of(e.substring(prefix.length()));
        }
      }
      return Optional.empty();
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }

  /** The number of threads ({@code /proc/PID/task} entries), 0 if gone. */
  public int threads(int pid) {
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(root.resolve(Integer.toString(pid)).resolve("task"))) {
      int n = 0;
      for (Path ignored : dir) {
        n++;
      }
      return n;
    } catch (IOException e) {
      return 0;
    }
  }

  /**
   * Whether {@code stat} names a process still running: not ended ({@link ProcStat#ended()}), or a zombie
   * thread-group leader whose other threads still run (its {@code stat} shows {@code Z} while it works).
   */
  public boolean running(ProcStat stat) {
    return !stat.ended() || stat.zombie() && threads(stat.pid()) > 1;
  }

  /** The bytes of {@code /proc/PID/<file>} as they are (a command line in its own encoding), or empty if the process is gone. */
  public Optional<byte[]> readBytes(int pid, String file) {
    try {
      return Optional.of(Files.readAllBytes(root.resolve(Integer.toString(pid)).resolve(file)));
    } catch (IOException e) {
      return Optional.empty(); // gone, or went away between open and read (ESRCH)
    }
  }

  /** The contents of {@code /proc/PID/<file>}, or empty if the process is gone. */
  public Optional<String> read(int pid, String file) {
    try {
      // lenient decoding: comm is cut at 15 bytes, also inside a UTF-8 character, where readString would throw
      return Optional.of(new String(Files.readAllBytes(root.resolve(Integer.toString(pid)).resolve(file)), StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      // ESRCH while reading: the process went away between open and read
      return Optional.empty();
    }
  }
}
