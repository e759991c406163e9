package io.github.vigil.linux.proc;

import static java.util.Objects.requireNonNull;

import io.github.vigil.spi.ProcessEntry;
import io.github.vigil.spi.ProcessTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The machine's processes from {@code /proc}: per process {@code stat} (name, start time, parent) and
 * {@code cmdline}, which every user may read. The start time is the boot time read once (so that two
 * readings of one process always agree) plus {@code starttime} in clock ticks. A process that
 * vanishes while it is read is left out, and so is one that has ended ({@link ProcStat#ended()}: a zombie, not reaped
 * yet, or dead: no living process, as {@link ProcessTable#get} says); whether a watched process is alive is for a
 * pidfd to say, not this table.
 *
 * <p>Cost: one directory listing plus two small reads per process; measured in
 * {@code linux-native/bench/README.md}.
 *
 * <p>Thread-safe: no mutable state.
 */
public final class ProcTable implements ProcessTable {
  private final Path procRoot;
  private final long bootMillis;
  private final long clockTicks;

  /** A table of {@code procRoot} (normally {@code /proc}); {@code clockTicks} from {@code sysconf(_SC_CLK_TCK)}. */
  public ProcTable(Path procRoot, long clockTicks) {
    this.procRoot = requireNonNull(procRoot, "procRoot");
    if (clockTicks <= 0) {
      throw new IllegalArgumentException("clockTicks must be positive: " + clockTicks);
    }
    this.clockTicks = clockTicks;
    this.bootMillis = SystemConstants.read(procRoot, new ProcReader(4096)).bootMillis();
  }

  @Override
  public List<ProcessEntry> list() {
    List<ProcessEntry> all = new ArrayList<>(512);
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(procRoot)) {
      for (Path p : dir) {
        String n = p.getFileName().toString();
        if (isPid(n)) {
          read(Long.parseLong(n)).ifPresent(all::add);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + procRoot + ": " + e.getMessage(), e);
    }
    return all;
  }

  @Override
  public Optional<ProcessEntry> get(long pid) {
    return pid > 0 ? read(pid) : Optional.empty();
  }

  private Optional<ProcessEntry> read(long pid) {
    Path dir = procRoot.resolve(Long.toString(pid));
    ProcStat stat;
    byte[] cmdline;
    try {
      // decoded leniently: comm is cut at 15 bytes, also inside a UTF-8 character (readString would throw)
      stat = ProcStat.parse(new String(Files.readAllBytes(dir.resolve("stat")), StandardCharsets.UTF_8));
      cmdline = Files.readAllBytes(dir.resolve("cmdline"));
    } catch (IOException e) {
      return Optional.empty(); // gone, or refused
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // torn or foreign stat line: skip it rather than fail the whole table
    }
    if (stat.ended()) {
      return Optional.empty(); // an attachment counted it among the processes of its name, or its pid file's as running
    }
    Instant start = Instant.ofEpochMilli(bootMillis + stat.startTicks() * 1000 / clockTicks);
    String argv0 = argv0(cmdline); // before arguments(), which turns the NULs into spaces in place
    return Optional.of(new ProcessEntry(pid, start, stat.comm(), arguments(cmdline), argv0, stat.ppid()));
  }

  /**
   * {@code cmdline}'s first argument: up to the first NUL, so spaces, parentheses and newlines in it are
   * kept. A process that rewrote its command line as one string (nginx's "nginx: master process ...")
   * has that whole string here.
   */
  static String argv0(byte[] cmdline) {
    int end = 0;
    while (end < cmdline.length && cmdline[end] != 0) {
      end++;
    }
    return new String(cmdline, 0, end, StandardCharsets.UTF_8);
  }

  /** {@code cmdline}'s NUL-separated arguments joined by single spaces, without the trailing NUL. */
  static String arguments(byte[] cmdline) {
    int len = cmdline.length;
    while (len > 0 && cmdline[len - 1] == 0) {
      len--;
    }
    for (int i = 0; i < len; i++) {
      if (cmdline[i] == 0) {
        cmdline[i] = ' ';
      }
    }
    return new String(cmdline, 0, len, StandardCharsets.UTF_8);
  }

  private static boolean isPid(String s) {
    if (s.isEmpty() || s.length() > 10) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return "ProcTable{" + procRoot + "}";
  }
}
